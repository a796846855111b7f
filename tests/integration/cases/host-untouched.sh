#!/bin/bash
# SPDX-License-Identifier: MIT
# Writes inside the sandbox (to /tmp, the read-only cwd, a `-v :ro` mount and
# the default read-only views) leave the host untouched; a `-v :rw` mount
# writes through. The host side is checked afterwards.
. "$(dirname "$0")/../lib.sh"
need_lbox
need_fsops
scratch_dir
S=$SCRATCH
mkdir "$S/ro" "$S/rw" "$S/cwd" "$S/ro/sub"
echo original >"$S/ro/existing"
echo rwold >"$S/rw/existing"
chmod 755 "$S/ro" "$S/cwd" "$S/ro/sub"
chmod 777 "$S/rw"
chmod 666 "$S/rw/existing"
X="lbox-itest-$$-$RANDOM"
snap() { (cd "$S" && find ro cwd -printf '%p %y %m %s %T@\n' | sort && cat ro/existing); }
before=$(snap)

cd "$S/cwd" || exit 1
lbox_run run "${PROGMNT[@]}" -v "$S/ro:/data:ro" -v "$S/rw:/rw:rw" -- "$FSOPS" \
    write "/tmp/$X" inside read "/tmp/$X" \
    write /data/new x append /data/existing x truncate /data/existing 0 \
    chmod /data/existing 777 unlink /data/existing mkdir /data/dir \
    rename /data/existing /data/moved rmdir /data/sub \
    write cwdfile x write "$S/cwd/abs" x mkdir cwddir \
    write "/usr/$X" x write "/etc/$X" x \
    write /rw/new written append /rw/existing +more mkdir /rw/newdir \
    read /data/existing read /rw/new
[ "$RC" -eq 0 ] || fail "fsops exited $RC"
echo "$OUT"

expect_line "write /tmp/$X: ok"
expect_line "read /tmp/$X: data=inside"
expect_line "write /rw/new: ok"
expect_line "append /rw/existing: ok"
expect_line "mkdir /rw/newdir: ok"
expect_line "read /data/existing: data=original"
expect_line "read /rw/new: data=written"
# Every write to a read-only place must fail (EROFS, or EACCES/EPERM).
while IFS= read -r line; do
    case "$line" in
    *"/tmp/$X"* | *" /rw/"* | read*) ;;
    *": ok") fail "read-only write succeeded in the guest: $line" ;;
    *": EROFS" | *": EACCES" | *": EPERM") ;;
    *) fail "unexpected result: $line" ;;
    esac
done <<<"$OUT"

# The host side.
[ -e "/tmp/$X" ] && fail "guest /tmp write reached host /tmp/$X" && rm -f "/tmp/$X"
[ -e "/usr/$X" ] && fail "guest write reached host /usr/$X" && rm -f "/usr/$X"
[ -e "/etc/$X" ] && fail "guest write reached host /etc/$X" && rm -f "/etc/$X"
after=$(snap)
[ "$before" = "$after" ] || fail "read-only mount or cwd changed on the host: $(diff <(echo "$before") <(echo "$after") | head -5)"
[ "$(cat "$S/rw/new" 2>/dev/null)" = written ] || fail "rw mount: /rw/new not on host"
[ "$(cat "$S/rw/existing")" = "rwold
+more" ] || [ "$(cat "$S/rw/existing")" = "rwold+more" ] || fail "rw mount: append not on host: $(cat "$S/rw/existing")"
[ -d "$S/rw/newdir" ] || fail "rw mount: mkdir not on host"
finish
