# The whole job on the seed volumes: sample → seal → open → rejects → check → proof →
# compose → export, checked with independent tools (7zz, pdffonts, qpdf, pdftotext, dmtxread).
. "$SRCDIR/tests/e2e/lib.sh"
new_job job
"$FUKAN" sample -o ward.csv --encoding utf-8 --dirty 50 --dirty-report planted.tsv >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt --notice notice.pdf \
  2>/dev/null
[ "$(stat -c %a package-pw.txt)" = 600 ] || fail "package password file is not 0600"
# The password notice carries the password and the package's checksum, as real text.
pdftotext notice.pdf notice.txt
expect_grep 'パスワード通知書' notice.txt
grep -qF "$(cat package-pw.txt)" notice.txt || fail "the notice does not hold the password"
grep -qF "$(sha256sum package.zip | cut -d' ' -f1)" notice.txt || fail "no checksum on the notice"

# Open: exactly the 50 planted rows are rejected, the 4,413 others accepted.
expect_exit 1 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_grep 'received 4463, accepted 4413, rejected 50' out.txt
expect_exit 1 as_tanaka rejects job
cut -d: -f1 out.txt | grep -E '^[0-9]+$' | sort -un > got-lines.txt
cut -f1 planted.tsv | sort -un > want-lines.txt
cmp want-lines.txt got-lines.txt || fail "rejected lines differ from the planted ones"

# Sealed at rest: no name or address of the export is anywhere in the job, in UTF-8 or CP932.
python3 - ward.csv > identifiers.txt <<'PY'
import csv, sys
rows = csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""))
for row in rows:
    for col in ("氏名", "住所"):
        value = (row.get(col) or "").strip()
        if len(value) >= 4:
            print(value)
PY
[ "$(wc -l < identifiers.txt)" -gt 4000 ] || fail "too few identifiers extracted"
iconv -f UTF-8 -t CP932 -c identifiers.txt > identifiers-cp932.txt || true
for f in identifiers.txt identifiers-cp932.txt; do
  if LC_ALL=C grep -r -a -F -q -f "$f" job; then fail "personal data in clear in the job ($f)"; fi
done

# The quality gate agrees with every record of the sample.
expect_exit 0 as_tanaka check job
expect_grep '^4413 checked, 0 disagreements' out.txt

# Compose needs the approved proof set.
expect_exit 2 as_tanaka compose job
expect_grep 'proof set is not approved' err.txt
expect_exit 0 as_tanaka proof job -o proof
expect_exit 2 as_tanaka proof job --approve
expect_exit 0 as_sato proof job --approve
expect_exit 0 as_tanaka compose job
expect_grep 'composed S 613, D 1130, H 2387, K 0, J 283' out.txt
expect_exit 0 as_tanaka export job --proof -o print
[ "$(stat -c %a print)" = 700 ] || fail "export folder is not 0700"

# The run file has one line per sheet: two per guidance envelope, one per notice.
sheets=$(( (613 + 1130 + 2387) * 2 + 283 ))
[ "$(($(wc -l < print/run.csv) - 1))" = "$sheets" ] || fail "run file does not list $sheets sheets"

# The bulk-mail summary counts every envelope once, by postal code.
[ "$(awk -F, '$1 == "code" { s += $3 } END { print s }' print/mailing-summary.csv)" = 4413 ] \
  || fail "the mailing summary does not count 4413 pieces"

# Every print file: fonts embedded and subset, structurally sound.
for pdf in print/*.pdf; do
  pdffonts "$pdf" | awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-3) != "yes") { exit 1 }' \
    || fail "$pdf: a font is not embedded and subset"
  qpdf --check "$pdf" >/dev/null || fail "$pdf: qpdf --check failed"
done

# No placeholder pattern on any page of any print file or proof; every voucher carries the
# standard form's fields, filled from the order (tests/fixtures/job.yaml).
for pdf in print/*.pdf proof/*.pdf; do pdftotext -layout "$pdf" - ; done > all-pages.txt
if grep -nE 'XXXX|xxxx|ＸＸＸＸ|○○|〇〇|TODO|FIXME' all-pages.txt; then
  fail "a placeholder pattern reached paper"
fi
for pdf in print/*-S-1-*.pdf print/*-D-1-*.pdf; do pdftotext -layout "$pdf" - ; done > vouchers.txt
pages=$(grep -c '特定保健指導利用券' vouchers.txt)
[ "$pages" = $((613 + 1130)) ] || fail "$pages 特定保健指導利用券 pages, expected 1743"
for field in '交付年月日 +令和7年7月1日（2025-07-01）' \
    '有効期限 +令和7年7月1日（2025-07-01）から令和8年3月31日（2026-03-31）まで' \
    '特定保健指導区分 +(積極的支援|動機付け支援)' '被保険者証 記号・番号・枝番 +[^ ]+・[0-9A-Z]+' \
    '窓口での自己負担 +なし（無料）' '保険者負担上限額 +28,000円' '保険者番号・名称 +131045 +新宿区' \
    '保険者所在地・電話番号 +〒160-8484 新宿区歌舞伎町1-4-1 +電話 03-3209-1111' \
    '契約とりまとめ機関名 +東京都医師会' '支払代行機関番号・名称 +91399999 +東京都国民健康保険団体連合会'; do
  n=$(grep -cE "$field" vouchers.txt || true)
  [ "$n" = "$pages" ] || fail "'$field' on $n of $pages vouchers"
done

# Names round-trip through pdftotext, including 𠮷 and a variation sequence.
for pdf in print/*-1-*.pdf; do pdftotext -layout "$pdf" - ; done > text.txt
python3 - ward.csv text.txt planted.tsv <<'PY'
import csv, sys
planted = {int(l.split("\t")[0]) for l in open(sys.argv[3])}
# pdftotext gives the ideographic space between family and given name back as blanks:
# compare without any spaces (every other character must come back exactly).
def squeeze(t):
    return "".join(t.split()).replace("\u3000", "")
text = squeeze(open(sys.argv[2], encoding="utf-8").read())
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
header = rows[0]
name = header.index("氏名")
missing, rare = [], 0
for line, row in enumerate(rows[1:], start=2):
    if line in planted:
        continue
    n = squeeze(row[name])
    if n not in text:
        missing.append(line)
    if "\U00020BB7" in n or "\U000E0100" in n:
        rare += 1
if missing:
    sys.exit(f"{len(missing)} names not found in the PDFs' text, e.g. line {missing[0]}")
if rare == 0:
    sys.exit("no 𠮷 or variation-sequence name in the sample")
print(f"{rare} rare-character names round-tripped")
PY

# The address block shows through the window: nothing within 2 mm of the window's edge
# (job.yaml: 23, 13, 90 × 45 mm), the customer barcode's 67 bars inside it.
pdftoppm -r 300 -gray -f 1 -l 1 "$(ls print/*-S-1-001.pdf)" window
python3 - "$SRCDIR/tests/e2e" window-*.pgm <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from pgm import read_pgm
width, height, pixels = read_pgm(sys.argv[2])
px = lambda mm: int(round(mm * 300 / 25.4))
x0, y0, x1, y1 = px(23), px(13), px(23 + 90), px(13 + 45)
band = px(2)
dark = lambda x, y: pixels[y * width + x] < 128
for y in range(y0, y1):
    for x in range(x0, x1):
        if (x < x0 + band or x >= x1 - band or y < y0 + band or y >= y1 - band) and dark(x, y):
            sys.exit(f"something printed within 2 mm of the window's edge at {x},{y} px")
# The barcode: a row inside the window crossing 67 separate bars.
best = 0
for y in range(y0 + band, y1 - band):
    runs, inside = 0, False
    for x in range(x0 + band, x1 - band):
        if dark(x, y) and not inside:
            runs += 1
        inside = dark(x, y)
    if runs == 67:
        best = 67
if best != 67:
    sys.exit("no row of 67 bars (the customer barcode) inside the window")
PY

# The insert-control codes read back with an independent decoder at 300 dpi: sampled pages of
# every print file, cropped to the code's corner (the templates put it at 186 × 262 mm), since
# dmtxread takes minutes to search a whole A4 page.
for pdf in print/*-[SDHKJ]-[12]-*.pdf; do
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
  for page in 1 $(( (pages + 1) / 2 )) "$pages"; do
    rm -f code-*.png
    pdftoppm -r 300 -png -f "$page" -l "$page" -x 2100 -y 3000 -W 360 -H 360 "$pdf" code
    code=$(dmtxread -n -N1 code-*.png) || fail "$pdf page $page: dmtxread found no code"
    grep -qF ",$code," print/run.csv || fail "$pdf page $page: '$code' is not in the run file"
  done
done
echo ok
