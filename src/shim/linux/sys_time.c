/* SPDX-License-Identifier: MIT */
/*
 * Implements clock_gettime(2), clock_getres(2), gettimeofday(2), time(2),
 * nanosleep(2), clock_nanosleep(2), clock_settime(2) and settimeofday(2)
 * for the Linux shim, on the guest's
 * clocks (core/clock.h). The vDSO (vdso/vdso.c) answers the same for the
 * clocks of the clock page; these are its fallback and must agree.
 */
#include "core/clock.h"
#include "shim/linux/syscalls.h"

struct l_timeval {
    int64_t sec, usec;
};

#define NSEC 1000000000LL
#define L_TIMER_ABSTIME 1

/*
 * Negative ids are CPU-time clocks as Linux encodes them: ~pid << 3, bit 2
 * for a thread (pid is then a tid), the low two bits PROF, VIRT or SCHED
 * (3 is not a CPU clock). pid 0 is the caller. Only the caller's own
 * process and thread are served; all three kinds read the host's CPU time
 * of the sandbox process or thread, which counts lbox's own work too.
 */
#define L_CPUCLOCK_PERTHREAD 4
#define L_CPUCLOCK_KIND      3

static int cpu_clock(const struct task *t, int id)
{
    /* Linux's ~(id >> 3), without shifting a negative value. */
    int pid = (int)(~((uint32_t)id >> 3) & 0x1fffffffu);

    if ((id & L_CPUCLOCK_KIND) == L_CPUCLOCK_KIND)
        return -EINVAL;
    if (id & L_CPUCLOCK_PERTHREAD)
        return pid == 0 || pid == t->tid ? LBOX_CLOCK_THREAD : -EINVAL;
    return pid == 0 || pid == t->proc->pid ? LBOX_CLOCK_PROCESS : -EINVAL;
}

/* Linux clock ids to the platform's; -EINVAL for the rest. */
int shim_clock(const struct task *t, uint64_t id)
{
    if ((int)id < 0)
        return cpu_clock(t, (int)id);
    switch ((int)id) {
    case 0: case 5: case 8: return LBOX_CLOCK_REALTIME;  /* +COARSE, ALARM */
    case 1: case 4: case 6: return LBOX_CLOCK_MONOTONIC; /* +RAW, COARSE */
    case 2:                 return LBOX_CLOCK_PROCESS;
    case 3:                 return LBOX_CLOCK_THREAD;
    case 7: case 9:         return LBOX_CLOCK_BOOTTIME;
    default:                return -EINVAL;
    }
}


long sys_clock_gettime(struct task *t, const uint64_t a[6])
{
    int clock = shim_clock(t, a[0]);
    int64_t ns;
    int err;

    if (clock < 0)
        return clock;
    err = lbox_clock_get(t->k, clock, &ns);
    return err < 0 ? err : timespec_to_guest(t, a[1], ns);
}

long sys_clock_getres(struct task *t, const uint64_t a[6])
{
    int clock = shim_clock(t, a[0]);
    int64_t ns;
    int err;

    if (clock < 0)
        return clock;
    if (!a[1])
        return 0;
    err = lbox_plat_clock_res(clock, &ns);
    return err < 0 ? err : timespec_to_guest(t, a[1], ns);
}

long sys_gettimeofday(struct task *t, const uint64_t a[6])
{
    int64_t ns;
    int err = lbox_clock_get(t->k, LBOX_CLOCK_REALTIME, &ns);

    if (err < 0)
        return err;
    if (a[0]) {
        struct l_timeval tv = {ns / NSEC, (ns % NSEC) / 1000};

        if (copy_to_guest(t, a[0], &tv, sizeof(tv)) < 0)
            return -EFAULT;
    }
    if (a[1]) {
        int32_t tz[2] = {0, 0};     /* UTC, no DST: lbox keeps no zone */

        if (copy_to_guest(t, a[1], tz, sizeof(tz)) < 0)
            return -EFAULT;
    }
    return 0;
}

long sys_time(struct task *t, const uint64_t a[6])
{
    int64_t ns, sec;
    int err = lbox_clock_get(t->k, LBOX_CLOCK_REALTIME, &ns);

    if (err < 0)
        return err;
    sec = ns / NSEC;
    if (a[0] && copy_to_guest(t, a[0], &sec, sizeof(sec)) < 0)
        return -EFAULT;
    return sec;
}

/*
 * Sleep (ns) on (clock). Cut short by a signal with a handler to run (or
 * a default action that ends the sandbox), -EINTR with the time left in
 * (rem); by anything else, sleep out the rest.
 */
static long sleep_rel(struct task *t, int clock, int64_t ns, gaddr_t rem)
{
    int64_t start, now;
    int err;

    if (lbox_clock_get(t->k, clock, &start) < 0)
        start = 0;
    for (;;) {
        task_wait_begin(t);
        err = lbox_plat_sleep(clock, ns);
        task_wait_end(t);
        if (err != -EINTR)
            return err;
        if (lbox_clock_get(t->k, clock, &now) < 0)
            now = start;
        ns -= now - start;
        start = now;
        if (shim_signal_pending(t))
            break;
        if (ns <= 0)
            return 0;
    }
    if (rem)
        timespec_to_guest(t, rem, ns > 0 ? ns : 0);
    return -EINTR;
}

long sys_nanosleep(struct task *t, const uint64_t a[6])
{
    int64_t ns;
    int err = timespec_from_guest(t, a[0], &ns);

    if (err < 0)
        return err;
    return sleep_rel(t, LBOX_CLOCK_MONOTONIC, ns, a[1]);
}

long sys_clock_nanosleep(struct task *t, const uint64_t a[6])
{
    int clock = shim_clock(t, a[0]);
    int flags = (int)a[1];
    int64_t ns, now;
    int err;

    if (clock < 0 || clock == LBOX_CLOCK_THREAD)
        return -EINVAL;
    if (clock == LBOX_CLOCK_PROCESS)
        return -EOPNOTSUPP;
    err = timespec_from_guest(t, a[2], &ns);
    if (err < 0)
        return err;
    if (!(flags & L_TIMER_ABSTIME))
        return sleep_rel(t, clock, ns, a[3]);
    /*
     * Until the guest's clock says so: the host's and the clock page's
     * may differ by microseconds, and the guest must not wake early.
     */
    for (;;) {
        err = lbox_clock_get(t->k, clock, &now);
        if (err < 0 || now >= ns)
            return err;
        err = sleep_rel(t, clock, ns - now, 0);
        if (err < 0)
            return err;
    }
}

/* Setting the clock: the sandbox may not change the host's, so EPERM,
 * what Linux says to a caller without CAP_SYS_TIME (docs/linux-compat.md);
 * clocks nobody can set are EINVAL, as on Linux. */
long sys_clock_settime(struct task *t, const uint64_t a[6])
{
    int clock = shim_clock(t, a[0]);
    int64_t ns;
    int err;

    if (clock < 0)
        return clock;
    err = timespec_from_guest(t, a[1], &ns);
    if (err < 0)
        return err;
    return clock == LBOX_CLOCK_REALTIME && (int)a[0] == 0 ? -EPERM : -EINVAL;
}

long sys_settimeofday(struct task *t, const uint64_t a[6])
{
    struct l_timeval tv;

    if (a[0]) {
        if (copy_from_guest(t, &tv, a[0], sizeof(tv)) < 0)
            return -EFAULT;
        if (tv.usec < 0 || tv.usec >= 1000000 || tv.sec < 0)
            return -EINVAL;
    }
    return -EPERM;
}
