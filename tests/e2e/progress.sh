#!/bin/sh
# A terminal that shows work: open, check, proof, compose, export, verify and erase report
# their progress; on a terminal (driven with `script`) a bar with done/total, the rate and the
# time left, ending in a summary line; when stderr is not a terminal, only the summary line.
. "$SRCDIR/tests/e2e/lib.sh"
command -v script >/dev/null || fail "script not found: install the Debian package bsdutils"
new_job job
"$FUKAN" sample -o ward.csv --count 300 --seed 5 >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt 2>/dev/null

# Not a terminal: one summary line per step, with the counts.
expect_exit 0 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_grep '^reading rows: 300 of 300 in [0-9]+ s \([0-9.]+/s\)$' err.txt
[ "$(grep -c 'reading rows' err.txt)" = 1 ] || fail "more than one progress line off a terminal"
grep -q "$(printf '\r')" err.txt && fail "a bar was drawn though stderr is no terminal"
expect_exit 0 as_tanaka check job
expect_grep '^checking records: 300 of 300 in ' err.txt
expect_exit 0 as_tanaka proof job -o proof
expect_grep '^rendering proof categories: ([0-9]+) of \1 in [0-9]+ s' err.txt
expect_exit 0 as_sato proof job --approve

# A terminal: the bar from the start (FUKAN_PROGRESS_AFTER=0), then the summary.
FUKAN_PROGRESS_AFTER=0 script -qec "'$FUKAN' compose job --jobs 1 --user tanaka \
  --user-password-file pw-tanaka > compose-out.txt" tty.txt > /dev/null
tr '\r' '\n' < tty.txt | sed 's/\x1b\[K//g' > tty-lines.txt
expect_grep 'composing print files \[[#.]+\] +[0-9]+%  [0-9]+/[0-9]+  [0-9.]+/s' tty-lines.txt
expect_grep '^composing print files: ([0-9]+) of \1 in [0-9]+ s' tty-lines.txt
expect_grep '^composed S ' compose-out.txt
# The enclosure check: confirming the envelopes under the job key is its long part.
expect_exit 0 as_tanaka simulate-inserter job -o scans.csv
expect_exit 0 as_tanaka verify job --camera scans.csv --assume-printed
expect_grep '^confirming envelopes: 300 of 300 in ' err.txt
# Export and erasure: files written of all, phases done of all.
expect_exit 0 as_tanaka export job --proof -o print
expect_grep '^exporting print files: ([0-9]+) of \1 in ' err.txt
expect_exit 0 as_sato erase job -o . --force --reason 'progress test'
expect_grep '^erasing the job: 8 of 8 in ' err.txt
echo ok
