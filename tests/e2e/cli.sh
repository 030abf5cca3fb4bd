# The front end: help, version, unknown commands, exit codes.
. "$SRCDIR/tests/e2e/lib.sh"
expect_exit 0 "$FUKAN" --version
expect_grep '^fukan [0-9]+\.[0-9]+' out.txt
expect_exit 0 "$FUKAN" help
expect_grep 'usage: fukan COMMAND' out.txt
expect_exit 2 "$FUKAN"
expect_exit 2 "$FUKAN" no-such-command
expect_grep "^fukan: unknown command 'no-such-command'" err.txt
expect_exit 0 "$FUKAN" version --help
expect_grep '^usage: fukan version' out.txt
# Every command: --help prints its usage (exit 0); an unknown option is a usage error (exit 2,
# on stderr only); missing arguments are a usage error too (demo and version alone run as they are).
commands=$("$FUKAN" help | awk '/^commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }')
[ "$(echo "$commands" | wc -l)" -ge 25 ] || fail "fukan help lists too few commands: $commands"
for c in $commands; do
  expect_exit 0 "$FUKAN" "$c" --help
  expect_grep "^usage: fukan $c" out.txt
  expect_exit 2 "$FUKAN" "$c" --no-such-option
  [ -s err.txt ] || fail "fukan $c --no-such-option says nothing on stderr"
  [ ! -s out.txt ] || fail "fukan $c --no-such-option writes to stdout"
  case $c in demo | version) ;; *) expect_exit 2 "$FUKAN" "$c" </dev/null ;; esac
done
echo ok
