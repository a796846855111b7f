#!/bin/bash
# SPDX-License-Identifier: MIT
# Escape suite: a static guest program makes every syscall number with
# junk arguments from its own code (tests/escape/escape_all.c). Every call
# is served or refused by lbox: none reaches the host (the sandbox is not
# killed), and files it then tries to create at a host path do not appear
# on the host.
. "$(dirname "$0")/../lib.sh"
need_lbox
scratch_dir
ESC="$LBOX_BUILD/tests/escape"
[ -x "$ESC/escape_all" ] || { echo "FAIL: $ESC/escape_all not built"; exit 1; }
chmod 777 "$SCRATCH"
target="$SCRATCH/escaped"

cd "$SCRATCH" || exit 1
lbox_run run -v "$ESC:$ESC:ro" -- "$ESC/escape_all" "$target"
[ "$RC" -eq 0 ] || fail "escape_all exited $RC (killed by the filter or crashed)"
expect_line "escape_all: survived"
grep -q '^FAIL' <<<"$OUT" && fail "$(grep '^FAIL' <<<"$OUT" | head -3)"
grep -q "^tried [0-9]* syscalls" <<<"$OUT" && ok "$(grep '^tried' <<<"$OUT")"
for f in "$target" "$target.dir" "$target.link"; do
    [ -e "$f" ] || [ -L "$f" ] && fail "host file $f was created from inside"
done
# The same attempt with the scratch directory mounted read-only.
lbox_run run -v "$ESC:$ESC:ro" -v "$SCRATCH:$SCRATCH:ro" -- "$ESC/escape_all" "$target"
[ "$RC" -eq 0 ] || fail "escape_all (ro mount) exited $RC"
for f in "$target" "$target.dir" "$target.link"; do
    [ -e "$f" ] || [ -L "$f" ] && fail "host file $f was created through a read-only mount"
done
finish
