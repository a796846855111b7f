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
finish
