# Every contract-valid address prints: 住所 and 方書 wrap to a second line (at a block boundary
# where one exists) inside the window with its 2 mm clearance, at 7 pt or more; what cannot
# be shown in two lines at 7 pt is held back with a reason, never clipped. Tested with the
# contract's maxima (住所 80, 方書 40 characters), checked at 300 dpi.
. "$SRCDIR/tests/e2e/lib.sh"
command -v python3 >/dev/null || fail "python3 is needed (apt-get install python3)"
command -v pdftoppm >/dev/null || fail "pdftoppm is needed (apt-get install poppler-utils)"
"$FUKAN" sample -o ward.csv --encoding utf-8 --lf --count 5 --seed 2 >/dev/null

# Row 1: a 住所 of 80 characters (the contract's maximum, mostly full-width, as a ward writes
# a long one) that two lines at 7 pt cannot hold. Row 2: a long 住所 that two lines hold and a
# 方書 of 40 characters. Both keep their own town, so the postal code still belongs to them.
python3 - ward.csv <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
h = rows[0]
a, b = h.index("住所"), h.index("方書")
def fit(text, n):
    assert len(text) >= n, (len(text), n)
    return text[:n]
rows[1][a] = fit(rows[1][a] + "　都営新宿原町二丁目第三アパート北側別館管理事務所棟三階奥の集会室横にある管理人室気付で郵便物の受取りを希望する旨の申出あり（区の住民記録係の連絡による）", 80)
rows[2][a] = rows[2][a] + "　都営市谷加賀町アパート第二号棟北側別館"
rows[2][b] = fit("グランドメゾン市谷加賀町ザ・レジデンス　ノースウィング棟　１２０４号室（山田様方）", 40)
open("lengths.txt", "w").write(f"{len(rows[1][a])} {len(rows[2][a])} {len(rows[2][b])}\n")
open("long-building.txt", "w", encoding="utf-8").write(rows[2][b][:6] + "\n")
csv.writer(open(sys.argv[1], "w", encoding="utf-8", newline=""), lineterminator="\n").writerows(rows)
PY
read -r len1 len2 len3 < lengths.txt
[ "$len1" = 80 ] && [ "$len3" = 40 ] || fail "lengths $len1 $len3, expected 80 and 40"
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt >/dev/null
new_job job
expect_exit 0 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_exit 0 as_tanaka check job
expect_exit 0 as_tanaka proof job -o proof
expect_exit 0 as_sato proof job --approve
expect_exit 1 as_tanaka compose job
expect_grep '^line 2 \[[0-9a-f]+\] held back: voucher-[a-z]+: 住所: paragraph does not fit in 84.0 × 8.3 mm even at 7.0 pt \(3 lines\)$' out.txt
[ "$(grep -c 'held back' out.txt)" = 1 ] || { cat out.txt; fail "only the 80-character 住所 may be held back"; }
expect_exit 0 as_tanaka export job --proof -o print

# The page of row 2: its 住所 and 方書 in two lines each, at 7 pt or more, within the window.
marker=$(cat long-building.txt)
found=
for pdf in print/*-1-*.pdf; do
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
  for page in $(seq 1 "$pages"); do
    if pdftotext -f "$page" -l "$page" "$pdf" - | grep -qF "$marker"; then found="$pdf $page"; fi
  done
done
[ -n "$found" ] || fail "the page with the 40-character 方書 is not in the print files"
set -- $found
pdftotext -f "$2" -l "$2" -bbox "$1" bbox.html
pdftoppm -r 300 -gray -f "$2" -l "$2" "$1" window
python3 - bbox.html window-*.pgm "$SRCDIR/tests/e2e" <<'PY'
import re, sys
# Lines of text inside the window (23, 13, 90 × 45 mm), from pdftotext's word boxes (pt).
mm = lambda pt: pt * 25.4 / 72
words = [tuple(map(float, m[:4])) for m in
         re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"',
                    open(sys.argv[1], encoding="utf-8").read())]
inside = [w for w in words if 23 <= mm(w[0]) and mm(w[2]) <= 113 and 13 <= mm(w[1]) and mm(w[3]) <= 58]
def lines_between(top, bottom):
    ys = sorted({round(mm(w[1]), 1) for w in inside if top <= mm(w[1]) - 13 < bottom})
    merged = [y for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > 1.0]
    sizes = [w[3] - w[1] for w in inside if top <= mm(w[1]) - 13 < bottom]
    return len(merged), min(sizes)
n_addr, h_addr = lines_between(7.5, 16.5)
n_bldg, h_bldg = lines_between(16.5, 25.5)
# pdftotext's box height is the font's ascent + descent, a little more than the point size.
if n_addr != 2 or n_bldg != 2:
    sys.exit(f"住所 in {n_addr} lines, 方書 in {n_bldg}: expected two each")
if min(h_addr, h_bldg) < 7.0:
    sys.exit(f"text smaller than 7 pt in the window ({min(h_addr, h_bldg):.1f} pt boxes)")
print(f"住所 2 lines ({h_addr:.1f} pt boxes), 方書 2 lines ({h_bldg:.1f} pt boxes)")

sys.path.insert(0, sys.argv[3])
from pgm import read_pgm
width, _, pixels = read_pgm(sys.argv[2])
px = lambda v: int(round(v * 300 / 25.4))
x0, y0, x1, y1 = px(23), px(13), px(23 + 90), px(13 + 45)
band = px(2)
dark = lambda x, y: pixels[y * width + x] < 128
for y in range(y0, y1):
    for x in range(x0, x1):
        if (x < x0 + band or x >= x1 - band or y < y0 + band or y >= y1 - band) and dark(x, y):
            sys.exit(f"something printed within 2 mm of the window's edge at {x},{y} px")
# Everything of the address block lies inside the window: nothing dark just outside it.
for y in range(y0 - px(3), y1 + px(3)):
    for x in range(x0 - px(3), x1 + px(3)):
        if not (x0 <= x < x1 and y0 <= y < y1) and 0 <= y and dark(x, y):
            sys.exit(f"the address block spills out of the window at {x},{y} px")
best = 0
for y in range(y0 + band, y1 - band):
    runs, inside_bar = 0, False
    for x in range(x0 + band, x1 - band):
        if dark(x, y) and not inside_bar:
            runs += 1
        inside_bar = dark(x, y)
    best = max(best, 67 if runs == 67 else 0)
if best != 67:
    sys.exit("no row of 67 bars (the customer barcode) inside the window")
PY
