#!/bin/bash
# SPDX-License-Identifier: MIT
# Attack 6 of issue 11: resource bounds the guest cannot raise. A CPU
# spinner under --timeout and --cpu-time; memory hogs (anonymous,
# MAP_SHARED, tmpfs) under --memory; a disk filler on an rw mount under
# --disk-budget. Each is contained with a one-line message and a distinct
# status, and the host side is checked: the bytes on disk, no cgroup left.
. "$(dirname "$0")/../lib.sh"
need_lbox
scratch_dir
S=$SCRATCH
mkdir "$S/prog" "$S/w"
chmod 777 "$S/w"
cat >"$S/prog/hog.py" <<'EOF'
import mmap, os, sys
mode = sys.argv[1]
if mode == "spin":
    while True:
        pass
if mode in ("anon", "shared"):
    flags = mmap.MAP_ANONYMOUS | (mmap.MAP_SHARED if mode == "shared" else mmap.MAP_PRIVATE)
    maps = []
    while True:
        m = mmap.mmap(-1, 16 << 20, flags=flags)
        m.write(b"x" * (16 << 20))
        maps.append(m)
        print(len(maps) * 16, flush=True)
if mode in ("tmpfs", "disk"):
    path, n = ("/tmp/fill" if mode == "tmpfs" else "/w/fill"), 0
    try:
        with open(path, "wb") as f:
            while True:
                f.write(b"x" * (1 << 20))
                n += 1
    except OSError as e:
        print("stopped", n, e.errno, flush=True)
EOF
HOG=(-v "$S/prog:/prog:ro" -- /usr/bin/python3 /prog/hog.py)

t0=$(date +%s)
lbox_run run --timeout 1 "${HOG[@]}" spin
t1=$(date +%s)
[ "$RC" -eq 124 ] && [ "$ERR" = "lbox: sandbox ended: --timeout of 1.000s reached" ] &&
    [ $((t1 - t0)) -lt 15 ] && ok "--timeout: 124 after $((t1 - t0))s" ||
    fail "--timeout: rc=$RC after $((t1 - t0))s err=$ERR"

lbox_run run --cpu-time 1 "${HOG[@]}" spin
[ "$RC" -eq 152 ] && grep -Fxq "lbox: sandbox ended: --cpu-time of 1s used" <<<"$ERR" &&
    ok "--cpu-time: 152" || fail "--cpu-time: rc=$RC err=$ERR"

# --cpus: a spinner for 3 s of wall time under a tenth of a CPU. The time
# bash reports for lbox includes the sandbox's (reaped, so counted).
if "${LBOX_CMD[@]}" doctor | grep -q "^ok   cpu quota"; then
    TIMEFORMAT='%U %S'
    { time "${LBOX_CMD[@]}" run --cpus 0.1 --timeout 3 -- /bin/sh -c \
        'while :; do :; done' 2>/dev/null; } 2>"$S/time"
    RC=$?
    cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$S/time")
    # 0.3 s of quota, plus lbox's start-up; unbounded it would be ~3 s.
    [ "$RC" -eq 124 ] && [ "$cpu" -lt 1200 ] &&
        ok "--cpus 0.1: ${cpu} ms of CPU in 3 s" ||
        fail "--cpus 0.1: rc=$RC cpu=${cpu} ms"
else
    lbox_run run --cpus 1 -- /bin/true
    [ "$RC" -eq 125 ] && grep -q "^lbox: --cpus needs a writable cgroup" <<<"$ERR" &&
        ok "--cpus refused without a cpu controller" || fail "--cpus without cgroup: rc=$RC err=$ERR"
fi

# --pids-limit: the guest cannot make a host task yet (processes come
# later), so check the bound on the running sandbox from the host.
if "${LBOX_CMD[@]}" doctor | grep -q "^ok   task count"; then
    fifo=$S/ready
    mkfifo "$fifo" "$fifo.in"
    "${LBOX_CMD[@]}" run --pids-limit 7 -- /bin/sh -c 'echo ready; read x' \
        <"$fifo.in" >"$fifo" 2>"$S/err" &
    lbox_pid=$!
    exec 8>"$fifo.in"
    read -r -t 30 line <"$fifo"
    kpid=$(kernel_pid "$lbox_pid")
    cg=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ || $1 == "0" && $2 == "" { print $3; exit }' \
        "/proc/$kpid/cgroup" 2>/dev/null)
    dir=""
    for d in "/sys/fs/cgroup/pids$cg" "/sys/fs/cgroup$cg" "/sys/fs/cgroup/unified$cg"; do
        [ -z "$dir" ] && [ -n "$cg" ] && [ -f "$d/pids.max" ] && dir=$d
    done
    max=$(cat "$dir/pids.max" 2>/dev/null)
    echo go >&8
    exec 8>&-
    wait "$lbox_pid"
    RC=$?
    [ "$line" = ready ] && [ "$max" = 7 ] && [ "$RC" -eq 0 ] &&
        [ ! -e "$dir" ] &&
        ok "--pids-limit 7 on the sandbox's cgroup ($cg), removed after" ||
        fail "--pids-limit: line=$line cgroup=$cg max=$max rc=$RC"
fi

for bad in "--memory 0" "--memory 1x" "--timeout 1d" "--cpu-time -1" "--disk-budget m" \
    "--cpus 0" "--cpus 0.001" "--cpus 1.5c" "--cpus 100000" "--pids-limit 0" \
    "--pids-limit 1k" "--pids-limit -1"; do
    # shellcheck disable=SC2086
    lbox_run run $bad -- /bin/true
    [ "$RC" -eq 2 ] && grep -q "^lbox: bad" <<<"$ERR" && ok "refused $bad" ||
        fail "$bad: rc=$RC err=$ERR"
done

if "${LBOX_CMD[@]}" doctor | grep -q "^ok   memory bound .*cgroup"; then
    # Each monitor's pid, so its cgroup can be looked for afterwards.
    LBOX_PRE=(/bin/sh -c 'echo $$ >>"$0"; exec "$@"' "$S/monitors")
    for mode in anon shared; do
        lbox_run run --memory 160m "${HOG[@]}" $mode
        last=$(tail -n 1 <<<"$OUT")
        [ "$RC" -eq 137 ] && [ "${last:-0}" -le 160 ] &&
            grep -Fxq "lbox: sandbox ended: out of memory (its limit is 160 MiB; see --memory)" <<<"$ERR" &&
            ok "$mode hog ended at ${last} MiB" || fail "$mode hog: rc=$RC last=$last err=$ERR"
    done
    # tmpfs: ENOSPC at --tmpfs-size (a quarter of --memory by default)...
    lbox_run run --memory 160m "${HOG[@]}" tmpfs
    [ "$RC" -eq 0 ] && [ "$OUT" = "stopped 40 28" ] && ok "tmpfs ENOSPC at 40 MiB" ||
        fail "tmpfs under its default bound: rc=$RC out=$OUT err=$ERR"
    # ...and the memory bound holds when the tmpfs bound is above it.
    lbox_run run --memory 160m --tmpfs-size 1g "${HOG[@]}" tmpfs
    [ "$RC" -eq 137 ] && grep -q "out of memory" <<<"$ERR" &&
        ok "tmpfs past --memory ends the sandbox" || fail "tmpfs past memory: rc=$RC out=$OUT err=$ERR"
    LBOX_PRE=()
    # None of these monitors left its cgroup behind. Only theirs are
    # counted: a test running alongside may have just SIGKILLed an lbox,
    # whose cgroup the next lbox to start sweeps (no-orphans.sh checks it).
    left=""
    while read -r mpid; do
        left="$left$(find /sys/fs/cgroup -maxdepth 6 -type d -name "lbox-$mpid" 2>/dev/null)"
    done <"$S/monitors"
    [ -s "$S/monitors" ] && [ -z "$left" ] &&
        ok "no cgroup left by $(wc -l <"$S/monitors") monitors" ||
        fail "lbox cgroup(s) left: '$left'"
else
    echo "note: no writable cgroup here; the memory hogs are not run"
fi

lbox_run run --disk-budget 4m -v "$S/w:/w:rw" "${HOG[@]}" disk
used=$(stat -c %s "$S/w/fill")
# The entry costs a block; the write that crosses the budget is short.
[ "$RC" -eq 0 ] && [[ "$OUT" =~ ^stopped\ [34]\ 28$ ]] &&
    [ "$used" -le $((4 << 20)) ] && [ "$used" -ge $((3 << 20)) ] &&
    ok "disk filler stopped with ENOSPC at $used bytes on the host" ||
    fail "disk filler: rc=$RC out=$OUT host bytes=$used err=$ERR"
finish
