/* SPDX-License-Identifier: MIT */
/*
 * The time-stamp counter as platform.h's cycle counter on Linux x86-64.
 * It qualifies when cpuid says the TSC is invariant (constant rate, runs
 * in every C-, P- and T-state) and the host lets this thread run rdtsc
 * (prctl PR_GET_TSC, asked once before the seccomp filter, which does
 * not list prctl; the guest's own prctl is lbox's and never reaches the
 * host, so the answer holds for the sandbox's life).
 */
#include "host_abi.h"
#include "plat.h"

#define H_PR_GET_TSC    25
#define H_PR_TSC_ENABLE 1

static bool g_tsc_ok;

static void cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(0));
}

void plat_tsc_probe(void)
{
    uint32_t r[4];
    int mode = 0;

    cpuid(1, r);
    if (!(r[3] & (1u << 4)))                    /* TSC */
        return;
    cpuid(0x80000000, r);
    if (r[0] < 0x80000007)
        return;
    cpuid(0x80000007, r);
    if (!(r[3] & (1u << 8)))                    /* invariant TSC */
        return;
    if (hcall2(HNR_prctl, H_PR_GET_TSC, &mode) < 0 || mode != H_PR_TSC_ENABLE)
        return;
    g_tsc_ok = true;
}

int lbox_plat_cycles(uint64_t *count)
{
    uint32_t lo, hi;

    if (!g_tsc_ok)
        return -ENOSYS;
    /* lfence: not read before the instructions ahead of it are done. */
    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    *count = (uint64_t)hi << 32 | lo;
    return 0;
}
