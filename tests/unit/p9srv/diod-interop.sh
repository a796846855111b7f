#!/bin/sh
# SPDX-License-Identifier: MIT
# Interop test (host side): diod's client tools (diodcat, diodls) read files
# and list directories from lbox's 9P2000.L server over a unix socket.
# Usage: diod-interop.sh PATH/TO/p9srv-serve-unix
set -u
serve=$1
if ! command -v diodcat >/dev/null 2>&1 && [ -x /usr/sbin/diodcat ]; then
    PATH=$PATH:/usr/sbin
fi
if ! command -v diodcat >/dev/null 2>&1; then
    echo "diod client tools not installed (apt-get install diod)"
    exit 77
fi

tmp=$(mktemp -d /tmp/p9srv-diod-XXXXXX)
chmod 755 "$tmp"
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/exp/sub" "$tmp/outside"
printf 'hello from lbox\n' > "$tmp/exp/hello.txt"
printf 'deep\n' > "$tmp/exp/sub/deep.txt"
head -c 300000 /dev/urandom > "$tmp/exp/big.bin"
printf 'SECRET\n' > "$tmp/outside/secret.txt"
ln -s ../outside "$tmp/exp/out"
chmod -R a+rX "$tmp/exp" "$tmp/outside"

sock=$tmp/s.sock
nconn=6
"$serve" "$sock" "$tmp/exp" /data $nconn > "$tmp/serve.out" 2>&1 &
pid=$!
for _ in $(seq 50); do
    [ -S "$sock" ] && break
    sleep 0.1
done

pass=0
fail=0
check() {   # name, then the command's success as $?
    if [ "$2" -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $1"
    fi
}

out=$(timeout 10 diodcat -s "$sock" -a /data hello.txt)
[ "$out" = "hello from lbox" ]; check "diodcat hello.txt" $?

timeout 10 diodcat -s "$sock" -a /data big.bin > "$tmp/big.out"
cmp -s "$tmp/big.out" "$tmp/exp/big.bin"; check "diodcat big.bin (multi-read)" $?

out=$(timeout 10 diodls -s "$sock" -a /data / | sort | tr '\n' ' ')
[ "$out" = "big.bin hello.txt out sub " ]; check "diodls / ($out)" $?

out=$(timeout 10 diodls -s "$sock" -a /data sub)
[ "$out" = "deep.txt" ]; check "diodls sub ($out)" $?

# Escapes through the export's symlink and "..": must fail, reveal nothing.
out=$(timeout 10 diodcat -s "$sock" -a /data out/secret.txt 2>/dev/null)
[ $? -ne 0 ] && [ -z "$out" ]; check "diodcat through symlink refused" $?
out=$(timeout 10 diodcat -s "$sock" -a /data ../outside/secret.txt 2>/dev/null)
[ $? -ne 0 ] && [ -z "$out" ]; check "diodcat ../ refused" $?

# Every connection was served and the server exited cleanly.
for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
wait "$pid"; rc=$?
pid=
[ $rc -eq 0 ]; check "server exit ($rc: $(cat "$tmp/serve.out" | tr '\n' ' '))" $?

echo "diod-interop: $pass passed, $fail failed"
[ $fail -eq 0 ]
