# Custody from receipt to report: receive (medium, then notice) → open → compose → export →
# deliver (a wrong count refused) → return → incident → erase → report; checked with
# independent tools (pdftotext, openssl, 7zz, xorriso's image via file, grep for every
# identifier in UTF-8 and CP932).
. "$SRCDIR/tests/e2e/lib.sh"
for tool in pdftotext pdftoppm zbarimg openssl 7zz iconv python3 file sqlite3 xxd; do
  command -v "$tool" >/dev/null || fail "$tool is needed: install poppler-utils, zbar-tools, openssl, 7zip, file, sqlite3, xxd (scripts/setup)"
done
# fukan's temporary directory (SQLite's VACUUM and sort files go there) is one of this test's
# own, so that it can be searched afterwards.
mkdir -m 700 tmp
TMPDIR=$WORKDIR/tmp SQLITE_TMPDIR=$WORKDIR/tmp
export TMPDIR SQLITE_TMPDIR
new_job job
"$FUKAN" sample -o ward.csv --count 300 --seed 14 >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt --notice notice.pdf 2>/dev/null
expect_exit 0 as_sato audit pubkey job -o pubkey.hex

# Receive: the medium, and on another occasion the notice: two receipts, each with its time.
expect_exit 2 as_sato receipt job receive --ward-staff '区 職員'
expect_exit 0 as_sato receipt job receive --item medium --ward-staff '新宿 花子' \
  --package package.zip -o r1.pdf
expect_exit 0 as_sato receipt job receive --item notice --ward-staff '新宿 太郎' -o r2.pdf
expect_exit 2 as_sato receipt job receive --item notice --ward-staff '新宿 太郎'
expect_grep 'already exists' err.txt
for r in r1 r2; do
  pdftotext "$r.pdf" "$r.txt"
  expect_grep '確認書' "$r.txt"
  expect_grep '押印|印' "$r.txt"
  expect_grep '令和[0-9元]+年[0-9]+月[0-9]+日 [0-9]+時[0-9]+分' "$r.txt"
  expect_grep '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\+09:00' "$r.txt"
done
grep -qF "$(sha256sum package.zip | cut -d' ' -f1)" r1.txt || fail "no package SHA-256 on the receipt"
# The checkpoint printed on the receipt is an entry of the log with exactly that hash.
cp1=$(grep -oE '[0-9a-f]{64}@[0-9]+' r1.txt | head -1)
[ -n "$cp1" ] || fail "no checkpoint on the receipt"
expect_exit 0 as_sato audit verify job --pubkey pubkey.hex --checkpoint "$cp1"
# The QR code holds exactly the printed checkpoint (read back with an independent decoder).
qr_of() { rm -f qr-*.png; pdftoppm -r 300 -png "$1" qr; zbarimg -q --raw qr-*.png 2>/dev/null; }
[ "$(qr_of r1.pdf)" = "$cp1" ] || fail "the receipt's QR code is not its checkpoint"

# Open and compose as usual.
expect_exit 0 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_exit 0 as_tanaka check job
expect_exit 0 as_tanaka proof job -o proof
expect_exit 0 as_sato proof job --approve
expect_exit 0 as_tanaka compose job
expect_exit 0 as_tanaka export job --proof -o print
# The enclosure check gives the verified counts the delivery must match (no printer here:
# --assume-printed moves the print files to printed).
expect_exit 0 as_tanaka simulate-inserter job -o scans.csv --seed 7
expect_exit 0 as_tanaka verify job --camera scans.csv --assume-printed
expect_exit 0 as_tanaka reconcile job
expect_grep '^0 row\(s\) do not add up|^0 row' out.txt
expect_exit 0 as_tanaka reconcile job --format csv -o rec.csv
expect_exit 0 as_tanaka reconcile job --format xlsx -o rec.xlsx
file rec.xlsx | grep -qiE 'excel|zip|ooxml' || fail "rec.xlsx is not a workbook"
expect_exit 0 as_tanaka reconcile job --format pdf -o rec.pdf
pdftotext rec.pdf - | grep -q '取扱い状況報告' || fail "reconciliation PDF has no title"

# Deliver: a count that differs from the verified one is refused, with the difference.
counts=$(python3 - rec.csv <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
h = rows[0]
for r in rows[1:]:
    if r[h.index("バッチ")] == "計":
        print(f"{r[0]}={r[h.index('突合')]}")
PY
)
first=$(echo "$counts" | head -1)
cat_name=${first%%=*}; n=${first#*=}
expect_exit 1 as_sato receipt job deliver --ward-staff '新宿 花子' --count "$cat_name=$((n - 1))"
expect_grep "delivery refused.*$cat_name: delivered $((n - 1)), verified $n \(-1\)" err.txt
args=""
for c in $counts; do args="$args --count $c"; done
expect_exit 0 as_sato receipt job deliver --ward-staff '新宿 花子' $args -o r3.pdf
pdftotext r3.pdf r3.txt
expect_grep "$cat_name" r3.txt

# Erasure is refused before the medium is returned.
expect_exit 2 as_sato erase job
expect_grep 'not returned' err.txt
expect_exit 0 as_sato receipt job return --ward-staff '新宿 花子' -o r4.pdf
expect_exit 2 as_tanaka erase job

# An incident, by serial only; names are refused as serials.
expect_exit 2 as_tanaka incident add job --what '封筒 1 通の破損' --when 2026-12-01T10:00 \
  --serials '中野 洋子'
expect_exit 0 as_tanaka incident add job --what '封入機で封筒 1 通が破損' \
  --when 2026-12-01T10:00 --serials S-0001 --actions '再印刷し封入' \
  --notified '新宿区 健康部' --notified-at 2026-12-01T10:30
expect_exit 0 as_sato incident close job 1 --follow-up '封入機の点検'
expect_exit 0 as_sato incident show job 1 -o incident-1.pdf
pdftotext incident-1.pdf - | grep -q '事故報告書' || fail "no incident report"

# Erase, and prove it independently.
mkdir -p certs
expect_exit 0 as_sato erase job -o certs
expect_grep 'verification passed' out.txt
if grep -q 'NOT REACHED' out.txt; then fail "an export folder was not reached: $(cat out.txt)"; fi
[ ! -e print ] || [ -z "$(ls -A print)" ] || fail "the clear export was not removed"
[ ! -e job/files ] || fail "sealed files left"
pdftotext certs/erasure-certificate.pdf cert.txt
expect_grep '消去証明書' cert.txt
expect_grep 'NIST SP 800-88' cert.txt
expect_grep '合格' cert.txt
cpe=$(grep -oE '[0-9a-f]{64}@[0-9]+' cert.txt | head -1)
[ -n "$cpe" ] || fail "no checkpoint hash readable on the certificate"
[ "$(qr_of certs/erasure-certificate.pdf)" = "$cpe" ] || fail "the certificate's QR code is not its checkpoint"
# The signature verifies with OpenSSL's Ed25519, the public key wrapped as DER (RFC 8410).
{ printf '302a300506032b6570032100'; cat pubkey.hex; } | xxd -r -p > pub.der
openssl pkey -pubin -inform DER -in pub.der -out pub.pem
openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in certs/erasure-certificate.pdf \
  -sigfile certs/erasure-certificate.pdf.sig >/dev/null || fail "certificate signature does not verify"
printf 'x' >> certs/erasure-certificate.pdf
if openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in certs/erasure-certificate.pdf \
  -sigfile certs/erasure-certificate.pdf.sig >/dev/null 2>&1; then
  fail "a changed certificate still verifies"
fi

# Logging in with any former password fails with a clear message.
expect_exit 2 as_sato user list job
expect_grep 'erased' err.txt
expect_exit 2 as_tanaka rejects job
expect_grep 'no former password opens it' err.txt

# No identifier of the export anywhere: job, temp dir, export folders; UTF-8 and CP932.
iconv -f CP932 -t UTF-8 ward.csv > ward-utf8.csv
python3 - ward-utf8.csv > identifiers.txt <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")):
    # Numbers of 10 digits and more only: a 7-digit one (the insurance number) can occur by
    # chance among the digits the store legitimately keeps (the stored PDFs' zero-padded
    # cross-reference offsets, times, hashes); one run in dozens failed that way.
    for col in ("氏名", "住所", "個人番号", "受診券整理番号", "利用券整理番号"):
        value = (row.get(col) or "").strip()
        if len(value) >= 4:
            print(value)
PY
[ "$(wc -l < identifiers.txt)" -gt 1000 ] || fail "too few identifiers extracted"
iconv -f UTF-8 -t CP932 -c identifiers.txt > identifiers-cp932.txt || true
for f in identifiers.txt identifiers-cp932.txt; do
  for where in job certs print tmp; do
    [ -e "$where" ] || continue
    if LC_ALL=C grep -r -a -F -l -f "$f" "$where" > found.txt; then
      fail "personal data left in $where ($f): $(cat found.txt)"
    fi
  done
done
[ -z "$(ls -A tmp)" ] || fail "fukan left temporary files: $(ls tmp)"
# No sealed record left: the records' ciphertexts are empty and no files/ folder remains.
[ "$(sqlite3 job/job.db "SELECT count(*) FROM records WHERE length(sealed) > 0")" = 0 ] \
  || fail "sealed records left"
[ "$(sqlite3 job/job.db "SELECT count(*) FROM users WHERE slot IS NOT NULL")" = 0 ] \
  || fail "key slots left"

# The report: AES-256 ZIP that 7zz opens with the notice's password; audit verify --package.
expect_exit 2 "$FUKAN" report job -o report.zip
expect_exit 2 "$FUKAN" report job -o report.zip --password-out report-pw.txt --user nobody
expect_grep 'not on the job' err.txt
[ ! -e report.zip ] || fail "a refused report left its ZIP"
expect_exit 0 "$FUKAN" report job -o report.zip --notice report-notice.pdf \
  --password-out report-pw.txt --iso report.iso --user sato
[ "$(stat -c %a report.zip)" = 600 ] && [ "$(stat -c %a report.iso)" = 600 ] \
  || fail "the report is not mode 0600"
pw=$(cat report-pw.txt)
pdftotext report-notice.pdf - | grep -qF "$pw" || fail "the notice does not hold the password"
7zz l -slt "-p$pw" report.zip > list.txt
expect_grep 'Method = AES-256' list.txt
7zz x -y "-p$pw" -oreport report.zip >/dev/null || fail "7zz cannot open the report"
for f in audit.jsonl audit-pubkey.hex reconciliation.csv reconciliation.pdf roster.csv \
  incidents.csv print-files.csv erasure-certificate.pdf erasure-certificate.pdf.sig \
  receipts/receipt-3-deliver.pdf incidents/incident-1.pdf; do
  [ -s "report/$f" ] || fail "report lacks $f"
done
if 7zz t -pwrong report.zip >/dev/null 2>&1; then fail "the report opens with a wrong password"; fi
file report.iso | grep -q 'ISO 9660' || fail "report.iso is not an ISO 9660 image"

expect_exit 0 "$FUKAN" audit verify --package report.zip --package-password-file report-pw.txt \
  --checkpoint "$cp1"
expect_grep 'intact' out.txt
expect_exit 0 "$FUKAN" audit verify --package report.zip --package-password-file report-pw.txt \
  --checkpoint "$cpe" --pubkey pubkey.hex
# One audit line changed in a copy of the package: caught.
python3 - report/audit.jsonl <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines(True)
# a signed entry past the first few (the unauthenticated record comes first)
i = [n for n, l in enumerate(lines) if '"record":"signed"' in l and '"outcome":"FK_OK"' in l][5]
lines[i] = lines[i].replace('"outcome":"FK_OK"', '"outcome":"FK_EAUTH"', 1)
open(sys.argv[1], "w", encoding="utf-8").write("".join(lines))
PY
(cd report && 7zz a -tzip -mem=AES256 "-p$pw" ../tampered.zip . >/dev/null)
expect_exit 1 "$FUKAN" audit verify --package tampered.zip --package-password-file report-pw.txt \
  --checkpoint "$cp1"
expect_grep 'altered' err.txt
make_password wrong-pw 'Wrong-password-123'
expect_exit 2 "$FUKAN" audit verify --package report.zip --package-password-file wrong-pw
# The audit log in the store still verifies, with the key exported at the start and the
# checkpoints of the first receipt and of the certificate (no login: nobody can any more).
expect_exit 0 "$FUKAN" audit verify job --pubkey pubkey.hex --checkpoint "$cp1" --user sato
expect_exit 0 "$FUKAN" audit verify job --pubkey pubkey.hex --checkpoint "$cpe" --user sato
expect_grep 'audit log intact' out.txt
echo ok
