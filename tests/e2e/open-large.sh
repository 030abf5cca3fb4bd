# A package past 50,000 rows (the size from which open's memory must stay flat) opens with
# every row counted, exactly the planted rows rejected at their lines, every accepted row
# stored once, and the check agreeing with all of them. Counts only: speed and memory are
# measured by bench/run, never here.
. "$SRCDIR/tests/e2e/lib.sh"

"$FUKAN" sample -o ward.csv --count 60000 --seed 7 --dirty 40 --dirty-report planted.tsv \
  >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt --notice notice.pdf \
  2>/dev/null
new_job job

# CP932 (sample's default), CRLF; the 40 planted rows are the only rejects.
expect_exit 1 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_grep 'received 60040, accepted 60000, rejected 40 \(encoding CP932\)' out.txt
expect_exit 1 as_tanaka rejects job
cut -d: -f1 out.txt | grep -E '^[0-9]+$' | sort -un > got-lines.txt
cut -f1 planted.tsv | sort -un > want-lines.txt
[ "$(wc -l < want-lines.txt)" = 40 ] || fail "sample did not plant 40 rows"
cmp want-lines.txt got-lines.txt || fail "rejected lines differ from the planted ones"

records=$(sqlite3 job/job.db 'SELECT count(*) FROM records')
[ "$records" = 60000 ] || fail "open stored $records records, expected 60000"
lines=$(sqlite3 job/job.db 'SELECT count(DISTINCT line) FROM records')
[ "$lines" = 60000 ] || fail "stored records name $lines distinct lines, expected 60000"

expect_exit 0 as_tanaka check job
expect_exit 0 as_sato audit verify job
