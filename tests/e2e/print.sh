# Printing through a real, private cupsd (scripts/private-cupsd): the sample job printed to a
# queue whose device is a FIFO drained into one file per CUPS job; fukan's print log compared
# with CUPS's page_log and with the PDFs that reached the device (pages, and insert-control
# codes read back with dmtxread); designated counts and over-count in CSV, XLSX and PDF;
# a stopped, rejecting or missing queue and a stopped cupsd; recovery after kill -9.
. "$SRCDIR/tests/e2e/lib.sh"
export PATH="$PATH:/usr/sbin"
for tool in cupsd lpadmin lpstat cupsdisable cupsreject pdfinfo pdftoppm pdftotext dmtxread python3; do
  command -v "$tool" >/dev/null ||
    fail "$tool is missing: install cups, cups-filters, cups-client, poppler-utils and dmtx-utils (scripts/setup)"
done
[ -f /usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd ] ||
  fail "the Generic PDF PPD is missing: install cups-filters (scripts/setup)"

# cupsd runs its filters as lp: its folders must be traversable by others, so they live
# outside the private WORKDIR. The device files hold synthetic people only.
CUPSDIR=$(mktemp -d "${TMPDIR:-/tmp}/fukan-cups.XXXXXX")
chmod 755 "$CUPSDIR"
trap '"$SRCDIR/scripts/private-cupsd" stop "$CUPSDIR/c"; rm -rf "$CUPSDIR" "$WORKDIR"' EXIT
"$SRCDIR/scripts/private-cupsd" start "$CUPSDIR/c" fukan-print
. "$CUPSDIR/c/env"
OUT=$CUPSDIR/c/out
PAGELOG=$CUPSDIR/c/log/page_log

# The sample job: 600 people, 100 envelopes per print file.
new_job() { :; }
make_password pw-sato 'Kx9-mangoes-Tl7'
make_password pw-tanaka 'Rb4-harbour-Zq2'
sed -e 's/^batch_size: 500/batch_size: 100/' "$WORKDIR/test-order.yaml" > job.yaml
"$FUKAN" init job --order job.yaml --user sato --name 'Sato Ichiro' --affiliation '封緘印刷株式会社' \
  --user-password-file pw-sato --kdf-cost interactive >/dev/null
"$FUKAN" user add job tanaka --name 'Tanaka Hanako' --affiliation '封緘印刷株式会社' --role handler \
  --new-password-file pw-tanaka --user sato --user-password-file pw-sato --kdf-cost interactive >/dev/null
"$FUKAN" sample -o ward.csv --count 600 --encoding utf-8 >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt 2>/dev/null
expect_exit 0 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_exit 0 as_tanaka check job
expect_exit 0 as_tanaka proof job -o proof
expect_exit 0 as_sato proof job --approve
expect_exit 0 as_tanaka compose job
expect_exit 0 as_tanaka export job --proof -o print
nfiles=$(ls print/SJK25A-*.pdf | wc -l)
[ "$nfiles" -ge 10 ] || fail "expected at least 10 print files, got $nfiles"

# Faults first, while nothing is printed: each leaves the file not printed, names the queue
# and CUPS's state, and logs nothing as printed.
cupsdisable -r 'paper jam' fukan-print
expect_exit 3 as_tanaka print job --batch J-1
expect_grep "queue 'fukan-print' is stopped .*paper jam" err.txt
cupsenable fukan-print
cupsreject -r 'maintenance' fukan-print
expect_exit 3 as_tanaka print job --batch J-1
expect_grep "queue 'fukan-print' rejects jobs.*maintenance" err.txt
cupsaccept fukan-print
expect_exit 3 as_tanaka print job --batch J-1 --printer no-such-queue
expect_grep "queue 'no-such-queue' does not exist" err.txt
expect_exit 2 as_tanaka print job --batch J-1 --printer fukan-print@printserver.example
expect_grep "on another host" err.txt
CUPS_SERVER=192.0.2.7 expect_exit 2 as_tanaka print job --batch J-1
expect_grep "not this machine" err.txt
port=${CUPS_SERVER#*:}
CUPS_SERVER=127.0.0.1:1 expect_exit 3 as_tanaka print job --batch J-1
expect_grep "cannot reach the local CUPS server at 127.0.0.1:1" err.txt
expect_exit 0 as_tanaka printlog job --files
awk 'NR > 1 && $6 != "composed" { exit 1 }' out.txt || fail "a refused print marked a file printed"
expect_exit 0 as_tanaka printlog job --format csv
[ "$(grep -c '^"print"' out.txt || true)" = 0 ] || fail "a refused print is in the print log"
[ ! -s "$PAGELOG" ] || fail "CUPS logged pages for a refused print"

# The whole job through the real cupsd.
expect_exit 0 as_tanaka print job --all
expect_grep "^printing print files: ([0-9]+) of \1 in [0-9]+ s" err.txt
expect_grep "^printed $nfiles print files" out.txt
expect_exit 0 as_tanaka printlog job --format csv -o log.csv
# Printed paper pins the serial numbers: composing again is refused, even with a reason.
expect_exit 2 as_tanaka compose job --replace --reason 'after printing'
expect_grep 'printed already' err.txt
expect_exit 0 as_tanaka status job --json
python3 - out.txt <<'PY' || fail "status does not count every print file as printed"
import json, sys
files = json.load(open(sys.argv[1]))["print_files"]
assert files.get("composed", 0) == 0 and files["printed"] > 0, files
totals = json.load(open(sys.argv[1]))["records"]["totals"]
assert totals["composed"] == 0 and totals["printed"] > 0, totals
PY
# Printed paper waits for the enclosure check: status lists it with its age, and flags it
# past the order's idle_alarm (the print log's times are moved back two hours here).
expect_exit 0 as_tanaka status job
expect_grep 'print files printed, not enclosure-checked' out.txt
expect_grep '^  [A-Z0-9]+-J-1-001\.pdf +printed [0-9]+ min ago$' out.txt
cp -a job job.fresh
sqlite3 job/job.db "UPDATE prints SET submitted_epoch = submitted_epoch - 7200"
expect_exit 0 as_tanaka status job
expect_grep '^  [A-Z0-9]+-J-1-001\.pdf +printed 1[0-9][0-9] min ago — idle alarm !$' out.txt
expect_grep 'not enclosure-checked' err.txt
expect_exit 0 as_tanaka status job --json
python3 -c "import json,sys; n=json.load(open(sys.argv[1]))['idle_files']; assert n > 0, n" out.txt ||
  fail "status --json does not count the idle files"
rm -rf job; mv job.fresh job
# The enclosure check takes "printed" from the print log; once every envelope of a file
# has passed, the file is verified and its paper no longer idle.
cp -a job job.printed
expect_exit 0 as_tanaka simulate-inserter job -o scans.csv
expect_exit 0 as_tanaka verify job --camera scans.csv
expect_grep '^job: verified ([0-9]+) of \1, failed 0, missing 0' out.txt
expect_exit 0 as_tanaka status job --json
python3 - out.txt <<'PY' || fail "status does not count every print file as verified"
import json, sys
files = json.load(open(sys.argv[1]))["print_files"]
assert files.get("composed", 0) == 0 and files.get("printed", 0) == 0 and files["verified"] > 0, files
totals = json.load(open(sys.argv[1]))["records"]["totals"]
assert totals["printed"] == 0 and totals["verified"] > 0, totals
PY
# Delivered envelopes: one scanned again is named delivered, not merely a duplicate.
expect_exit 0 as_tanaka reconcile job --format csv -o rec.csv
args=$(python3 - rec.csv <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
h = rows[0]
print(" ".join(f"--count {r[0]}={r[h.index('突合')]}" for r in rows[1:] if r[h.index("バッチ")] == "計"))
PY
)
expect_exit 0 as_sato receipt job deliver --ward-staff '新宿 花子' $args -o deliver.pdf
{ head -n 1 scans.csv; sed -n 2p scans.csv; } > rescan.csv
expect_exit 1 as_tanaka verify job --camera rescan.csv
expect_grep 'FAIL [A-Z]-[0-9]+ .*delivered' out.txt
rm -rf job; mv job.printed job
[ "$(stat -c %a log.csv)" = 600 ] || fail "the print log is not 0600"
ls "$OUT"/fukan-print-*.pdf > device-files.txt
[ "$(wc -l < device-files.txt)" = "$nfiles" ] || fail "the device received $(wc -l < device-files.txt) jobs, not $nfiles"
# Every print file: CUPS's page_log (matched by job-billing), fukan's log, the designated
# count and the pages that reached the device agree; sampled pages carry the codes of the
# run file for that file, in order.
python3 - log.csv "$PAGELOG" device-files.txt print/run.csv <<'PY' > checks.txt
import csv, sys
log = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")) if r["line"] == "print"]
pages = {}
for line in open(sys.argv[2]):
    f = line.split()
    # printer user job-id [date time] total N job-billing host job-name media sides
    if f[5] == "total":
        pages[f[7]] = pages.get(f[7], 0) + int(f[6])
devices = [l.strip() for l in open(sys.argv[3])]
run = list(csv.DictReader(open(sys.argv[4], encoding="utf-8")))
assert len(log) == len(devices), (len(log), len(devices))
for entry, device in zip(log, devices):
    name = entry["file"]
    billing = "SJK25A/" + name
    assert entry["state"] == "completed", entry
    assert int(entry["sheets"]) == int(entry["designated"]) == int(entry["sheets_reported_by_cups"]), entry
    assert pages.get(billing) == int(entry["sheets"]), (name, pages.get(billing), entry["sheets"])
    _, cat, sheet, batch = name[:-4].split("-")
    codes = [r["payload"] for r in run if r["category"] == cat and r["sheet"] == sheet
             and int(r["batch"]) == int(batch)]
    assert len(codes) == int(entry["sheets"]), (name, len(codes))
    n = len(codes)
    for page in sorted({1, (n + 1) // 2, n}):
        print(device, entry["sheets"], page, codes[page - 1])
PY
[ -s checks.txt ] || fail "the print log, page_log and the device do not agree"
checked=0
while read -r device sheets page code; do
  got=$(pdfinfo "$device" | awk '/^Pages:/ { print $2 }')
  [ "$got" = "$sheets" ] || fail "$device holds $got pages, the print log says $sheets"
  rm -f code-*.png
  pdftoppm -r 300 -png -f "$page" -l "$page" -x 2100 -y 3000 -W 360 -H 360 "$device" code
  read=$(dmtxread -n -N1 code-*.png) || fail "$device page $page: dmtxread found no code"
  [ "$read" = "$code" ] || fail "$device page $page: code '$read', the run file says '$code'"
  checked=$((checked + 1))
done < checks.txt
[ "$checked" -ge "$nfiles" ] || fail "only $checked pages checked"

# A second print of a file needs a reason (exit 2, saying what is designated and printed).
expect_exit 2 as_tanaka print job --batch J-1
expect_grep "are designated and [0-9]+ are already printed.*--reason" err.txt
before=$(wc -l < "$PAGELOG")
[ "$(wc -l < "$PAGELOG")" = "$before" ] || fail "a refused second print reached CUPS"
expect_exit 0 as_tanaka print job --batch J-1 --reason '封筒の破損、再印刷'
expect_grep "over-count" out.txt
expect_exit 0 as_tanaka printlog job --format csv -o over.csv
tr -d '\r' < over.csv | grep -E '^"over-count",.*"SJK25A-J-1-001.pdf".*"封筒の破損、再印刷"$' >/dev/null ||
  fail "the over-count line is not in the CSV print log"
expect_exit 0 as_tanaka printlog job --format xlsx -o log.xlsx
python3 - log.xlsx <<'PY' || fail "the XLSX print log lacks the over-count line"
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
import xml.etree.ElementTree as ET
strings = [si.findtext("m:t", namespaces=ns) or "".join(t.text or "" for t in si.iter("{%s}t" % ns["m"]))
           for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
rows = []
for row in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter("{%s}row" % ns["m"]):
    cells = [""] * 14  # by column letter: libxlsxwriter leaves empty cells out
    for c in row.findall("m:c", ns):
        col = ord(re.match("[A-Z]", c.get("r")).group(0)) - ord("A")
        v = c.findtext("m:v", namespaces=ns)
        cells[col] = strings[int(v)] if c.get("t") == "s" else v
    rows.append(cells)
assert rows[0][0] == "区分" and rows[0][9] == "超過枚数", rows[0]
over = [r for r in rows if r[0] == "超過"]
assert len(over) == 1 and over[0][4] == "SJK25A-J-1-001.pdf" and over[0][13] == "封筒の破損、再印刷", over
assert float(over[0][9]) > 0
PY
expect_exit 0 as_tanaka printlog job --format pdf -o log.pdf
pdftotext log.pdf log.txt
expect_grep '印刷ログ' log.txt
expect_grep '令和[0-9元]+年[0-9]+月[0-9]+日' log.txt
expect_grep '[0-9]{4}-[0-9]{2}-[0-9]{2}' log.txt
expect_grep '（超過）' log.txt
expect_grep '理由: 封筒の破損' log.txt

# Reprint of single envelopes: a child print file of their batch with the same codes and
# serials, printed at once, all over the designation with its reason.
expect_exit 2 as_tanaka reprint job --envelopes J-000002,J-000003
expect_exit 2 as_tanaka reprint job --envelopes X-1 --reason 'test'
expect_grep "not an envelope" err.txt
expect_exit 2 as_tanaka reprint job --envelopes J-009999 --reason 'test'
expect_grep "J-009999: no such envelope" err.txt
expect_exit 0 as_tanaka reprint job --envelopes J-000002,J-000003 --reason '汚損のため再印刷'
expect_grep '^SJK25A-J-1-001-r01\.pdf: completed$' out.txt
expect_grep '^reprinted 2 envelopes: 1 child print files, 2 sheets' out.txt
device=$(ls "$OUT"/fukan-print-*.pdf | tail -n 1)
[ "$(pdfinfo "$device" | awk '/^Pages:/ { print $2 }')" = 2 ] || fail "the reprint did not reach the device as 2 pages"
for page in 1 2; do
  want=$(awk -F, -v s=$(printf '%06d' $((page + 1))) '$3 == "J" && $2 == s { print $7 }' print/run.csv)
  rm -f code-*.png
  pdftoppm -r 300 -png -f "$page" -l "$page" -x 2100 -y 3000 -W 360 -H 360 "$device" code
  read=$(dmtxread -n -N1 code-*.png) || fail "reprint page $page: dmtxread found no code"
  [ "$read" = "$want" ] || fail "reprint page $page: code '$read', the run file says '$want'"
done
expect_exit 0 as_tanaka printlog job --format csv -o reprint.csv
tr -d '\r' < reprint.csv | grep -E '^"over-count",.*"SJK25A-J-1-001-r01.pdf".*"汚損のため再印刷"$' >/dev/null ||
  fail "the reprint is not an over-count line with its reason in the print log"

# kill -9 while fukan waits for CUPS: the job is held in "processing" (the device stops
# reading); the next run finds the CUPS job by its name and records its real outcome, once.
touch "$OUT/pause"
# fukan itself in the background (a shell function would leave it running when killed).
"$FUKAN" print job --batch S-1 --reason 'kill test' --user tanaka --user-password-file pw-tanaka \
  > killed.txt 2>&1 &
pid=$!
for _ in $(seq 1 100); do lpstat -o fukan-print | grep -q . && break; sleep 0.1; done
lpstat -o fukan-print | grep -q . || fail "the held CUPS job did not appear"
sleep 0.5
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
rm -f "$OUT/pause"
expect_exit 0 as_tanaka printlog job --files
expect_grep '1 unrecorded' out.txt
# fukan status (like the next print, or print --recover) records it.
expect_exit 0 as_tanaka status job
expect_grep 'recorded the outcome of 1 print-log entry left open' out.txt
expect_exit 0 as_tanaka printlog job --format csv -o after.csv
python3 - after.csv "$PAGELOG" <<'PY' || fail "the killed print is not recorded exactly once"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")) if r["line"] == "print"
        and r["reason"] == "kill test"]
assert len(rows) == 1, rows
r = rows[0]
assert r["state"] == "completed" and r["sheets_reported_by_cups"] == r["sheets"], r
jobs = [l.split() for l in open(sys.argv[2])]
assert [j[2] for j in jobs].count(r["cups_job_id"]) == 1
PY
expect_exit 0 as_tanaka print job --recover
expect_grep 'recorded the outcome of 0 print-log entries' out.txt

# A queue stopped during the job (CUPS's error policy stops it when the device fails):
# fukan cancels the job and says so; the sheets CUPS reported are all that count.
touch "$OUT/pause"
"$FUKAN" print job --batch D-1 --reason 'stop test' --user tanaka --user-password-file pw-tanaka \
  > stopped.txt 2>&1 &
pid=$!
for _ in $(seq 1 100); do lpstat -o fukan-print | grep -q . && break; sleep 0.1; done
cupsdisable -r 'paper jam' fukan-print
set +e; wait "$pid"; rc=$?; set -e
rm -f "$OUT/pause"
cupsenable fukan-print
[ "$rc" = 3 ] || { cat stopped.txt >&2; fail "a queue stopped during the job exited $rc, not 3"; }
expect_grep "CUPS job [0-9]+ canceled: queue 'fukan-print' stopped during the job" stopped.txt
# pdftopdf counts pages as it passes them on, so CUPS may report sheets that are still in
# the device's buffer: they count as printed (partially), as CUPS says.
if grep -q 'no sheets reported' stopped.txt; then
  expect_grep "not marked printed" stopped.txt
else
  expect_grep "counts the [0-9]+ of 100 sheets CUPS reported \(partially printed\)" stopped.txt
fi

# cupsd not running at all.
"$SRCDIR/scripts/private-cupsd" stop "$CUPSDIR/c"
expect_exit 3 as_tanaka print job --batch H-1 --reason 'no cupsd'
expect_grep "cannot reach the local CUPS server at 127.0.0.1:$port" err.txt
echo ok
