/* SPDX-License-Identifier: MIT */
/*
 * Pending signals and what to deliver next (core, kernel image): see
 * signal.h. Everything here runs under the process lock (task.h).
 */
#include "core/kernel.h"
#include "core/signal.h"
#include "core/ipc/anon.h"
#include "core/task.h"
#include "core/timer.h"

/* Taken before the others when several are pending, as on Linux: the
 * ones a fault raises, so the handler sees its own fault first. */
#define SYNCHRONOUS (sig_bit(K_SIGSEGV) | sig_bit(K_SIGBUS) | \
                     sig_bit(K_SIGILL) | sig_bit(K_SIGTRAP) | \
                     sig_bit(K_SIGFPE) | sig_bit(K_SIGSYS))

enum sig_default sig_default_action(int sig)
{
    switch (sig) {
    case K_SIGCHLD: case 23 /* URG */: case 28 /* WINCH */:
        return SIG_DEF_IGNORE;
    case K_SIGCONT:
        return SIG_DEF_CONT;
    case K_SIGSTOP: case 20 /* TSTP */: case 21 /* TTIN */: case 22 /* TTOU */:
        return SIG_DEF_STOP;
    case K_SIGQUIT: case K_SIGILL: case K_SIGTRAP: case K_SIGABRT:
    case K_SIGBUS: case K_SIGFPE: case K_SIGSEGV: case 24 /* XCPU */:
    case 25 /* XFSZ */: case K_SIGSYS:
        return SIG_DEF_CORE;
    default:
        return SIG_DEF_TERM;
    }
}

static bool ignored(const struct k_sigaction *act, int sig)
{
    if (act->handler == K_SIG_IGN)
        return true;
    return act->handler == K_SIG_DFL &&
           sig_default_action(sig) == SIG_DEF_IGNORE;
}

static struct k_sigqueue *queue_of(struct task *t, bool process)
{
    return process ? &t->proc->sigq : &t->sigq;
}

static int enqueue(struct k_sigqueue *q, const struct k_siginfo *si)
{
    int sig = si->signo;

    if (sig < K_SIGRTMIN && (q->set & sig_bit(sig)))
        return 0;       /* a standard signal is pending at most once */
    if (q->n == K_SIGQUEUE_MAX) {
        /* Linux keeps a full queue's kill() as a bare pending bit. */
        if (sig >= K_SIGRTMIN && si->code != K_SI_USER)
            return -EAGAIN;
        q->set |= sig_bit(sig);
        return 0;
    }
    q->q[q->n++] = *si;
    q->set |= sig_bit(sig);
    return 0;
}

/*
 * Who acts on a signal just made pending, as Linux's complete_signal
 * picks: the thread it was sent to; for one sent to the process, the
 * calling thread if it does not block it (it looks at its signals when
 * its entry ends), else the first thread that does not. That one is
 * kicked. Waiters that look for blocked signals (sigtimedwait, signalfd)
 * are woken through the in-sandbox objects' wake-up.
 */
static void notify(struct task *t, int sig, bool process)
{
    struct task *self = task_current();
    uint64_t bit = sig_bit(sig);

    anon_wake(t->k);
    if (!process) {
        task_kick(t);
        return;
    }
    if (self && self->proc == t->proc && !(self->sigmask & bit))
        return;
    for (struct task *o = t->proc->threads; o; o = o->next) {
        if (!(o->sigmask & bit)) {
            task_kick(o);
            return;
        }
    }
}

int sig_send(struct task *t, const struct k_siginfo *si, bool process)
{
    int sig = si->signo, err;

    if (sig < 1 || sig > K_NSIG)
        return -EINVAL;
    if (!(t->sigmask & sig_bit(sig)) &&
        ignored(&t->proc->sigactions[sig - 1], sig))
        return 0;
    err = enqueue(queue_of(t, process), si);
    if (!err)
        notify(t, sig, process);
    return err;
}

void sig_force(struct task *t, const struct k_siginfo *si)
{
    struct k_sigaction *act = &t->proc->sigactions[si->signo - 1];
    bool blocked = t->sigmask & sig_bit(si->signo);

    if (blocked || act->handler == K_SIG_IGN) {
        act->handler = K_SIG_DFL;
        t->sigmask &= ~sig_bit(si->signo);
    }
    enqueue(&t->sigq, si);
}

void sig_collect(struct task *t)
{
    uint64_t ev = lbox_plat_events_take();

    if (ev & (LBOX_EVENT_TIMER_REAL | LBOX_EVENT_TIMER_CPU))
        timer_expired(t);
    ev &= 0xffffffffULL;
    while (ev) {
        struct k_siginfo si = {.signo = __builtin_ctzll(ev) + 1,
                               .code = K_SI_USER};

        ev &= ev - 1;
        sig_send(t, &si, true);
    }
}

uint64_t sig_pending(struct task *t)
{
    return t->sigq.set | t->proc->sigq.set;
}

/* Take (sig)'s first entry from (q) into (si); the bit stays while more
 * entries of it are queued. */
static void take(struct k_sigqueue *q, int sig, struct k_siginfo *si)
{
    bool found = false, more = false;
    uint32_t j = 0;

    for (uint32_t i = 0; i < q->n; i++) {
        if (q->q[i].signo == sig && !found) {
            *si = q->q[i];
            found = true;
            continue;
        }
        more |= q->q[i].signo == sig;
        q->q[j++] = q->q[i];
    }
    q->n = j;
    if (!found)     /* its information was lost to a full queue */
        *si = (struct k_siginfo){.signo = sig, .code = K_SI_USER};
    if (!more)
        q->set &= ~sig_bit(sig);
}

static int next_of(uint64_t set)
{
    uint64_t sync = set & SYNCHRONOUS;

    if (!set)
        return 0;
    return __builtin_ctzll(sync ? sync : set) + 1;
}

int sig_take(struct task *t, uint64_t set, struct k_siginfo *si)
{
    int sig = next_of(t->sigq.set & set);

    if (sig) {
        take(&t->sigq, sig, si);
    } else {
        sig = next_of(t->proc->sigq.set & set);
        if (!sig)
            return 0;
        take(&t->proc->sigq, sig, si);
    }
    timer_dequeued(t, si);
    return sig;
}

int sig_get(struct task *t, uint64_t mask, struct k_siginfo *si,
            struct k_sigaction *act)
{
    int sig;

    while ((sig = sig_take(t, ~mask, si))) {
        struct k_sigaction *a = &t->proc->sigactions[sig - 1];

        if (a->handler == K_SIG_IGN)
            continue;
        if (a->handler == K_SIG_DFL) {
            enum sig_default d = sig_default_action(sig);

            /* No job control inside the sandbox yet: stop and continue
             * do nothing (docs/linux-compat.md). */
            if (d == SIG_DEF_IGNORE || d == SIG_DEF_STOP ||
                d == SIG_DEF_CONT)
                continue;
        }
        *act = *a;
        if (a->handler > K_SIG_IGN && (a->flags & K_SA_RESETHAND)) {
            a->handler = K_SIG_DFL;
            a->flags &= ~K_SA_SIGINFO;
        }
        return sig;
    }
    return 0;
}

static void flush_queue(struct k_sigqueue *q, int sig)
{
    uint32_t j = 0;

    for (uint32_t i = 0; i < q->n; i++)
        if (q->q[i].signo != sig)
            q->q[j++] = q->q[i];
    q->n = j;
    q->set &= ~sig_bit(sig);
}

void sig_flush(struct task *t, int sig)
{
    flush_queue(&t->sigq, sig);
    flush_queue(&t->proc->sigq, sig);
}
