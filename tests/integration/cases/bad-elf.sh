#!/bin/bash
# SPDX-License-Identifier: MIT
# Malformed ELF files (truncated, bad magic, bad phdrs, huge sizes,
# overlapping segments) make `lbox run` exit 126 with a message on stderr
# that names the file; never a crash. Uses a fixed set generated here plus
# tests/unit/elf/gen-bad-elves (with its MANIFEST) when present.
. "$(dirname "$0")/../lib.sh"
need_lbox
scratch_dir
D="$SCRATCH/elves"
mkdir "$D"

# The ELF helper's generator (MANIFEST: "<file> <level> <expect> <reason>").
G="$SCRATCH/gen"
gen="$LBOX_REPO/tests/unit/elf/gen-bad-elves"
if [ -f "$gen" ]; then
    mkdir "$G"
    /usr/bin/python3 "$gen" "$G" >/dev/null || fail "$gen failed"
    chmod 755 "$G" "$G"/*
else
    echo "note: no $gen; using the local set only"
fi

/usr/bin/python3 - "$D" <<'PY' || fail "generating bad ELF files failed"
import struct, sys, os
d = sys.argv[1]
# Corrupt copies of a real static x86-64 ELF (busybox-static is always
# installed by scripts/setup).
src = open('/bin/busybox', 'rb').read()
assert src[:4] == b'\x7fELF' and src[4] == 2
phoff, = struct.unpack_from('<Q', src, 32)
phentsize, phnum = struct.unpack_from('<HH', src, 54)

def put(name, data):
    with open(os.path.join(d, 'bad-' + name), 'wb') as f:
        f.write(bytes(data))

def patched(off, fmt, val, base=None):
    b = bytearray(src if base is None else base)
    struct.pack_into(fmt, b, off, val)
    return b

def loads(b):
    return [phoff + i * phentsize for i in range(phnum)
            if struct.unpack_from('<I', b, phoff + i * phentsize)[0] == 1]

put('empty', b'')
put('magic', b'\x7fELG' + src[4:])
put('trunc-ehdr', src[:40])
put('trunc-phdrs', src[:phoff + phentsize])
put('trunc-segment', src[:8192])
put('class32', patched(4, '<B', 1))
put('bigendian', patched(5, '<B', 2))
put('machine-i386', patched(18, '<H', 3))
put('type-rel', patched(16, '<H', 1))
put('phnum-huge', patched(56, '<H', 0xffff))
put('phoff-huge', patched(32, '<Q', 1 << 62))
put('phentsize-bad', patched(54, '<H', 12))
l = loads(src)
put('filesz-huge', patched(l[0] + 32, '<Q', 1 << 60))
put('memsz-lt-filesz', patched(l[0] + 40, '<Q', 1))
put('offset-huge', patched(l[0] + 8, '<Q', (1 << 63) - 4096))
put('vaddr-kernel', patched(l[0] + 16, '<Q', 0xffff800000000000))
b = bytearray(src)
v0, = struct.unpack_from('<Q', b, l[0] + 16)
for o in l[1:]:
    struct.pack_into('<Q', b, o + 16, v0)
    struct.pack_into('<Q', b, o + 24, v0)
put('overlap', b)
put('text', b'hello, this is not an ELF file\n')
PY
chmod 755 "$D"
chmod 755 "$D"/*

# run_bad DIR FILE WANT: WANT is an exit status, or "fail" for any status
# but 0, 42 (the generator's good program ran) and crashes (>= 128).
run_bad() {
    local dir=$1 f=$2 want=$3
    cd "$dir" || exit 1
    lbox_run run -- "./$f"
    if [ "$RC" -ge 128 ] || { [ "$want" = fail ] && { [ "$RC" -eq 0 ] || [ "$RC" -eq 42 ]; }; } ||
        { [ "$want" != fail ] && [ "$RC" -ne "$want" ]; }; then
        fail "$f: exit $RC, want $want (stderr: $(head -c 200 <<<"$ERR" | tr -cd "[:print:]\n"))"
    elif [ "$RC" -ne 0 ] && [ "$RC" -ne 42 ] && ! grep -aq -- "$f" <<<"$ERR"; then
        fail "$f: exit $RC but stderr does not name the file: $(head -c 200 <<<"$ERR")"
    else
        ok "$f: exit $RC"
    fi
}

n=0
for f in $(cd "$D" && ls); do
    run_bad "$D" "$f" 126
    n=$((n + 1))
done
if [ -f "$G/MANIFEST" ]; then
    while read -r f level expect _; do
        if [ "${f#ok-}" != "$f" ]; then
            run_bad "$G" "$f" 42
        elif [ "$level" = parse ] && [ "$expect" != OK ]; then
            run_bad "$G" "$f" 126
        else
            run_bad "$G" "$f" fail
        fi
        n=$((n + 1))
    done <"$G/MANIFEST"
fi
[ "$n" -ge 10 ] || fail "only $n bad ELF files"
finish
