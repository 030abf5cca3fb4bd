# The audit verifier against an attacker who edits the job store directly with sqlite3.
. "$SRCDIR/tests/e2e/lib.sh"
new_job job
as_sato "audit pubkey" job -o pubkey.hex >/dev/null
for i in 1 2 3; do as_tanaka "user list" job >/dev/null; done
expect_exit 0 as_sato "audit verify" job --pubkey pubkey.hex
expect_grep 'audit log intact' out.txt
checkpoint=$(sed -n 's/^audit log intact: [0-9]* entries, head \([0-9a-f]*@[0-9]*\)$/\1/p' out.txt)
[ -n "$checkpoint" ] || fail "no checkpoint printed"
expect_exit 0 as_sato "audit verify" job --pubkey pubkey.hex --checkpoint "$checkpoint"

# tampered NAME SQL: a copy of the job with SQL applied (append-only triggers dropped first,
# as an attacker would).
tampered() {
  rm -rf "$1"; cp -a job "$1"
  sqlite3 "$1/job.db" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
    DROP TRIGGER audit_unauth_no_update; DROP TRIGGER audit_unauth_no_delete; $2"
}

# verify_fails DIR PATTERN [ARGS]: verification exits 1 and names the broken entry.
verify_fails() {
  dir=$1; pattern=$2; shift 2
  expect_exit 1 as_sato "audit verify" "$dir" "$@"
  expect_grep "$pattern" err.txt
}

tampered t-field "UPDATE audit SET details = 'nothing happened' WHERE seq = 3"
verify_fails t-field 'audit entry 3: content does not match its hash'

tampered t-user "UPDATE audit SET user = 'yamada' WHERE seq = 4"
verify_fails t-user 'audit entry 4: content does not match its hash'

tampered t-delete "DELETE FROM audit WHERE seq = 5"
verify_fails t-delete 'audit entry 5: missing'

# Reorder: entries 4 and 5 swap places (each keeps its own content and hashes).
tampered t-reorder "UPDATE audit SET seq = -4 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 5;
  UPDATE audit SET seq = 5 WHERE seq = -4;
  CREATE TABLE a2 AS SELECT * FROM audit ORDER BY seq; DELETE FROM audit;
  INSERT INTO audit SELECT * FROM a2 ORDER BY seq DESC; DROP TABLE a2;"
verify_fails t-reorder 'audit entry [0-9]+: (out of order|missing|does not link)'

# Truncation of the tail is invisible without a checkpoint, caught with one (the entries
# written since, by the verifying login itself, cannot take the checkpoint's place).
last=${checkpoint#*@}
tampered t-trunc "DELETE FROM audit WHERE seq >= $((last - 2))"
expect_exit 0 as_sato "audit verify" t-trunc
verify_fails t-trunc "audit entry $last(: differs from the checkpoint| of the checkpoint is missing)" \
  --checkpoint "$checkpoint"

# Re-chaining: alter an entry and recompute every hash after it, without the signing key.
tampered t-rechain "UPDATE audit SET details = 'user added with role manager' WHERE seq = 3"
python3 - t-rechain/job.db <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
job_id = db.execute("SELECT value FROM meta WHERE key = 'job_id'").fetchone()[0]
prev = bytes(32)
rows = db.execute("SELECT seq, ts_utc, ts_local, user, host, command, object, outcome, details"
                  " FROM audit ORDER BY seq").fetchall()
for row in rows:
    enc = b"".join(b"%d:%s\n" % (len(str(f).encode()), str(f).encode()) for f in row)
    h = hashlib.blake2b(b"fukan audit v2\n" + job_id + enc + prev, digest_size=32).digest()
    db.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, row[0]))
    prev = h
db.commit()
PY
verify_fails t-rechain 'audit entry 3: signature does not verify'

# Replacing the public key: caught by the exported key, and by the signatures.
tampered t-pubkey "UPDATE meta SET value = randomblob(32) WHERE key = 'sign_pk'"
verify_fails t-pubkey 'audit public key is not the one given' --pubkey pubkey.hex
verify_fails t-pubkey 'audit entry 1: signature does not verify'

# Splicing in an entry from another job: its hash covers the other job's identity.
mkdir other && (cd other && new_job job)
tampered t-splice "ATTACH 'other/job/job.db' AS o;
  UPDATE audit SET (ts_utc, ts_local, user, host, command, object, outcome, details, prev_hash,
    hash, sig) = (SELECT ts_utc, ts_local, user, host, command, object, outcome, details,
    prev_hash, hash, sig FROM o.audit WHERE seq = 2) WHERE seq = 2;"
verify_fails t-splice 'audit entry 2: (does not link|content does not match)'

# The append-only triggers stop accidental edits in the first place.
if sqlite3 job/job.db "DELETE FROM audit WHERE seq = 1" 2>/dev/null; then
  fail "the audit log accepted a DELETE"
fi
expect_exit 0 as_sato "audit verify" job --pubkey pubkey.hex --checkpoint "$checkpoint"
echo ok
