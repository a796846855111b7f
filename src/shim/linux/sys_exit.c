/* SPDX-License-Identifier: MIT */
/*
 * Implements exit(2), exit_group(2), wait4(2), kill(2), tkill(2) and
 * tgkill(2) for the Linux shim, for a sandbox of one single-threaded
 * process: signals to itself take their default action or are ignored;
 * running guest signal handlers comes with the signals issue.
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

static bool default_ignores(int sig)
{
    return sig == 17 /* CHLD */ || sig == 23 /* URG */ ||
           sig == 28 /* WINCH */ || sig == 18 /* CONT */;
}

static bool default_stops(int sig)
{
    return sig == 19 || sig == 20 || sig == 21 || sig == 22;
}

/* Deliver (sig) to this process. */
static long signal_self(struct task *t, int sig)
{
    struct k_sigaction *act;

    if (sig < 0 || sig > 64)
        return -EINVAL;
    if (sig == 0)
        return 0;
    act = &t->proc->sigactions[sig - 1];
    if (sig != 9 && sig != 19) {
        if (act->handler == 1)          /* SIG_IGN */
            return 0;
        if (act->handler > 1) {
            rt_log("lbox: signal %d has a guest handler; running guest "
                   "handlers is not supported yet\n", sig);
            return -ENOSYS;
        }
        if (t->sigmask & (1ULL << (sig - 1)))
            return 0;   /* stays pending while blocked: nothing to run */
    }
    if (default_ignores(sig))
        return 0;
    if (default_stops(sig))
        return 0;       /* no job control in the sandbox */
    if (shim_proc(t)->stats)
        stats_print(t);
    lbox_plat_exit_signal(sig);
}

static bool is_self(struct task *t, int pid)
{
    return pid == t->proc->pid || pid == 0 || pid == -1 ||
           pid == -t->proc->pgid;
}

long sys_kill(struct task *t, const uint64_t a[6])
{
    int pid = (int)a[0];

    if (!is_self(t, pid))
        return -ESRCH;
    return signal_self(t, (int)a[1]);
}

long sys_tkill(struct task *t, const uint64_t a[6])
{
    if ((int)a[0] <= 0)
        return -EINVAL;
    if ((int)a[0] != t->tid)
        return -ESRCH;
    return signal_self(t, (int)a[1]);
}

long sys_tgkill(struct task *t, const uint64_t a[6])
{
    if ((int)a[0] <= 0 || (int)a[1] <= 0)
        return -EINVAL;
    if ((int)a[0] != t->proc->pid || (int)a[1] != t->tid)
        return -ESRCH;
    return signal_self(t, (int)a[2]);
}
