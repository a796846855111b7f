#!/bin/bash
# SPDX-License-Identifier: MIT
# lbox started by an unprivileged user (nobody, when the suite runs as
# root): the sandbox boots, the guest has that user's identity, its /tmp is
# writable, and root-only host files stay unreadable.
. "$(dirname "$0")/../lib.sh"
need_lbox
[ "$(id -u)" -eq 0 ] || skip "needs root to switch to nobody"
command -v su >/dev/null || skip "no su"
as_nobody() { su nobody -s /bin/bash -c "cd /tmp && $*" </dev/null 2>&1; }
as_nobody "test -x '${LBOX_CMD[0]}'" >/dev/null ||
    skip "nobody cannot reach ${LBOX_CMD[0]} (a parent directory is private)"

out=$(as_nobody "'${LBOX_CMD[0]}' run -- /usr/bin/python3 -c 'import os; print(os.getuid(), os.getgid())'")
want="$(id -u nobody) $(id -g nobody)"
grep -qx "$want" <<<"$out" && ok "guest runs as nobody" ||
    fail "python3 as nobody: got '$out', want '$want'"

out=$(as_nobody "'${LBOX_CMD[0]}' run -- /bin/busybox sh -c 'echo hi > /tmp/f && cat /tmp/f'")
grep -qx hi <<<"$out" && ok "/tmp writable" || fail "/tmp as nobody: $out"

out=$(as_nobody "'${LBOX_CMD[0]}' run -- /bin/busybox cat /etc/shadow; echo rc=\$?")
grep -q "Permission denied" <<<"$out" && grep -q "rc=1" <<<"$out" &&
    ok "/etc/shadow denied" || fail "/etc/shadow as nobody: $out"
finish
