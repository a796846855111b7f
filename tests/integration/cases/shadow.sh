#!/bin/bash
# SPDX-License-Identifier: MIT
# Started as root, lbox's file server reads host files as an unprivileged
# identity, so the guest cannot read /etc/shadow (EACCES).
. "$(dirname "$0")/../lib.sh"
need_lbox
need_fsops
[ "$(id -u)" -eq 0 ] || skip "not root: the check needs lbox started as root"
[ -e /etc/shadow ] || skip "no /etc/shadow on this host"

lbox_run run "${PROGMNT[@]}" -- /bin/busybox cat /etc/shadow
[ "$RC" -eq 1 ] || fail "cat /etc/shadow exited $RC, want 1"
grep -q "Permission denied" <<<"$ERR" || fail "no 'Permission denied' on stderr: $ERR"
grep -q "root:" <<<"$OUT" && fail "shadow content leaked to the guest"

lbox_run run "${PROGMNT[@]}" -- "$FSOPS" read /etc/shadow stat /etc/shadow read /etc/passwd
expect_line "read /etc/shadow: EACCES"
grep -q "^read /etc/passwd: data=root:" <<<"$OUT" || fail "cannot read /etc/passwd: $OUT"
finish
