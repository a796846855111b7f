#!/bin/bash
# SPDX-License-Identifier: MIT
# PROGRAM is found on PATH like a shell would; a name with a slash is used
# as is; a missing program is an error naming it.
. "$(dirname "$0")/../lib.sh"
need_lbox

# with_path P CMD...: runs CMD with lbox started under PATH=P.
with_path() {
    local p=$1
    shift
    LBOX_PRE=(/usr/bin/env "PATH=$p")
    "$@"
    LBOX_PRE=()
}

with_path /usr/bin:/bin lbox_run run -- busybox echo hi
[ "$RC" -eq 0 ] && [ "$OUT" = hi ] || fail "busybox on PATH: rc=$RC out='$OUT' err='$ERR'"
with_path /bin lbox_run run -- true
[ "$RC" -eq 0 ] || fail "true on PATH=/bin: rc=$RC err='$ERR'"
with_path /nonexistent:/usr/sbin:/usr/bin lbox_run run -- sha256sum tests/integration/data/words.txt
[ "$OUT" = "$(sha256sum tests/integration/data/words.txt)" ] || fail "sha256sum via PATH: '$OUT' err='$ERR'"

cd "$LBOX_BUILD/tests/prog" || exit 1
lbox_run run -- ./prog-exit_code-static return 5
[ "$RC" -eq 5 ] || fail "relative ./program: rc=$RC err='$ERR'"
cd "$LBOX_REPO" || exit 1

lbox_run run -- lbox-no-such-program-xyz
[ "$RC" -ne 0 ] || fail "missing program exited 0"
grep -q lbox-no-such-program-xyz <<<"$ERR" || fail "missing program: stderr does not name it: '$ERR'"
[ "$RC" -eq 127 ] || echo "note: missing program exited $RC (a shell uses 127)"
with_path /nonexistent lbox_run run -- busybox echo hi
[ "$RC" -ne 0 ] || fail "busybox found although not on PATH"
finish
