# fukan seal: the package opens with 7-Zip and the password file, byte for byte; the
# password file is private; nothing is overwritten; the password never reaches a pipe.
. "$SRCDIR/tests/e2e/lib.sh"

printf '氏名,住所\r\n"山田 太郎","東京都渋谷区, 1-1"\r\n' > ward.csv
iconv -f UTF-8 -t CP932 ward.csv > ward-sjis.csv

expect_exit 0 "$FUKAN" seal ward-sjis.csv -o package.zip --password-out package.pw
[ -s package.zip ] || fail "no package written"
[ "$(stat -c %a package.pw)" = 600 ] || fail "password file is not mode 0600"
pw=$(cat package.pw)
[ ${#pw} -ge 20 ] || fail "password shorter than 20 characters"
case $pw in *[0OlI1]*) fail "password uses an ambiguous character" ;; esac
if grep -qF "$pw" out.txt err.txt; then fail "password printed to a pipe"; fi

# 7-Zip sees AES-256 on every entry and extracts the exact bytes.
7zz l -slt package.zip > list.txt
expect_grep 'Path = ward-sjis.csv' list.txt
expect_grep 'Path = manifest.txt' list.txt
[ "$(grep -c '^Method = AES-256' list.txt)" = 2 ] || fail "not every entry is AES-256"
mkdir out
7zz x -p"$pw" -oout package.zip >/dev/null
cmp ward-sjis.csv out/ward-sjis.csv || fail "extracted CSV differs"
expect_grep '^rows: 1$' out/manifest.txt
sum=$(sha256sum ward-sjis.csv | cut -d' ' -f1)
expect_grep "^sha256: $sum\$" out/manifest.txt
expect_exit 2 7zz x -pwrong-password -owrong package.zip

# Nothing is overwritten.
expect_exit 2 "$FUKAN" seal ward.csv -o package.zip --password-out other.pw
expect_grep 'package.zip: already exists' err.txt
[ ! -e other.pw ] || fail "password file written for a refused run"
expect_exit 2 "$FUKAN" seal ward.csv -o other.zip --password-out package.pw
[ ! -e other.zip ] || fail "package written for a refused run"
[ "$(cat package.pw)" = "$pw" ] || fail "password file overwritten"

# Without --password-out and with stdout not a terminal, the password would be lost.
expect_exit 2 "$FUKAN" seal ward.csv -o other.zip
expect_grep 'password-out' err.txt
[ ! -e other.zip ] || fail "package written without a way to get its password"

# Usage and input errors.
expect_exit 2 "$FUKAN" seal ward.csv
expect_exit 2 "$FUKAN" seal -o x.zip
expect_exit 2 "$FUKAN" seal missing.csv -o x.zip --password-out x.pw
[ ! -e x.zip ] && [ ! -e x.pw ] || fail "output left after a failed run"
expect_exit 0 "$FUKAN" seal --help
expect_grep 'AES-256' out.txt

# Two seals of the same CSV use different passwords.
expect_exit 0 "$FUKAN" seal ward.csv -o second.zip --password-out second.pw
[ "$(cat second.pw)" != "$pw" ] || fail "password repeated"
