# Atomic file sets: fukan is killed (SIGKILL) at random points during a re-compose, an
# `open --replace` and an `export`; every time, the job is left consistent: the audit log
# verifies and `export` writes exactly what a clean run writes (or, after a completed
# replace, clearly refuses: nothing composed yet). Needs pdftotext (poppler-utils).
. "$SRCDIR/tests/e2e/lib.sh"
command -v pdftotext >/dev/null || fail "pdftotext is needed (apt-get install poppler-utils)"
new_job job
as_sato "audit pubkey" job -o pubkey.hex >/dev/null
"$FUKAN" sample -o ward.csv --count 300 >/dev/null
"$FUKAN" sample -o ward2.csv --count 200 --seed 2 >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out pkg-pw 2>/dev/null
"$FUKAN" seal ward2.csv -o package2.zip --password-out pkg2-pw 2>/dev/null
as_tanaka open job package.zip --package-password-file pkg-pw >/dev/null
as_tanaka check job >/dev/null
as_tanaka proof job -o proof >/dev/null
as_sato proof job --approve >/dev/null
as_tanaka compose job >/dev/null

# The reference: a clean export. PDFs carry their creation time, so they are compared by
# their text; the CSV files byte for byte.
as_tanaka export job --proof -o ref >/dev/null
ls ref > ref.list
[ "$(grep -c '\.pdf$' ref.list)" -ge 8 ] || fail "too few print files in the reference"
for f in ref/*.pdf; do pdftotext "$f" "$f.txt"; done

# same_as_ref DIR: DIR holds exactly the reference's files, with the same content.
same_as_ref() {
  ls "$1" | grep -v '\.txt$' > got.list
  cmp -s ref.list got.list || { diff ref.list got.list >&2; fail "$1: other files than a clean export"; }
  for f in $(cat ref.list); do
    case $f in
      *.pdf) pdftotext "$1/$f" got.txt && cmp -s "ref/$f.txt" got.txt || fail "$1/$f differs" ;;
      *) cmp -s "ref/$f" "$1/$f" || fail "$1/$f differs" ;;
    esac
  done
}

# consistent DIR: the log verifies and the job exports what a clean run does.
consistent() {
  expect_exit 0 as_sato "audit verify" "$1" --pubkey pubkey.hex
  rm -rf chk
  expect_exit 0 as_tanaka export "$1" --proof -o chk
  same_as_ref chk
}

# ms CMD...: how long CMD takes, in milliseconds; fails if CMD fails.
ms() { s=$(date +%s%N); "$@" >/dev/null 2>&1 || return 1; echo $(( ($(date +%s%N) - s) / 1000000 )); }

# delays N MAX SEED: N random delays in seconds below MAX milliseconds.
delays() {
  python3 -c "import random, sys; r = random.Random(int(sys.argv[3]));
print(' '.join('%.3f' % (r.uniform(0, int(sys.argv[2])) / 1000) for _ in range(int(sys.argv[1]))))" "$@"
}

# killed DELAY CMD...: runs fukan CMD as tanaka and kills it with SIGKILL after DELAY seconds.
killed() {
  d=$1; shift
  "$FUKAN" "$@" --user tanaka --user-password-file pw-tanaka >/dev/null 2>&1 &
  pid=$!
  sleep "$d"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

kills=0
# Re-compose: the old complete set or the new complete set, never a mix or a gap.
t=$(ms as_tanaka compose job --replace --reason "kill test") || fail "the untimed run failed"
echo "re-compose takes ${t} ms"
for d in $(delays 8 "$t" 17); do
  killed "$d" compose job --replace --reason "kill test"
  consistent job
  kills=$((kills + 1))
done
[ -z "$(ls job/files | grep -v '\.sealed$')" ] || fail "temporary files left in job/files"

# Export: the clear copies take their names only when all are complete; a new export after
# a killed one leaves exactly a clean export, with no partial file.
t=$(ms as_tanaka export job --proof -o ex) || fail "the untimed run failed"
echo "export takes ${t} ms"
for d in $(delays 7 "$t" 18); do
  killed "$d" export job --proof -o ex
  ls -A ex 2>/dev/null | grep -v '^\.fukan-part-' | while read -r f; do
    grep -qxF "$f" ref.list || fail "ex/$f: a file a clean export does not write"
  done
  expect_exit 0 as_tanaka export job --proof -o ex
  same_as_ref ex
  [ -z "$(ls -A ex | grep '^\.')" ] || fail "partial files left in ex"
  kills=$((kills + 1))
done

# open --replace: the old package with its print files, or the new one with none.
cp -a job base
t=$(ms as_tanaka open job package2.zip --package-password-file pkg2-pw --replace) || fail "the untimed run failed"
echo "open --replace takes ${t} ms"
expect_exit 2 as_tanaka export job --proof -o after-replace
expect_grep 'nothing to export' err.txt
[ -z "$(ls job/files)" ] || fail "the replaced package's print files are still in job/files"
for d in $(delays 7 "$t" 19); do
  rm -rf job-r; cp -a base job-r
  killed "$d" open job-r package2.zip --package-password-file pkg2-pw --replace
  expect_exit 0 as_sato "audit verify" job-r --pubkey pubkey.hex
  rm -rf chk
  set +e; as_tanaka export job-r --proof -o chk >out.txt 2>err.txt; got=$?; set -e
  records=$(sqlite3 job-r/job.db 'SELECT count(*) FROM records')
  if [ "$got" = 0 ]; then
    same_as_ref chk
    [ "$records" = 300 ] || fail "old print files with $records records of another package"
  else
    expect_grep 'nothing to export' err.txt
    [ "$records" != 300 ] || fail "the old package's records without its print files"
  fi
  kills=$((kills + 1))
done
[ "$kills" -ge 20 ] || fail "only $kills kills"
echo "ok ($kills kills)"
