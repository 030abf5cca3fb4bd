# The ward's counts are the first reconciliation: a package whose accepted counts differ
# from the order's is a finding (exit 1, audited) and blocks composing until a responsible
# manager accepts it with a reason, or the package is replaced. A package with a header
# only, and `check` on a job with nothing opened, are findings too.
. "$SRCDIR/tests/e2e/lib.sh"
new_job job "$SRCDIR/tests/fixtures/job.yaml"

# Nothing opened: check has nothing to check, which is a finding, not a success.
expect_exit 1 as_tanaka check job
expect_grep 'no package has been opened' err.txt

"$FUKAN" sample -o ward.csv --encoding utf-8 --count 60 --seed 3 >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt >/dev/null
expect_exit 1 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_grep 'accepted counts differ from the order' err.txt
expect_grep '積極的支援 +613 ' out.txt
as_sato audit log job > log.txt
expect_grep 'counts differ from the order: 積極的支援 expected 613, accepted [0-9]+' log.txt

expect_exit 1 as_tanaka check job
expect_grep 'counts: 積極的支援 expected 613.*not accepted: composing is refused' out.txt
expect_exit 0 as_tanaka proof job -o proof
expect_exit 0 as_sato proof job --approve
expect_exit 2 as_tanaka compose job
expect_grep 'accepted counts differ from the order \(積極的支援 expected 613' err.txt
expect_grep "fukan check JOBDIR --accept-counts --reason" err.txt

# status shows the reconciliation, in the table and in --json, and names the next step.
expect_exit 0 as_tanaka status job
expect_grep 'differ, not accepted' out.txt
expect_grep '積極的支援 expected 613' out.txt
expect_grep 'accept-counts: fukan check job --accept-counts --reason TEXT' out.txt
expect_exit 0 as_tanaka status job --json
expect_grep '"counts": *\{"state": *"differ, not accepted"' out.txt

# Only a responsible manager accepts, with a reason; the acceptance is audited.
expect_exit 2 as_tanaka check job --accept-counts --reason 'partial delivery'
expect_exit 2 as_sato check job --accept-counts
expect_exit 0 as_sato check job --accept-counts --reason '区が分割納品と連絡（第1回分）'
expect_grep 'count difference accepted by sato' out.txt
as_sato audit log job > log.txt
expect_grep 'count difference accepted for package 1 \(積極的支援 expected 613.*\): 区が分割納品と連絡' log.txt
expect_exit 0 as_tanaka check job
expect_grep 'counts: .*\(accepted\)' out.txt
expect_exit 0 as_tanaka status job --json
expect_grep '"state": *"differ, accepted"' out.txt
expect_grep '"accepted_by": *"sato"' out.txt
expect_grep '"reason": *"区が分割納品と連絡（第1回分）"' out.txt
expect_exit 0 as_tanaka compose job

# A replaced package starts unaccepted.
"$FUKAN" sample -o ward2.csv --encoding utf-8 --count 50 --seed 4 >/dev/null
"$FUKAN" seal ward2.csv -o package2.zip --password-out package2-pw.txt >/dev/null
expect_exit 1 as_tanaka open job package2.zip --package-password-file package2-pw.txt --replace
expect_exit 1 as_tanaka check job
expect_exit 2 as_tanaka compose job
expect_grep 'accepted counts differ' err.txt

# A package with the header line only.
head -n 1 ward.csv > header-only.csv
"$FUKAN" seal header-only.csv -o empty.zip --password-out empty-pw.txt >/dev/null
new_job job2
expect_exit 1 as_tanaka open job2 empty.zip --package-password-file empty-pw.txt
expect_grep 'holds no rows' err.txt
expect_exit 1 as_tanaka check job2
expect_grep 'counts: the package holds no rows' out.txt
