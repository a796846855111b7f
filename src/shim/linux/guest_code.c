/* SPDX-License-Identifier: MIT */
/*
 * The North hooks a platform uses to rewrite guest system call sites
 * (kernel image): what the current process has mapped where, from its mm.
 */
#include "core/mm.h"
#include "shim/linux/syscalls.h"

int lbox_guest_code_prot(uint64_t addr, size_t len)
{
    struct task *t = lbox_plat_tls();

    return t ? mm_code_prot(t->proc->mm, addr, len) : -1;
}

uint64_t lbox_guest_reserve_near(uint64_t near, uint64_t reach, size_t size)
{
    struct task *t = lbox_plat_tls();

    return t ? mm_reserve_near(t->proc->mm, near, reach, size, "[lbox-stubs]")
             : 0;
}
