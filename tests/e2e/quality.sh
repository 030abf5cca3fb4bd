# The quality gate (fukan check) finds exactly the planted disagreements; a manager's
# acceptance releases one; the documents carry the marks; an unprintable name is held back.
. "$SRCDIR/tests/e2e/lib.sh"
new_job job
make_password pkg-pw 'Ward-Secret-2025-abc'
"$FUKAN" sample -o ward.csv --encoding utf-8 --count 400 --seed 11 --disagree 9 \
  --disagree-report disagree.tsv >/dev/null

# One resident's name gets a character that no configured font has (a private-use one).
python3 - ward.csv <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
name = rows[0].index("氏名")
rows[5][name] = rows[5][name] + "\U000F0001"
with open(sys.argv[1], "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
PY
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt 2>/dev/null
expect_exit 0 as_tanaka open job package.zip --package-password-file package-pw.txt

# Exactly the planted lines disagree, each named by line and tag, never by name.
expect_exit 1 as_tanaka check job
expect_grep '^400 checked, 9 disagreements, 0 accepted, 9 held' out.txt
grep -E '^line [0-9]+ ' out.txt | awk '{ print $2 }' | sort -n > got.txt
cut -f1 disagree.tsv | sort -n > want.txt
cmp want.txt got.txt || fail "disagreements differ from the planted ones"
expect_grep 'ward: .*computed: ' out.txt
python3 - ward.csv out.txt <<'PY'
import csv, sys
text = open(sys.argv[2], encoding="utf-8").read()
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")):
    if row["氏名"].strip() and row["氏名"].strip() in text:
        sys.exit("a name appears in the check report")
PY

# A handler may not accept; a manager accepts one with a reason, which is audited.
tag=$(grep -E '^line [0-9]+ ' out.txt | head -1 | sed 's/.*\[\([0-9a-f]*\)\].*/\1/')
expect_exit 2 as_tanaka check job --accept "$tag" --reason "ward confirmed by phone"
expect_exit 1 as_sato check job --accept "$tag" --reason "ward confirmed by phone"
expect_grep '9 disagreements, 1 accepted, 8 held' out.txt
expect_exit 0 as_sato audit log job --command check
expect_grep "$tag" out.txt

# Compose holds back the unprintable name and the 8 disagreements, composes the rest.
expect_exit 0 as_tanaka proof job -o proof
expect_exit 0 as_sato proof job --approve
expect_exit 1 as_tanaka compose job
expect_grep 'held back: .*U\+F0001' out.txt
expect_grep '1 held$' out.txt
expect_exit 0 as_tanaka export job --proof -o print
[ "$(($(wc -l < print/run.csv) - 1))" -gt 0 ] || fail "empty run file"

# Composing again is refused: the serial numbers would change under the earlier export.
expect_exit 2 as_tanaka compose job --jobs 1
expect_grep 'composed already.*--replace --reason' err.txt
expect_exit 2 as_tanaka compose job --replace
expect_grep '--replace and --reason' err.txt

# Parallel composing gives the same run file as one worker (the unprintable record stays held).
expect_exit 0 as_tanaka compose job --jobs 1 --replace --reason 'e2e: one worker'
expect_grep '0 held$' out.txt
expect_exit 0 as_sato audit log job --command compose
expect_grep 'replacing the earlier composition \([0-9]+ records\): e2e: one worker' out.txt
expect_grep 'record moves: checked→composed [0-9]+' out.txt
expect_exit 0 as_tanaka export job --proof -o print-1
cmp print/run.csv print-1/run.csv || fail "--jobs 1 and the default differ"

# The results sheets and notices carry the marks of the rules, as real text.
for pdf in print/*-2-*.pdf; do pdftotext -layout "$pdf" -; done > results.txt
expect_grep '要受診' results.txt
for pdf in print/*-J-1-*.pdf; do pdftotext -layout "$pdf" -; done > notice.txt
expect_grep '受診勧奨判定値' notice.txt
echo ok
