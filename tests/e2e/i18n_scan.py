#!/usr/bin/env python3
"""Lists output lines that hold an English sentence (three English words in a row) once
commands, options, paths, quoted and code-like tokens are set aside: in a Japanese run, such
a line is a message left out of the catalogue. Exit 1 when there is one."""
import re, sys
words = re.compile(r"\b[A-Za-z]{2,}[,;:]? +[A-Za-z]{2,}[,;:]? +[A-Za-z]{2,}\b")
def strip(line):
    line = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"", " ", line)          # quoted: commands, names
    line = re.sub(r"\bfukan(?: [a-z-]+)?(?: [A-Z]+)?", " ", line)   # fukan COMMAND JOBDIR
    line = re.sub(r"--?[A-Za-z][\w-]*(?:[ =][A-Z_.]+\b)?", " ", line)  # options and their VALUE
    line = re.sub(r"\S*[/.@=]\S*", " ", line)                       # paths, files, hashes@seq
    line = re.sub(r"\b[A-Z0-9_-]{2,}\b", " ", line)                 # codes, serials, KEYS
    return line
bad = 0
for path in sys.argv[1:]:
    for n, line in enumerate(open(path, encoding='utf-8', errors='replace'), 1):
        if words.search(strip(line)):
            print(f"{path}:{n}: {line.rstrip()}")
            bad += 1
sys.exit(1 if bad else 0)
