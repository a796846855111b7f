/* SPDX-License-Identifier: MIT */
/*
 * Implements the signal system calls for the Linux shim: dispositions,
 * the mask, the alternate stack, pending sets, waiting for a signal, and
 * sending one (kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo)
 * within the one process of the sandbox. Handlers run from
 * sig_deliver.c when a call returns.
 */
#include "core/ipc/anon.h"
#include "core/mm.h"
#include "core/poll.h"
#include "shim/linux/syscalls.h"

#define L_SIGKILL 9
#define L_SIGSTOP 19
#define L_UNBLOCKABLE K_SIG_UNBLOCKABLE
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
        /* Pending and now ignored: gone, even if blocked (POSIX). */
        if (k->handler == K_SIG_IGN ||
            (k->handler == K_SIG_DFL &&
             sig_default_action(sig) == SIG_DEF_IGNORE))
            sig_flush(t, sig);
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
    if (t->regs && t->altstack_size &&
        t->regs->rsp > t->altstack_sp &&
        t->regs->rsp - t->altstack_sp <= t->altstack_size)
        old.flags = L_SS_ONSTACK;
    if (a[0]) {
        if (copy_from_guest(t, &ss, a[0], sizeof(ss)) < 0)
            return -EFAULT;
        if (old.flags == L_SS_ONSTACK)
            return -EPERM;  /* not while running on it */
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

long sys_rt_sigpending(struct task *t, const uint64_t a[6])
{
    uint64_t set = sig_pending(t) & t->sigmask;

    if (a[1] > 8)
        return -EINVAL;
    return copy_to_guest(t, a[0], &set, a[1]) < 0 ? -EFAULT : 0;
}

/* Until a signal to act on is pending: only a signal from outside the
 * sandbox or a timer can bring one while the only thread waits.
 * Interrupted with none (a timer's event), the call restarts from the
 * entry. */
long sys_pause(struct task *t, const uint64_t a[6])
{
    (void)a;
    if (!task_interrupted(t))
        anon_wait();
    return -ERESTARTNOHAND;
}

long sys_rt_sigsuspend(struct task *t, const uint64_t a[6])
{
    uint64_t mask;

    if (a[1] != 8)
        return -EINVAL;
    if (copy_from_guest(t, &mask, a[0], 8) < 0)
        return -EFAULT;
    t->saved_sigmask = t->sigmask;
    t->restore_sigmask = true;
    t->sigmask = mask & ~L_UNBLOCKABLE;
    if (!task_interrupted(t))
        anon_wait();
    return -ERESTARTNOHAND;
}

long sys_rt_sigtimedwait(struct task *t, const uint64_t a[6])
{
    uint64_t set;
    int64_t ns = -1;
    struct k_siginfo si;
    int sig, err;

    if (a[3] != 8)
        return -EINVAL;
    if (copy_from_guest(t, &set, a[0], 8) < 0)
        return -EFAULT;
    if (a[2]) {
        err = timespec_from_guest(t, a[2], &ns);
        if (err < 0)
            return err;
    }
    set &= ~L_UNBLOCKABLE;
    /* Only a signal from outside or a timer can come while we wait; an
     * event that brings none of (set) waits on with the time left. */
    while (!(sig = sig_take(t, set, &si))) {
        if (ns == 0)
            return -EAGAIN;
        err = poll_wait(t, NULL, 0, &ns);
        if (err == -ETIMEDOUT) {
            ns = 0;
            continue;   /* one last look */
        }
        if (err < 0 && !(sig = sig_take(t, set, &si)))
            return err;
        if (sig)
            break;
    }
    if (a[1] && copy_to_guest(t, a[1], &si, sizeof(si)) < 0)
        return -EFAULT;
    return sig;
}

/* --- Sending ------------------------------------------------------------ */

static bool is_self(struct task *t, int pid)
{
    return pid == t->proc->pid || pid == 0 || pid == -1 ||
           pid == -t->proc->pgid;
}

/* From (t) to (to), a thread of its process, or to the process. */
static long send(struct task *t, struct task *to, int sig, int code,
                 bool process)
{
    struct k_siginfo si = {.signo = sig, .code = code};

    if (sig < 0 || sig > K_NSIG)
        return -EINVAL;
    if (!sig)
        return 0;
    si.kill.pid = t->proc->pid;
    si.kill.uid = task_cred(t)->uid;
    return sig_send(to, &si, process);
}

void shim_signal_self(struct task *t, int sig)
{
    send(t, t, sig, K_SI_USER, false);
}

long sys_kill(struct task *t, const uint64_t a[6])
{
    if ((int)a[0] == INT32_MIN)
        return -ESRCH;
    if ((int)a[1] < 0 || (int)a[1] > K_NSIG)
        return -EINVAL;
    if (!is_self(t, (int)a[0]))
        return -ESRCH;
    return send(t, t, (int)a[1], K_SI_USER, true);
}

long sys_tkill(struct task *t, const uint64_t a[6])
{
    struct task *to;

    if ((int)a[0] <= 0)
        return -EINVAL;
    if ((int)a[1] < 0 || (int)a[1] > K_NSIG)
        return -EINVAL;
    to = task_find(t->proc, (int)a[0]);
    if (!to)
        return -ESRCH;
    return send(t, to, (int)a[1], K_SI_TKILL, false);
}

long sys_tgkill(struct task *t, const uint64_t a[6])
{
    struct task *to;

    if ((int)a[0] <= 0 || (int)a[1] <= 0)
        return -EINVAL;
    if ((int)a[2] < 0 || (int)a[2] > K_NSIG)
        return -EINVAL;
    to = (int)a[0] == t->proc->pid ? task_find(t->proc, (int)a[1]) : NULL;
    if (!to)
        return -ESRCH;
    return send(t, to, (int)a[2], K_SI_TKILL, false);
}

/* The caller's own siginfo; any si_code, as Linux allows for oneself. */
static long queue_info(struct task *t, struct task *to, int sig,
                       gaddr_t uinfo, bool process)
{
    struct k_siginfo si;

    if (copy_from_guest(t, &si, uinfo, sizeof(si)) < 0)
        return -EFAULT;
    if (sig < 0 || sig > K_NSIG)
        return -EINVAL;
    if (!sig)
        return 0;
    si.signo = sig;
    return sig_send(to, &si, process);
}

long sys_rt_sigqueueinfo(struct task *t, const uint64_t a[6])
{
    if (!is_self(t, (int)a[0]) || (int)a[0] <= 0)
        return -ESRCH;
    return queue_info(t, t, (int)a[1], a[2], true);
}

long sys_rt_tgsigqueueinfo(struct task *t, const uint64_t a[6])
{
    struct task *to;

    if ((int)a[0] <= 0 || (int)a[1] <= 0)
        return -EINVAL;
    to = (int)a[0] == t->proc->pid ? task_find(t->proc, (int)a[1]) : NULL;
    if (!to)
        return -ESRCH;
    return queue_info(t, to, (int)a[2], a[3], false);
}
