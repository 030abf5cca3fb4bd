# Insider attacks on the job store: a handler who can write job.db with sqlite3 (every staff
# account can, since logging in writes to it) tries to forge, hide or gain. Each attack is
# caught by `audit verify --pubkey --checkpoint` or refused at login, naming what was altered.
. "$SRCDIR/tests/e2e/lib.sh"
command -v sqlite3 >/dev/null || fail "sqlite3 is needed (apt-get install sqlite3)"
new_job job
make_password pw-audit 'Wd3-ledgers-Hs6'
as_sato "user add" job kansa --name 'Kansa Taro' --role auditor --new-password-file pw-audit \
  --kdf-cost interactive >/dev/null
as_sato "audit pubkey" job -o pubkey.hex >/dev/null
make_password pw-wrong 'Zz8-not-the-one'
"$FUKAN" user list job --user tanaka --user-password-file pw-wrong >/dev/null 2>&1 || true
"$FUKAN" audit log job --user kansa --user-password-file pw-audit >/dev/null
as_tanaka "user list" job >/dev/null
expect_exit 0 as_sato "audit verify" job --pubkey pubkey.hex
checkpoint=$(sed -n 's/^audit log intact: [0-9]* entries, head \([0-9a-f]*@[0-9]*\)$/\1/p' out.txt)
[ -n "$checkpoint" ] || fail "no checkpoint printed"
expect_grep 'unauthenticated record: 3 entries' out.txt
expect_grep 'roster: every user' out.txt
# Work after the checkpoint: entries an insider would like to hide or imitate.
as_tanaka "user list" job >/dev/null

# attack NAME SQL: a copy of the job with SQL applied (append-only triggers dropped first).
attack() {
  rm -rf "$1"; cp -a job "$1"
  sqlite3 "$1/job.db" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
    DROP TRIGGER audit_unauth_no_update; DROP TRIGGER audit_unauth_no_delete; $2"
}

# detected DIR PATTERN: the verifier (a staff login, the ward's key and checkpoint) refuses,
# at login or in verification, and says why.
detected() {
  set +e
  as_sato "audit verify" "$1" --pubkey pubkey.hex --checkpoint "$checkpoint" >out.txt 2>err.txt
  got=$?
  set -e
  [ "$got" != 0 ] || { cat out.txt >&2; fail "$1: the attack was not detected"; }
  expect_grep "$2" err.txt
}

# refused DIR USER PWFILE PATTERN: that login is refused with the pattern.
refused() {
  expect_exit 2 "$FUKAN" user list "$1" --user "$2" --user-password-file "$3"
  expect_grep "$4" err.txt
}

# rechain DIR TABLE LABEL [sign]: recomputes every hash of TABLE from its content, as
# someone without the key can (the job ID is in clear in meta); NULL signatures for the
# signed log unless told to keep them.
rechain() {
  python3 - "$1/job.db" "$2" "$3" "${4:-}" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); table = sys.argv[2]; label = sys.argv[3].encode() + b"\n"
job_id = db.execute("SELECT value FROM meta WHERE key = 'job_id'").fetchone()[0]
prev = bytes(32)
rows = db.execute("SELECT seq, ts_utc, ts_local, user, host, command, object, outcome, details"
                  f" FROM {table} ORDER BY seq").fetchall()
for row in rows:
    enc = b"".join(b"%d:%s\n" % (len(str(f).encode()), str(f).encode()) for f in row)
    h = hashlib.blake2b(label + job_id + enc + prev, digest_size=32).digest()
    db.execute(f"UPDATE {table} SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, row[0]))
    if table == "audit" and sys.argv[4] != "sign":
        db.execute("UPDATE audit SET sig = NULL WHERE seq = ?", (row[0],))
    prev = h
db.commit()
PY
}

# 1. Forged tail: an "export by sato" appended to the signed log, chained and unsigned, as
#    the earlier format would have signed at the next login.
attack a-forged-tail "INSERT INTO audit (seq, ts_utc, ts_local, user, host, command, object,
  outcome, details, prev_hash, hash) SELECT max(seq) + 1, ts_utc, ts_local, 'sato', host,
  'export', 'print files', 'FK_OK', '24 files exported', x'00', x'00' FROM audit"
rechain a-forged-tail audit "fukan audit v2" sign
sqlite3 a-forged-tail/job.db "UPDATE audit SET sig = NULL WHERE seq = (SELECT max(seq) FROM audit)"
detected a-forged-tail 'not signed \(forged'
as_tanaka "user list" a-forged-tail >/dev/null 2>&1 || true
detected a-forged-tail 'not signed \(forged'

# 1b. Forged tail without the key: the entries after the checkpoint deleted and the rest
#     re-chained with no signatures.
attack a-cut-rechain "DELETE FROM audit WHERE seq > ${checkpoint#*@} - 3"
rechain a-cut-rechain audit "fukan audit v2"
detected a-cut-rechain 'audit entry 1: not signed'

# 1c. The same forgery in the unauthenticated record verifies as what it is: unauthenticated,
#     never a staff action, and once witnessed it can no longer be removed.
attack a-forged-unauth "INSERT INTO audit_unauth SELECT max(seq) + 1, ts_utc, ts_local, 'sato',
  host, 'export', 'print files', 'FK_OK', '24 files exported', x'00', x'00' FROM audit_unauth"
rechain a-forged-unauth audit_unauth "fukan audit unauthenticated v2"
expect_exit 0 as_sato "audit verify" a-forged-unauth --pubkey pubkey.hex --checkpoint "$checkpoint"
expect_grep 'unauthenticated record: 4 entries' out.txt
expect_exit 0 as_sato "audit log" a-forged-unauth
expect_grep '^ +u4 .* sato .* export .*\[unauthenticated\]$' out.txt
grep -E '^ +[0-9]+ .* export ' out.txt && fail "a forged export passes as a signed entry"
sqlite3 a-forged-unauth/job.db "DROP TRIGGER IF EXISTS audit_unauth_no_delete;
  DELETE FROM audit_unauth WHERE seq = 4"
detected a-forged-unauth 'unauthenticated audit entries 4-4 witnessed by audit entry [0-9]+ are missing'

# 1d. A witnessed unauthenticated entry rewritten (a failed login made to look like another
#     user's), and its chain recomputed.
attack a-unauth-rewrite "UPDATE audit_unauth SET user = 'sato' WHERE seq = 1"
rechain a-unauth-rewrite audit_unauth "fukan audit unauthenticated v2"
detected a-unauth-rewrite 'unauthenticated audit entries up to 3 differ from what audit entry [0-9]+ witnessed'

# 2. Role change: the handler makes themself a manager.
attack a-role "UPDATE users SET role = 'manager' WHERE id = 'tanaka'"
refused a-role tanaka pw-tanaka 'key slot of user tanaka does not belong .* store was altered'
detected a-role 'roster entry of user tanaka: .*store was altered'

# 3. Slot copy: tanaka's slot into sato's row, to log in as sato with tanaka's password.
attack a-slot "UPDATE users SET (kdf_ops, kdf_mem, salt, slot) = (SELECT kdf_ops, kdf_mem, salt,
  slot FROM users WHERE id = 'tanaka') WHERE id = 'sato'"
refused a-slot sato pw-tanaka 'key slot of user sato does not belong .* store was altered'
grep -q 'sealed data failed authentication' err.txt && fail "a copied slot reads as a crypto error"
# (and sato's own password no longer opens the copied slot: a wrong password, as it should)
refused a-slot sato pw-sato 'unknown user or wrong password'

# 4. Lock reset: five failures lock tanaka; a staff session seals the lockout into the MAC;
#    the insider then clears it.
rm -rf locked; cp -a job locked
for i in 1 2 3 4 5; do
  "$FUKAN" user list locked --user tanaka --user-password-file pw-wrong >/dev/null 2>&1 || true
done
refused locked tanaka pw-tanaka 'locked after 5 failed logins'
as_sato "user list" locked >/dev/null
rm -rf a-unlock; cp -a locked a-unlock
sqlite3 a-unlock/job.db "UPDATE users SET locked = 0, failures = 0 WHERE id = 'tanaka'"
refused a-unlock tanaka pw-tanaka 'roster entry of user tanaka: failed logins or lockout undone'
detected a-unlock 'roster entry of user tanaka: failed logins or lockout undone'
# Also with the sealed columns set back: the MAC no longer matches.
sqlite3 a-unlock/job.db "UPDATE users SET auth_locked = 0, auth_failures = 0 WHERE id = 'tanaka'"
detected a-unlock 'roster entry of user tanaka: role, name, key slot or lock state changed'

# 5. Field changes: an audit entry's details, a user's name.
attack a-field "UPDATE audit SET details = 'nothing happened' WHERE seq = 3"
detected a-field 'audit entry 3: content does not match its hash'
attack a-name "UPDATE users SET name = 'Someone Else' WHERE id = 'tanaka'"
detected a-name 'roster entry of user tanaka: role, name'

# 6. Deletions: an audit entry, a user (and with them the record of who was on the roster).
attack a-delete "DELETE FROM audit WHERE seq = 4"
detected a-delete 'audit entry 4: missing'
attack a-user-delete "DELETE FROM users WHERE id = 'tanaka'"
detected a-user-delete 'a user was deleted or inserted'

# 7. Reorder: entries 4 and 5 change places.
attack a-reorder "UPDATE audit SET seq = -4 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 5;
  UPDATE audit SET seq = 5 WHERE seq = -4"
detected a-reorder 'audit entry 4: (does not link|out of order)'

# 8. Splice: an entry and a user row from another job.
mkdir other && (cd other && new_job job)
attack a-splice "ATTACH 'other/job/job.db' AS o;
  UPDATE audit SET (ts_utc, ts_local, user, host, command, object, outcome, details, prev_hash,
    hash, sig) = (SELECT ts_utc, ts_local, user, host, command, object, outcome, details,
    prev_hash, hash, sig FROM o.audit WHERE seq = 2) WHERE seq = 2;"
detected a-splice 'audit entry 2: (does not link|content does not match)'
attack a-splice-user "ATTACH 'other/job/job.db' AS o;
  UPDATE users SET (salt, slot, mac) = (SELECT salt, slot, mac FROM o.users WHERE id = 'tanaka')
  WHERE id = 'tanaka'"
refused a-splice-user tanaka pw-tanaka 'key slot of user tanaka does not belong .* store was altered'

# 9. Key swap: a new public key (and the log re-signed under it would still fail against the
#    ward's copy of the old one).
attack a-key "UPDATE meta SET value = randomblob(32) WHERE key = 'sign_pk'"
detected a-key 'audit public key is not the one given'

# 10. Re-chaining without the key after an edit, signatures kept.
attack a-rechain "UPDATE audit SET details = 'user added with role manager' WHERE seq = 3"
rechain a-rechain audit "fukan audit v2" sign
detected a-rechain 'audit entry 3: signature does not verify'

# 11. Truncation before the checkpoint.
attack a-trunc "DELETE FROM audit WHERE seq >= ${checkpoint#*@} - 1"
detected a-trunc "audit entry ${checkpoint#*@}(: differs from the checkpoint| of the checkpoint is missing)"

# The untouched job still verifies, with every check.
expect_exit 0 as_sato "audit verify" job --pubkey pubkey.hex --checkpoint "$checkpoint"
echo ok
