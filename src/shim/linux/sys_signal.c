/* SPDX-License-Identifier: MIT */
/*
 * Implements rt_sigaction(2), rt_sigprocmask(2) and sigaltstack(2) for the
 * Linux shim: the guest's dispositions, mask and alternate stack are kept
 * exactly; delivering signals to guest handlers comes later.
 */
#include "shim/linux/syscalls.h"

#define L_SIGKILL 9
#define L_SIGSTOP 19
#define L_UNBLOCKABLE ((1ULL << (L_SIGKILL - 1)) | (1ULL << (L_SIGSTOP - 1)))
#define L_SA_KNOWN 0xfc00007fULL   /* flags Linux accepts and keeps */

struct l_sigaction {
    uint64_t handler, flags, restorer, mask;
};

long sys_rt_sigaction(struct task *t, const uint64_t a[6])
{
    int sig = (int)a[0];
    struct l_sigaction act, old;
    struct k_sigaction *k;

    if (a[3] != 8)
        return -EINVAL;
    if (sig < 1 || sig > 64)
        return -EINVAL;
    k = &t->proc->sigactions[sig - 1];
    if (a[1] && (sig == L_SIGKILL || sig == L_SIGSTOP))
        return -EINVAL;
    if (a[1] && copy_from_guest(t, &act, a[1], sizeof(act)) < 0)
        return -EFAULT;
    old = (struct l_sigaction){k->handler, k->flags, k->restorer, k->mask};
    if (a[2] && copy_to_guest(t, a[2], &old, sizeof(old)) < 0)
        return -EFAULT;
    if (a[1]) {
        k->handler = act.handler;
        k->flags = act.flags & L_SA_KNOWN;
        k->restorer = act.restorer;
        k->mask = act.mask & ~L_UNBLOCKABLE;
    }
    return 0;
}

long sys_rt_sigprocmask(struct task *t, const uint64_t a[6])
{
    int how = (int)a[0];
    uint64_t set, old = t->sigmask;

    if (a[3] != 8)
        return -EINVAL;
    if (a[1]) {
        if (copy_from_guest(t, &set, a[1], sizeof(set)) < 0)
            return -EFAULT;
        switch (how) {
        case 0: t->sigmask |= set; break;     /* SIG_BLOCK */
        case 1: t->sigmask &= ~set; break;    /* SIG_UNBLOCK */
        case 2: t->sigmask = set; break;      /* SIG_SETMASK */
        default: return -EINVAL;
        }
        t->sigmask &= ~L_UNBLOCKABLE;
    }
    if (a[2] && copy_to_guest(t, a[2], &old, sizeof(old)) < 0)
        return -EFAULT;
    return 0;
}

struct l_stack {
    uint64_t sp;
    int32_t flags;
    int32_t pad;
    uint64_t size;
};

#define L_SS_ONSTACK 1
#define L_SS_DISABLE 2
#define L_SS_AUTODISARM (1U << 31)
#define L_MINSIGSTKSZ 2048

long sys_sigaltstack(struct task *t, const uint64_t a[6])
{
    struct l_stack ss, old = {t->altstack_sp, (int32_t)t->altstack_flags, 0,
                              t->altstack_size};

    if (!t->altstack_size)
        old.flags = L_SS_DISABLE;
    if (a[0]) {
        if (copy_from_guest(t, &ss, a[0], sizeof(ss)) < 0)
            return -EFAULT;
        if ((uint32_t)ss.flags & ~(L_SS_DISABLE | L_SS_ONSTACK |
                                   L_SS_AUTODISARM))
            return -EINVAL;
        if (ss.flags & L_SS_DISABLE) {
            t->altstack_sp = t->altstack_size = 0;
            t->altstack_flags = 0;
        } else {
            if (ss.size < L_MINSIGSTKSZ)
                return -ENOMEM;
            t->altstack_sp = ss.sp;
            t->altstack_size = ss.size;
            t->altstack_flags = (uint32_t)ss.flags & L_SS_AUTODISARM;
        }
    }
    if (a[1] && copy_to_guest(t, a[1], &old, sizeof(old)) < 0)
        return -EFAULT;
    return 0;
}
