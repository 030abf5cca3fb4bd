# Roster, logins, roles, locking and key slots, through the real binary.
. "$SRCDIR/tests/e2e/lib.sh"
new_job job
[ "$(stat -c %a job)" = 700 ] || fail "job directory is not 0700"
[ "$(stat -c %a job/job.db)" = 600 ] || fail "job store is not 0600"

# A second init on an existing job refuses rather than overwrites.
expect_exit 2 "$FUKAN" init job --order "$SRCDIR/tests/fixtures/job.yaml" --user x --name X \
  --user-password-file pw-sato --kdf-cost interactive
expect_grep 'already exists' err.txt

# A group- or world-readable job is refused.
chmod 755 job
expect_exit 2 as_sato "user list" job
expect_grep 'accessible by others' err.txt
chmod 700 job

# A password file readable by others is refused.
cp pw-sato pw-loose; chmod 644 pw-loose
expect_exit 2 "$FUKAN" user list job --user sato --user-password-file pw-loose
expect_grep 'pw-loose: file is accessible by others' err.txt

# No terminal and no password file: a clear error, not a hang.
expect_exit 2 sh -c "'$FUKAN' user list job --user sato < /dev/null"

# Unknown user and wrong password get the same message; both are audited.
make_password pw-wrong 'Zz8-not-the-one'
expect_exit 2 "$FUKAN" user list job --user nobody --user-password-file pw-wrong
expect_grep 'unknown user or wrong password' err.txt
expect_exit 2 "$FUKAN" user list job --user tanaka --user-password-file pw-wrong
expect_grep 'unknown user or wrong password' err.txt

# A handler may not add users.
expect_exit 2 as_tanaka "user add" job yamada --name 山田 --role handler \
  --new-password-file pw-wrong
expect_grep 'may not run .user add.' err.txt

# Weak passwords are refused.
make_password pw-weak 'password1234'
expect_exit 2 as_sato "user add" job yamada --name 山田 --role handler \
  --new-password-file pw-weak --kdf-cost interactive
expect_grep 'too weak' err.txt
make_password pw-short 'Ab1-short'
expect_exit 2 as_sato "user add" job yamada --name 山田 --role handler \
  --new-password-file pw-short --kdf-cost interactive
expect_grep 'too short' err.txt

# Five wrong passwords in a row lock the user, until a manager unlocks.
for i in 1 2 3 4; do
  expect_exit 2 "$FUKAN" user list job --user tanaka --user-password-file pw-wrong
done
expect_exit 2 as_tanaka "user list" job
expect_grep 'locked' err.txt
expect_exit 0 as_sato "user unlock" job tanaka
expect_exit 0 as_tanaka "user list" job
expect_grep 'tanaka +handler' out.txt

# Changing one's password rewraps the slot: the old one no longer opens it.
make_password pw-tanaka-new 'Mv5-lanterns-Qp8'
expect_exit 0 as_tanaka "user passwd" job --new-password-file pw-tanaka-new --kdf-cost interactive
expect_exit 2 as_tanaka "user list" job
expect_exit 0 "$FUKAN" user list job --user tanaka --user-password-file pw-tanaka-new

# A removed handler's password opens nothing; the roster keeps the history.
expect_exit 0 as_sato "user remove" job tanaka
expect_exit 2 "$FUKAN" user list job --user tanaka --user-password-file pw-tanaka-new
expect_exit 0 as_sato "user list" job
expect_grep 'tanaka +handler +取扱者 +removed' out.txt
slot=$(sqlite3 job/job.db "SELECT count(*) FROM users WHERE id = 'tanaka' AND slot IS NULL")
[ "$slot" = 1 ] || fail "the removed handler's key slot is still there"

# An auditor may read the log but not run staff commands.
make_password pw-audit 'Wd3-ledgers-Hs6'
expect_exit 0 as_sato "user add" job kansa --name 監査 太郎 --role auditor \
  --new-password-file pw-audit --kdf-cost interactive
expect_exit 0 "$FUKAN" audit log job --user kansa --user-password-file pw-audit
expect_exit 2 "$FUKAN" user add job z --name Z --role handler --new-password-file pw-weak \
  --user kansa --user-password-file pw-audit

# The roster for the ward: CSV and PDF with every user ever on it, with real text.
expect_exit 0 as_sato roster job -o .
[ "$(stat -c %a roster.csv)" = 600 ] || fail "roster.csv is not 0600"
expect_grep '^tanaka,Tanaka Hanako,封緘印刷株式会社,取扱者,[^,]+,sato,[^,]+,sato' roster.csv
# 登録日時 and 削除日時 in Japan time with the zone stated, 和暦 with the ISO date.
jst='令和[0-9元]+年[0-9]+月[0-9]+日（[0-9]{4}-[0-9]{2}-[0-9]{2}）[0-9]{2}:[0-9]{2} JST'
expect_grep "^tanaka,Tanaka Hanako,封緘印刷株式会社,取扱者,$jst,sato,$jst,sato" roster.csv
now_jst=$(TZ=Asia/Tokyo date +%F)
now_jst_later=$(TZ=Asia/Tokyo date -d '+1 minute' +%F)
grep -qE "（($now_jst|$now_jst_later)）" roster.csv || fail "the roster's dates are not today's in Japan"
pdftotext roster.pdf roster.txt
expect_grep '個人情報取扱者名簿' roster.txt
expect_grep 'Tanaka Hanako' roster.txt
expect_grep 'JST' roster.txt
pdffonts roster.pdf | awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-3) != "yes") { exit 1 }' \
  || fail "a font of roster.pdf is not embedded and subset"

# Every refusal above is in the audit log, and the log verifies.
expect_exit 0 as_sato "audit log" job
expect_grep 'FK_EAUTH +unknown user' out.txt
expect_grep 'FK_EAUTH +wrong password; user now locked' out.txt
expect_grep 'FK_ELOCKED +user locked' out.txt
expect_grep 'FK_EPERM +role not allowed' out.txt
expect_exit 0 as_sato "audit verify" job
expect_grep 'audit log intact' out.txt
echo ok
