#!/bin/bash
# SPDX-License-Identifier: MIT
# Command line: bad options get a one-line error and exit 2; `lbox --help`
# and `lbox run --help` exit 0 and document every option.
. "$(dirname "$0")/../lib.sh"
need_lbox

bad() {
    lbox_run "$@"
    local lines
    lines=$(grep -c . <<<"$ERR")
    if [ "$RC" -ne 2 ]; then
        fail "lbox $*: exit $RC, want 2"
    elif [ "$lines" -ne 1 ]; then
        fail "lbox $*: $lines stderr lines, want one: $ERR"
    else
        ok "lbox $*: $ERR"
    fi
}
bad run --bogus -- /bin/true
bad bogus-command
bad run
bad run --env
bad run --cwd
bad run -v
bad run -v /usr -- /bin/true
bad run --clear-env --bogus -- /bin/true

lbox_run --help
[ "$RC" -eq 0 ] || fail "lbox --help exited $RC"
grep -q 'run' <<<"$OUT" || fail "lbox --help (stdout) does not mention run"
lbox_run run --help
[ "$RC" -eq 0 ] || fail "lbox run --help exited $RC"
for opt in --env --clear-env --cwd -v --trace --stats --help; do
    grep -q -- "$opt" <<<"$OUT" || fail "lbox run --help (stdout) does not mention $opt"
done
for cmd in doctor policy; do
    grep -q -- "$cmd" <<<"$(cd / && "${LBOX_CMD[@]}" --help)" || fail "lbox --help does not mention $cmd"
done
lbox_run doctor
[ "$RC" -eq 0 ] || fail "lbox doctor exited $RC on a host that runs lbox"
grep -q '^ok *seccomp' <<<"$OUT" || fail "lbox doctor has no seccomp line: $OUT"
lbox_run policy dump
[ "$RC" -eq 0 ] || fail "lbox policy dump exited $RC"
grep -q '^exit_group' <<<"$OUT" || fail "lbox policy dump does not list exit_group"
bad policy bogus
bad bogus-command
finish
