/* SPDX-License-Identifier: MIT */
/*
 * Implements arch_prctl(2), set_tid_address(2), set_robust_list(2),
 * get_robust_list(2), prctl(2), prlimit64(2), getrlimit(2) and
 * setrlimit(2) for the Linux shim.
 */
#include "shim/linux/syscalls.h"

#define L_ARCH_SET_GS 0x1001
#define L_ARCH_SET_FS 0x1002
#define L_ARCH_GET_FS 0x1003
#define L_ARCH_GET_GS 0x1004
#define L_ARCH_GET_CPUID 0x1011

long sys_arch_prctl(struct task *t, const uint64_t a[6])
{
    uint64_t v;

    switch ((int)a[0]) {
    case L_ARCH_SET_FS:
        return lbox_plat_set_guest_tp(a[1]);
    case L_ARCH_GET_FS:
        v = lbox_plat_guest_tp();
        return copy_to_guest(t, a[1], &v, sizeof(v));
    case L_ARCH_SET_GS:
    case L_ARCH_GET_GS:
        /* GS holds lbox's per-thread state (docs/linux-compat.md). */
        return -EPERM;
    case L_ARCH_GET_CPUID:
        return 1;
    default:
        return -EINVAL;
    }
}

long sys_set_tid_address(struct task *t, const uint64_t a[6])
{
    t->clear_child_tid = a[0];
    return t->tid;
}

#define L_ROBUST_LIST_HEAD_SIZE 24

long sys_set_robust_list(struct task *t, const uint64_t a[6])
{
    if (a[1] != L_ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    t->robust_list = a[0];
    t->robust_list_size = a[1];
    return 0;
}

long sys_get_robust_list(struct task *t, const uint64_t a[6])
{
    uint64_t size = L_ROBUST_LIST_HEAD_SIZE;

    if ((int)a[0] != 0 && (int)a[0] != t->tid)
        return -ESRCH;
    if (copy_to_guest(t, a[1], &t->robust_list, sizeof(uint64_t)) < 0 ||
        copy_to_guest(t, a[2], &size, sizeof(size)) < 0)
        return -EFAULT;
    return 0;
}

#define L_PR_SET_PDEATHSIG 1
#define L_PR_GET_PDEATHSIG 2
#define L_PR_GET_DUMPABLE 3
#define L_PR_SET_DUMPABLE 4
#define L_PR_SET_NAME 15
#define L_PR_GET_NAME 16
#define L_PR_CAPBSET_READ 23
#define L_PR_SET_NO_NEW_PRIVS 38
#define L_PR_GET_NO_NEW_PRIVS 39

long sys_prctl(struct task *t, const uint64_t a[6])
{
    char name[16];
    int zero = 0;

    switch ((int)a[0]) {
    case L_PR_SET_NAME:
        memset(name, 0, sizeof(name));
        if (strncpy_from_guest(t, name, a[1], sizeof(name)) == -EFAULT)
            return -EFAULT;
        name[15] = 0;
        memcpy(t->comm, name, sizeof(name));
        if (t->tid == t->proc->pid)
            memcpy(t->proc->comm, name, sizeof(name));
        return 0;
    case L_PR_GET_NAME:
        return copy_to_guest(t, a[1], t->comm, 16);
    case L_PR_SET_PDEATHSIG:
        return a[1] > 64 ? -EINVAL : 0; /* the sandbox's parent never dies first */
    case L_PR_GET_PDEATHSIG:
        return copy_to_guest(t, a[1], &zero, sizeof(zero));
    case L_PR_GET_DUMPABLE:
        return 1;
    case L_PR_SET_DUMPABLE:
        return a[1] > 1 ? -EINVAL : 0;
    case L_PR_CAPBSET_READ:
        return a[1] > 63 ? -EINVAL : (t->proc->cred.euid == 0);
    case L_PR_SET_NO_NEW_PRIVS:
        return (a[1] != 1 || a[2] || a[3] || a[4]) ? -EINVAL : 0;
    case L_PR_GET_NO_NEW_PRIVS:
        return 1;   /* always on: lbox sets it before the guest runs */
    default:
        return -EINVAL;
    }
}

#define L_RLIM_NLIMITS 16

static long do_prlimit(struct task *t, unsigned res, gaddr_t new_lim,
                       gaddr_t old_lim)
{
    struct k_rlimit *r, n;

    if (res >= L_RLIM_NLIMITS || res >= K_RLIMIT_COUNT)
        return -EINVAL;
    r = &t->proc->rlimits[res];
    if (new_lim) {
        if (copy_from_guest(t, &n, new_lim, sizeof(n)) < 0)
            return -EFAULT;
        if (n.cur > n.max)
            return -EINVAL;
        /* Not even for a guest root: the limits came from the monitor. */
        if (n.max > r->max)
            return -EPERM;
        if (res == 7 && n.max > 1048576)     /* NOFILE: fs.nr_open */
            return -EPERM;
    }
    if (old_lim && copy_to_guest(t, old_lim, r, sizeof(*r)) < 0)
        return -EFAULT;
    if (new_lim)
        *r = n;
    return 0;
}

long sys_prlimit64(struct task *t, const uint64_t a[6])
{
    int pid = (int)a[0];

    if (pid != 0 && pid != t->proc->pid)
        return -ESRCH;
    return do_prlimit(t, (unsigned)a[1], a[2], a[3]);
}

long sys_getrlimit(struct task *t, const uint64_t a[6])
{
    return do_prlimit(t, (unsigned)a[0], 0, a[1]);
}

long sys_setrlimit(struct task *t, const uint64_t a[6])
{
    return do_prlimit(t, (unsigned)a[0], a[1], 0);
}
