/* SPDX-License-Identifier: MIT */
/*
 * The North hooks a platform uses to rewrite guest system call sites
 * (kernel image): what the current process has mapped where, from its mm.
 */
#include "core/mm.h"
#include "shim/linux/syscalls.h"

/* Both run outside any entry (the platform rewrites a site before it
 * serves the call), so they take the process lock themselves. */
int lbox_guest_code_prot(uint64_t addr, size_t len)
{
    struct task *t = lbox_plat_tls();
    int prot;

    if (!t)
        return -1;
    task_enter(t);
    prot = mm_code_prot(t->proc->mm, addr, len);
    task_unlock(t);
    return prot;
}

uint64_t lbox_guest_reserve_near(uint64_t near, uint64_t reach, size_t size)
{
    struct task *t = lbox_plat_tls();
    uint64_t at;

    if (!t)
        return 0;
    task_enter(t);
    at = mm_reserve_near(t->proc->mm, near, reach, size, "[lbox-stubs]");
    task_unlock(t);
    return at;
}
