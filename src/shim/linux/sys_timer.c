/* SPDX-License-Identifier: MIT */
/*
 * Implements alarm(2), getitimer(2), setitimer(2) and the POSIX timers
 * (timer_create(2), timer_settime(2), timer_gettime(2),
 * timer_getoverrun(2), timer_delete(2)) and timerfd_create(2),
 * timerfd_settime(2), timerfd_gettime(2) for the Linux shim, on the
 * core's timers (core/timer.h). ITIMER_REAL runs on CLOCK_MONOTONIC as Linux's
 * does; ITIMER_VIRTUAL and ITIMER_PROF both count the sandbox process's
 * CPU time (the host does not split lbox's share from the guest's).
 */
#include "core/clock.h"
#include "core/fs/vfs_abi.h"
#include "core/ipc/pipe.h"
#include "core/timer.h"
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/syscalls.h"

#define NSEC 1000000000LL
#define L_TIMER_ABSTIME 1
#define L_SIGEV_SIGNAL 0
#define L_SIGEV_NONE 1
#define L_SIGEV_THREAD 2
#define L_SIGEV_THREAD_ID 4

struct l_timeval {
    int64_t sec, usec;
};

struct l_itimerval {
    struct l_timeval interval, value;
};

struct l_timespec {
    int64_t sec, nsec;
};

struct l_itimerspec {
    struct l_timespec interval, value;
};

struct l_sigevent {
    uint64_t value;
    int32_t signo;
    int32_t notify;
    int32_t tid;
    int32_t pad[11];
};
_Static_assert(sizeof(struct l_sigevent) == 64, "sigevent layout");

static const int g_itimer_sig[K_ITIMER_COUNT] = {K_SIGALRM, 26, 27};

static int64_t sat_add(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int tv_ns(const struct l_timeval *tv, int64_t *ns)
{
    if (tv->sec < 0 || tv->usec < 0 || tv->usec >= 1000000)
        return -EINVAL;
    *ns = tv->sec > INT64_MAX / NSEC - 1 ? INT64_MAX
                                          : tv->sec * NSEC + tv->usec * 1000;
    return 0;
}

static int ts_ns(const struct l_timespec *ts, int64_t *ns)
{
    if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= NSEC)
        return -EINVAL;
    *ns = ts->sec > INT64_MAX / NSEC - 1 ? INT64_MAX
                                          : ts->sec * NSEC + ts->nsec;
    return 0;
}

static struct l_timeval ns_tv(int64_t ns)
{
    return (struct l_timeval){ns / NSEC, (ns % NSEC) / 1000};
}

static struct l_timespec ns_ts(int64_t ns)
{
    return (struct l_timespec){ns / NSEC, ns % NSEC};
}

/* An itimer, set up on first use: its clock and signal. */
static struct k_timer *itimer(struct task *t, int which)
{
    struct k_timer *tm = timer_itimer(t, which);

    if (tm && !tm->used) {
        tm->used = true;
        tm->clock = which == K_ITIMER_REAL ? LBOX_CLOCK_MONOTONIC
                                           : LBOX_CLOCK_PROCESS;
        tm->signo = g_itimer_sig[which];
        tm->code = K_SI_KERNEL;
    }
    return tm;
}

/* Arm (tm) for (value) from now, or at (value) with (abs), then every
 * (interval); (value) 0 disarms. */
static int rearm(struct task *t, struct k_timer *tm, int64_t value,
                 int64_t interval, bool abs)
{
    int64_t now = 0;
    int err;

    if (value && !abs) {
        err = lbox_clock_get(t->k, tm->clock, &now);
        if (err < 0)
            return err;
    }
    return timer_set(t, tm, value ? MAX(sat_add(now, value), 1) : 0,
                     interval);
}

static void itimer_get(struct task *t, struct k_timer *tm,
                       struct l_itimerval *out)
{
    out->value = ns_tv(timer_left(t, tm));
    out->interval = ns_tv(tm->armed ? tm->interval : 0);
    /* An armed timer never reads as 0 left: Linux says 1 us then. */
    if (tm->armed && !out->value.sec && !out->value.usec)
        out->value.usec = 1;
}

long sys_getitimer(struct task *t, const uint64_t a[6])
{
    struct k_timer *tm = itimer(t, (int)a[0]);
    struct l_itimerval cur;

    if (!tm)
        return -EINVAL;
    itimer_get(t, tm, &cur);
    return copy_to_guest(t, a[1], &cur, sizeof(cur)) < 0 ? -EFAULT : 0;
}

long sys_setitimer(struct task *t, const uint64_t a[6])
{
    struct k_timer *tm = itimer(t, (int)a[0]);
    struct l_itimerval set = {{0, 0}, {0, 0}}, old;
    int64_t value, interval;
    int err;

    if (!tm)
        return -EINVAL;
    /* Linux still takes a NULL new value as "disarm". */
    if (a[1] && copy_from_guest(t, &set, a[1], sizeof(set)) < 0)
        return -EFAULT;
    if (tv_ns(&set.value, &value) < 0 || tv_ns(&set.interval, &interval) < 0)
        return -EINVAL;
    itimer_get(t, tm, &old);
    err = rearm(t, tm, value, interval, false);
    if (err < 0)
        return err;
    if (a[2] && copy_to_guest(t, a[2], &old, sizeof(old)) < 0)
        return -EFAULT;
    return 0;
}

long sys_alarm(struct task *t, const uint64_t a[6])
{
    struct k_timer *tm = itimer(t, K_ITIMER_REAL);
    struct l_timeval left = ns_tv(timer_left(t, tm));

    rearm(t, tm, (int64_t)(uint32_t)a[0] * NSEC, 0, false);
    /* Rounded to the nearest second, never 0 while one was pending. */
    if ((!left.sec && left.usec) || left.usec >= 500000)
        left.sec++;
    return left.sec;
}

long sys_timer_create(struct task *t, const uint64_t a[6])
{
    struct l_sigevent ev = {.signo = K_SIGALRM, .notify = L_SIGEV_SIGNAL};
    struct k_timer init = {.code = K_SI_TIMER};
    int clock = shim_clock(t, a[0]), id;

    if ((int)a[0] >= 4 && (int)a[0] <= 6)
        return -EOPNOTSUPP;     /* the RAW and COARSE clocks have none */
    if (clock < 0)
        return clock;
    if (((int)a[0] == 8 || (int)a[0] == 9) && task_cred(t)->euid != 0)
        return -EPERM;          /* the ALARM clocks want CAP_WAKE_ALARM */
    if (a[1] && copy_from_guest(t, &ev, a[1], sizeof(ev)) < 0)
        return -EFAULT;
    switch (ev.notify) {
    case L_SIGEV_SIGNAL | L_SIGEV_THREAD_ID:
        if (ev.tid != t->tid)
            return -EINVAL;
        init.tid = ev.tid;
        /* fall through */
    case L_SIGEV_SIGNAL:
    case L_SIGEV_THREAD:
        if (ev.signo <= 0 || ev.signo > K_NSIG)
            return -EINVAL;
        init.signo = ev.signo;
        break;
    case L_SIGEV_NONE:
        break;
    default:
        return -EINVAL;
    }
    init.clock = clock;
    init.value = ev.value;
    id = timer_posix_new(t, &init);
    if (id < 0)
        return id;
    if (!a[1])
        timer_posix(t, id)->value = (uint64_t)id;
    if (copy_to_guest(t, a[2], &id, sizeof(id)) < 0) {
        timer_posix_delete(t, id);
        return -EFAULT;
    }
    return 0;
}

static void timer_get(struct task *t, struct k_timer *tm,
                      struct l_itimerspec *out)
{
    out->value = ns_ts(timer_left(t, tm));
    out->interval = ns_ts(tm->armed ? tm->interval : 0);
}

long sys_timer_settime(struct task *t, const uint64_t a[6])
{
    struct k_timer *tm = timer_posix(t, (int)a[0]);
    struct l_itimerspec set, old;
    int64_t value, interval;
    int err;

    if (!tm)
        return -EINVAL;
    if (copy_from_guest(t, &set, a[2], sizeof(set)) < 0)
        return -EFAULT;
    if (ts_ns(&set.value, &value) < 0 || ts_ns(&set.interval, &interval) < 0)
        return -EINVAL;
    timer_get(t, tm, &old);
    err = rearm(t, tm, value, interval, a[1] & L_TIMER_ABSTIME);
    if (err < 0)
        return err;
    if (a[3] && copy_to_guest(t, a[3], &old, sizeof(old)) < 0)
        return -EFAULT;
    return 0;
}

long sys_timer_gettime(struct task *t, const uint64_t a[6])
{
    struct k_timer *tm = timer_posix(t, (int)a[0]);
    struct l_itimerspec cur;

    if (!tm)
        return -EINVAL;
    timer_get(t, tm, &cur);
    return copy_to_guest(t, a[1], &cur, sizeof(cur)) < 0 ? -EFAULT : 0;
}

long sys_timer_getoverrun(struct task *t, const uint64_t a[6])
{
    struct k_timer *tm = timer_posix(t, (int)a[0]);

    return tm ? tm->overrun_last : -EINVAL;
}

long sys_timer_delete(struct task *t, const uint64_t a[6])
{
    if (!timer_posix(t, (int)a[0]))
        return -EINVAL;
    timer_posix_delete(t, (int)a[0]);
    return 0;
}

#define L_TFD_TIMER_ABSTIME 1
#define L_TFD_TIMER_CANCEL_ON_SET 2

long sys_timerfd_create(struct task *t, const uint64_t a[6])
{
    uint32_t flags = (uint32_t)a[1];
    int id = (int)a[0], clock;
    struct file *f;
    long err;

    if (flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    if (id != 0 && id != 1 && id != 7 && id != 8 && id != 9)
        return -EINVAL;
    if ((id == 8 || id == 9) && task_cred(t)->euid != 0)
        return -EPERM;          /* the ALARM clocks want CAP_WAKE_ALARM */
    clock = shim_clock(t, a[0]);
    err = timerfd_open(t, clock, flags & O_NONBLOCK, &f);
    if (err < 0)
        return err;
    return shim_install_one(t, f, flags & O_CLOEXEC);
}

/* The timerfd at (fd), referenced in *(out): -EBADF, -EINVAL. */
static long tfd_get(struct task *t, int fd, struct file **out,
                    struct k_timer **tm)
{
    struct file *f = fd_get(t, fd);

    if (!f)
        return -EBADF;
    *tm = timerfd_timer(f);
    if (!*tm) {
        vfs_file_put(f);
        return -EINVAL;
    }
    *out = f;
    return 0;
}

long sys_timerfd_settime(struct task *t, const uint64_t a[6])
{
    struct l_itimerspec set, old;
    int64_t value, interval;
    struct k_timer *tm;
    struct file *f;
    long err;

    if ((uint32_t)a[1] & ~(uint32_t)(L_TFD_TIMER_ABSTIME |
                                      L_TFD_TIMER_CANCEL_ON_SET))
        return -EINVAL;
    err = tfd_get(t, (int)a[0], &f, &tm);
    if (err < 0)
        return err;
    if (copy_from_guest(t, &set, a[2], sizeof(set)) < 0) {
        err = -EFAULT;
    } else if (ts_ns(&set.value, &value) < 0 ||
               ts_ns(&set.interval, &interval) < 0) {
        err = -EINVAL;
    } else {
        timer_get(t, tm, &old);
        tm->ticks = 0;
        err = rearm(t, tm, value, interval, a[1] & L_TFD_TIMER_ABSTIME);
        if (!err && a[3] && copy_to_guest(t, a[3], &old, sizeof(old)) < 0)
            err = -EFAULT;
    }
    vfs_file_put(f);
    return err;
}

long sys_timerfd_gettime(struct task *t, const uint64_t a[6])
{
    struct l_itimerspec cur;
    struct k_timer *tm;
    struct file *f;
    long err = tfd_get(t, (int)a[0], &f, &tm);

    if (err < 0)
        return err;
    timer_get(t, tm, &cur);
    vfs_file_put(f);
    return copy_to_guest(t, a[1], &cur, sizeof(cur)) < 0 ? -EFAULT : 0;
}
