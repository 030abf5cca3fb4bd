# No field value leaves the store in clear: packages a sloppy or hurried ward might send (no
# header line, CR-only line ends, invalid bytes, an unknown column) are opened, and every
# line fukan printed and every file the job wrote is searched for the rows' values.
. "$SRCDIR/tests/e2e/lib.sh"
command -v python3 >/dev/null || fail "python3 is needed (apt-get install python3)"
command -v 7zz >/dev/null || fail "7zz is needed (apt-get install 7zip)"
make_password pkg-pw 'Ward-Secret-2025-abc'
pw=$(cat pkg-pw)
"$FUKAN" sample -o ward.csv --encoding utf-8 --lf --count 30 --seed 7 >/dev/null

# The variants, and the values to look for: every personal cell of every row, in full.
python3 - ward.csv <<'PY'
import csv, sys
text = open(sys.argv[1], encoding="utf-8", newline="").read()
rows = list(csv.reader(text.splitlines()))
header, data = rows[0], rows[1:]
personal = ["個人番号", "氏名", "氏名カナ", "生年月日", "住所", "方書", "保険証番号",
            "受診券整理番号", "利用券整理番号"]
values = set()
for r in data:
    for col in personal:
        v = r[header.index(col)].strip()
        if len(v) >= 4:
            values.add(v)
open("values.txt", "w", encoding="utf-8").write("\n".join(sorted(values)) + "\n")
lines = text.split("\n")
open("noheader.csv", "w", encoding="utf-8", newline="").write("\n".join(lines[1:]))
open("cr.csv", "w", encoding="utf-8", newline="").write(text.replace("\n", "\r"))
# An invalid byte in line 5 (neither UTF-8 nor CP932): 0xFF after the third field.
raw = text.encode("utf-8").split(b"\n")
f = raw[4].split(b",")
f[3] = f[3] + b"\xff"
raw[4] = b",".join(f)
open("badbyte.csv", "wb").write(b"\n".join(raw))
# An extra column whose cells are a person's values, and a header cell that is one too.
out = []
for i, l in enumerate(lines):
    if not l:
        continue
    first = data[0][header.index("氏名")] if i == 0 else data[i - 1][header.index("住所")]
    out.append(first + "," + l)
open("extra.csv", "w", encoding="utf-8", newline="").write("\n".join(out) + "\n")
PY
[ "$(wc -l < values.txt)" -gt 100 ] || fail "too few values to search for"

new_job job
: > all-output.txt
for v in noheader cr badbyte extra; do
  7zz a -tzip -mem=AES256 -p"$pw" "$v.zip" "$v.csv" >/dev/null
  set +e
  as_tanaka open job "$v.zip" --package-password-file pkg-pw --replace >out.txt 2>err.txt
  rc=$?
  set -e
  echo "open $v: exit $rc" >> all-output.txt
  cat out.txt err.txt >> all-output.txt
  case $v in
    noheader) [ "$rc" = 2 ] || fail "no header: exit $rc"
              expect_grep 'required columns missing and [0-9]+ unknown columns' err.txt ;;
    cr)       [ "$rc" = 2 ] || fail "CR only: exit $rc"; expect_grep 'CR only' err.txt ;;
    badbyte)  [ "$rc" = 2 ] || fail "invalid byte: exit $rc"
              expect_grep ' 5:[0-9]+: byte [0-9]+ of line 5 not valid in UTF-8' err.txt
              expect_grep 'tried: UTF-8, then CP932' err.txt ;;
    extra)    expect_grep 'warning: 1:1: column 1: unknown column, ignored' err.txt ;;
  esac
  for cmd in rejects check; do
    set +e
    as_tanaka $cmd job >out.txt 2>err.txt
    set -e
    cat out.txt err.txt >> all-output.txt
  done
done
as_sato audit log job >> all-output.txt 2>&1 || true
sqlite3 job/job.db .dump > db-dump.txt 2>/dev/null || fail "sqlite3 is needed (apt-get install sqlite3)"

# Every value, in every output line and every file of the job (binary files too).
found=0
while IFS= read -r value; do
  [ -n "$value" ] || continue
  if grep -rqaF -- "$value" all-output.txt db-dump.txt job; then
    echo "value of a row found in fukan's output or the job's files" >&2
    grep -rlaF -- "$value" all-output.txt db-dump.txt job | sed 's/^/  in /' >&2
    found=1
  fi
done < values.txt
[ "$found" = 0 ] || fail "personal data leaked"
echo "privacy: $(wc -l < values.txt) values, none in $(wc -l < all-output.txt) output lines or the job's files"
