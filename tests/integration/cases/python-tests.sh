#!/bin/bash
# SPDX-License-Identifier: MIT
# Python's own tests of threads, signals, event loops and sockets, test by
# test: each module in python-tests.txt runs natively and inside the
# sandbox under data/unittest_results.py, which prints one "ID outcome"
# line per test, and the two lists must be the same. Tests the list
# names as known to differ (each with its reason there and in
# docs/linux-compat.md) are left out of both runs.
. "$(dirname "$0")/../lib.sh"
need_lbox
[ -d /usr/lib/python3.11/test ] || skip "no Python test suite (scripts/setup installs libpython3.11-testsuite)"
scratch_dir
chmod 777 "$SCRATCH"
list="$(cd "$(dirname "$0")/.." && pwd)/python-tests.txt"
data="$(cd "$(dirname "$0")/../data" && pwd)"
cd "$SCRATCH" || exit 1

# The outcomes, sorted.
outcomes() {
    grep -E ' (ok|fail|error|skip|xfail|xpass)$' | sort
}

set -f     # the patterns are for Python, not for the shell
n=0
while read -r mod rest; do
    case "$mod" in ''|'#'*) continue ;; esac
    n=$((n + 1))
    # shellcheck disable=SC2206 # (rest) is a list of patterns and names
    args=($rest)
    native=$(cd "$SCRATCH" && /usr/bin/timeout 300 /usr/bin/python3 \
             "$data/unittest_results.py" "$mod" "${args[@]}" 2>/dev/null | outcomes)
    rm -rf "${SCRATCH:?}"/* 2>/dev/null
    got=$(/usr/bin/timeout -k 5 300 "${LBOX_CMD[@]}" run -v "$SCRATCH:/work:rw" \
          -v "$data:/lbox-data:ro" --cwd /work -- /usr/bin/python3 \
          /lbox-data/unittest_results.py "$mod" "${args[@]}" 2>/dev/null | outcomes)
    rm -rf "${SCRATCH:?}"/* 2>/dev/null
    total=$(printf '%s\n' "$native" | grep -c .)
    passed=$(printf '%s\n' "$native" | grep -c ' ok$')
    if [ "$total" -eq 0 ]; then
        fail "$mod: no test ran natively"
    elif [ "$native" = "$got" ]; then
        ok "$mod: $total tests as native ($passed pass)"
    else
        fail "$mod: differs from native (< native, > lbox):"
        diff <(printf '%s\n' "$native") <(printf '%s\n' "$got") | grep '^[<>]' | head -20
    fi
done <"$list"
[ "$n" -ge 5 ] || fail "only $n modules listed"
finish
