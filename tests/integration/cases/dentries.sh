#!/bin/bash
# SPDX-License-Identifier: MIT
# Names are dentries: renaming an ancestor of the cwd moves the cwd with
# it (getcwd, /proc/self/cwd and chdir("..") agree with Linux), ".."
# crosses out of a mount, an unlinked open file shows " (deleted)", and
# on an rw mount a file the host changes is seen when the guest reopens it.
. "$(dirname "$0")/../lib.sh"
need_lbox

scratch_dir
dir=$SCRATCH
PROG='
import os, sys
base = sys.argv[1]
os.makedirs(base + "/a/b/c")
os.chdir(base + "/a/b/c")
os.rename(base + "/a", base + "/z")
print(os.getcwd())
print(os.readlink("/proc/self/cwd"))
os.chdir("..")
print(os.getcwd())
os.chdir("../..")
print(os.getcwd() == os.path.realpath(base))
f = open(base + "/z/f", "w")
os.unlink(base + "/z/f")
print(os.readlink("/proc/self/fd/%d" % f.fileno()).endswith("/z/f (deleted)"))
print(os.fstat(f.fileno()).st_nlink)
'
want_tmp="/tmp/t/z/b/c
/tmp/t/z/b/c
/tmp/t/z/b
True
True
0"
lbox_run run -- python3 -c "$PROG" /tmp/t
[ "$RC" -eq 0 ] || fail "tmpfs: exit $RC: $ERR"
[ "$OUT" = "$want_tmp" ] || fail "tmpfs: got '$OUT'"
lbox_run run -v "$dir:/w:rw" -- python3 -c "$PROG" /w/t
[ "$RC" -eq 0 ] || fail "rw mount: exit $RC: $ERR"
[ "$OUT" = "${want_tmp//\/tmp\/t//w/t}" ] || fail "rw mount: got '$OUT'"

# ".." out of a mount root lands in the parent tree.
lbox_run run -v "$dir:/w:rw" -- python3 -c '
import os
os.chdir("/w/..")
print(os.getcwd(), "w" in os.listdir("."), os.stat(".").st_ino == os.stat("/").st_ino)'
[ "$OUT" = "/ True True" ] || fail "'..' across a mount: got '$OUT'"

# Close-to-open: the host rewrites a file between two guest opens.
echo one >"$dir/c2o"
out=$(mktemp)
/usr/bin/timeout -k 5 "$LBOX_TEST_TIMEOUT" "${LBOX_PRE[@]}" "${LBOX_CMD[@]}" \
    run -v "$dir:/w:rw" -- python3 -c '
import time
print(open("/w/c2o").read().strip())
open("/w/ready", "w").close()
for _ in range(200):
    try:
        if open("/w/c2o").read().strip() == "two":
            break
    except FileNotFoundError:
        pass
    time.sleep(0.05)
print(open("/w/c2o").read().strip())
' >"$out" 2>&1 &
pid=$!
for _ in $(seq 200); do [ -e "$dir/ready" ] && break; sleep 0.05; done
echo two >"$dir/c2o.new" && mv "$dir/c2o.new" "$dir/c2o"
wait "$pid"
got=$(cat "$out"); rm -f "$out"
[ "$got" = "$(printf 'one\ntwo')" ] || fail "close-to-open: got '$got'"
finish
