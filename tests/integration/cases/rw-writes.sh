#!/bin/bash
# SPDX-License-Identifier: MIT
# Writes to files of an rw mount: after the first, a file's writes go
# through a descriptor the file server lends read-write, straight to the
# host. The guest's view (sizes, holes, reads of what it wrote, O_APPEND)
# and the bytes on the host match the same program run natively; the
# round trips are gone (--stats); a sandbox killed by --timeout has lost
# nothing it wrote; and with --disk-budget every write stays a 9P write,
# so the budget still counts every byte.
. "$(dirname "$0")/../lib.sh"
need_lbox
command -v python3 >/dev/null || skip "no python3 on the host"
scratch_dir
S=$SCRATCH
mkdir "$S/native" "$S/w" "$S/budget" "$S/killed"
chmod 777 "$S/w" "$S/budget" "$S/killed"

PROG='
import hashlib, os, sys, time
p = sys.argv[1]
fd = os.open(p, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
for i in range(2000):
    os.write(fd, b"%05d\n" % i)
os.pwrite(fd, b"HOLE", 20000)
print("size", os.fstat(fd).st_size)
print("read", os.pread(fd, 12, 0), os.pread(fd, 6, 11994), os.pread(fd, 8, 19996))
os.lseek(fd, 6, os.SEEK_SET)
os.write(fd, b"AAAAA")
print("rewritten", os.pread(fd, 18, 0))
os.close(fd)
fd = os.open(p, os.O_WRONLY | os.O_APPEND)
for s in (b"A1", b"A2", b"A3"):
    os.write(fd, s)
os.close(fd)
with open(p, "rb") as f:
    d = f.read()
print("final", len(d), d[-6:], hashlib.sha256(d).hexdigest())
if len(sys.argv) > 2:
    fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT, 0o644)
    for i in range(500):
        os.write(fd, b"%05d\n" % i)
    print("written", flush=True)
    time.sleep(60)
'
want=$(python3 -c "$PROG" "$S/native/f")
cp "$S/native/f" "$S/native.f"

lbox_run run --stats -v "$S/w:/w:rw" -- /usr/bin/python3 -c "$PROG" /w/f
[ "$RC" -eq 0 ] && [ "$OUT" = "$want" ] && ok "guest view matches native" ||
    fail "rc=$RC out=$OUT want=$want err=$ERR"
cmp -s "$S/native.f" "$S/w/f" && ok "host bytes match native" ||
    fail "host file differs from native"
twrite=$(awk '$2 == "Twrite" { print $1 }' <<<"$ERR")
[ "${twrite:-0}" -le 8 ] && grep -Eq '^ +[1-9][0-9]* +Tlendfd$' <<<"$ERR" &&
    ok "2,000 writes took ${twrite:-0} Twrite" ||
    fail "Twrite count ${twrite:-none} (want at most 8): $ERR"

lbox_run run --stats --disk-budget 1m -v "$S/budget:/w:rw" -- /usr/bin/python3 -c "$PROG" /w/f
twrite=$(awk '$2 == "Twrite" { print $1 }' <<<"$ERR")
[ "$RC" -eq 0 ] && [ "$OUT" = "$want" ] && cmp -s "$S/native.f" "$S/budget/f" &&
    [ "${twrite:-0}" -ge 2000 ] &&
    ok "--disk-budget: same bytes, every write counted ($twrite Twrite)" ||
    fail "--disk-budget: rc=$RC Twrite=${twrite:-none} out=$OUT"

lbox_run run --timeout 3 -v "$S/killed:/w:rw" -- /usr/bin/python3 -c "$PROG" /w/f /w/g
lines=$(wc -l <"$S/killed/g" 2>/dev/null)
[ "$RC" -eq 124 ] && [ "$lines" = 500 ] && [ "$(tail -n 1 "$S/killed/g")" = 00499 ] &&
    ok "killed by --timeout: all 500 writes on the host" ||
    fail "after --timeout: rc=$RC, $lines lines on the host"
finish
