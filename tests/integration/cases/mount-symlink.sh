#!/bin/bash
# SPDX-License-Identifier: MIT
# Attack 1 of issue 11: a guest with an rw mount plants work/artifacts ->
# /victim; a later `lbox run -v work/artifacts:/in:rw` must not serve the
# victim. -v refuses a source with a symlink anywhere in it, in one line
# naming the resolved path, and the victim is untouched on the host.
. "$(dirname "$0")/../lib.sh"
need_lbox
scratch_dir
S=$SCRATCH
mkdir "$S/work" "$S/victim"
echo victim-data >"$S/victim/secret"
chmod -R a+rwX "$S/work" "$S/victim"

# Run 1: the guest plants the link through its rw mount.
lbox_run run -v "$S/work:/w:rw" -- /bin/busybox ln -s "$S/victim" /w/artifacts
[ "$RC" -eq 0 ] && [ -L "$S/work/artifacts" ] && ok "guest planted a symlink" ||
    fail "could not plant the symlink: rc=$RC err=$ERR"

# Run 2: the user names the planted path, absolute and relative.
cd "$S" || exit 1
for src in "$S/work/artifacts" work/artifacts ./work/artifacts/; do
    lbox_run run -v "$src:/in:rw" -- /bin/busybox sh -c \
        'cat /in/secret; echo planted >/in/planted'
    [ "$RC" -eq 2 ] && ok "refused -v $src" || fail "-v $src: rc=$RC out=$OUT"
    grep -q "victim-data" <<<"$OUT" && fail "-v $src read the victim"
    [ "$(wc -l <<<"$ERR")" -eq 1 ] &&
        grep -Fq "lbox: -v $src: the path goes through a symlink (to $S/victim)" <<<"$ERR" &&
        ok "one line naming the resolved path" || fail "-v $src said: $ERR"
done
[ -e "$S/victim/planted" ] && fail "the guest wrote into the victim"
[ "$(cat "$S/victim/secret")" = victim-data ] || fail "victim changed"

# A symlink in an ancestor is refused the same way; the resolved path works.
ln -s "$S/work" "$S/worklink"
echo mine >"$S/work/file"
lbox_run run -v "$S/worklink/:/in:ro" -- /bin/busybox cat /in/file
[ "$RC" -eq 2 ] && grep -q "goes through a symlink (to $S/work)" <<<"$ERR" &&
    ok "ancestor symlink refused" || fail "ancestor symlink: rc=$RC err=$ERR"
lbox_run run -v "work:/in:ro" -- /bin/busybox cat /in/file
[ "$RC" -eq 0 ] && [ "$OUT" = mine ] && ok "relative source without symlinks" ||
    fail "relative -v work: rc=$RC out=$OUT err=$ERR"
lbox_run run -v "$S/nonexistent:/in:ro" -- /bin/true
[ "$RC" -eq 2 ] && grep -q "^lbox: -v $S/nonexistent: No such file" <<<"$ERR" &&
    ok "missing source" || fail "missing source: rc=$RC err=$ERR"
finish
