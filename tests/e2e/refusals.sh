#!/bin/sh
# Every refusal leads: it says why, and which command or role would make it allowed.
. "$SRCDIR/tests/e2e/lib.sh"
new_job job
"$FUKAN" sample -o ward.csv --count 60 --seed 3 >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt 2>/dev/null

# Out of order: each names the step that comes first.
expect_exit 2 as_tanaka rejects job
expect_grep "no package has been opened yet: run 'fukan open JOBDIR PACKAGE' first" err.txt
expect_exit 1 as_tanaka check job
expect_grep "run 'fukan open JOBDIR PACKAGE' first" err.txt
expect_exit 2 as_tanaka compose job
expect_grep "run 'fukan open JOBDIR PACKAGE' first" err.txt
expect_exit 0 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_exit 2 as_tanaka open job package.zip --package-password-file package-pw.txt
expect_grep "already open in the job: 'fukan status JOBDIR' names the next step" err.txt
expect_exit 2 as_tanaka compose job
expect_grep "run 'fukan check JOBDIR'" err.txt
expect_exit 0 as_tanaka check job
expect_exit 2 as_tanaka compose job
expect_grep "a responsible manager runs 'fukan proof JOBDIR --approve'" err.txt
expect_exit 2 as_tanaka print job --all
expect_grep "fukan compose" err.txt

# The wrong role: each names the role (and how to find who has it).
make_password pw-new 'Qz8-lantern-Wm3'
expect_exit 2 as_tanaka user add job suzuki --name 'Suzuki' --role handler --new-password-file pw-new
expect_grep "may not run 'user add'; allowed: 取扱責任者 \(manager\) \(log in as one with --user ID\)" err.txt
expect_exit 2 as_tanaka erase job
expect_grep "may not run 'erase'; allowed: 取扱責任者 \(manager\) \(log in as one with --user ID\)" err.txt
expect_exit 2 as_tanaka check job --accept-counts --reason 'confirmed'
expect_grep "log in as one with --user ID|responsible manager" err.txt

# In Japanese too.
FUKAN_LANG=ja expect_exit 2 as_tanaka user add job suzuki --name 'Suzuki' --role handler --new-password-file pw-new
expect_grep "実行できる役割: 取扱責任者 \(manager\)。--user ID でそのいずれかとしてログインしてください" err.txt
echo ok
