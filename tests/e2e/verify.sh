# The enclosure check (突合) on the sample job: a clean camera scan passes every envelope; each
# fault kind, planted by the simulated inserter and by hand-edited exports, is reported for
# exactly the affected envelopes (exit 1); malformed exports are refused with file:line:column
# and record nothing; rework and history; page images rendered with pdftoppm give the same
# verdicts as the camera path.
. "$SRCDIR/tests/e2e/lib.sh"
for tool in pdftoppm python3; do
  command -v $tool >/dev/null || fail "$tool is needed (scripts/setup installs poppler-utils, python3)"
done
new_job job
"$FUKAN" sample -o ward.csv --encoding utf-8 >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt 2>/dev/null
expect_exit 0 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_exit 0 as_tanaka check job
expect_exit 0 as_tanaka proof job -o proof
expect_exit 0 as_sato proof job --approve
expect_exit 0 as_tanaka compose job
expect_exit 0 as_tanaka export job --proof -o print
cp -a job job.composed
fresh() { rm -rf job; cp -a job.composed job; }

# The verdict lines of a check, without the inserter's envelope number: "C-SERIAL kinds".
verdicts() { sed -nE 's/^FAIL ([A-Z]-[0-9]{6}) batch [0-9]+ \([^)]*\): (.*)$/\1 \2/p' "$1" | sort; }

# Printed is what the print log says: with nothing printed, every envelope is not-printed
# and nothing is verified.
expect_exit 0 as_tanaka simulate-inserter job -o clean.csv
cp -a job job.unprinted
expect_exit 1 as_tanaka verify job --camera clean.csv
[ "$(grep -c ': not-printed$' out.txt)" = 4413 ] || fail "unprinted envelopes are not reported as not-printed"
expect_grep '^job: verified 0 of 4413' out.txt
rm -rf job; mv job.unprinted job

# A clean scan passes 4,413 of 4,413.
expect_exit 0 as_tanaka verify job --camera clean.csv --assume-printed
expect_grep '^this check: 4413 envelopes \(8543 sheets\) read, 4413 passed, 0 failed' out.txt
expect_grep '^job: verified 4413 of 4413, failed 0, missing 0' out.txt
expect_exit 0 as_tanaka verify job --summary
[ "$(sed -E 's/.*verified ([0-9]+).*/\1/' out.txt | awk '{ s += $1 } END { print s }')" = 4413 ] || fail "summary does not count 4413 verified"
# Composing again would reassign the serials the results name: refused.
expect_exit 2 as_tanaka compose job --replace --reason 'test'
expect_grep 'have been through the enclosure check' err.txt
# The same envelopes again are duplicates: no envelope twice.
expect_exit 1 as_tanaka verify job --camera clean.csv --assume-printed
[ "$(grep -c ': duplicate$' out.txt)" = 4413 ] || fail "a second scan is not reported as duplicate"

# The simulator plants every kind; exactly the planted envelopes fail, each with its kind.
fresh
expect_exit 0 as_tanaka simulate-inserter job -o faults.csv --swap 3 --drop 3 --duplicate 3 \
  --foreign 3 --forge 3 --unread 3 --seed 11 --planted planted.tsv
[ "$(wc -l < planted.tsv)" = 21 ] || fail "the simulator did not plant 21 faults"
expect_exit 1 as_tanaka verify job --camera faults.csv --assume-printed
verdicts out.txt > got.txt
awk -F'\t' '{ print $2 " " $1 }' planted.tsv | sort > want.txt
diff want.txt got.txt || fail "simulated faults: verdicts differ from what was planted"
expect_grep '^job: verified 4392 of 4413, failed 21, missing 0' out.txt
grep -qE 'ward|[^ -~]{2,}' got.txt && fail "a verdict holds something else than serials and kinds"

# No personal data in the exports, the verdicts, the store or the audit log.
python3 - ward.csv > identifiers.txt <<'PY2'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")):
    for col in ("氏名", "住所"):
        value = (row.get(col) or "").strip()
        if len(value) >= 4:
            print(value)
PY2
[ "$(wc -l < identifiers.txt)" -gt 4000 ] || fail "too few identifiers extracted"
if LC_ALL=C grep -r -a -F -q -f identifiers.txt faults.csv planted.tsv out.txt err.txt job; then
  fail "personal data in clear in the enclosure check's outputs or store"
fi

# Rework: each failed envelope opened, reprinted, scanned again; its history is kept.
for e in $(cut -f2 planted.tsv); do
  expect_exit 0 as_tanaka verify job --rework "$e" --reason 'opened, sheets reprinted'
done
expect_exit 2 as_tanaka verify job --rework S-000001 --reason 'not failed'
expect_grep 'only a failed envelope is reworked' err.txt
expect_exit 0 as_tanaka simulate-inserter job -o rework.csv --reworked
expect_exit 0 as_tanaka verify job --camera rework.csv --assume-printed
expect_grep '^job: verified 4413 of 4413, failed 0, missing 0' out.txt
first=$(head -1 planted.tsv | cut -f2)
expect_exit 0 as_sato verify job --history "$first"
[ "$(awk '{ print $2 }' out.txt | tr '\n' ' ')" = "fail rework pass " ] || { cat out.txt; fail "history is not fail → rework → pass"; }
expect_grep 'tanaka' out.txt

# Hand-edited exports: one fault each, on a fresh job, reported for exactly those envelopes.
hand() { # NAME EXPECTED-VERDICTS PYTHON-EDIT
  name=$1; hwant=$2; edit=$3
  fresh
  python3 -c "$edit" clean.csv "$name.csv"
  expect_exit 1 as_tanaka verify job --camera "$name.csv" --assume-printed
  verdicts out.txt > got.txt
  printf "%s\n" "$hwant" | sort > want.txt
  diff want.txt got.txt || fail "hand-edited $name: verdicts differ"
}
pre='import sys
rows = open(sys.argv[1], newline="").read().split("\r\n")[:-1]
def put(rows): open(sys.argv[2], "w", newline="").write("\r\n".join(rows) + "\r\n")
def env(n): return [i for i, r in enumerate(rows) if r.split(",")[0] == str(n)]
'
# Envelopes 1 and 2 are S-000001 and S-000002; 1000 is D-000387; the J envelopes come last.
hand swapped "S-000001 swapped
S-000002 swapped" "$pre
a, b = env(1)[1], env(2)[1]
pa, pb = rows[a].split(','), rows[b].split(',')
pa[1], pb[1] = pb[1], pa[1]
rows[a], rows[b] = ','.join(pa), ','.join(pb)
put(rows)"
hand missing "D-000387 missing-sheet" "$pre
del rows[env(1000)[1]]
put(rows)"
hand duplicate "S-000002 duplicate" "$pre
i = env(2)[0]
rows.insert(i + 1, rows[i])
put(rows)"
hand foreign "S-000001 foreign-job" "$pre
i = env(1)[1]
rows.insert(i + 1, '1,FK1|OTHER26|S|000001|2/2|0123456789,')
put(rows)"
hand forged "S-000002 forged" "$pre
for i in env(2):
    p = rows[i].split(',')
    p[1] = p[1][:-10] + ('0123456789' if p[1][-10:] != '0123456789' else '9876543210')
    rows[i] = ','.join(p)
put(rows)"
hand specimen "S-000001 forged" "$pre
i = env(1)[0]
p = rows[i].split(',')
p[1] = p[1].split('|')[0] + '|' + p[1].split('|')[1] + '|S|000000|1/2|0000000000'
rows[i] = ','.join(p)
put(rows)"
hand unread "S-000002 unread" "$pre
p = rows[env(2)[1]].split(',')
p[1] = ''
rows[env(2)[1]] = ','.join(p)
put(rows)"
hand twice "S-000001 duplicate" "$pre
rows += [r.replace('1,', '99999,', 1) for r in (rows[env(1)[0]], rows[env(1)[1]])]
put(rows)"

# Not printed: a print file left out of the printed list fails exactly its envelopes.
fresh
ls print | grep -E '^SJK25A-.*\.pdf$' | grep -v '^SJK25A-S-2-002.pdf$' > printed.txt
expect_exit 1 as_tanaka verify job --camera clean.csv --printed-files printed.txt
verdicts out.txt > got.txt
[ "$(wc -l < got.txt)" = 113 ] || fail "not printed: expected the 113 envelopes of S batch 2"
awk '$2 != "not-printed" { exit 1 }' got.txt || fail "not printed: another kind reported"
awk -F, 'NR > 1 && $3 == "S" && $1 == 2 && $4 == 2 { print "S-" $2 " not-printed" }' \
  print/run.csv | sort > want.txt
diff want.txt got.txt || fail "not printed: wrong envelopes"

# Malformed exports: file:line:column, exit 2, nothing recorded.
fresh
bad() { # NAME PATTERN PYTHON-WRITE
  python3 -c "$3" clean.csv "$1.csv"
  expect_exit 2 as_tanaka verify job --camera "$1.csv" --assume-printed
  expect_grep "$1\.csv:$2" err.txt
  expect_exit 0 as_tanaka verify job --summary
  [ "$(sed -E 's/.*verified ([0-9]+).*/\1/' out.txt | sort -u)" = 0 ] || fail "$1: something was recorded from a malformed file"
}
bad columns '3:[0-9]+: 4 columns' "$pre
rows[2] += ',x'
put(rows)"
bad quoting '5:3: this quote is not closed' "$pre
rows[4] = rows[4].replace(',FK', ',\"FK', 1)
put(rows)"
bad format '4:3: the payload is not an insert-control code' "$pre
rows[3] = '2,4901234567894,'
put(rows)"
bad utf8 '6:[0-9]+: invalid UTF-8' "import sys
d = open(sys.argv[1], 'rb').read().split(b'\r\n')
d[5] = d[5] + b'\xff\xfe'
open(sys.argv[2], 'wb').write(b'\r\n'.join(d))"
bad longline '7:4097: line longer than 4096 bytes' "import sys
d = open(sys.argv[1], 'rb').read().split(b'\r\n')
d[6] = b'3,' + b'F' * (100 * 1024 * 1024)
open(sys.argv[2], 'wb').write(b'\r\n'.join(d))"
[ "$(stat -c %s longline.csv)" -gt 104857600 ] || fail "the long line is not 100 MB"
rm -f longline.csv
# Unless the operator asks: the envelopes completed before the bad line are recorded.
python3 -c "$pre
rows[9] += ',x'
put(rows)" clean.csv partial.csv
expect_exit 1 as_tanaka verify job --camera partial.csv --assume-printed --record-partial
expect_grep 'partial.csv:10:[0-9]+: 4 columns' err.txt
expect_grep '^job: verified 3 of 4413' out.txt

# Page images: sampled pages of the real print files, rendered with pdftoppm, one folder per
# envelope; the same envelopes as a camera export; the same verdicts.
fresh
mkdir img
serials="1 7 40 212 499"
for k in $serials; do
  d=img/$(printf 'S%06d' "$k")
  mkdir "$d"
  pdftoppm -r 150 -png -f "$k" -l "$k" -singlefile print/SJK25A-S-1-001.pdf "$d/1"
  pdftoppm -r 150 -tiff -f "$k" -l "$k" -singlefile print/SJK25A-S-2-001.pdf "$d/2"
done
# One notice (a one-sheet envelope) as a single image; an envelope with its ② swapped with
# the next one's; a page whose code was cut away.
pdftoppm -r 150 -png -f 3 -l 3 -singlefile print/SJK25A-J-1-001.pdf img/J000003
mv img/S000040/2.tif swap.tif; mv img/S000212/2.tif img/S000040/2.tif; mv swap.tif img/S000212/2.tif
pdftoppm -r 150 -png -f 499 -l 499 -singlefile -x 0 -y 0 -W 600 -H 300 \
  print/SJK25A-S-2-001.pdf img/S000499/2
rm -f img/S000499/2.tif
expect_exit 1 as_tanaka verify job --images img --assume-printed
cp out.txt images-out.txt
expect_grep '^unreadable image 2\.png page 1: no insert-control code found' images-out.txt
python3 - print/run.csv > sampled.csv <<'PY'
import csv, sys
code = {}
for r in csv.DictReader(open(sys.argv[1], newline="")):
    code[(r["category"], int(r["serial"]), int(r["sheet"]))] = r["payload"]
envs = [[code[("S", k, 1)], code[("S", k, 2)]] for k in (1, 7, 40, 212, 499)]
envs.insert(0, [code[("J", 3, 1)]])
envs[3][1], envs[4][1] = envs[4][1], envs[3][1]
envs[5][1] = ""
print("envelope,payload")
for n, sheets in enumerate(envs, 1):
    for p in sheets:
        print(f"{n},{p}")
PY
fresh
expect_exit 1 as_tanaka verify job --camera sampled.csv --assume-printed
verdicts out.txt > camera-verdicts.txt
verdicts images-out.txt > images-verdicts.txt
diff camera-verdicts.txt images-verdicts.txt || fail "images and camera verdicts differ"
[ "$(wc -l < images-verdicts.txt)" = 3 ] || fail "expected 3 failed envelopes from the images"
grep -h '^job:' out.txt > a.txt; grep -h '^job:' images-out.txt > b.txt
cmp a.txt b.txt || fail "images and camera totals differ"
expect_grep '^job: verified 3 of 4413, failed 3, missing 4407' images-out.txt
# A proof sheet carries a specimen's code: it never verifies, on its own or in an envelope.
fresh
mkdir proofimg
pdftoppm -r 150 -png -f 1 -l 1 -singlefile proof/proof-voucher-tokutei-S.pdf proofimg/p1
expect_exit 1 as_tanaka verify job --images proofimg --assume-printed
expect_grep '^FAIL .*: (missing-sheet,)?forged$' out.txt
expect_grep '^this check: 1 envelopes \(1 sheets\) read, 0 passed, 1 failed' out.txt
echo "verify: ok"
