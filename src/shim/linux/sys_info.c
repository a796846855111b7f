/* SPDX-License-Identifier: MIT */
/*
 * Implements uname(2), sethostname(2), setdomainname(2), getrandom(2),
 * sysinfo(2), getrusage(2), times(2), sched_getaffinity(2), getcpu(2) and
 * sched_yield(2) for the Linux shim. What the guest learns about the
 * machine is lbox's own view (docs/linux-compat.md), not the host's.
 */
#include "core/clock.h"
#include "core/mm.h"
#include "shim/linux/syscalls.h"

#define L_UTS_LEN 65
#define L_RELEASE "6.1.0-lbox"
#define L_VERSION "#1 SMP PREEMPT_DYNAMIC lbox"

struct l_utsname {
    char sysname[L_UTS_LEN], nodename[L_UTS_LEN], release[L_UTS_LEN];
    char version[L_UTS_LEN], machine[L_UTS_LEN], domainname[L_UTS_LEN];
};

long sys_uname(struct task *t, const uint64_t a[6])
{
    struct l_utsname u;

    memset(&u, 0, sizeof(u));
    strlcpy(u.sysname, "Linux", L_UTS_LEN);
    strlcpy(u.nodename, t->k->hostname, L_UTS_LEN);
    strlcpy(u.release, L_RELEASE, L_UTS_LEN);
    strlcpy(u.version, L_VERSION, L_UTS_LEN);
    strlcpy(u.machine, "x86_64", L_UTS_LEN);
    strlcpy(u.domainname, t->k->domainname, L_UTS_LEN);
    return copy_to_guest(t, a[0], &u, sizeof(u));
}

static long set_uts(struct task *t, char *field, gaddr_t src, uint64_t len)
{
    char buf[L_UTS_LEN];

    if (t->proc->cred.euid != 0)
        return -EPERM;
    if (len >= L_UTS_LEN)
        return -EINVAL;
    if (copy_from_guest(t, buf, src, len) < 0)
        return -EFAULT;
    buf[len] = 0;
    memcpy(field, buf, len + 1);
    return 0;
}

long sys_sethostname(struct task *t, const uint64_t a[6])
{
    return set_uts(t, t->k->hostname, a[0], a[1]);
}

long sys_setdomainname(struct task *t, const uint64_t a[6])
{
    return set_uts(t, t->k->domainname, a[0], a[1]);
}

#define L_GRND_NONBLOCK 1
#define L_GRND_RANDOM   2
#define L_GRND_INSECURE 4

long sys_getrandom(struct task *t, const uint64_t a[6])
{
    uint64_t size = a[1], done = 0;
    unsigned flags = (unsigned)a[2];
    char buf[256];

    if (flags & ~(L_GRND_NONBLOCK | L_GRND_RANDOM | L_GRND_INSECURE))
        return -EINVAL;
    if ((flags & L_GRND_INSECURE) && (flags & L_GRND_RANDOM))
        return -EINVAL;
    size = MIN(size, (uint64_t)0x1ffffff);  /* Linux's per-call cap */
    while (done < size) {
        size_t n = (size_t)MIN(size - done, sizeof(buf));
        int err = lbox_plat_random(buf, n);

        if (!err)
            err = copy_to_guest(t, a[0] + done, buf, n);
        if (err < 0)
            return done ? (long)done : err;
        done += n;
    }
    memset(buf, 0, sizeof(buf));
    return (long)done;
}

struct l_sysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
};
_Static_assert(sizeof(struct l_sysinfo) == 112, "struct sysinfo");

long sys_sysinfo(struct task *t, const uint64_t a[6])
{
    struct l_sysinfo si;
    int64_t up = lbox_clock_uptime(t->k);

    memset(&si, 0, sizeof(si));
    si.uptime = up / 1000000000LL + (up % 1000000000LL != 0);
    si.totalram = t->k->mem_total;
    si.freeram = t->k->mem_total - MIN(t->k->mem_total,
                                       mm_total_size(t->proc->mm));
    si.procs = 1;
    si.mem_unit = 1;
    return copy_to_guest(t, a[0], &si, sizeof(si));
}

struct l_timeval {
    int64_t sec, usec;
};
struct l_rusage {
    struct l_timeval utime, stime;
    int64_t rest[14];
};
_Static_assert(sizeof(struct l_rusage) == 144, "struct rusage");

long sys_getrusage(struct task *t, const uint64_t a[6])
{
    int who = (int)a[0];
    struct l_rusage ru;
    int64_t ns = 0;

    if (who != 0 && who != -1 && who != 1)
        return -EINVAL;
    memset(&ru, 0, sizeof(ru));
    if (who != -1)      /* no children yet: their usage is zero */
        lbox_plat_clock_get(who == 1 ? LBOX_CLOCK_THREAD
                                     : LBOX_CLOCK_PROCESS, &ns);
    /* The host does not split user and system time for us; count all of
     * it as user time. */
    ru.utime.sec = ns / 1000000000LL;
    ru.utime.usec = (ns % 1000000000LL) / 1000;
    return copy_to_guest(t, a[1], &ru, sizeof(ru));
}

long sys_times(struct task *t, const uint64_t a[6])
{
    int64_t cpu = 0, now = 0;
    int64_t tms[4] = {0, 0, 0, 0};

    lbox_plat_clock_get(LBOX_CLOCK_PROCESS, &cpu);
    lbox_clock_get(t->k, LBOX_CLOCK_MONOTONIC, &now);
    tms[0] = cpu / 10000000LL;      /* USER_HZ 100 */
    if (a[0] && copy_to_guest(t, a[0], tms, sizeof(tms)) < 0)
        return -EFAULT;
    return now / 10000000LL;
}

long sys_sched_getaffinity(struct task *t, const uint64_t a[6])
{
    uint64_t size = a[1], mask[16] = {0};
    uint32_t n = t->k->ncpus ? t->k->ncpus : 1;

    if ((int)a[0] != 0 && !task_find(t->proc, (int)a[0]))
        return -ESRCH;
    if (size < 8 || (size & 7))
        return -EINVAL;
    n = MIN(n, 1024u);
    for (uint32_t i = 0; i < n; i++)
        mask[i / 64] |= 1ULL << (i % 64);
    size = MIN(size, sizeof(mask));
    if (copy_to_guest(t, a[2], mask, size) < 0)
        return -EFAULT;
    return (long)size;
}

long sys_getcpu(struct task *t, const uint64_t a[6])
{
    uint32_t zero = 0;

    if (a[0] && copy_to_guest(t, a[0], &zero, sizeof(zero)) < 0)
        return -EFAULT;
    if (a[1] && copy_to_guest(t, a[1], &zero, sizeof(zero)) < 0)
        return -EFAULT;
    return 0;
}

long sys_sched_yield(struct task *t, const uint64_t a[6])
{
    (void)t, (void)a;
    return 0;
}
