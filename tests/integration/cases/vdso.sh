#!/bin/bash
# SPDX-License-Identifier: MIT
# lbox's own vDSO: AT_SYSINFO_EHDR names an ELF with the entries a libc
# looks for (tool-vdso checks it from inside, static and through ld.so,
# and after an execve), its clocks agree with the trapped calls and
# REALTIME with the host's clock, clocks it does not serve still work, and
# the calls libc makes through it do not trap (--stats counts).
. "$(dirname "$0")/../lib.sh"
need_lbox
TOOLS=("$PROGDIR/tool-vdso" "$PROGDIR/tool-vdso-dyn")
for t in "${TOOLS[@]}"; do
    [ -x "$t" ] || { echo "FAIL: $t not built"; exit 1; }
done

for t in "${TOOLS[@]}" "exec"; do
    if [ "$t" = exec ]; then
        what="after execve"
        before=$(date +%s%N)
        lbox_run run "${PROGMNT[@]}" -- /bin/busybox sh -c "exec $PROGDIR/tool-vdso check"
    else
        what=$(basename "$t")
        before=$(date +%s%N)
        lbox_run run "${PROGMNT[@]}" -- "$t" check
    fi
    after=$(date +%s%N)
    if [ "$RC" -ne 0 ] || grep -q FAIL <<<"$OUT"; then
        fail "$what: rc=$RC $(grep FAIL <<<"$OUT" | head -3) err=$(tail -n 2 <<<"$ERR")"
        continue
    fi
    n=$(grep -c ' ok$' <<<"$OUT")
    [ "$n" -ge 25 ] && ok "$what: $n checks inside" || fail "$what: only $n checks: $OUT"
    rt=$(sed -n 's/^realtime //p' <<<"$OUT")
    # Read between the host's two readings, to 5 ms.
    if [ -n "$rt" ] && [ "$rt" -ge $((before - 5000000)) ] && [ "$rt" -le $((after + 5000000)) ]; then
        ok "$what: REALTIME between the host's readings"
    else
        fail "$what: REALTIME '$rt' not in [$before, $after]"
    fi
done

# 200000 rounds of clock_gettime (x2), gettimeofday and time through libc.
calls() { awk -v n="$1" '$3 == n && $1 ~ /^[0-9]+$/ { print $1 }' <<<"$ERR"; }
for t in "${TOOLS[@]}"; do
    lbox_run run --stats "${PROGMNT[@]}" -- "$t" loop 200000
    [ "$OUT" = "loop 200000 1" ] || fail "$(basename "$t") loop: rc=$RC out=$OUT"
    cg=$(calls clock_gettime) gt=$(calls gettimeofday) tm=$(calls time)
    # Re-basing the clock page traps about once a second, more at first.
    if [ "${cg:-0}" -lt 1000 ] && [ "${gt:-0}" -lt 100 ] && [ "${tm:-0}" -lt 100 ]; then
        ok "$(basename "$t"): 800000 clock calls, ${cg:-0} clock_gettime, ${gt:-0} gettimeofday, ${tm:-0} time trapped"
    else
        fail "$(basename "$t"): trapped clock_gettime=$cg gettimeofday=$gt time=$tm"
    fi
done
finish
