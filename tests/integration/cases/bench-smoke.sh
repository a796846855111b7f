#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/run still works: one round of the getpid microbenchmark natively
# and under lbox gives a table row with a ratio. No speed is checked here
# (targets live in bench/ and docs/performance.md).
. "$(dirname "$0")/../lib.sh"
need_lbox
[ -x "$LBOX_BUILD/bench/micro" ] || skip "no $LBOX_BUILD/bench/micro"
out=$(/usr/bin/python3 "$LBOX_REPO/bench/run" --build "$LBOX_BUILD" \
    --rounds 1 --only getpid 2>&1)
grep -Eq '^\| getpid \| [0-9.]+ [num]?s \| [0-9.]+x \(' <<<"$out" &&
    ok "bench/run: $(grep '^| getpid' <<<"$out")" || fail "bench/run: $out"
finish
