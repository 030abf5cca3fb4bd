# Crash hygiene: fukan crashes (a deliberate SIGSEGV at a test crash point, compiled in only
# with -Dtest_hooks=true) while opening a package, with its records in clear in memory, and
# leaves no core file holding any of them: core dumps are switched off at start
# (PR_SET_DUMPABLE 0, RLIMIT_CORE 0), and decrypted-record buffers are MADV_DONTDUMP.
. "$SRCDIR/tests/e2e/lib.sh"
command -v iconv >/dev/null || fail "iconv is needed (apt-get install libc-bin)"
pattern=$(cat /proc/sys/kernel/core_pattern)
case $pattern in
  '|'*) fail "core_pattern pipes cores to '$pattern'; this test needs plain core files" ;;
esac
new_job job
"$FUKAN" sample -o ward-sjis.csv --count 200 >/dev/null
iconv -f CP932 -t UTF-8 ward-sjis.csv > ward.csv
"$FUKAN" seal ward-sjis.csv -o package.zip --password-out package-pw.txt 2>/dev/null

# Sample values: names, addresses, resident and voucher numbers, in UTF-8 and in CP932.
python3 - ward.csv > values.txt <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")):
    for col, value in row.items():
        value = (value or "").strip()
        if col in ("氏名", "住所", "宛名番号", "受診券整理番号") and len(value) >= 6:
            print(value)
PY
[ "$(wc -l < values.txt)" -gt 400 ] || fail "too few sample values extracted"
iconv -f UTF-8 -t CP932 -c values.txt > values-cp932.txt || true

# The control: this machine does write a core for an ordinary crashing process here.
mkdir control
(cd control && sh -c 'ulimit -c unlimited; exec python3 -c "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"') \
  2>/dev/null || true
ls control/core* >/dev/null 2>&1 || fail "no core file from a crashing process (core_pattern '$pattern', ulimit -Hc $(ulimit -Hc)): the test cannot show anything"

# The crash, with cores allowed by the shell and by the sanitizer (which otherwise catches
# the signal or switches dumps off itself).
mkdir crash
set +e
(cd crash && ulimit -c unlimited &&
  ASAN_OPTIONS=handle_segv=0:disable_coredump=0:detect_leaks=0 FUKAN_TEST_CRASH=record-add \
  "$FUKAN" open ../job ../package.zip --package-password-file ../package-pw.txt \
    --user tanaka --user-password-file ../pw-tanaka) >out.txt 2>err.txt
got=$?
set -e
[ "$got" = 139 ] || { cat err.txt >&2; fail "fukan did not crash at the test point (exit $got): build with -Dtest_hooks=true (make check does)"; }
for core in crash/core*; do
  [ -e "$core" ] || continue
  for f in values.txt values-cp932.txt; do
    if LC_ALL=C grep -a -F -q -f "$f" "$core"; then fail "$core holds sample values ($f)"; fi
  done
  fail "a core file was written: $core"
done
# And the job is as before the crash: nothing was opened.
[ "$(sqlite3 job/job.db 'SELECT count(*) FROM records')" = 0 ] || fail "records after a crash"
echo ok
