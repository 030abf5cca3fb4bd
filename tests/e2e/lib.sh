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

# make_password FILE PASSWORD: a password file as fukan requires it (mode 0600).
make_password() { (umask 077; printf '%s\n' "$2" > "$1"); }

# The fixture's order without its expected counts: the tests' small samples would differ
# from them, which is a finding of its own (tests/e2e/reconcile.sh tests it with them).
awk '/^expected:/ {skip = 1; next} skip && /^ / {next} {skip = 0; print}' \
  "$SRCDIR/tests/fixtures/job.yaml" > "$WORKDIR/test-order.yaml"

# new_job DIR [ORDER]: a job with manager "sato" (password file pw-sato) and handler "tanaka"
# (pw-tanaka); cheap Argon2id parameters keep the tests fast. ORDER defaults to the
# fixture's without expected counts.
new_job() {
  make_password pw-sato 'Kx9-mangoes-Tl7'
  make_password pw-tanaka 'Rb4-harbour-Zq2'
  "$FUKAN" init "$1" --order "${2:-$WORKDIR/test-order.yaml}" --user sato \
    --name 'Sato Ichiro' --affiliation '封緘印刷株式会社' --user-password-file pw-sato \
    --kdf-cost interactive >/dev/null
  "$FUKAN" user add "$1" tanaka --name 'Tanaka Hanako' --affiliation '封緘印刷株式会社' \
    --role handler --new-password-file pw-tanaka --user sato --user-password-file pw-sato \
    --kdf-cost interactive >/dev/null
}

# as_sato / as_tanaka CMD ARGS...: runs fukan logged in as that user.
as_sato() { cmd=$1; shift; "$FUKAN" $cmd "$@" --user sato --user-password-file pw-sato; }
as_tanaka() { cmd=$1; shift; "$FUKAN" $cmd "$@" --user tanaka --user-password-file pw-tanaka; }
