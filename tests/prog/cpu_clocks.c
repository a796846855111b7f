// SPDX-License-Identifier: MIT
// Integration test (guest program): the caller's own CPU-time clocks, by
// the ids pthread_getcpuclockid and clock_getcpuclockid return, through
// libc and raw syscalls; other pids' clocks and a bad clock kind fail.
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

static int64_t ns(const struct timespec *t)
{
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/* Burn a little CPU so every clock has moved. */
static void spin(void)
{
    volatile uint64_t x = 0;

    for (int i = 0; i < 2000000; i++)
        x += (uint64_t)i;
}

static void check_clock(clockid_t id, const char *name)
{
    struct timespec a, b, res;

    CHECK(clock_gettime(id, &a) == 0, name);
    spin();
    CHECK(syscall(SYS_clock_gettime, id, &b) == 0 && ns(&b) > ns(&a),
          "raw clock_gettime advances");
    CHECK(clock_getres(id, &res) == 0 && ns(&res) > 0, "clock_getres");
}

int main(void)
{
    clockid_t id;
    struct timespec ts;

    spin();
    CHECK(pthread_getcpuclockid(pthread_self(), &id) == 0,
          "pthread_getcpuclockid");
    check_clock(id, "thread cpu clock");
    CHECK(clock_getcpuclockid(0, &id) == 0, "clock_getcpuclockid(0)");
    check_clock(id, "process cpu clock (pid 0)");
    CHECK(clock_getcpuclockid(getpid(), &id) == 0,
          "clock_getcpuclockid(getpid())");
    check_clock(id, "process cpu clock (own pid)");
    /* A pid that cannot exist, and kind 3 (not a CPU clock). */
    CHECK_ERR(syscall(SYS_clock_gettime, (clockid_t)((~4000000 * 8) | 2), &ts),
              EINVAL, "other pid's clock");
    CHECK_ERR(syscall(SYS_clock_gettime, (clockid_t)((~0 * 8) | 3), &ts),
              EINVAL, "clock kind 3");
    return g_failed;
}
