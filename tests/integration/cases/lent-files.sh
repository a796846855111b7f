#!/bin/bash
# SPDX-License-Identifier: MIT
# Files of read-only mounts are lent: the file server hands the sandbox a
# read-only descriptor, and reads and private mappings go to the host's
# pages. From the guest, mmap, read, pread and readv agree with the same
# program run natively, a private mapping written to leaves the host file
# as it was, a page past the end faults with SIGBUS, and MAP_SHARED with
# PROT_WRITE is EACCES. From the host, the running kernel image holds
# nothing but its channels, /dev/null placeholders and read-only regular
# files at 8 and above.
. "$(dirname "$0")/../lib.sh"
need_lbox
command -v python3 >/dev/null || skip "no python3 on the host"
scratch_dir
S=$SCRATCH
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 40)' >"$S/data"
sum=$(sha256sum "$S/data")

PROG='
import mmap, os, sys
p = sys.argv[1]
fd = os.open(p, os.O_RDONLY)
size = os.fstat(fd).st_size
m = mmap.mmap(fd, 0, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
print("map", m[0:4].hex(), m[4096:4100].hex(), m[size - 2:size].hex())
m[0:4] = b"XYZW"
print("private write", m[0:4])
m2 = mmap.mmap(fd, 0, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ)
print("second map", m2[0:4].hex())
try:
    mmap.mmap(fd, 0, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    print("shared writable: mapped")
except OSError as e:
    print("shared writable:", e.errno)
print("pread", os.pread(fd, 3, 5000).hex(), len(os.pread(fd, 100, size - 10)),
      len(os.pread(fd, 10, size + 5)))
os.lseek(fd, 250, os.SEEK_SET)
a, b = bytearray(4), bytearray(8)
print("readv", os.readv(fd, [a, b]), a.hex(), b.hex(), os.lseek(fd, 0, os.SEEK_CUR))
print("read", os.read(fd, 2).hex(), os.lseek(fd, 0, os.SEEK_CUR))
os.lseek(fd, size - 1, os.SEEK_SET)
print("tail", os.read(fd, 100).hex(), os.read(fd, 100))
with open(p, "rb") as f:
    print("whole", len(f.read()))
'
python3 -c "$PROG" "$S/data" >"$S/native" 2>&1
lbox_run run -v "$S:$S:ro" -- python3 -c "$PROG" "$S/data"
[ "$RC" -eq 0 ] || fail "guest exit $RC: $ERR"
[ "$OUT" = "$(cat "$S/native")" ] && ok "mmap/read/pread/readv as natively" ||
    fail "differs from native: $(diff <(echo "$OUT") "$S/native" | head -5)"
grep -q "shared writable: 13" <<<"$OUT" && ok "MAP_SHARED|PROT_WRITE: EACCES" ||
    fail "shared writable: $(grep shared <<<"$OUT")"
[ "$(sha256sum "$S/data")" = "$sum" ] && ok "host file unchanged" ||
    fail "a private mapping's write reached the host file"

# A page wholly past the end of the file: SIGBUS, as on Linux.
BUS='
import ctypes, mmap, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
                      ctypes.c_int, ctypes.c_int, ctypes.c_long]
fd = os.open(sys.argv[1], os.O_RDONLY)
a = libc.mmap(None, 4 * 4096, mmap.PROT_READ, mmap.MAP_PRIVATE, fd, 0)
print(ctypes.string_at(a + 2 * 4096 + 2047, 1), flush=True)
print(ctypes.string_at(a + 3 * 4096, 1), flush=True)
'
{ python3 -c "$BUS" "$S/data" >"$S/native"; } 2>/dev/null
native_rc=$?
lbox_run run -v "$S:$S:ro" -- python3 -c "$BUS" "$S/data"
[ "$RC" -eq "$native_rc" ] && [ "$OUT" = "$(cat "$S/native")" ] &&
    ok "past the end: exit $RC as natively" ||
    fail "past the end: lbox $RC ($OUT), native $native_rc ($(cat "$S/native"))"

# From the host: what the running sandbox holds.
fifo=$S/ready
mkfifo "$fifo"
"${LBOX_CMD[@]}" run -v "$S:$S:ro" -- /usr/bin/python3 -c '
import sys, time
f = open(sys.argv[1], "rb"); f.read(1)
print("ready", flush=True); time.sleep(20)' "$S/data" >"$fifo" 2>"$S/err" &
lbox_pid=$!
read -r -t 30 line <"$fifo"
kpid=$(kernel_pid "$lbox_pid")
if [ "$line" != ready ] || [ -z "$kpid" ]; then
    fail "sandbox did not start (line='$line', kernel pid '$kpid')"
else
    lent=0 bad=""
    for fdp in /proc/"$kpid"/fd/*; do
        n=${fdp##*/} target=$(readlink "$fdp")
        flags=$(awk '/^flags:/ {print $2}' /proc/"$kpid"/fdinfo/"$n")
        case $n in
        0|1|2|3|5) [[ $target == socket:* || $n -le 2 ]] || bad+=" $n=$target" ;;
        4|6|7) [ "$target" = /dev/null ] || bad+=" $n=$target" ;;
        *)
            lent=$((lent + 1))
            # O_ACCMODE of the octal flags must be O_RDONLY.
            [ $((8#$flags & 3)) -eq 0 ] && [ -f "$target" ] ||
                bad+=" $n=$target(flags $flags)"
            [ "$n" -ge 8 ] || bad+=" $n<8"
            ;;
        esac
    done
    [ -z "$bad" ] && ok "kernel image holds channels, placeholders, $lent read-only lent file(s)" ||
        fail "unexpected descriptors in the kernel image:$bad"
    [ "$lent" -ge 1 ] && ok "the open file is lent" || fail "no lent file"
    ls -l /proc/"$kpid"/fd | grep -q "$S/data" && ok "lent: $S/data" ||
        fail "the guest's open file is not among the lent ones"
fi
kill "$lbox_pid" 2>/dev/null
wait "$lbox_pid" 2>/dev/null
finish
