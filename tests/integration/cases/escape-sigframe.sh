#!/bin/bash
# SPDX-License-Identifier: MIT
# Escape suite: a guest handler forges its signal frame
# (tests/escape/escape_sigframe.c). XSAVE state the CPU would fault on is
# cleaned, not loaded, and the sandbox goes on; flags outside what a
# frame may change stay the CPU's; an FP state pointer or a stack pointer
# aimed at lbox's own memory ends the sandbox with SIGSEGV, and lbox
# itself never faults.
. "$(dirname "$0")/../lib.sh"
need_lbox
ESC="$LBOX_BUILD/tests/escape"
[ -x "$ESC/escape_sigframe" ] || { echo "FAIL: $ESC/escape_sigframe not built"; exit 1; }

for mode in xstate xsize eflags; do
    lbox_run run -v "$ESC:$ESC:ro" -- "$ESC/escape_sigframe" "$mode"
    if [ "$RC" -ne 0 ] || ! grep -q '^survived$' <<<"$OUT"; then
        fail "$mode: exit $RC, want 0 ($(tail -n 2 <<<"$OUT") $(tail -n 2 <<<"$ERR"))"
        continue
    fi
    ok "$mode: forged frame survived"
    [ "$(grep -c '^round .: mxcsr valid$' <<<"$OUT")" -eq 3 ] ||
        fail "$mode: MXCSR after sigreturn: $(grep mxcsr <<<"$OUT" | tr '\n' ' ')"
    expect_line "iopl 0"
done

for mode in fpptr stack; do
    lbox_run run -v "$ESC:$ESC:ro" -- "$ESC/escape_sigframe" "$mode"
    expect_line "lbox memory found"
    [ "$RC" -eq 139 ] && ok "$mode: SIGSEGV" ||
        fail "$mode: exit $RC, want 139 ($(tail -n 2 <<<"$ERR"))"
    grep -q "still alive" <<<"$OUT" && fail "$mode: went on"
    grep -q "internal fault" <<<"$ERR" && fail "$mode: lbox itself faulted: $ERR"
done
finish
