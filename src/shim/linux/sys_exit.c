/* SPDX-License-Identifier: MIT */
/*
 * Implements exit(2), exit_group(2) and wait4(2) for the Linux shim, for
 * a sandbox of one single-threaded process.
 */
#include "shim/linux/syscalls.h"

static _Noreturn void do_exit(struct task *t, int status)
{
    if (shim_proc(t)->stats)
        stats_print(t);
    lbox_plat_exit(status & 0xff);
}

long sys_exit(struct task *t, const uint64_t a[6])
{
    /* The only thread leaving ends the process, as on Linux. */
    do_exit(t, (int)a[0]);
}

long sys_exit_group(struct task *t, const uint64_t a[6])
{
    do_exit(t, (int)a[0]);
}

long sys_wait4(struct task *t, const uint64_t a[6])
{
    int options = (int)a[2];

    (void)t;
    if (options & ~(0x1 | 0x2 | 0x8 | 0x01000000 | 0x20000000 | 0x40000000 |
                    0x80000000))
        return -EINVAL;
    return -ECHILD;     /* no child processes until fork exists */
}
