#!/bin/bash
# SPDX-License-Identifier: MIT
# Path escapes on a rw mount: `..` beyond the mount root and host symlinks
# inside the mount that point outside it must not reach the outside file.
. "$(dirname "$0")/../lib.sh"
need_lbox
need_fsops
scratch_dir
S=$SCRATCH
mkdir "$S/mnt" "$S/cwd" "$S/mnt/sub"
chmod 777 "$S/mnt" "$S/mnt/sub"
chmod 755 "$S/cwd"
echo secret-outside >"$S/outside.txt"
chmod 666 "$S/outside.txt"
ln -s "$S/outside.txt" "$S/mnt/abs-out"
ln -s ../outside.txt "$S/mnt/rel-out"
ln -s "$S" "$S/mnt/dir-out"
ln -s .. "$S/mnt/up"
ln -s ../../outside.txt "$S/mnt/sub/rel2-out"
snap() { (cd "$S" && find . -printf '%p %y %m %s %l\n' | sort && cat outside.txt); }
before=$(snap)

cd "$S/cwd" || exit 1
lbox_run run "${PROGMNT[@]}" -v "$S/mnt:/m:rw" -- "$FSOPS" \
    read /m/../outside.txt read /m/sub/../../outside.txt \
    read /m/abs-out read /m/rel-out read /m/dir-out/outside.txt \
    read /m/up/outside.txt read /m/sub/rel2-out \
    ls /m/.. ls /m/up ls /m/dir-out \
    write /m/abs-out pwned write /m/rel-out pwned \
    write /m/dir-out/outside.txt pwned append /m/up/outside.txt pwned \
    write /m/sub/rel2-out pwned write /m/../outside.txt pwned \
    rename /m/sub /m/../moved-out symlink /etc/passwd /m/new-abs \
    read /m/new-abs
echo "$OUT"
[ "$RC" -eq 0 ] || fail "fsops exited $RC"
grep -q secret-outside <<<"$OUT" && fail "guest read the file outside the mount"
grep -E '^ls .*outside\.txt' <<<"$OUT" && fail "guest listed the directory outside the mount"
# The guest's own symlink resolves inside the guest view.
grep -q '^read /m/new-abs: data=root:' <<<"$OUT" || fail "guest symlink to /etc/passwd did not resolve in the guest view"

after=$(snap)
# The guest's new symlink is the only change expected on the host.
diff <(echo "$before") <(echo "$after" | grep -v '^./mnt/new-abs ') >/dev/null ||
    fail "host changed outside the expected: $(diff <(echo "$before") <(echo "$after") | head -6)"
[ "$(cat "$S/outside.txt")" = secret-outside ] || fail "outside file was modified"
finish
