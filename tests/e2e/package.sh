# fukan open against every kind of package a ward might hand over, good and bad.
. "$SRCDIR/tests/e2e/lib.sh"
new_job job
"$FUKAN" sample -o ward.csv --count 120 >/dev/null
make_password pkg-pw 'Ward-Secret-2025-abc'
pw=$(cat pkg-pw)

# open_fails ZIP PATTERN: exit 2 with the message, and nothing stored.
open_fails() {
  expect_exit 2 as_tanaka open job "$1" --package-password-file pkg-pw
  expect_grep "$2" err.txt
  expect_exit 2 as_tanaka rejects job
  expect_grep 'no package has been opened' err.txt
}

7zz a -tzip -mem=AES256 -p"$pw" good.zip ward.csv >/dev/null
make_password wrong-pw 'Not-The-Password-99'
expect_exit 2 as_tanaka open job good.zip --package-password-file wrong-pw
expect_grep 'wrong package password' err.txt

7zz a -tzip plain.zip ward.csv >/dev/null
open_fails plain.zip 'not encrypted'
7zz a -tzip -mem=ZipCrypto -p"$pw" zipcrypto.zip ward.csv >/dev/null
open_fails zipcrypto.zip 'ZipCrypto'
head -c 3000 good.zip > truncated.zip
open_fails truncated.zip 'truncated.zip'
cp ward.csv second.csv
7zz a -tzip -mem=AES256 -p"$pw" two.zip ward.csv second.csv >/dev/null
open_fails two.zip 'manifest'
printf 'not a zip at all' > junk.zip
open_fails junk.zip 'junk.zip'

# A password file others can read is refused before anything is decrypted.
cp pkg-pw loose-pw; chmod 644 loose-pw
expect_exit 2 as_tanaka open job good.zip --package-password-file loose-pw
expect_grep 'accessible by others' err.txt

# A kill in the middle of opening leaves the previous state: nothing half-stored.
"$FUKAN" sample -o big.csv --count 3000 --seed 5 >/dev/null
7zz a -tzip -mem=AES256 -p"$pw" big.zip big.csv >/dev/null
new_job job2
# fukan itself in the background (not the as_tanaka function, whose subshell is what $!
# would name and kill -9 would kill, leaving fukan running).
"$FUKAN" open job2 big.zip --package-password-file pkg-pw --user tanaka \
  --user-password-file pw-tanaka >/dev/null 2>&1 &
pid=$!
sleep 0.4
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
set +e
as_tanaka rejects job2 >out.txt 2>err.txt
rc=$?
set -e
if [ "$rc" = 2 ]; then
  expect_grep 'no package has been opened' err.txt
else
  expect_grep 'received 3000, accepted 3000, rejected 0' out.txt
fi
records=$(sqlite3 job2/job.db 'SELECT count(*) FROM records')
[ "$records" = 0 ] || [ "$records" = 3000 ] || fail "a killed open left $records records"
expect_exit 0 as_sato audit verify job2

# The good package (7-Zip, AES-256, a CP932 CSV with CRLF and no BOM) opens.
expect_exit 0 as_tanaka open job good.zip --package-password-file pkg-pw
expect_grep 'received 120, accepted 120, rejected 0 \(encoding CP932\)' out.txt

# A second open of a package is refused; --replace replaces it, and the audit log says so.
expect_exit 2 as_tanaka open job good.zip --package-password-file pkg-pw
expect_grep 'already open' err.txt
"$FUKAN" sample -o ward2.csv --count 80 --seed 2 >/dev/null
7zz a -tzip -mem=AES256 -p"$pw" second.zip ward2.csv >/dev/null
expect_exit 2 as_tanaka open job second.zip --package-password-file pkg-pw
expect_grep 'give --replace' err.txt
expect_exit 0 as_tanaka open job second.zip --package-password-file pkg-pw --replace
expect_grep 'received 80, accepted 80' out.txt
expect_exit 0 as_sato audit log job --command open
expect_grep 'replacing the earlier package' out.txt

# Bad rows are rejected with LINE:COLUMN: reason, never the value itself.
"$FUKAN" sample -o dirty.csv --count 60 --seed 3 --dirty 8 --dirty-report dirty.tsv >/dev/null
7zz a -tzip -mem=AES256 -p"$pw" dirty.zip dirty.csv >/dev/null
expect_exit 1 as_tanaka open job dirty.zip --package-password-file pkg-pw --replace
expect_grep 'received 68, accepted 60, rejected 8' out.txt
expect_exit 1 as_tanaka rejects job
grep -E '^[0-9]+:[0-9]+: ' out.txt > findings.txt || fail "no LINE:COLUMN findings"
cut -d: -f1 findings.txt | sort -un > got.txt
cut -f1 dirty.tsv | sort -un > want.txt
cmp want.txt got.txt || fail "rejected lines differ from the planted ones"
expect_exit 0 as_sato audit verify job
echo ok
