#!/bin/bash
# SPDX-License-Identifier: MIT
# lbox killed with SIGKILL leaves no sandbox or file-server process behind:
# the children lbox started (found by pid through /proc, never by name)
# are gone a few seconds later. SIGTERM to lbox is forwarded to the guest,
# and lbox reports the guest's death by it (143).
. "$(dirname "$0")/../lib.sh"
need_lbox
scratch_dir
cd "$SCRATCH" || exit 1

children_of() {
    cat /proc/"$1"/task/*/children 2>/dev/null
}

# start_lbox: lbox running a long sleep, with a rw -v mount so both file
# servers run; sets LPID and KIDS.
start_lbox() {
    mkdir -p "$SCRATCH/rw"
    "${LBOX_CMD[@]}" run -v "$SCRATCH/rw:/rw:rw" -- /bin/busybox sleep 60 \
        </dev/null >/dev/null 2>"$SCRATCH/err" &
    LPID=$!
    KIDS=""
    for _ in $(seq 100); do
        KIDS=$(children_of "$LPID")
        [ "$(wc -w <<<"$KIDS")" -ge 3 ] && break
        sleep 0.1
    done
}

alive() {
    local left=""
    for p in $KIDS; do
        [ -e "/proc/$p" ] && [ "$(cut -d' ' -f3 "/proc/$p/stat")" != Z ] &&
            left="$left $p"
    done
    echo "$left"
}

start_lbox
[ "$(wc -w <<<"$KIDS")" -ge 3 ] && ok "lbox started the sandbox and two servers ($KIDS)" ||
    fail "expected 3 children of lbox, got '$KIDS'"
kill -KILL "$LPID"
wait "$LPID" 2>/dev/null
for _ in $(seq 50); do
    [ -z "$(alive)" ] && break
    sleep 0.1
done
left=$(alive)
if [ -z "$left" ]; then
    ok "no process left after SIGKILL of lbox"
else
    fail "left running after SIGKILL of lbox:$left"
    kill -KILL $left 2>/dev/null
fi

# The next lbox to start sweeps the cgroups of one that was SIGKILLed.
killed=$LPID
start_lbox
left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "lbox-$killed" 2>/dev/null)
[ -z "$left" ] && ok "the SIGKILLed lbox's cgroup is gone once another starts" ||
    fail "cgroup of the SIGKILLed lbox left: $left"
kill -TERM "$LPID"
wait "$LPID"
rc=$?
[ "$rc" -eq 143 ] && ok "SIGTERM: lbox exits 143" || fail "SIGTERM: lbox exited $rc ($(cat "$SCRATCH/err"))"
sleep 0.5
left=$(alive)
[ -z "$left" ] && ok "no process left after SIGTERM" || {
    fail "left running after SIGTERM:$left"
    kill -KILL $left 2>/dev/null
}
finish
