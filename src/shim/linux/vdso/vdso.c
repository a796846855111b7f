/* SPDX-License-Identifier: MIT */
/*
 * lbox's vDSO (Linux shim; guest code, mapped into every guest image):
 * clock_gettime, gettimeofday, time, clock_getres and getcpu as Linux's
 * vDSO exports them, served from the clock page lbox maps just below it
 * ([vvar]). Whatever the page cannot answer becomes the real system call,
 * which traps into lbox as it would without a vDSO. The answers are the
 * trapped calls' (src/shim/linux/sys_time.c, sys_info.c), faults on bad
 * pointers excepted: here they are the caller's, as with Linux's vDSO.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/vclock.h"

#define NSEC 1000000000LL

struct l_timespec {
    int64_t sec, nsec;
};

struct l_timeval {
    int64_t sec, usec;
};

/*
 * The "Linux" ELF note: the kernel version as LINUX_VERSION_CODE, which
 * older glibc reads instead of calling uname. lbox's release, 6.1.0
 * (sys_info.c), never the host's.
 */
__asm__(".pushsection .note.Linux, \"a\", @note\n"
        ".balign 4\n"
        ".long 6, 4, 0\n"          /* name size, description size, type */
        ".asciz \"Linux\"\n"
        ".balign 4\n"
        ".long 0x060100\n"
        ".popsection");

/* The page before the image (vdso.lds). */
extern const volatile struct vclock lbox_vvar
    __attribute__((visibility("hidden")));

static long syscall2(long nr, long a, long b)
{
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b)
                     : "rcx", "r11", "memory");
    return ret;
}

static uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return (uint64_t)hi << 32 | lo;
}

/* Linux clock ids the page serves, as the trapped path maps them. */
static int page_clock(long id)
{
    switch (id) {
    case 0: case 5: return VCLOCK_REALTIME;     /* +COARSE */
    case 1: case 4: case 6: return VCLOCK_MONOTONIC; /* +RAW, COARSE */
    case 7: return VCLOCK_BOOTTIME;
    default: return -1;
    }
}

static int read_clock(int clock, int64_t *ns)
{
    uint32_t seq = vclock_begin(&lbox_vvar);

    return vclock_at(&lbox_vvar, seq, clock, rdtsc_ordered(), ns);
}

int __vdso_clock_gettime(long id, struct l_timespec *ts)
{
    int clock = page_clock(id);
    int64_t ns;

    if (clock < 0 || !read_clock(clock, &ns))
        return (int)syscall2(228, id, (long)ts);
    ts->sec = ns / NSEC;
    ts->nsec = ns % NSEC;
    return 0;
}

int __vdso_gettimeofday(struct l_timeval *tv, int32_t *tz)
{
    int64_t ns;

    if (tv) {
        if (!read_clock(VCLOCK_REALTIME, &ns))
            return (int)syscall2(96, (long)tv, (long)tz);
        tv->sec = ns / NSEC;
        tv->usec = (ns % NSEC) / 1000;
    }
    if (tz) {
        tz[0] = 0;      /* UTC, no DST, as sys_gettimeofday says */
        tz[1] = 0;
    }
    return 0;
}

long __vdso_time(int64_t *t)
{
    int64_t ns;

    if (!read_clock(VCLOCK_REALTIME, &ns))
        return syscall2(201, (long)t, 0);
    if (t)
        *t = ns / NSEC;
    return ns / NSEC;
}

int __vdso_clock_getres(long id, struct l_timespec *res)
{
    int clock = page_clock(id);
    int64_t ns = clock < 0 ? 0 : lbox_vvar.res_ns[clock];

    if (!ns)
        return (int)syscall2(229, id, (long)res);
    if (res) {
        res->sec = ns / NSEC;
        res->nsec = ns % NSEC;
    }
    return 0;
}

/* The trapped getcpu's answer: CPU 0, node 0. */
int __vdso_getcpu(uint32_t *cpu, uint32_t *node, void *cache)
{
    (void)cache;
    if (cpu)
        *cpu = 0;
    if (node)
        *node = 0;
    return 0;
}

/* Linux names each entry twice: the unprefixed names are weak aliases. */
int clock_gettime(long, struct l_timespec *)
    __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct l_timeval *, int32_t *)
    __attribute__((weak, alias("__vdso_gettimeofday")));
long time(int64_t *) __attribute__((weak, alias("__vdso_time")));
int clock_getres(long, struct l_timespec *)
    __attribute__((weak, alias("__vdso_clock_getres")));
int getcpu(uint32_t *, uint32_t *, void *)
    __attribute__((weak, alias("__vdso_getcpu")));
