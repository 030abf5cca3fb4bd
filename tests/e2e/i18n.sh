#!/bin/sh
# Messages in the operator's language: the Japanese catalogue is complete (msgfmt), the whole
# demo job runs in Japanese under LANG=ja_JP.UTF-8 with no English sentence left in any output
# line, --help of every command is Japanese, and --lang / FUKAN_LANG choose either language
# whatever the locale.
. "$SRCDIR/tests/e2e/lib.sh"
command -v msgfmt >/dev/null || fail "msgfmt not found: install the Debian package gettext"
locale -a | grep -qix 'ja_JP.utf-\?8' || fail "no ja_JP.UTF-8 locale: run scripts/setup (package locales, locale-gen)"
scan="python3 $SRCDIR/tests/e2e/i18n_scan.py"
# The scan itself finds English: the English help must not pass it.
"$FUKAN" --lang en help > help-en.txt
! $scan help-en.txt > /dev/null || fail "the scan finds no English in the English help"

# Every message is translated, nothing fuzzy, every format directive kept (-c).
msgfmt -c --statistics "$SRCDIR/po/ja.po" -o /dev/null 2> stats.txt || { cat stats.txt >&2; fail "po/ja.po does not compile"; }
grep -qE '^[0-9]+ translated messages\.$' stats.txt || { cat stats.txt >&2; fail "po/ja.po has untranslated or fuzzy messages"; }
# ... and the catalogue holds every message of the source (no msgid missing from ja.po).
(cd "$SRCDIR" && grep -rl --include='*.[ch]' '_(' src | grep -v '^src/util/i18n.h$' | sort) > marked.txt
sort "$SRCDIR/po/POTFILES" | diff - marked.txt || fail "po/POTFILES does not list every file with marked strings"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=P_:1,2 -o source.pot \
  $(sed "s|^|$SRCDIR/|" marked.txt)
msgcmp "$SRCDIR/po/ja.po" source.pot 2> cmp.txt || { cat cmp.txt >&2; fail "po/ja.po lacks messages of the source"; }

# The whole job in Japanese: every line of every step's output.
unset FUKAN_LANG
export LANG=ja_JP.UTF-8 LC_ALL=ja_JP.UTF-8
expect_exit 0 "$FUKAN" demo demo --count 300
$scan out.txt err.txt demo/logs/*.txt || fail "English left in the Japanese demo (lines above)"
cat out.txt err.txt > demo-out.txt
expect_grep '業務全体を実行します' demo-out.txt
expect_grep '監査ログは改ざんされていません' demo/logs/*-audit-verify.txt

# Help and usage errors, in Japanese.
"$FUKAN" help > help.txt
expect_grep '^コマンド:' help.txt
for c in $(awk '/^コマンド:/ {on = 1; next} on && /^  [a-z]/ {print $1}' help.txt); do
  "$FUKAN" "$c" --help > "help-$c.txt" 2>&1 || true
  $scan "help-$c.txt" || fail "fukan $c --help is not in Japanese"
done
expect_exit 2 "$FUKAN" compose
$scan err.txt || fail "a usage error is not in Japanese"
expect_grep "詳しくは 'fukan compose --help' をご覧ください" err.txt
expect_exit 2 "$FUKAN" chek
expect_grep "'chek' というコマンドはありません。'check' のことですか" err.txt
expect_exit 2 "$FUKAN" compose job --jbos 2
expect_grep "'--jbos' というオプションはありません。'--jobs' のことですか" err.txt

# --lang and FUKAN_LANG override the locale both ways.
expect_exit 2 "$FUKAN" --lang en nosuchcommand
expect_grep "unknown command 'nosuchcommand'" err.txt
expect_exit 2 env FUKAN_LANG=en "$FUKAN" nosuchcommand
expect_grep "unknown command" err.txt
export LANG=C.UTF-8 LC_ALL=C.UTF-8
expect_exit 2 "$FUKAN" nosuchcommand
expect_grep "unknown command" err.txt
expect_exit 2 "$FUKAN" --lang ja nosuchcommand
expect_grep "というコマンドはありません" err.txt
expect_exit 2 env FUKAN_LANG=ja "$FUKAN" nosuchcommand
expect_grep "というコマンドはありません" err.txt
expect_exit 2 "$FUKAN" --lang fr help
expect_grep "fukan speaks ja and en" err.txt
echo "ok"
