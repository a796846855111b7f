/* SPDX-License-Identifier: MIT */
/*
 * The guest's interval and POSIX timers (core, kernel image): the three
 * itimers (alarm and setitimer) and up to K_TIMER_MAX timer_create
 * timers of one process. Each runs on one of the guest's clocks; the core
 * arms the platform's two timers (LBOX_TIMER_REAL, LBOX_TIMER_CPU) for
 * the first expiry of each kind and, when one fires, queues the signals
 * of every timer that is due and moves periodic ones on, counting the
 * expiries a still-pending signal absorbed (overruns).
 */
#ifndef LBOX_CORE_TIMER_H
#define LBOX_CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct task;
struct k_siginfo;

#define K_ITIMER_REAL    0
#define K_ITIMER_VIRTUAL 1
#define K_ITIMER_PROF    2
#define K_ITIMER_COUNT   3
#define K_TIMER_MAX      32

#define K_SI_TIMER (-2)

struct k_timer {
    bool used;
    bool armed;
    bool queued;        /* its signal is pending */
    int clock;          /* LBOX_CLOCK_* */
    int64_t expires;    /* absolute, on (clock) */
    int64_t interval;   /* ns; 0: once */
    int signo;          /* 0: no signal (SIGEV_NONE) */
    int tid;            /* SIGEV_THREAD_ID's thread, 0: the process */
    int code;           /* si_code: K_SI_TIMER, or SI_KERNEL for itimers */
    uint64_t value;     /* sigev_value */
    int overrun;        /* since its signal was queued */
    int overrun_last;   /* at the last delivery (timer_getoverrun) */
    bool counts;        /* a timerfd's: expiries add to (ticks) */
    uint64_t ticks;
    struct k_timer *next; /* timerfds: on k_timers.extra */
};

/* One process's timers: the itimers first, then POSIX timer ids 0.. */
struct k_timers {
    struct k_timer t[K_ITIMER_COUNT + K_TIMER_MAX];
    bool platform_armed[2];     /* LBOX_TIMER_REAL, LBOX_TIMER_CPU */
    struct k_timer *extra;      /* timerfds' timers */
};

/* The itimer (which), or the POSIX timer (id) if it exists; else NULL. */
struct k_timer *timer_itimer(struct task *t, int which);
struct k_timer *timer_posix(struct task *t, int id);

/* A new POSIX timer: its id, or -EAGAIN when all are taken. */
int timer_posix_new(struct task *t, const struct k_timer *init);
void timer_posix_delete(struct task *t, int id);
/* A timerfd's timer joins the process's timers, or leaves them. */
void timer_extra_add(struct task *t, struct k_timer *tm);
void timer_extra_remove(struct task *t, struct k_timer *tm);
/* execve: POSIX timers go, itimers stay (as on Linux). */
void timer_exec(struct task *t);

/* Arm (tm) to expire at (expires) on its clock, then every (interval)
 * ns; (expires) 0 disarms. 0 or -errno from reading the clock. */
int timer_set(struct task *t, struct k_timer *tm, int64_t expires,
              int64_t interval);
/* Time until (tm) expires (0 if disarmed). */
int64_t timer_left(struct task *t, const struct k_timer *tm);

/* After the platform's timer (event bits LBOX_EVENT_TIMER_*): queue
 * the due timers' signals, re-arm. */
void timer_expired(struct task *t);

/* A timer's signal was taken (sig_take): fill its overrun count. */
void timer_dequeued(struct task *t, struct k_siginfo *si);

#endif /* LBOX_CORE_TIMER_H */
