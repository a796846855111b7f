/* SPDX-License-Identifier: MIT */
/*
 * Per-thread state and the guest thread pointer on Linux: lbox's block is
 * reached through GS, the guest owns FS. With FSGSBASE the bases are set
 * with instructions, without a host call.
 */
#include "host_abi.h"
#include "plat.h"

void plat_set_gs(struct plat_thread *pt)
{
    if (g_plat_fsgsbase)
        __asm__ volatile("wrgsbase %0" : : "r"(pt) : "memory");
    else
        hcall2(HNR_arch_prctl, H_ARCH_SET_GS, pt);
}

void *lbox_plat_tls(void)
{
    return plat_self()->tls;
}

void lbox_plat_set_tls(void *tls)
{
    plat_self()->tls = tls;
}

int lbox_plat_set_guest_tp(uint64_t tp)
{
    if (tp >= 0x800000000000ULL)
        return -EPERM;
    if (g_plat_fsgsbase) {
        __asm__ volatile("wrfsbase %0" : : "r"(tp) : "memory");
    } else {
        long err = hcall2(HNR_arch_prctl, H_ARCH_SET_FS, tp);

        if (err < 0)
            return (int)err;
    }
    plat_self()->guest_fs = tp;
    return 0;
}

uint64_t lbox_plat_guest_tp(void)
{
    return plat_self()->guest_fs;
}

/* Host threads come with the threads issue; until then say so. */
long lbox_plat_thread_create(void (*fn)(void *), void *arg, void *stack,
                             size_t stack_size, void *tls, uint32_t *exited)
{
    (void)fn, (void)arg, (void)stack, (void)stack_size, (void)tls,
        (void)exited;
    return -ENOSYS;
}
