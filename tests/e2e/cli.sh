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
echo ok
