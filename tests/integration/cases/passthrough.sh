#!/bin/bash
# SPDX-License-Identifier: MIT
# stdin/stdout/stderr, exit status (128+N for signal N), the environment
# (--env, --clear-env) and the working directory (--cwd) pass through.
. "$(dirname "$0")/../lib.sh"
need_lbox
T="timeout -k 5 $LBOX_TEST_TIMEOUT"

out=$(printf 'abc\n' | $T "${LBOX_CMD[@]}" run -- /bin/busybox cat)
[ "$out" = abc ] || fail "stdin passthrough: got '$out'"
out=$(printf 'x\ny\n' | $T "${LBOX_CMD[@]}" run -- /bin/busybox wc -l)
[ "$(echo $out)" = 2 ] || fail "stdin to wc -l: got '$out'"

lbox_run run -- /bin/busybox sh -c 'exit 7'
[ "$RC" -eq 7 ] || fail "exit status: $RC, want 7"
lbox_run run -- /bin/busybox sh -c 'echo out; echo err >&2'
[ "$OUT" = out ] || fail "stdout: '$OUT'"
grep -qx err <<<"$ERR" || fail "stderr: '$ERR'"
lbox_run run "${PROGMNT[@]}" -- "$LBOX_BUILD/tests/prog/prog-segv-static"
[ "$RC" -eq 139 ] || fail "SIGSEGV: exit $RC, want 139"

# 2 MB through the stdout pipe, byte for byte.
want=$(sha256sum </bin/busybox)
got=$($T "${LBOX_CMD[@]}" run -- /bin/busybox cat /bin/busybox | sha256sum)
[ "$want" = "$got" ] || fail "large stdout differs"

export LBOX_ITEST_VAR=passed
lbox_run run --env EXTRA=1 --env "SPACED=a b" -- /bin/busybox env
expect_line LBOX_ITEST_VAR=passed
expect_line EXTRA=1
expect_line "SPACED=a b"
lbox_run run --clear-env --env ONLY=1 -- /bin/busybox env
expect_line ONLY=1
grep -q '^LBOX_ITEST_VAR=' <<<"$OUT" && fail "--clear-env kept LBOX_ITEST_VAR"
grep -q '^HOME=' <<<"$OUT" && fail "--clear-env kept HOME"
lbox_run run --env LBOX_ITEST_VAR=override -- /bin/busybox env
expect_line LBOX_ITEST_VAR=override

lbox_run run --cwd /usr -- /bin/busybox pwd
[ "$OUT" = /usr ] || fail "--cwd /usr: pwd says '$OUT'"
cd /usr/share || exit 1
lbox_run run -- /bin/busybox pwd
[ "$OUT" = /usr/share ] || fail "default cwd: pwd says '$OUT'"
cd "$LBOX_REPO" || exit 1
lbox_run run -- /bin/busybox cat tests/integration/data/words.txt
[ "$OUT" = "$(cat tests/integration/data/words.txt)" ] || fail "reading the cwd (repo) failed: $ERR"
finish
