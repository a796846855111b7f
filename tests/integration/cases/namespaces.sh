#!/bin/bash
# SPDX-License-Identifier: MIT
# The namespaces a running sandbox's processes are in, read from the host:
# the kernel image and both file servers are out of the host's network,
# IPC and UTS namespaces, the kernel image in a user and mount namespace of
# its own too. Run by root, all three share the one network namespace lbox
# made for the sandbox; run by another user, each has its own.
. "$(dirname "$0")/../lib.sh"
need_lbox
scratch_dir
mkdir "$SCRATCH/rw"

ns() { readlink "/proc/$1/ns/$2" 2>/dev/null; }

# check_sandbox WHO [RUNNER...]: start lbox through RUNNER, read its children's
# namespaces, end it by pid.
check_sandbox() {
    local who=$1 l kids="" k kpid nets=""
    shift
    "$@" "${LBOX_CMD[@]}" run -v "$SCRATCH/rw:/rw:rw" -- /bin/busybox sleep 60 \
        </dev/null >/dev/null 2>"$SCRATCH/err" &
    l=$!   # the runner (setpriv) execs lbox
    for _ in $(seq 100); do
        kids=$(cat /proc/"$l"/task/*/children 2>/dev/null)
        kpid=$(kernel_pid "$l")
        [ "$(wc -w <<<"$kids")" -ge 3 ] && [ -n "$kpid" ] &&
            [ "$(ns "$kpid" user)" != "$(ns self user)" ] && break
        sleep 0.1
    done
    for k in $kids; do
        for t in net ipc uts; do
            [ -n "$(ns "$k" $t)" ] && [ "$(ns "$k" $t)" != "$(ns self $t)" ] ||
                fail "$who: process $k is in the host's $t namespace"
        done
        nets="$nets $(ns "$k" net)"
    done
    for t in user mnt; do
        [ "$(ns "$kpid" $t)" != "$(ns self $t)" ] ||
            fail "$who: the kernel image is in the host's $t namespace"
    done
    n=$(tr ' ' '\n' <<<"$nets" | sed '/^$/d' | sort -u | wc -l)
    if [ "$(wc -w <<<"$kids")" -lt 3 ]; then
        fail "$who: expected 3 children of lbox, got '$kids'"
    elif [ "$who" = root ]; then
        [ "$n" -eq 1 ] && ok "root: kernel image and servers share one network namespace, not the host's" ||
            fail "root: $n network namespaces:$nets"
    else
        [ "$n" -eq 3 ] && ok "$who: kernel image and servers each out of the host's network" ||
            fail "$who: $n network namespaces:$nets"
    fi
    kill -TERM "$l" 2>/dev/null
    wait "$l" 2>/dev/null
}

[ "$(id -u)" -eq 0 ] && check_sandbox root
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
    setpriv --reuid=65534 --regid=65534 --clear-groups test -x "${LBOX_CMD[0]}"; then
    chmod 777 "$SCRATCH/rw"
    check_sandbox nobody setpriv --reuid=65534 --regid=65534 --clear-groups
fi
finish
