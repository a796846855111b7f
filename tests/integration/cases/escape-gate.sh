#!/bin/bash
# SPDX-License-Identifier: MIT
# Escape suite: a guest program finds lbox's host syscall gate in the
# kernel image (tests/escape/escape_gate.c) and jumps to it. A call not on
# the allowlist, or an allowed call with arguments outside its checks,
# kills the sandbox with SIGSYS (exit 159); an allowed call goes through,
# which shows the jump did reach the gate.
. "$(dirname "$0")/../lib.sh"
need_lbox
ESC="$LBOX_BUILD/tests/escape"
[ -x "$ESC/escape_gate" ] || { echo "FAIL: $ESC/escape_gate not built"; exit 1; }

lbox_run run -v "$ESC:$ESC:ro" -- "$ESC/escape_gate" allowed
[ "$RC" -eq 0 ] || fail "allowed call through the gate: exit $RC, want 0 ($OUT)"
expect_line "gate found"

# clone only as a thread of this process, tgkill only within it and only
# with the kick signal: a new process, a namespace, a signal to another
# process or another signal is killed.
for mode in execve badfd pgrp fork clonens tgkill tgsig; do
    lbox_run run -v "$ESC:$ESC:ro" -- "$ESC/escape_gate" "$mode"
    [ "$RC" -eq 159 ] || fail "$mode through the gate: exit $RC, want 159 (SIGSYS)"
    grep -q "still alive" <<<"$OUT" && fail "$mode: the filter let it through"
    grep -q "outside the allowlist" <<<"$ERR" || fail "$mode: no monitor message"
done

# pwrite64 reaches lent descriptors, but not in a sandbox with a disk
# budget: a write there would go around the server that counts it.
lbox_run run -v "$ESC:$ESC:ro" -- "$ESC/escape_gate" pwrite
grep -q "^pwrite64 through the gate: -" <<<"$OUT" &&
    ok "pwrite64 on descriptor 8 passes the filter (the host says no)" ||
    fail "pwrite without a budget: exit $RC ($OUT)"
lbox_run run --disk-budget 1m -v "$ESC:$ESC:ro" -- "$ESC/escape_gate" pwrite
[ "$RC" -eq 159 ] && ! grep -q "pwrite64 through" <<<"$OUT" &&
    ok "--disk-budget: pwrite64 through the gate is killed" ||
    fail "pwrite with a budget: exit $RC, want 159 ($OUT)"
finish
