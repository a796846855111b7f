#!/bin/bash
# SPDX-License-Identifier: MIT
# MAP_SHARED file mappings show the file's own pages, on tmpfs and on an
# rw mount: writes through a mapping are seen by read() and by a second
# mapping, write() is seen by the mapping, a private mapping's writes stay
# private, truncate-then-extend reads zeros, msync and munmap write back,
# and mprotect(PROT_WRITE) of a read-only file's shared mapping is EACCES;
# the same program natively gives the same lines. From the host, the rw
# mount's file holds what the guest wrote through its mappings, and a
# change the host makes is seen after the guest reopens the file. Two
# names of one file (a hard link) are one inode, and a mapped file that is
# renamed or unlinked keeps its mapping working.
. "$(dirname "$0")/../lib.sh"
need_lbox
command -v python3 >/dev/null || skip "no python3 on the host"
scratch_dir
S=$SCRATCH
mkdir "$S/rw"

PROG='
import ctypes, mmap, os, sys
d = sys.argv[1]
p = os.path.join(d, "f.bin")
with open(p, "wb") as f:
    f.write(b"a" * 10000)
fd = os.open(p, os.O_RDWR)
m = mmap.mmap(fd, 10000, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
m[0:5] = b"HELLO"
m[8192:8197] = b"WORLD"
print("read sees map", os.pread(fd, 5, 0), os.pread(fd, 5, 8192))
os.pwrite(fd, b"xyz", 100)
print("map sees write", m[100:103])
m2 = mmap.mmap(fd, 10000, mmap.MAP_SHARED, mmap.PROT_READ)
print("second map", m2[0:5], m2[8192:8197], m2[100:103])
mp = mmap.mmap(fd, 10000, mmap.MAP_PRIVATE, mmap.PROT_READ | mmap.PROT_WRITE)
mp[0:5] = b"PRIVA"
print("private", mp[0:5], m[0:5], os.pread(fd, 5, 0))
mp.close()
m.flush()
os.ftruncate(fd, 0)
os.ftruncate(fd, 10000)
print("truncated", m2[0:5], m2[8192:8197], os.pread(fd, 5, 0))
m[9000:9004] = b"LAST"
m.close()
m2.close()
os.close(fd)
with open(p, "rb") as f:
    data = f.read()
print("after munmap", len(data), data[9000:9004], data.count(b"\0"))
ro = os.open(p, os.O_RDONLY)
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
                      ctypes.c_int, ctypes.c_int, ctypes.c_long]
addr = libc.mmap(None, 4096, mmap.PROT_READ, mmap.MAP_SHARED, ro, 0)
r = libc.mprotect(ctypes.c_void_p(addr), 4096, mmap.PROT_READ | mmap.PROT_WRITE)
print("mprotect write", r, ctypes.get_errno() if r else 0)
os.close(ro)
q = os.path.join(d, "g.bin")
os.link(p, q)
a, b = os.stat(p), os.stat(q)
print("link", a.st_ino == b.st_ino, a.st_nlink, b.st_nlink)
fd = os.open(q, os.O_RDWR)
m = mmap.mmap(fd, 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
m[0:4] = b"LINK"
with open(p, "rb") as f:
    print("other name", f.read(4))
m.close()
os.close(fd)
os.unlink(q)
print("unlinked", os.stat(p).st_nlink)
r0, r = os.path.join(d, "h0.bin"), os.path.join(d, "h.bin")
with open(r0, "wb") as f:
    f.write(b"-" * 4096)
fd = os.open(r0, os.O_RDWR)
m = mmap.mmap(fd, 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
os.rename(r0, r)
m[4:8] = b"MOVE"
print("renamed", os.pread(fd, 8, 0), open(r, "rb").read(8), os.path.exists(r0))
os.unlink(r)
m[8:12] = b"GONE"
print("unlinked mapped", m[0:12], os.pread(fd, 12, 0), os.fstat(fd).st_nlink)
m.close()
os.close(fd)
'
python3 -c "$PROG" "$S" >"$S/native" 2>&1 || fail "native run: $(cat "$S/native")"
rm -f "$S/f.bin"
# rw-budget: a sandbox with --disk-budget, whose filter lets no write
# reach a lent file: its mappings must still behave.
mkdir "$S/rwb"
for where in tmpfs rw rw-budget; do
    if [ $where = tmpfs ]; then
        lbox_run run -- python3 -c "$PROG" /tmp
    elif [ $where = rw ]; then
        lbox_run run -v "$S/rw:/rw:rw" -- python3 -c "$PROG" /rw
    else
        lbox_run run --disk-budget 64m -v "$S/rwb:/rw:rw" -- python3 -c "$PROG" /rw
    fi
    [ "$RC" -eq 0 ] || fail "$where: guest exit $RC: $ERR"
    [ "$OUT" = "$(cat "$S/native")" ] && ok "$where: MAP_SHARED as natively" ||
        fail "$where: differs from native: $(diff <(echo "$OUT") "$S/native" | head -6)"
done
grep -q "mprotect write -1 13" "$S/native" || fail "native mprotect: $(grep mprotect "$S/native")"

# What the guest wrote through its mappings is in the host file.
for dir in rw rwb; do
    python3 - "$S/$dir/f.bin" <<'PY' && ok "$dir: mapped writes reached the host" || fail "$dir: host file: wrong content"
import sys
d = open(sys.argv[1], "rb").read()
sys.exit(0 if len(d) == 10000 and d[0:4] == b"LINK" and d[9000:9004] == b"LAST" else 1)
PY
done

# A change the host makes is seen once the guest reopens the file.
SEE='
import os, sys, time
p = sys.argv[1]
print("before", open(p, "rb").read(4))
open(os.path.join(os.path.dirname(p), "ready"), "w").close()
for _ in range(400):
    try:
        open(os.path.join(os.path.dirname(p), "go")).close()
        break
    except FileNotFoundError:
        time.sleep(0.025)
print("after", open(p, "rb").read(4))
'
/usr/bin/timeout -k 5 "$LBOX_TEST_TIMEOUT" "${LBOX_CMD[@]}" run -v "$S/rw:/rw:rw" -- \
    python3 -c "$SEE" /rw/f.bin >"$S/see.out" 2>&1 </dev/null &
pid=$!
for _ in $(seq 200); do [ -e "$S/rw/ready" ] && break; sleep 0.05; done
printf 'HOST' | dd of="$S/rw/f.bin" conv=notrunc status=none
touch "$S/rw/go"
wait $pid || fail "reopen run failed: $(cat "$S/see.out")"
[ "$(cat "$S/see.out")" = "before b'LINK'
after b'HOST'" ] && ok "host change seen after reopen" || fail "reopen: $(cat "$S/see.out")"
finish
