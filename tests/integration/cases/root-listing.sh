#!/bin/bash
# SPDX-License-Identifier: MIT
# lbox-only: inside lbox / is a writable tmpfs holding the mount points, so
# `ls -la /` cannot equal the host's; it must list the default views, and
# the guest's /tmp starts empty (the host's /tmp is not visible).
. "$(dirname "$0")/../lib.sh"
need_lbox
need_fsops

lbox_run run "${PROGMNT[@]}" -- /bin/busybox ls -la /
[ "$RC" -eq 0 ] || fail "ls -la / exited $RC: $ERR"
echo "$OUT"
for d in usr etc tmp proc dev bin; do
    awk '{n = NF; for (i = 1; i <= NF; i++) if ($i == "->") n = i - 1; print $n}' <<<"$OUT" | grep -qx "$d" || fail "ls -la / does not list $d"
done
lbox_run run "${PROGMNT[@]}" -- "$FSOPS" ls /tmp write /tmp/new x ls /tmp mkdir /newdir ls /usr/bin
# (A build directory under /tmp is mounted there for the test programs.)
case "$PROGDIR" in /tmp/*) ;; *) expect_line "ls /tmp:" ;; esac
grep -Eq "^ls /tmp: (.* )?new( |$)" <<<"$OUT" || fail "new file not listed in /tmp"
expect_line "mkdir /newdir: ok"
grep -q '^ls /usr/bin: .* busybox' <<<"$OUT" || fail "/usr/bin listing lacks busybox"
finish
