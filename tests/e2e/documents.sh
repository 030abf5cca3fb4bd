# The documents' dates: the issue date (交付年月日) comes from the order or is today (JST);
# composing is refused (exit 2) when it is after the vouchers' valid_until, and warns when
# fewer than the order's min_days remain; proofs carry a code verification always rejects.
. "$SRCDIR/tests/e2e/lib.sh"
today=$(TZ=Asia/Tokyo date +%F)

# order VALID_FROM VALID_UNTIL [ISSUE_DATE]: the fixture's order with another validity.
order() {
  awk -v from="$1" -v until="$2" -v issue="${3:-}" '
    /^expected:/ {skip = 1; next} skip && /^ / {next} {skip = 0}
    /^  issue_date:/ { if (issue != "") print "  issue_date: " issue; next }
    /^  valid_from:/ { print "  valid_from: " from; next }
    /^  valid_until:/ { print "  valid_until: " until; next }
    { print }' "$SRCDIR/tests/fixtures/job.yaml"
}

# An explicit issue date after the validity is refused when the order is read.
order 2025-07-01 2026-03-31 2026-04-01 > late.yaml
make_password pw-x 'Kx9-mangoes-Tl7'
expect_exit 2 "$FUKAN" init bad --order late.yaml --user sato --name S \
  --user-password-file pw-x --kdf-cost interactive
expect_grep 'late.yaml:[0-9]+:[0-9]+: voucher: issue_date is after valid_until' err.txt

"$FUKAN" sample -o ward.csv --encoding utf-8 --count 40 --seed 9 >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt >/dev/null

# prepare JOB ORDER: a job opened and checked.
prepare() {
  new_job "$1" "$2"
  expect_exit 0 as_tanaka open "$1" package.zip --package-password-file package-pw.txt
  expect_exit 0 as_tanaka check "$1"
}

# Issued today (no issue_date), valid until a day already past: compose and proof exit 2.
order 2025-07-01 2026-03-31 > expired.yaml
[ "$today" \> 2026-03-31 ] || fail "this test assumes today ($today) is after 2026-03-31"
prepare expired expired.yaml
expect_exit 2 as_tanaka compose expired
expect_grep "the issue date \(交付年月日\) $today is after the vouchers' valid_until 2026-03-31" err.txt
expect_exit 2 as_tanaka proof expired -o proof-expired
expect_grep 'after the vouchers. valid_until' err.txt
as_sato audit log expired > log.txt
expect_grep 'compose.*after the vouchers. valid_until' log.txt

# Valid for 10 more days with min_days 30: composing warns, and the vouchers say so.
until=$(TZ=Asia/Tokyo date -d "$today + 9 days" +%F)
order "$today" "$until" > short.yaml
prepare short short.yaml
expect_exit 0 as_tanaka proof short -o proof
expect_exit 0 as_sato proof short --approve
expect_exit 0 as_tanaka compose short
expect_grep 'warning: the vouchers are valid for only 10 more days after the issue date \(the order.s min_days: 30\)' err.txt
expect_exit 0 as_tanaka export short --proof -o print
pdftotext -layout print/SJK25A-S-1-001.pdf voucher.txt 2>/dev/null \
  || pdftotext -layout "$(ls print/*-1-*.pdf | head -n 1)" voucher.txt
expect_grep "交付年月日 +令和[0-9元]+年[0-9]+月[0-9]+日（$today）" voucher.txt
expect_grep "から令和[0-9元]+年[0-9]+月[0-9]+日（$until）まで" voucher.txt

# Proofs can never pass as envelopes: every proof page carries the 見本 watermark (as text
# and as red ink across the page) and a specimen code (FKS1, serial 000000) that no print
# file and no line of the run file has; the print files carry no watermark.
command -v dmtxread >/dev/null || fail "dmtxread is needed (apt-get install dmtx-utils)"
red_pixels() {
  pdftoppm -r 30 -f 1 -l 1 "$1" page >/dev/null
  python3 - page-*.ppm page.ppm 2>/dev/null <<'PY'
import sys
for path in sys.argv[1:]:
    try:
        data = open(path, "rb").read()
    except OSError:
        continue
    # P6 header: magic, width, height, maxval, then RGB bytes
    parts = data.split(maxsplit=4)
    w, h, px = int(parts[1]), int(parts[2]), parts[4]
    n = sum(1 for i in range(0, w * h * 3, 3) if px[i] > px[i + 1] + 40 and px[i] > px[i + 2] + 40)
    print(n)
    break
PY
  rm -f page-*.ppm page.ppm
}
for pdf in proof/*.pdf; do
  pdftotext "$pdf" - | grep -q '見本' || fail "$pdf: no 見本 watermark in its text"
  n=$(red_pixels "$pdf")
  [ "$n" -gt 500 ] || fail "$pdf: the 見本 watermark is not drawn across the page ($n red pixels)"
done
for pdf in print/*-1-001.pdf; do
  n=$(red_pixels "$pdf")
  [ "$n" = 0 ] || fail "$pdf: a print file shows red ink ($n pixels): a watermark?"
done
rm -f code-*.png
pdftoppm -r 300 -png -f 1 -l 1 -x 2100 -y 3000 -W 360 -H 360 proof/proof-voucher-tokutei-S.pdf code
code=$(dmtxread -n -N1 code-*.png) || fail "dmtxread found no code on the proof"
case $code in
  "FKS1|SJK25A|S|000000|1/2|"??????????) ;;
  *) fail "the proof's code '$code' is not a specimen code" ;;
esac
if grep -qF "${code#FKS1}" print/run.csv; then fail "the proof's code is in the run file"; fi
check=${code##*|}
if grep -qF "|$check" print/run.csv; then fail "the proof's check value is a real one"; fi
