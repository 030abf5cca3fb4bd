# Every sheet of the demo job's print files read back against the ward's CSV: every name,
# address and building line, voucher and ticket number with pdftotext, every insert-control
# code with dmtxread (then through `fukan verify` as a camera export, so every check value is
# proven the person's), every customer barcode against zint's (tests/e2e/readback.py says what
# is on which sheet). The sample has names outside the BMP (𠮷) and with variation sequences.
# No sheet is sampled: the pages are cropped to what is read and two files are read at a time.
. "$SRCDIR/tests/e2e/lib.sh"
for tool in pdftotext:poppler-utils pdftoppm:poppler-utils pdfinfo:poppler-utils \
    dmtxread:dmtx-utils zint:zint python3:python3; do
  command -v "${tool%%:*}" >/dev/null || fail "${tool%%:*} is needed (scripts/setup installs ${tool#*:})"
done
[ -f "$FUKAN_POSTAL_DATA" ] || fail "no postal table at $FUKAN_POSTAL_DATA: run scripts/fetch-postal-data (scripts/setup does) and rebuild"

new_job job
"$FUKAN" sample -o ward.csv --encoding utf-8 >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt 2>/dev/null
expect_exit 0 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_grep 'received 4413, accepted 4413, rejected 0' out.txt
expect_exit 0 as_tanaka check job
expect_exit 0 as_tanaka proof job -o proof
expect_exit 0 as_sato proof job --approve
expect_exit 0 as_tanaka compose job
expect_grep 'composed S 613, D 1130, H 2387, K 0, J 283' out.txt
expect_exit 0 as_tanaka export job --proof -o print
job_code=$(awk '/^job_code:/ { print $2 }' test-order.yaml)
batch_size=$(awk '/^batch_size:/ { print $2 }' test-order.yaml)

# What is read of one print file. Positions in pixels of the templates' millimetres: the
# window (job.yaml: 23, 13, 90 × 45 mm) at 72 dpi for its text; at 300 dpi the DataMatrix's
# corner (186, 262 mm; at most 15.6 mm wide) and the barcode's line inside the window (2 mm
# clear of its edges, below the name: 25–111 × 46–56 mm).
cat > read-file.sh <<'EOF'
set -eu
pdf=$1 base=$(basename "$1" .pdf)
pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }' > "pages/$base.txt"
pdftotext -raw "$pdf" "text/$base.txt"
mkdir "img/$base"
pdftoppm -r 300 -gray -x 2150 -y 3050 -W 280 -H 280 "$pdf" "img/$base/c"
dmtxread -n -N1 img/"$base"/c-*.pgm > "codes/$base.txt" || true
if [ "$(wc -l < "codes/$base.txt")" != "$(ls "img/$base" | wc -l)" ]; then
  # A code was not read: again one image at a time, an empty line for each unread one.
  for image in img/"$base"/c-*.pgm; do
    printf '%s\n' "$(dmtxread -n -N1 "$image" || true)"
  done > "codes/$base.txt"
fi
rm -r "img/$base"
case $base in
  *-1-*)
    pdftotext -raw -r 72 -x 65 -y 37 -W 256 -H 128 "$pdf" "window/$base.txt"
    mkdir "img/$base"
    pdftoppm -r 300 -gray -x 295 -y 543 -W 1016 -H 118 "$pdf" "img/$base/b"
    python3 "$SRCDIR/tests/e2e/readback.py" bars img/"$base"/b-*.pgm > "bars/$base.txt"
    rm -r "img/$base" ;;
esac
EOF
mkdir read read/pages read/text read/window read/codes read/bars read/img
ls print/"$job_code"-[A-Z]-[12]-[0-9][0-9][0-9].pdf > print-files.txt
[ "$(wc -l < print-files.txt)" -ge 5 ] || fail "too few print files"
(cd read && sed 's|^|../|' ../print-files.txt | xargs -P 2 -n 1 sh ../read-file.sh) \
  || fail "reading the print files failed"
python3 "$SRCDIR/tests/e2e/readback.py" check "$FUKAN" ward.csv print/run.csv "$job_code" \
  "$batch_size" read camera.csv || fail "the print files do not read back as the ward's data"

# The codes as read are every envelope's, complete and the person's: the check recomputes
# each check value from the record under the job key.
expect_exit 0 as_tanaka verify job --camera camera.csv --assume-printed
expect_grep '^this check: 4413 envelopes \(8543 sheets\) read, 4413 passed, 0 failed' out.txt
expect_grep '^job: verified 4413 of 4413, failed 0, missing 0' out.txt
echo ok
