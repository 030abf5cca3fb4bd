#!/usr/bin/env python3
"""The table of `make bench`: open, check and compose (1 and 2 workers) of a job of N
envelopes, each with its rate, CPU-seconds and peak RSS (the child's own accounting, wait4),
and Typst composing a comparable voucher page for as many pages as fukan's sheets, with the
ratio fukan/Typst in sheets per CPU-second. Measurements only: nothing passes or fails.

    table.py FUKAN WORKDIR SIZES [TYPST_DIR]
SIZES is a comma-separated list of envelope counts; Typst runs for sizes up to 20,000
envelopes (its memory grows with the document: 3.6 GB for 8,543 pages), beyond that the
ratio of the smallest size stands.
"""
import os, platform, re, shutil, subprocess, sys, time

fukan, work, sizes = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3].split(",")]
typst_dir = sys.argv[4] if len(sys.argv) > 4 else None
PW = "Kx9-mangoes-Tl7"
FONTS = ["/usr/share/fonts/truetype/bizud-gothic", "/usr/share/fonts/truetype/bizud-mincho"]


def run_measured(argv, cwd, env=None):
    """Runs argv in cwd, output discarded; returns (CPU seconds, peak MiB, wall seconds)."""
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd)
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execvpe(argv[0], argv, env or os.environ)
    _, status, ru = os.wait4(pid, 0)
    wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"bench: {' '.join(argv[:3])} exited {code}")
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, wall


def fk(*args, login=True):
    argv = [fukan, *args]
    if login:
        argv += ["--user", "sato", "--user-password-file", "pw"]
    return argv


def job_for(n):
    d = os.path.join(work, f"n{n}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    fd = os.open(os.path.join(d, "pw"), os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, (PW + "\n").encode())
    os.close(fd)
    order = open(os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "job.yaml"),
                 encoding="utf-8").read()
    order = re.sub(r"(?m)^expected:\n(?: .*\n)*", "", order)
    open(os.path.join(d, "order.yaml"), "w", encoding="utf-8").write(order)
    for argv in (fk("sample", "-o", "ward.csv", "--count", str(n), login=False),
                 fk("seal", "ward.csv", "-o", "package.zip", "--password-out", "package-pw",
                    login=False),
                 [fukan, "init", "job", "--order", "order.yaml", "--user", "sato", "--name",
                  "Bench", "--user-password-file", "pw", "--kdf-cost", "interactive"]):
        run_measured(argv, d)
    return d


rows = []
ratio_note = None
totals = []  # (envelopes, wall s, CPU s, peak MiB) from open to sealed print files
for n in sizes:
    d = job_for(n)
    cpu, rss, wall = run_measured(fk("open", "job", "package.zip", "--package-password-file",
                                     "package-pw"), d)
    rows.append((n, "open", f"{n / wall:,.0f} rows/s", cpu, rss))
    total = [wall, cpu, rss]
    cpu, rss, wall = run_measured(fk("check", "job"), d)
    rows.append((n, "check", f"{n / wall:,.0f} records/s", cpu, rss))
    total = [total[0] + wall, total[1] + cpu, max(total[2], rss)]
    for argv in (fk("proof", "job", "-o", "proof"), fk("proof", "job", "--approve")):
        cpu, rss, wall = run_measured(argv, d)
        total = [total[0] + wall, total[1] + cpu, max(total[2], rss)]
    shutil.copytree(os.path.join(d, "job"), os.path.join(d, "job2"), symlinks=True)
    cpu1, rss1, wall1 = run_measured(fk("compose", "job", "--jobs", "1"), d)
    sheets = 0
    out = subprocess.run(fk("printlog", "job", "--files"), cwd=d, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) > 2 and f[0].endswith(".pdf") and f[2].isdigit():
            sheets += int(f[2])
    rows.append((n, "compose --jobs 1", f"{sheets / wall1:,.0f} sheets/s", cpu1, rss1))
    cpu2, rss2, wall2 = run_measured(fk("compose", "job2", "--jobs", "2"), d)
    rows.append((n, "compose --jobs 2", f"{sheets / wall2:,.0f} sheets/s ({wall1 / wall2:.2f}x)",
                 cpu2, rss2))
    totals.append((n, total[0] + wall2, total[1] + cpu2, max(total[2], rss2)))
    if typst_dir and n <= 20000:
        cpu, rss, wall = run_measured(["node", os.path.join(typst_dir, "voucher.js"), str(sheets),
                                       os.path.join(d, "typst.pdf"), *FONTS], d,
                                      dict(os.environ, NODE_PATH=os.path.join(typst_dir,
                                                                              "node_modules")))
        rows.append((n, "Typst, same pages", f"{sheets / wall:,.0f} pages/s", cpu, rss))
        ratio_note = (n, sheets, cpu / cpu1)
    shutil.rmtree(d, ignore_errors=True)

load = os.getloadavg()
cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                  if l.startswith("model name")), platform.processor())
print(f"machine: {os.cpu_count()} cores, {cpu_model}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
print(f"{'envelopes':>10}  {'step':<20} {'rate':<28} {'CPU s':>8} {'peak MiB':>9}")
for n, step, rate, cpu, rss in rows:
    print(f"{n:>10,}  {step:<20} {rate:<28} {cpu:>8.2f} {rss:>9.0f}")
for n, wall, cpu, rss in totals:
    print(f"open to sealed print files, {n:,} envelopes (open, check, proof and its approval,"
          f" compose --jobs 2): {wall:,.1f} s, {cpu:,.1f} CPU-s, peak {rss:,.0f} MiB")
if ratio_note:
    n, sheets, ratio = ratio_note
    print(f"fukan/Typst: {ratio:.1f}x the pages per CPU-second ({sheets:,} sheets of "
          f"{n:,} envelopes, compose --jobs 1 against Typst)")
elif typst_dir:
    print("fukan/Typst: no size up to 20,000 envelopes, so no Typst run")
