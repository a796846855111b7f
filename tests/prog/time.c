// SPDX-License-Identifier: MIT
// Integration test (guest program): time syscalls: clock_gettime,
// gettimeofday, time, clock_getres, nanosleep, clock_nanosleep. Raw
// syscalls are used next to the libc calls, which may go through a vDSO.
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "check.h"

static int64_t ns(const struct timespec *t)
{
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int64_t now(clockid_t c)
{
    struct timespec t;
    syscall(SYS_clock_gettime, c, &t);
    return ns(&t);
}

static void gettimes(void)
{
    struct timespec t, u;
    static const struct {
        clockid_t id;
        const char *name;
    } clocks[] = {
        {CLOCK_REALTIME, "REALTIME"},
        {CLOCK_MONOTONIC, "MONOTONIC"},
        {CLOCK_BOOTTIME, "BOOTTIME"},
        {CLOCK_REALTIME_COARSE, "REALTIME_COARSE"},
        {CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"},
    };
    char name[96];
    for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
        snprintf(name, sizeof(name), "clock_gettime %s", clocks[i].name);
        CHECK_EQ(syscall(SYS_clock_gettime, clocks[i].id, &t), 0, name);
        int mono = 1;
        for (int k = 0; k < 100; k++) {
            syscall(SYS_clock_gettime, clocks[i].id, &u);
            mono &= ns(&u) >= ns(&t) && u.tv_nsec < 1000000000;
            t = u;
        }
        snprintf(name, sizeof(name), "%s non-decreasing", clocks[i].name);
        CHECK(mono, name);
    }
    CHECK(now(CLOCK_REALTIME) > 1600000000LL * 1000000000, "REALTIME after 2020");
    CHECK(now(CLOCK_MONOTONIC) > 0, "MONOTONIC > 0");
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &t), 0, "libc clock_gettime");
    CHECK_ERR(syscall(SYS_clock_gettime, 12345, &t), EINVAL,
              "clock_gettime bad clock");
    CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_REALTIME, (void *)1), EFAULT,
              "clock_gettime bad pointer");

    struct timeval tv;
    CHECK_EQ(syscall(SYS_gettimeofday, &tv, NULL), 0, "gettimeofday");
    int64_t rt = now(CLOCK_REALTIME);
    int64_t d = rt - ((int64_t)tv.tv_sec * 1000000000 + tv.tv_usec * 1000);
    CHECK(d >= 0 && d < 1000000000, "gettimeofday matches REALTIME");
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec in range");
    CHECK_EQ(syscall(SYS_gettimeofday, NULL, NULL), 0, "gettimeofday NULL");
    time_t tt = 0;
    long r = syscall(SYS_time, &tt);
    CHECK(r == tt && r > 1600000000, "time() stores and returns");
    CHECK(r >= (rt / 1000000000) - 1 && r <= (rt / 1000000000) + 1,
          "time matches REALTIME");
    CHECK(syscall(SYS_time, NULL) >= r, "time(NULL)");
    CHECK(time(NULL) >= r, "libc time");
}

static void res(void)
{
    struct timespec t;
    CHECK_EQ(syscall(SYS_clock_getres, CLOCK_MONOTONIC, &t), 0,
             "clock_getres MONOTONIC");
    CHECK(t.tv_sec == 0 && t.tv_nsec > 0 && t.tv_nsec <= 10000000,
          "MONOTONIC resolution sane");
    CHECK_EQ(syscall(SYS_clock_getres, CLOCK_REALTIME, &t), 0,
             "clock_getres REALTIME");
    CHECK_EQ(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL), 0,
             "clock_getres NULL");
    CHECK_ERR(syscall(SYS_clock_getres, 12345, &t), EINVAL,
              "clock_getres bad clock");
}

static void sleeps(void)
{
    struct timespec req = {0, 10000000}, rem;
    int64_t t0 = now(CLOCK_MONOTONIC);
    CHECK_EQ(syscall(SYS_nanosleep, &req, &rem), 0, "nanosleep 10ms");
    CHECK(now(CLOCK_MONOTONIC) - t0 >= 10000000, "slept >= 10ms");
    struct timespec bad = {0, 1000000000};
    CHECK_ERR(syscall(SYS_nanosleep, &bad, NULL), EINVAL,
              "nanosleep nsec too big");
    struct timespec neg = {-1, 0};
    CHECK_ERR(syscall(SYS_nanosleep, &neg, NULL), EINVAL,
              "nanosleep negative");
    CHECK_ERR(syscall(SYS_nanosleep, (void *)1, NULL), EFAULT,
              "nanosleep bad pointer");
    struct timespec zero = {0, 0};
    CHECK_EQ(syscall(SYS_nanosleep, &zero, NULL), 0, "nanosleep 0");

    t0 = now(CLOCK_MONOTONIC);
    CHECK_EQ(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL), 0,
             "clock_nanosleep relative");
    CHECK(now(CLOCK_MONOTONIC) - t0 >= 10000000, "relative slept >= 10ms");

    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 15000000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    CHECK_EQ(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME,
                     &abs, NULL),
             0, "clock_nanosleep absolute");
    CHECK(now(CLOCK_MONOTONIC) >= ns(&abs), "woke after absolute deadline");
    struct timespec past = {1, 0};
    CHECK_EQ(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME,
                     &past, NULL),
             0, "clock_nanosleep past deadline");

    struct timespec rabs;
    clock_gettime(CLOCK_REALTIME, &rabs);
    rabs.tv_nsec += 5000000;
    if (rabs.tv_nsec >= 1000000000) {
        rabs.tv_sec++;
        rabs.tv_nsec -= 1000000000;
    }
    CHECK_EQ(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME,
                     &rabs, NULL),
             0, "clock_nanosleep REALTIME absolute");
    CHECK(now(CLOCK_REALTIME) >= ns(&rabs), "woke after REALTIME deadline");
    CHECK_ERR(syscall(SYS_clock_nanosleep, 12345, 0, &req, NULL), EINVAL,
              "clock_nanosleep bad clock");
    CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL),
              EINVAL, "clock_nanosleep bad nsec");
    CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &zero, NULL), 0,
             "libc clock_nanosleep");
}

int main(void)
{
    test_begin();
    gettimes();
    res();
    sleeps();
    return test_end();
}
