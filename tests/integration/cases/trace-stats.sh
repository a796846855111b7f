#!/bin/bash
# SPDX-License-Identifier: MIT
# `lbox run --trace` prints one strace-like line per guest syscall on
# stderr; `--stats` prints per-syscall counts. Neither changes the guest's
# stdout or exit status.
. "$(dirname "$0")/../lib.sh"
need_lbox

lbox_run run --trace -- /bin/true
[ "$RC" -eq 0 ] || fail "--trace /bin/true exited $RC"
# Lines may carry a prefix (pid, time): match names at a word start.
grep -Eq '(^|[^a-z_])exit_group\(' <<<"$ERR" || fail "--trace: no 'exit_group(' line"
grep -Eq '(^|[^a-z_])(openat|mmap|read|newfstatat|brk|arch_prctl)\(.*\) *= ' <<<"$ERR" ||
    fail "--trace: no 'name(args) = result' line"
n=$(grep -c '= ' <<<"$ERR")
[ "$n" -ge 5 ] || fail "--trace: only $n result lines for dynamic /bin/true"
grep -q 'ENOENT' <<<"$ERR" ||
    echo "note: no ENOENT in the trace (ld.so usually gets one)"

lbox_run run --trace -- /bin/busybox echo traced
[ "$OUT" = traced ] || fail "--trace changed stdout: '$OUT'"
grep -Eq '(^|[^a-z_])write\(1, .*= 7' <<<"$ERR" || fail "--trace: no 'write(1, ...) = 7' line"

lbox_run run --trace -- /bin/busybox sh -c 'exit 3'
[ "$RC" -eq 3 ] || fail "--trace changed the exit status: $RC"

lbox_run run --stats -- /bin/true
[ "$RC" -eq 0 ] || fail "--stats /bin/true exited $RC"
ALL="$OUT
$ERR"
# Rows are "CALLS ERRORS NAME [(unimplemented)]", as strace -c puts the
# name last.
grep -Eq '^ *[1-9][0-9]* +[0-9]+ +exit_group$' <<<"$ALL" || fail "--stats: no count for exit_group"
grep -Eq '^ *[1-9][0-9]* +[0-9]+ +(mmap|openat)$' <<<"$ALL" || fail "--stats: no count for mmap/openat"
[ "$(grep -c '[0-9]' <<<"$ALL")" -ge 5 ] || fail "--stats: table has fewer than 5 rows"
# The 9P table: /bin/true's loader opens libc from the host root.
grep -Eq '^ *[1-9][0-9]* +Twalk(attr)?$' <<<"$ALL" || fail "--stats: no 9P walk count"
grep -Eq '^ *[1-9][0-9]* +total$' <<<"$(sed -n '/9P requests/,$p' <<<"$ALL")" ||
    fail "--stats: no 9P total"
finish
