# SPDX-License-Identifier: MIT
# Shared helpers for the scripted integration cases (host side, bash).
# The runner exports LBOX (the lbox command), LBOX_BUILD, LBOX_REPO,
# LBOX_TEST_NATIVE_ONLY. A case exits 0 (pass), 1 (fail) or 77 (skip) and
# prints its reason last.

set -u
: "${LBOX_REPO:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)}"
: "${LBOX_BUILD:=$LBOX_REPO/build-test}"
: "${LBOX:=$LBOX_BUILD/lbox}"
: "${LBOX_TEST_NATIVE_ONLY:=0}"
: "${LBOX_TEST_TIMEOUT:=60}"
read -r -a LBOX_CMD <<<"$LBOX"
PROGDIR="$LBOX_BUILD/tests/prog"
FSOPS="$PROGDIR/tool-fsops"
# Cases change to scratch directories, so the test programs are mounted
# explicitly: `lbox_run run "${PROGMNT[@]}" ...`.
PROGMNT=(-v "$PROGDIR:$PROGDIR:ro")
# Optional prefix for the lbox command, e.g. (/usr/bin/env PATH=/bin).
LBOX_PRE=()
CASE_NAME="$(basename "$0" .sh)"
fails=0

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# Cases that test the sandbox itself cannot pass with a native "lbox".
need_lbox() {
    [ "$LBOX_TEST_NATIVE_ONLY" = 1 ] && skip "needs lbox (native-only mode)"
    [ -x "${LBOX_CMD[0]}" ] || skip "no lbox at ${LBOX_CMD[0]}"
}

need_fsops() {
    [ -x "$FSOPS" ] || { echo "FAIL: $FSOPS not built"; exit 1; }
}

# lbox_run ARGS...: runs `lbox ARGS...` with a timeout; sets OUT, ERR, RC.
lbox_run() {
    local o e
    o=$(mktemp) e=$(mktemp)
    /usr/bin/timeout -k 5 "$LBOX_TEST_TIMEOUT" "${LBOX_PRE[@]}" "${LBOX_CMD[@]}" "$@" >"$o" 2>"$e" </dev/null
    RC=$?
    OUT=$(cat "$o") ERR=$(cat "$e")
    rm -f "$o" "$e"
    if grep -aEq 'AddressSanitizer|LeakSanitizer|runtime error:' <<<"$ERR"; then
        fail "sanitizer report from lbox: $(tail -n 5 <<<"$ERR")"
    fi
}

# expect_line TEXT: OUT must contain the exact line TEXT.
expect_line() {
    if grep -Fxq -- "$1" <<<"$OUT"; then ok "$1"; else fail "missing line '$1'"; fi
}

# scratch_dir: a host temp dir readable by the file server's unprivileged
# identity (it runs as nobody when lbox runs as root). Removed at exit.
scratch_dir() {
    SCRATCH=$(mktemp -d /var/tmp/lbox-itest-XXXXXX)
    chmod 755 "$SCRATCH"
    trap 'rm -rf "$SCRATCH"' EXIT
}

# kernel_pid PID: the pid of the lbox-kernel process among the children
# of lbox process PID (the running sandbox), or nothing.
kernel_pid() {
    local c
    for c in $(pgrep -P "$1"); do
        [ "$(basename "$(readlink /proc/"$c"/exe)")" = lbox-kernel ] && echo "$c" && return
    done
}

finish() {
    if [ "$fails" -eq 0 ]; then
        echo "PASS: $CASE_NAME"
        exit 0
    fi
    echo "FAIL: $CASE_NAME: $fails check(s) failed (last lbox stderr: $(tail -n 3 <<<"${ERR:-}" | tr -cd '[:print:]\n' | tr '\n' ' '))"
    exit 1
}
