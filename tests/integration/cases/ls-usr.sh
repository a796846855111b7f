#!/bin/bash
# SPDX-License-Identifier: MIT
# `ls -la /usr` (GNU and busybox) and `find /usr/include -name '*.h' |
# head` give the native output. Inside lbox, / is lbox's own tmpfs, so the
# `..` row of /usr and the `total` line (which counts `..`) describe it
# instead of the host's /: those two lines are left out of the comparison
# (docs/linux-compat.md); every other line must be equal.
. "$(dirname "$0")/../lib.sh"
need_lbox

strip_root() { grep -v -e '^total ' -e ' \.\.$'; }

for ls in "/usr/bin/ls -la /usr" "/bin/busybox ls -la /usr"; do
    read -r -a cmd <<<"$ls"
    native=$(cd / && LC_ALL=C TZ=UTC "${cmd[@]}" | strip_root)
    lbox_run run --env LC_ALL=C --env TZ=UTC --cwd / -- "${cmd[@]}"
    [ "$RC" -eq 0 ] || fail "$ls exited $RC under lbox"
    got=$(strip_root <<<"$OUT")
    if [ "$native" == "$got" ]; then
        ok "$ls"
    else
        fail "$ls differs: $(diff <(echo "$native") <(echo "$got") | head -5 | tr '\n' ' ')"
    fi
    n=$(wc -l <<<"$native")
    [ "$n" -gt 5 ] || fail "$ls: too few lines to compare ($n)"
done

# The pipeline on the host side: the guest's find writes into a pipe that
# head closes early.
native=$(/bin/busybox find /usr/include -name '*.h' | /bin/busybox head)
got=$(/usr/bin/timeout 60 "${LBOX_CMD[@]}" run -- /bin/busybox find /usr/include -name '*.h' 2>/dev/null | /bin/busybox head)
if [ -n "$native" ] && [ "$native" == "$got" ]; then
    ok "find | head"
else
    fail "find /usr/include -name '*.h' | head differs"
fi
finish
