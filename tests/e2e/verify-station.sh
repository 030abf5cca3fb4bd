# The scan station (fukan verify --station) driven in tmux as an operator would: a hand
# scanner types each sheet's code and Enter; the screen must show ✓ 正常 for a right envelope
# and ✗ 異常 with the reason for a wrong one, and the results must be stored in the job.
. "$SRCDIR/tests/e2e/lib.sh"
command -v tmux >/dev/null || fail "tmux is needed (scripts/setup installs it)"
new_job job
"$FUKAN" sample -o ward.csv --encoding utf-8 --count 300 >/dev/null
"$FUKAN" seal ward.csv -o package.zip --password-out package-pw.txt 2>/dev/null
set +e
as_tanaka open job package.zip --package-password-file package-pw.txt >/dev/null 2>&1
set -e
expect_exit 0 as_tanaka check job
expect_exit 0 as_tanaka proof job -o proof
expect_exit 0 as_sato proof job --approve
expect_exit 0 as_tanaka compose job
expect_exit 0 as_tanaka export job --proof -o print
code() { awk -F, -v c="$1" -v s="$2" -v i="$3" '$3 == c && $2 + 0 == s && $4 == i { print $7 }' print/run.csv; }

sock="$WORKDIR/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$WORKDIR"' EXIT
tmux -S "$sock" new-session -d -s station -x 120 -y 45 \
  "cd '$WORKDIR' && LANG=C.UTF-8 LC_ALL=C.UTF-8 FUKAN_LANG=ja '$FUKAN' verify job --station --assume-printed \
   --user tanaka --user-password-file pw-tanaka > station-out.txt 2> station-err.txt; \
   echo \$? > station-rc.txt; sleep 30"
screen() { tmux -S "$sock" capture-pane -p -t station; }
wait_for() { # PATTERN: waits up to 20 s for the screen to show it
  for _ in $(seq 1 100); do screen | grep -qF -- "$1" && return 0; sleep 0.2; done
  screen >&2; fail "the station never showed '$1'"
}
scan() { tmux -S "$sock" send-keys -t station -l -- "$1"; tmux -S "$sock" send-keys -t station Enter; }

wait_for '封入物突合'
# A right envelope: both sheets of S-000001.
scan "$(code S 1 1)"; scan "$(code S 1 2)"
wait_for '✓ 正常'
wait_for '封筒 S-000001'
# A wrong one: ① of S-000002 with ② of S-000003.
scan "$(code S 2 1)"; scan "$(code S 3 2)"
wait_for '✗ 異常'
wait_for '差し違い'
wait_for 'キーでは解除できません'
# No key clears it: an empty Enter and a stray key leave ✗ on screen.
tmux -S "$sock" send-keys -t station Enter
tmux -S "$sock" send-keys -t station y Enter
sleep 0.5
screen | grep -qF '✗ 異常' || { screen >&2; fail "a key cleared the ✗"; }
# A sheet from a proof set (a specimen code) is never accepted.
scan "FK1|SJK25A|S|000000|1/2|0000000000"; tmux -S "$sock" send-keys -t station Enter
wait_for '照合値不一致'
scan 'q'
for _ in $(seq 1 50); do [ -s station-rc.txt ] && break; sleep 0.2; done
[ "$(cat station-rc.txt)" = 1 ] || { cat station-err.txt >&2; fail "the station did not exit 1 after faults"; }
expect_exit 0 as_tanaka verify job --history S-000001
expect_grep 'pass .*station' out.txt
expect_exit 0 as_tanaka verify job --history S-000002
expect_grep 'fail +swapped' out.txt
echo "verify-station: ok"
