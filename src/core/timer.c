/* SPDX-License-Identifier: MIT */
/*
 * The guest's timers (core, kernel image): see timer.h. Times are kept
 * absolute on each timer's own clock; only the platform's two timers are
 * relative, and they are re-armed from the clocks whenever a timer
 * changes or one fires, so a platform timer that fires early (or late)
 * costs a rescan, never a wrong expiry.
 */
#include "core/clock.h"
#include "core/ipc/anon.h"
#include "core/kernel.h"
#include "core/signal.h"
#include "core/task.h"
#include "core/timer.h"

static bool cpu_kind(int clock)
{
    return clock == LBOX_CLOCK_PROCESS || clock == LBOX_CLOCK_THREAD;
}

struct k_timer *timer_itimer(struct task *t, int which)
{
    if (which < 0 || which >= K_ITIMER_COUNT)
        return NULL;
    return &t->proc->timers.t[which];
}

struct k_timer *timer_posix(struct task *t, int id)
{
    struct k_timer *tm;

    if (id < 0 || id >= K_TIMER_MAX)
        return NULL;
    tm = &t->proc->timers.t[K_ITIMER_COUNT + id];
    return tm->used ? tm : NULL;
}

/* Every timer of (ts): the itimers and POSIX ones, then the timerfds'. */
static int array_index(struct k_timers *ts, struct k_timer *tm)
{
    uintptr_t p = (uintptr_t)tm, base = (uintptr_t)ts->t;

    if (p < base || p >= base + sizeof(ts->t))
        return -1;
    return (int)((p - base) / sizeof(*tm));
}

static struct k_timer *next_timer(struct k_timers *ts, struct k_timer *tm)
{
    int i = tm ? array_index(ts, tm) : -1;

    if (!tm)
        return &ts->t[0];
    if (i >= 0 && i + 1 < (int)ARRAY_SIZE(ts->t))
        return &ts->t[i + 1];
    return i >= 0 ? ts->extra : tm->next;
}

/* Arm the platform's timer of each kind for its first expiry. */
static void arm_platform(struct task *t)
{
    int64_t first[2] = {INT64_MAX, INT64_MAX}, now;
    struct k_timers *ts = &t->proc->timers;

    for (struct k_timer *tm = next_timer(ts, NULL); tm;
         tm = next_timer(ts, tm)) {
        int kind;

        if (!tm->armed || lbox_clock_get(t->k, tm->clock, &now) < 0)
            continue;
        kind = cpu_kind(tm->clock) ? LBOX_TIMER_CPU : LBOX_TIMER_REAL;
        first[kind] = MIN(first[kind], MAX(tm->expires - now, 1));
    }
    for (int kind = 0; kind < 2; kind++) {
        bool want = first[kind] != INT64_MAX;

        if (!want && !ts->platform_armed[kind])
            continue;
        if (lbox_plat_timer_arm(kind, want ? first[kind] : 0) == 0)
            ts->platform_armed[kind] = want;
    }
}

int timer_set(struct task *t, struct k_timer *tm, int64_t expires,
              int64_t interval)
{
    tm->armed = expires > 0;
    tm->expires = expires;
    tm->interval = tm->armed ? interval : 0;
    tm->overrun = 0;
    arm_platform(t);
    return 0;
}

int64_t timer_left(struct task *t, const struct k_timer *tm)
{
    int64_t now;

    if (!tm->armed || lbox_clock_get(t->k, tm->clock, &now) < 0)
        return 0;
    return MAX(tm->expires - now, 1);
}

static void fire(struct task *t, struct k_timer *tm, int id)
{
    struct k_siginfo si = {.signo = tm->signo, .code = tm->code};

    if (tm->counts) {
        tm->ticks++;
        anon_wake(t->k);    /* a timerfd's readers and pollers */
    }
    if (!tm->signo)
        return;
    if (tm->queued) {
        tm->overrun++;
        return;
    }
    if (tm->code == K_SI_TIMER) {
        si.timer.tid = id;
        si.timer.value = tm->value;
    }
    /* SIGEV_THREAD_ID's thread, or the process when it has gone. */
    if (tm->tid && tm->tid != t->tid) {
        struct task *o = task_find(t->proc, tm->tid);

        if (o)
            t = o;
    }
    /* Not queued if ignored: then the next expiry tries again. */
    if (sig_send(t, &si, tm->tid == 0 || t->tid != tm->tid) == 0)
        tm->queued = (sig_pending(t) & sig_bit(tm->signo)) != 0;
}

/* If (tm) is due, fire it and move it past now: periods that passed
 * unseen count as overruns (a timerfd's as expiries). */
static void expire(struct task *t, struct k_timers *ts, struct k_timer *tm)
{
    int64_t now, missed;

    if (!tm->armed || lbox_clock_get(t->k, tm->clock, &now) < 0 ||
        now < tm->expires)
        return;
    fire(t, tm, array_index(ts, tm) - K_ITIMER_COUNT);
    if (!tm->interval) {
        tm->armed = false;
        return;
    }
    missed = (now - tm->expires) / tm->interval;
    /* An interval of billions of seconds must not wrap: saturate. */
    tm->expires = missed >= (INT64_MAX - tm->expires) / tm->interval - 1
                      ? INT64_MAX
                      : tm->expires + (missed + 1) * tm->interval;
    if (tm->counts)
        tm->ticks += (uint64_t)missed;
    else if (tm->signo && tm->queued)
        tm->overrun = (int)MIN((int64_t)tm->overrun + missed, INT32_MAX);
}

void timer_expired(struct task *t)
{
    struct k_timers *ts = &t->proc->timers;

    /* The platform's timers are one-shot: both are now spent or moot. */
    ts->platform_armed[0] = ts->platform_armed[1] = false;
    for (struct k_timer *tm = next_timer(ts, NULL); tm;
         tm = next_timer(ts, tm))
        expire(t, ts, tm);
    arm_platform(t);
}

void timer_dequeued(struct task *t, struct k_siginfo *si)
{
    struct k_timer *tm;

    if (si->code == K_SI_TIMER) {
        tm = timer_posix(t, si->timer.tid);
    } else {
        /* An itimer's SIGALRM, SIGVTALRM or SIGPROF. */
        int which = si->signo == K_SIGALRM ? K_ITIMER_REAL :
                    si->signo == 26 ? K_ITIMER_VIRTUAL :
                    si->signo == 27 ? K_ITIMER_PROF : -1;

        tm = which < 0 ? NULL : timer_itimer(t, which);
    }
    if (!tm || !tm->queued || tm->signo != si->signo)
        return;
    /* Overruns up to now, as Linux counts them at dequeue, not up to
     * the last timer event lbox happened to see. Its expiry only moves
     * later: the platform timer stays armed early enough. */
    expire(t, &t->proc->timers, tm);
    tm->queued = false;
    tm->overrun_last = tm->overrun;
    if (si->code == K_SI_TIMER)
        si->timer.overrun = tm->overrun;
    tm->overrun = 0;
}

int timer_posix_new(struct task *t, const struct k_timer *init)
{
    for (int id = 0; id < K_TIMER_MAX; id++) {
        struct k_timer *tm = &t->proc->timers.t[K_ITIMER_COUNT + id];

        if (tm->used)
            continue;
        *tm = *init;
        tm->used = true;
        tm->armed = tm->queued = false;
        return id;
    }
    return -EAGAIN;
}

void timer_posix_delete(struct task *t, int id)
{
    struct k_timer *tm = timer_posix(t, id);

    if (!tm)
        return;
    *tm = (struct k_timer){0};
    arm_platform(t);
}

void timer_exec(struct task *t)
{
    for (int id = 0; id < K_TIMER_MAX; id++)
        t->proc->timers.t[K_ITIMER_COUNT + id] = (struct k_timer){0};
    arm_platform(t);
}

void timer_extra_add(struct task *t, struct k_timer *tm)
{
    struct k_timers *ts = &t->proc->timers;

    tm->next = ts->extra;
    ts->extra = tm;
}

void timer_extra_remove(struct task *t, struct k_timer *tm)
{
    struct k_timer **pp = &t->proc->timers.extra;

    while (*pp && *pp != tm)
        pp = &(*pp)->next;
    if (*pp)
        *pp = tm->next;
    tm->armed = false;
    arm_platform(t);
}
