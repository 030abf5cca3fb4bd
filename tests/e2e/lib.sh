# Shared helpers for the end-to-end tests; sourced by each tests/e2e/*.sh.
set -eu
WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/fukan-e2e.XXXXXX")
chmod 700 "$WORKDIR"
trap 'rm -rf "$WORKDIR"' EXIT
cd "$WORKDIR"

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_exit CODE CMD...: runs CMD, keeps stdout/stderr in out.txt/err.txt, checks the code.
expect_exit() {
  want=$1; shift
  set +e
  "$@" >out.txt 2>err.txt
  got=$?
  set -e
  [ "$got" = "$want" ] || { cat err.txt >&2; fail "'$*' exited $got, expected $want"; }
}

# expect_grep PATTERN FILE: FILE must contain PATTERN (extended regex).
expect_grep() { grep -qE -- "$1" "$2" || { cat "$2" >&2; fail "'$1' not in $2"; }; }
