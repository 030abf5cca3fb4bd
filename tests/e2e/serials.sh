# Held-back envelopes leave no gap in the serials, and the print files do not depend on the
# number of workers: batches of 10 envelopes, names no font has planted in the first
# batches (so later tasks start elsewhere than the workers guessed), composed with one and
# with two workers. Needs pdftotext (poppler-utils).
. "$SRCDIR/tests/e2e/lib.sh"
command -v pdftotext >/dev/null || fail "pdftotext is needed (apt-get install poppler-utils)"
sed 's/^batch_size: .*/batch_size: 10/' "$WORKDIR/test-order.yaml" > small-batches.yaml
new_job job small-batches.yaml
"$FUKAN" sample -o ward.csv --encoding utf-8 --count 160 --seed 5 >/dev/null
python3 - ward.csv <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
name = rows[0].index("氏名")
for i in (2, 3, 9, 17, 40):
    rows[i][name] = rows[i][name] + "\U000F0001"
with open(sys.argv[1], "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
PY
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt 2>/dev/null
expect_exit 0 as_tanaka open job package.zip --package-password-file package-pw.txt
as_tanaka check job >/dev/null || true
expect_exit 0 as_tanaka proof job -o proof
expect_exit 0 as_sato proof job --approve
expect_exit 1 as_tanaka compose job --jobs 2
expect_grep '5 held$' out.txt
expect_exit 0 as_tanaka export job --proof -o two
# The held records stay held: composing again with one worker gives the same envelopes.
expect_exit 0 as_tanaka compose job --jobs 1 --replace --reason 'e2e: one worker'
expect_grep '0 held$' out.txt
expect_exit 0 as_tanaka export job --proof -o one

# Per category, sheet 1's serials are exactly 1..N, batch b holding (b-1)*10+1 .. b*10.
python3 - two/run.csv <<'PY'
import csv, sys
serials = {}
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")):
    if row["sheet"] != "1":
        continue
    s, b = int(row["serial"]), int(row["batch"])
    if (s - 1) // 10 + 1 != b:
        sys.exit(f"serial {s} in batch {b}")
    serials.setdefault(row["category"], []).append(s)
for cat, got in serials.items():
    if got != list(range(1, len(got) + 1)):
        sys.exit(f"category {cat}: serials with a gap or out of order")
print(sum(len(v) for v in serials.values()), "envelopes without a gap")
PY
# One worker and two give the same files: the CSV byte for byte, the PDFs (which carry
# their creation time) by their text.
ls one > one.list
ls two > two.list
cmp one.list two.list || fail "one and two workers made other files"
[ "$(grep -c '\.pdf$' one.list)" -ge 10 ] || fail "too few print files"
for f in $(cat one.list); do
  case $f in
    *.pdf) pdftotext "one/$f" a.txt && pdftotext "two/$f" b.txt && cmp -s a.txt b.txt ||
             fail "$f differs between one and two workers" ;;
    *) cmp -s "one/$f" "two/$f" || fail "$f differs between one and two workers" ;;
  esac
done
echo ok
