#!/bin/bash
# SPDX-License-Identifier: MIT
# The user's own -v mounts are served with the invoking user's identity:
# writes succeed in a directory that user owns and the host sees that user
# own the results; set-id bits never reach the host. The default view stays
# served as nobody when lbox runs as root: a root-only file of the cwd is
# unreadable there, and readable once the user mounts it with -v.
. "$(dirname "$0")/../lib.sh"
need_lbox
need_fsops
scratch_dir
S=$SCRATCH

# check_writes USER DIR RUNNER...: the write/append/mkdir/rename/chmod
# sequence through a -v DIR:/w:rw mount, then the host side.
check_writes() {
    local who=$1 dir=$2 owner
    shift 2
    echo old >"$dir/old"
    chown "$who" "$dir" "$dir/old" 2>/dev/null
    out=$("$@" run "${PROGMNT[@]}" -v "$dir:/w:rw" -- "$FSOPS" \
        write /w/new x append /w/old y mkdir /w/d rename /w/new /w/d/new \
        chmod /w/d/new 4755 write /w/g z chmod /w/g 2755 2>&1)
    for line in "write /w/new: ok" "append /w/old: ok" "mkdir /w/d: ok" \
        "rename /w/new /w/d/new: ok" "chmod /w/d/new 4755: ok" \
        "chmod /w/g 2755: ok"; do
        grep -Fxq "$line" <<<"$out" && ok "$who: $line" ||
            fail "$who: missing '$line' in: $out"
    done
    [ "$(cat "$dir/d/new" 2>/dev/null)" = x ] || fail "$who: d/new not on host"
    [ "$(cat "$dir/old")" = "old
y" ] || [ "$(cat "$dir/old")" = "oldy" ] || fail "$who: append lost: $(cat "$dir/old")"
    for f in d d/new g; do
        owner=$(stat -c %U "$dir/$f" 2>/dev/null)
        [ "$owner" = "$who" ] && ok "$who owns $f" ||
            fail "$who: host $f owned by '$owner'"
    done
    for f in d/new g; do
        [ -u "$dir/$f" ] || [ -g "$dir/$f" ] &&
            fail "$who: set-id bit reached the host on $f ($(stat -c %A "$dir/$f"))"
    done
}

if [ "$(id -u)" -eq 0 ]; then
    mkdir "$S/root"
    check_writes root "$S/root" "${LBOX_CMD[@]}"

    # The default view as nobody, the -v mount as root.
    mkdir "$S/cwd"
    echo secret >"$S/cwd/private"
    chmod 600 "$S/cwd/private"
    cd "$S/cwd" || exit 1
    lbox_run run -- /bin/busybox cat "$S/cwd/private"
    [ "$RC" -ne 0 ] && grep -q "Permission denied" <<<"$ERR" &&
        ok "root-only file unreadable in the default view" ||
        fail "default view read a root-only file: rc=$RC out=$OUT err=$ERR"
    lbox_run run -v "$S/cwd:/mine:ro" -- /bin/busybox cat /mine/private
    [ "$RC" -eq 0 ] && [ "$OUT" = secret ] && ok "root reads its own -v mount" ||
        fail "-v mount as root: rc=$RC out=$OUT err=$ERR"
    # A -v mount inside the cwd view covers it, wherever the mount point
    # sits in the list: a 0700 directory nobody cannot search is read.
    mkdir -m 700 "$S/cwd/sub"
    echo inner >"$S/cwd/sub/f"
    lbox_run run -v "$S/cwd/sub:$S/cwd/sub:ro" -- /bin/busybox cat sub/f
    [ "$RC" -eq 0 ] && [ "$OUT" = inner ] &&
        ok "-v beneath the cwd view covers it" ||
        fail "-v beneath the cwd view: rc=$RC out=$OUT err=$ERR"
    cd "$S" || exit 1
    lbox_run run -- /bin/busybox cat /etc/shadow
    [ "$RC" -ne 0 ] && grep -q "Permission denied" <<<"$ERR" &&
        ok "/etc/shadow unreadable in the default view" ||
        fail "/etc/shadow: rc=$RC err=$ERR"

    if command -v su >/dev/null &&
        su nobody -s /bin/bash -c "test -x '${LBOX_CMD[0]}' && test -x '$FSOPS'" </dev/null; then
        mkdir "$S/nobody"
        as_nobody() { su nobody -s /bin/bash -c "cd '$S' && $(printf '%q ' "$@")" </dev/null; }
        check_writes nobody "$S/nobody" as_nobody "${LBOX_CMD[@]}"
    else
        echo "note: nobody cannot reach lbox here; unprivileged half not run"
    fi
else
    mkdir "$S/me"
    check_writes "$(id -un)" "$S/me" "${LBOX_CMD[@]}"
fi
# Nested -v mounts given child first: the inner one is still on top.
mkdir -p "$S/outer/inner" "$S/in"
echo outer >"$S/outer/inner/f"
echo in >"$S/in/f"
lbox_run run -v "$S/in:/w/inner:ro" -v "$S/outer:/w:ro" -- /bin/busybox cat /w/inner/f
[ "$RC" -eq 0 ] && [ "$OUT" = in ] && ok "nested -v: the inner mount wins" ||
    fail "nested -v: rc=$RC out=$OUT err=$ERR"
finish
