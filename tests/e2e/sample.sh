# fukan sample: the seed volumes, byte-identical output for a seed, CP932 that iconv reads,
# planted rows reported at their lines, and every row checked against ward-export.md and
# the 第4期 category rules by an independent checker (sample-check.py).
. "$SRCDIR/tests/e2e/lib.sh"
check="$SRCDIR/tests/e2e/sample-check.py"
today=$(date +%Y-%m-%d)

expect_exit 0 "$FUKAN" sample -o a.csv
[ "$(stat -c %a a.csv)" = 600 ] || fail "a.csv is not mode 0600"
expect_exit 2 "$FUKAN" sample -o a.csv
expect_grep 'exists' err.txt
expect_exit 0 "$FUKAN" sample -o a.csv --force

# Default: exactly the seed volumes, counted straight from the CSV with awk.
iconv -f CP932 -t UTF-8 a.csv >a.utf8 || fail "a.csv is not clean CP932"
awk -F, 'NR > 1 { n[$1 "/" $2]++ } END {
  if (n["特定保健指導/積極的支援"] != 613 || n["特定保健指導/動機付け支援"] + n["特定保健指導/動機づけ支援"] != 1130 ||
      n["非肥満保健指導/"] != 2387 || n["受診勧奨通知/"] != 283 || NR != 4414) exit 1 }' a.utf8 ||
  fail "default volumes are not 613/1130/2387/283"
tail -c 2 a.csv | od -An -c | grep -q '\\r  *\\n' || fail "a.csv does not end in CRLF"

# Same seed, same bytes; another seed, other bytes.
expect_exit 0 "$FUKAN" sample -o b.csv
cmp -s a.csv b.csv || fail "same seed gave different bytes"
expect_exit 0 "$FUKAN" sample -o c.csv --seed 2
cmp -s a.csv c.csv && fail "another seed gave the same bytes"

# A fixed sample's checksum: any compiler, C library or machine must write these bytes.
# (Changing the generator on purpose changes it: update the sum and say so in the commit.)
expect_exit 0 "$FUKAN" sample -o gold.csv --count 300 --seed 12345 --fiscal-year 2024 \
  --encoding utf-8 --dirty 5 --disagree 5 --lf
echo "5fc1b2ba89a1f0c18120a3468c417cf8da1081d4e82e6e2281a6ac9b2250c571  gold.csv" |
  sha256sum -c --quiet - || fail "the fixed sample's bytes changed"

python3 "$check" a.csv cp932 2025 "$today" --categories >check.txt
grep -q '^accepted 4413$' check.txt || { cat check.txt >&2; fail "a.csv: not all rows pass"; }
[ "$(grep -c '^[0-9]' check.txt)" = 0 ] || { head check.txt >&2; fail "a.csv: rows rejected"; }

# UTF-8: rare characters, BOM on request, LF on request.
expect_exit 0 "$FUKAN" sample -o u.csv --encoding utf-8 --bom --lf --count 20000 --seed 9
head -c 3 u.csv | od -An -tx1 | grep -q 'ef bb bf' || fail "no BOM"
grep -q "$(printf '\360\240\256\267')" u.csv || fail "no 𠮷 in a UTF-8 sample"
grep -q "$(printf '\363\240\204\200')" u.csv || fail "no variation sequence in a UTF-8 sample"
grep -q "$(printf '\r')" u.csv && fail "--lf output has CR"
python3 "$check" u.csv utf-8 2025 "$today" --categories >check.txt
grep -q '^accepted 20000$' check.txt || { head check.txt >&2; fail "u.csv: not all rows pass"; }
expect_exit 2 "$FUKAN" sample -o bad.csv --bom

# Planted rows: the report lists K lines, and the checker rejects exactly those lines.
expect_exit 0 "$FUKAN" sample -o d.csv --dirty 50 --dirty-report d.txt \
  --disagree 25 --disagree-report g.txt
[ "$(wc -l <d.txt)" = 50 ] || fail "dirty report does not have 50 lines"
[ "$(wc -l <g.txt)" = 25 ] || fail "disagree report does not have 25 lines"
[ "$(cut -f2 d.txt | sort -u | wc -l)" -ge 20 ] || fail "planted rows are not varied"
python3 "$check" d.csv cp932 2025 "$today" --categories >check.txt
grep -q '^accepted 4413$' check.txt || { tail check.txt >&2; fail "d.csv: accepted is not 4413"; }
grep -v disagree check.txt | grep '^[0-9]' | cut -f1 >rejected.txt
cut -f1 d.txt | cmp -s - rejected.txt || fail "rejected lines differ from the dirty report"
grep disagree check.txt | cut -f1 >disagree.txt
cut -f1 g.txt | cmp -s - disagree.txt || fail "disagreeing lines differ from the report"

expect_exit 0 "$FUKAN" sample -o n.csv --count 7
[ "$(iconv -f CP932 -t UTF-8 n.csv | wc -l)" = 8 ] || fail "--count 7 did not give 7 rows"
expect_exit 2 "$FUKAN" sample -o z.csv --count 0
expect_exit 2 "$FUKAN" sample --count 5
echo ok
