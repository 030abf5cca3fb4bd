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
  # A usage error answers with one line of usage and a pointer to --help, not the whole help.
  [ "$(wc -l < err.txt)" -le 3 ] || { cat err.txt >&2; fail "fukan $c --no-such-option prints more than a usage line"; }
  expect_grep "see 'fukan $c --help'" err.txt
  case $c in demo | version) ;; *) expect_exit 2 "$FUKAN" "$c" </dev/null
    expect_grep "^usage: fukan $c" err.txt
    expect_grep "see 'fukan $c --help'" err.txt ;; esac
done
# Typos forgiven: a misspelt command or option names the nearest one.
expect_exit 2 "$FUKAN" chek
expect_grep "unknown command 'chek'; did you mean 'check'\\?" err.txt
expect_exit 2 "$FUKAN" stauts job
expect_grep "did you mean 'status'" err.txt
expect_exit 2 "$FUKAN" compose job --jbos 2
expect_grep "unknown option '--jbos'; did you mean '--jobs'\\?" err.txt
expect_grep '^usage: fukan compose JOBDIR' err.txt
expect_exit 2 "$FUKAN" verify job --camra scans.csv
expect_grep "did you mean '--camera'" err.txt
expect_exit 2 "$FUKAN" xyzzy
expect_grep "^fukan: unknown command 'xyzzy'$" err.txt
echo ok
