#!/bin/bash
# SPDX-License-Identifier: MIT
# Signals from outside the sandbox reach the guest's handlers, as natively:
# SIGTERM sent to lbox (which passes it on) and SIGINT sent to the sandbox
# process itself (what a terminal's Ctrl-C does) interrupt a program that
# is computing, sleeping, or blocked in read, poll or pause; the call
# fails with EINTR, or with SA_RESTART goes on and reads what comes next.
# Python's KeyboardInterrupt works the same way. Each run is compared
# with the same program run natively and signalled the same way.
# Processes are found and signalled by pid only.
. "$(dirname "$0")/../lib.sh"
need_lbox
scratch_dir
cd "$SCRATCH" || exit 1
T="$PROGDIR/tool-sigwait"
[ -x "$T" ] || { echo "FAIL: $T not built"; exit 1; }

# wait_ready FILE: until FILE has the "ready" line (10 s at most).
wait_ready() {
    for _ in $(seq 200); do
        grep -q '^ready$' "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# wait_gone PID: until it exits (20 s); sets RC. Kills it if it hangs.
wait_gone() {
    for _ in $(seq 400); do
        if ! kill -0 "$1" 2>/dev/null; then
            wait "$1"
            RC=$?
            return 0
        fi
        sleep 0.05
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    RC=hung
    return 1
}

# one WHERE SIG TARGET CMD...: run CMD natively (WHERE=native) or under
# lbox with its stdin a FIFO held open here, send SIG once it is ready to
# the process itself (native), to lbox (TARGET=lbox) or to the sandbox
# process (TARGET=kernel), for read-restart then write a line; sets OUT
# and RC.
one() {
    local where=$1 sig=$2 target=$3 pid victim
    shift 3
    rm -f fifo out err
    mkfifo fifo
    exec 3<>fifo
    if [ "$where" = native ]; then
        "$@" <fifo >out 2>err &
    else
        "${LBOX_CMD[@]}" run "${PROGMNT[@]}" -- "$@" <fifo >out 2>err &
    fi
    pid=$!
    if ! wait_ready out; then
        fail "$where $*: never ready ($(tail -n 2 err))"
        kill -KILL "$pid" 2>/dev/null
        exec 3>&-
        return
    fi
    victim=$pid
    [ "$where" = lbox ] && [ "$target" = kernel ] && victim=$(kernel_pid "$pid")
    sleep 0.2
    kill -"$sig" "$victim"
    case "$*" in *read-restart*) sleep 0.2; echo hi >&3 ;; esac
    wait_gone "$pid" || fail "$where $*: still running 20 s after SIG$sig"
    exec 3>&-
    OUT=$(grep -v '^ready$' out)
}

# compare SIG TARGET CMD...: native and lbox runs agree.
compare() {
    local sig=$1 target=$2 nout nrc
    shift 2
    one native "$sig" "$target" "$@"
    nout=$OUT nrc=$RC
    one lbox "$sig" "$target" "$@"
    if [ "$OUT" = "$nout" ] && [ "$RC" = "$nrc" ]; then
        ok "SIG$sig to $target: $* ($(tr '\n' ' ' <<<"$OUT")rc $RC)"
    else
        fail "SIG$sig to $target: $*: lbox rc $RC '$(tr '\n' ' ' <<<"$OUT")', native rc $nrc '$(tr '\n' ' ' <<<"$nout")' ($(tail -n 2 err))"
    fi
}

for mode in spin sleep read poll pause read-restart; do
    compare TERM lbox "$T" "$mode"
done
compare INT kernel "$T" spin
compare INT kernel "$T" read
# A background job starts with SIGINT ignored, and so does the program
# lbox runs for it; with it at the default, Python raises
# KeyboardInterrupt.
compare INT kernel /usr/bin/env --default-signal=INT /usr/bin/python3 -c 'import time; print("ready", flush=True); time.sleep(60)'
compare TERM lbox /usr/bin/python3 -c 'import signal, sys, time; signal.signal(signal.SIGTERM, lambda s, f: sys.exit(9)); print("ready", flush=True); time.sleep(60)'
compare TERM lbox /usr/bin/python3 -c 'import sys; print("ready", flush=True); sys.stdin.read()'
# Writing to a pipe whose reader left: SIGPIPE kills a program that keeps
# the default (yes), and one that ignores it gets EPIPE (Python raises
# BrokenPipeError and exits 120 after its message).
for cmd in "/usr/bin/yes" "/usr/bin/python3 -c 'for i in range(10**6): print(i)'"; do
    n=$(bash -c "$cmd | head -n 1; echo \${PIPESTATUS[0]}" 2>/dev/null | tr '\n' ' ')
    l=$(bash -c "${LBOX_CMD[*]} run -- $cmd | head -n 1; echo \${PIPESTATUS[0]}" 2>/dev/null | tr '\n' ' ')
    [ "$n" = "$l" ] && ok "closed pipe: $cmd: $l" ||
        fail "closed pipe: $cmd: lbox '$l', native '$n'"
done

for ign in INT,QUIT PIPE,HUP,TERM; do
    n=$(/usr/bin/env --ignore-signal=$ign "$T" dispositions)
    l=$(/usr/bin/env --ignore-signal=$ign "${LBOX_CMD[@]}" run "${PROGMNT[@]}" -- "$T" dispositions)
    [ "$n" = "$l" ] && ok "started with $ign ignored: $l" ||
        fail "started with $ign ignored: lbox '$l', native '$n'"
done
finish
