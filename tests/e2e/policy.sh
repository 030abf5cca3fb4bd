# One permission and lock policy for every command: nothing of a job may be accessible by
# others or be a symbolic link; a second command on a job fails at once naming who holds
# it; failed logins are counted and audited even while the store is busy, and a store too
# busy or too full to record one refuses the login without trying the password.
. "$SRCDIR/tests/e2e/lib.sh"
command -v sqlite3 >/dev/null || fail "sqlite3 is needed (apt-get install sqlite3)"
new_job job
"$FUKAN" sample -o ward.csv --count 300 >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out pkg-pw 2>/dev/null
as_tanaka open job package.zip --package-password-file pkg-pw >/dev/null
as_tanaka check job >/dev/null
as_tanaka proof job -o proof >/dev/null
as_sato proof job --approve >/dev/null
as_tanaka compose job >/dev/null
[ "$(stat -c %a job/files)" = 700 ] || fail "files/ is not 0700"
[ "$(stat -c %a job/lock)" = 600 ] || fail "the lock file is not 0600"
sealed=$(ls job/files | head -1)
[ "$(stat -c %a "job/files/$sealed")" = 600 ] || fail "a sealed file is not 0600"

# Loose modes anywhere in the job: refused by every command, export included.
chmod 755 job/files
expect_exit 2 as_tanaka export job --proof -o out1
expect_grep 'job/files: directory is accessible by others' err.txt
chmod 700 job/files
chmod 644 "job/files/$sealed"
expect_exit 2 as_tanaka export job --proof -o out1
expect_grep "$sealed: file is accessible by others" err.txt
expect_exit 2 as_sato "user list" job
chmod 600 "job/files/$sealed"
[ ! -e out1 ] || [ -z "$(ls -A out1)" ] || fail "a refused export wrote files"

# Symbolic links: the job directory, job.db, files/, a sealed file.
ln -s job job-link
expect_exit 2 as_sato "user list" job-link
expect_grep 'job-link: is a symbolic link' err.txt
cp -a job j-db; mv j-db/job.db db-elsewhere; ln -s "$WORKDIR/db-elsewhere" j-db/job.db
expect_exit 2 as_sato "user list" j-db
expect_grep 'j-db/job.db: is a symbolic link' err.txt
cp -a job j-files; mv j-files/files files-elsewhere; ln -s "$WORKDIR/files-elsewhere" j-files/files
expect_exit 2 as_sato "user list" j-files
expect_grep 'j-files/files: is a symbolic link' err.txt
cp -a job j-sealed; mv "j-sealed/files/$sealed" sealed-elsewhere
ln -s "$WORKDIR/sealed-elsewhere" "j-sealed/files/$sealed"
expect_exit 2 as_tanaka export j-sealed --proof -o out2
expect_grep "$sealed: is a symbolic link" err.txt

# A second command while one runs: refused at once, naming the holder. (The note an earlier
# command left in the lock file is cleared first, so that the wait below sees this one's.)
: > job/lock
"$FUKAN" compose job --replace --reason "lock test" --user tanaka --user-password-file pw-tanaka >/dev/null 2>&1 &
pid=$!
for i in $(seq 50); do grep -q "running 'compose'" job/lock 2>/dev/null && break; sleep 0.1; done
grep -q "running 'compose'" job/lock || fail "the lock file does not name the running compose"
start=$(date +%s%N)
expect_exit 2 as_sato "user list" job
took=$(( ($(date +%s%N) - start) / 1000000 ))
wait "$pid" || fail "the compose that held the lock failed"
expect_grep "the job is in use: user tanaka running 'compose' since 20[0-9-]+T[0-9:]+" err.txt
# (the store's own wait was 10 s: the refusal must not come from there)
[ "$took" -lt 5000 ] || fail "the second command waited ${took} ms instead of failing at once"
expect_exit 0 as_sato "user list" job

# A failed login while another program holds the store's write lock for a moment: it waits,
# then is counted and audited.
make_password pw-wrong 'Zz8-not-the-one'
(echo "BEGIN IMMEDIATE;"; sleep 3; echo "COMMIT;") | sqlite3 job/job.db &
holder=$!
sleep 0.5
expect_exit 2 "$FUKAN" user list job --user tanaka --user-password-file pw-wrong
expect_grep 'unknown user or wrong password' err.txt
wait "$holder"
[ "$(sqlite3 job/job.db "SELECT failures FROM users WHERE id = 'tanaka'")" = 1 ] \
  || fail "the failed login during a busy moment was not counted"
expect_exit 0 as_sato "audit log" job
expect_grep 'tanaka .* login +FK_EAUTH +wrong password.*\[unauthenticated\]' out.txt

# Held longer than the login's retries: refused without trying the password (fail closed),
# so a store kept busy gives a guesser no uncounted attempts; the right password too.
(echo "BEGIN IMMEDIATE;"; sleep 16; echo "COMMIT;") | sqlite3 job/job.db &
holder=$!
sleep 0.5
expect_exit 3 "$FUKAN" user list job --user tanaka --user-password-file pw-wrong
expect_grep 'login refused without trying the password' err.txt
expect_exit 3 as_tanaka "user list" job
expect_grep 'login refused without trying the password' err.txt
wait "$holder"
[ "$(sqlite3 job/job.db "SELECT failures FROM users WHERE id = 'tanaka'")" = 1 ] \
  || fail "an attempt that was not tried changed the failure count"
expect_exit 0 as_tanaka "user list" job

# A store that cannot be written (here a file-size limit, as a full disk would be): the
# login is refused before the password is tried, the right one too, and nothing changes.
before=$(sqlite3 job/job.db "SELECT count(*) FROM audit_unauth")
expect_exit 3 sh -c "ulimit -f 1; exec '$FUKAN' user list job --user tanaka --user-password-file pw-wrong"
expect_exit 3 sh -c "ulimit -f 1; exec '$FUKAN' user list job --user tanaka --user-password-file pw-tanaka"
grep -q 'tanaka +handler' out.txt && fail "a login succeeded on a store that cannot record it"
[ "$(sqlite3 job/job.db "SELECT count(*) FROM audit_unauth")" = "$before" ] \
  || fail "a store that cannot be written changed"
expect_exit 0 as_tanaka "user list" job
echo ok
