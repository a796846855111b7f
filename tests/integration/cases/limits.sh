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

for bad in "--memory 0" "--memory 1x" "--timeout 1d" "--cpu-time -1" "--disk-budget m"; do
    # shellcheck disable=SC2086
    lbox_run run $bad -- /bin/true
    [ "$RC" -eq 2 ] && grep -q "^lbox: bad" <<<"$ERR" && ok "refused $bad" ||
        fail "$bad: rc=$RC err=$ERR"
done

if "${LBOX_CMD[@]}" doctor | grep -q "^ok   memory bound .*cgroup"; then
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
    # No cgroup of a monitor that is gone is left behind.
    left=0
    for d in $(find /sys/fs/cgroup -maxdepth 6 -type d -name 'lbox-*' 2>/dev/null); do
        kill -0 "${d##*/lbox-}" 2>/dev/null || left=$((left + 1))
    done
    [ "$left" -eq 0 ] && ok "no cgroup left" || fail "$left stale lbox cgroup(s)"
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
