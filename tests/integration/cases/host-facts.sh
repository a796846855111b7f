#!/bin/bash
# SPDX-License-Identifier: MIT
# Attack 8 of issue 11: host facts the sandbox could read. Checked from the
# host side on the running kernel image: no [vdso] or [vvar*] mapping (the
# vDSO's note names the host's real kernel; the guest's [vdso] and [vvar]
# are lbox's, anonymous memory to the host: cases/vdso.sh), and nothing on
# its initial stack that names where lbox lives or the host platform
# string. From the guest: CLOCK_BOOTTIME and CLOCK_MONOTONIC count from
# the sandbox's boot and agree with /proc/uptime, not the host's uptime.
# And the default view does not share a cwd that is, or holds, the user's
# home directory.
. "$(dirname "$0")/../lib.sh"
need_lbox
command -v python3 >/dev/null || skip "no python3 on the host"
scratch_dir
S=$SCRATCH

# 1. The running image, seen from the host.
fifo=$S/ready
mkfifo "$fifo"
"${LBOX_CMD[@]}" run --clear-env -- /usr/bin/python3 -c \
    'import time; print("ready", flush=True); time.sleep(20)' >"$fifo" 2>"$S/err" &
lbox_pid=$!
read -r -t 30 line <"$fifo"
kpid=$(kernel_pid "$lbox_pid")
if [ "$line" != ready ] || [ -z "$kpid" ]; then
    fail "sandbox did not start (line='$line', kernel pid '$kpid')"
else
    grep -E '\[(vdso|vvar|vvar_vclock)\]' "/proc/$kpid/maps" &&
        fail "the host vDSO is still mapped" || ok "no host vDSO or vvar"
    /usr/bin/python3 - "$kpid" "$(dirname "$(readlink -f "${LBOX_CMD[0]}")")" <<'EOF'
import sys
pid, where = sys.argv[1], sys.argv[2].encode()
for line in open(f'/proc/{pid}/maps'):
    if line.rstrip().endswith('[stack]'):
        lo, hi = (int(x, 16) for x in line.split()[0].split('-'))
        with open(f'/proc/{pid}/mem', 'rb') as m:
            m.seek(lo)
            data = m.read(hi - lo)
        bad = [p for p in (where, b'x86_64\0') if p in data]
        print('FAIL: on the stack:' if bad else 'ok: stack scrubbed', *bad)
        sys.exit(1 if bad else 0)
print('FAIL: no [stack] in maps')
sys.exit(1)
EOF
    [ $? -eq 0 ] || fail "host facts on the kernel image's stack"
fi
kill "$lbox_pid" 2>/dev/null
wait "$lbox_pid" 2>/dev/null

# 2. Clocks, from the guest.
lbox_run run -- /usr/bin/python3 -c '
import time
b, m = time.clock_gettime(time.CLOCK_BOOTTIME), time.monotonic()
up = float(open("/proc/uptime").read().split()[0])
print(b, m, up)'
read -r boot mono up <<<"$OUT"
host_up=$(cut -d' ' -f1 /proc/uptime)
python3 -c "
b, m, u, h = $boot, $mono, $up, $host_up
assert 0 <= b < 30 and 0 <= m < 30, (b, m)
assert abs(b - u) < 1.5, (b, u)
assert h < 60 or b < h - 30, (b, h)
" && ok "BOOTTIME $boot, MONOTONIC $mono, /proc/uptime $up (host $host_up)" ||
    fail "clocks: boottime=$boot monotonic=$mono uptime=$up host=$host_up err=$ERR"

# 3. A home directory is not shared by default; a project inside it is.
H=$S/home
mkdir -p "$H/.ssh" "$H/proj"
echo KEY >"$H/.ssh/id_rsa"
echo code >"$H/proj/main.c"
chmod -R a+rX "$H"
for dir in "$H" "$S"; do
    cd "$dir" || exit 1
    HOME=$H lbox_run run -- /bin/busybox cat "$H/.ssh/id_rsa"
    [ "$RC" -ne 0 ] && ! grep -q KEY <<<"$OUT" && ok "cwd $dir: key not readable" ||
        fail "cwd $dir: rc=$RC out=$OUT"
    grep -Fxq "lbox: not sharing $dir: it is or holds your home directory; use -v to share it" <<<"$ERR" &&
        ok "cwd $dir: one-line notice" || fail "cwd $dir: notice missing: $ERR"
done
cd "$H" || exit 1
HOME=$H lbox_run run -- /bin/busybox pwd
[ "$OUT" = / ] && ok "guest starts in / instead" || fail "guest cwd: $OUT"
cd "$H/proj" || exit 1
HOME=$H lbox_run run -- /bin/busybox cat main.c
[ "$RC" -eq 0 ] && [ "$OUT" = code ] && [ -z "$ERR" ] && ok "a project below home is shared" ||
    fail "cwd below home: rc=$RC out=$OUT err=$ERR"
cd "$H" || exit 1
HOME=$H lbox_run run -v "$H:$H:ro" -- /bin/busybox cat .ssh/id_rsa
[ "$OUT" = KEY ] && ok "-v shares it when asked" || fail "-v home: rc=$RC out=$OUT err=$ERR"
cd /
finish
