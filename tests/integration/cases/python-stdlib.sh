#!/bin/bash
# SPDX-License-Identifier: MIT
# Python's own test suite (Debian's libpython3.11-testsuite) under lbox:
# each module in python-stdlib.txt runs natively and inside the sandbox,
# in a writable scratch directory, and the unittest summary line
# ("OK (skipped=N)", "FAILED (...)") must be the same. The list holds the
# modules that need nothing lbox does not have yet (fork, threads,
# sockets, signals to handlers); a module may name test methods after it
# that are left out in both runs (data/unittest_except.py) for that
# reason.
. "$(dirname "$0")/../lib.sh"
need_lbox
[ -d /usr/lib/python3.11/test ] || skip "no Python test suite (scripts/setup installs libpython3.11-testsuite)"
scratch_dir
chmod 777 "$SCRATCH"
list="$(cd "$(dirname "$0")/.." && pwd)/python-stdlib.txt"
data="$(cd "$(dirname "$0")/../data" && pwd)"
runner="$data/unittest_except.py"
cd "$SCRATCH" || exit 1

summary() { tail -n 1 | tr -d '\r'; }
n=0
while read -r mod skip; do
    case "$mod" in ''|'#'*) continue ;; esac
    n=$((n + 1))
    # shellcheck disable=SC2086 # (skip) is a list of test method names
    native=$(cd "$SCRATCH" && /usr/bin/timeout 300 /usr/bin/python3 "$runner" "$mod" $skip 2>&1 | summary)
    # shellcheck disable=SC2086
    got=$(/usr/bin/timeout -k 5 300 "${LBOX_CMD[@]}" run -v "$SCRATCH:/work:rw" -v "$data:/lbox-data:ro" \
          --cwd /work -- /usr/bin/python3 /lbox-data/unittest_except.py "$mod" $skip 2>&1 | summary)
    if [ "$native" = "$got" ]; then
        ok "$mod: $got"
    else
        fail "$mod: native '$native', lbox '$got'"
    fi
    rm -rf "${SCRATCH:?}"/* 2>/dev/null
done <"$list"
[ "$n" -ge 20 ] || fail "only $n modules listed"
finish
