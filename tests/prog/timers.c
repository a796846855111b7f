// SPDX-License-Identifier: MIT
// Integration test (guest program): alarm, setitimer/getitimer and POSIX
// timers fire as on Linux: the signal, its si_code, si_value and
// si_overrun, periodic timers, overruns while the signal is blocked,
// TIMER_ABSTIME, SIGEV_NONE, a CPU-time timer (ITIMER_PROF), the values
// the get calls report, and the errors for bad arguments. A signal from a
// timer also interrupts nanosleep (EINTR, with the time left).
#include <signal.h>
#include <poll.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>

#include "check.h"

static volatile int g_n, g_code, g_overrun, g_value, g_sig;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    g_n++;
    g_sig = sig;
    g_code = si->si_code;
    g_overrun = si->si_overrun;
    g_value = si->si_value.sival_int;
}

static void catch(int sig)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

static void test_alarm(void)
{
    struct itimerval cur;

    catch(SIGALRM);
    CHECK(alarm(5) == 0, "alarm with none pending returns 0");
    getitimer(ITIMER_REAL, &cur);
    CHECK(cur.it_value.tv_sec >= 4 && cur.it_value.tv_sec <= 5 &&
          cur.it_interval.tv_sec == 0, "getitimer sees the alarm");
    CHECK(alarm(1) == 5, "alarm returns the seconds left, rounded");
    g_n = 0;
    pause();
    CHECK(g_n == 1 && g_sig == SIGALRM && g_code == SI_KERNEL,
          "alarm raises SIGALRM (SI_KERNEL)");
    CHECK(alarm(0) == 0, "alarm(0) after it fired");
}

static void test_itimer(void)
{
    struct itimerval it = {{0, 10000}, {0, 10000}}, old, bad = {{0, 0},
                                                                {0, 2000000}};

    g_n = 0;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer periodic");
    while (g_n < 5)
        pause();
    it = (struct itimerval){{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &it, &old);
    CHECK(old.it_interval.tv_usec == 10000, "setitimer returns the old one");
    CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL, "usec 2000000");
    CHECK_ERR(setitimer(7, &it, NULL), EINVAL, "which 7");

    catch(SIGPROF);
    g_n = 0;
    it = (struct itimerval){{0, 0}, {0, 50000}};
    setitimer(ITIMER_PROF, &it, NULL);
    while (!g_n)
        ;
    CHECK(g_sig == SIGPROF, "ITIMER_PROF fires on CPU time");
}

static void test_posix(void)
{
    struct sigevent ev = {0};
    struct itimerspec ts = {{0, 1000000}, {0, 1000000}}, cur;
    struct timespec sl = {0, 50 * 1000 * 1000}, now;
    sigset_t m;
    timer_t id, none;

    catch(SIGRTMIN);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN;
    ev.sigev_value.sival_int = 77;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &id) == 0, "timer_create");
    sigemptyset(&m);
    sigaddset(&m, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &m, NULL);
    g_n = 0;
    timer_settime(id, 0, &ts, NULL);
    nanosleep(&sl, NULL);       /* blocked: the expiries pile up */
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    CHECK(g_n == 1 && g_code == SI_TIMER && g_value == 77,
          "one signal for the expiries, SI_TIMER, si_value");
    CHECK(g_overrun >= 20 && timer_getoverrun(id) == g_overrun,
          "overruns counted while blocked");
    timer_gettime(id, &cur);
    CHECK(cur.it_interval.tv_nsec == 1000000 && cur.it_value.tv_sec == 0,
          "timer_gettime");
    CHECK(timer_delete(id) == 0, "timer_delete");
    CHECK_ERR(timer_delete(id), EINVAL, "timer_delete twice");

    /* Absolute, on CLOCK_REALTIME, once. */
    CHECK(timer_create(CLOCK_REALTIME, &ev, &id) == 0, "timer_create abs");
    clock_gettime(CLOCK_REALTIME, &now);
    ts = (struct itimerspec){{0, 0}, now};
    ts.it_value.tv_nsec += 20 * 1000 * 1000;
    if (ts.it_value.tv_nsec >= 1000000000) {
        ts.it_value.tv_sec++;
        ts.it_value.tv_nsec -= 1000000000;
    }
    g_n = 0;
    timer_settime(id, TIMER_ABSTIME, &ts, NULL);
    {
        struct timespec long_sleep = {5, 0}, left = {0, 0};
        int r = nanosleep(&long_sleep, &left), e = errno;

        CHECK(r == -1 && e == EINTR && g_n == 1 && left.tv_sec >= 3,
              "TIMER_ABSTIME fires once and interrupts nanosleep");
    }
    timer_delete(id);

    ev.sigev_notify = SIGEV_NONE;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &none) == 0, "SIGEV_NONE");
    ts = (struct itimerspec){{0, 0}, {10, 0}};
    timer_settime(none, 0, &ts, NULL);
    timer_gettime(none, &cur);
    CHECK(cur.it_value.tv_sec >= 9 && cur.it_value.tv_sec <= 10,
          "SIGEV_NONE still counts down");
    timer_delete(none);

    ts.it_value.tv_nsec = 1000000000;
    CHECK(timer_create(CLOCK_MONOTONIC, NULL, &id) == 0, "timer_create NULL");
    CHECK_ERR(timer_settime(id, 0, &ts, NULL), EINVAL, "nsec 1e9");
    timer_delete(id);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 99;
    CHECK_ERR(timer_create(CLOCK_MONOTONIC, &ev, &id), EINVAL, "signal 99");
    CHECK_ERR(timer_create(CLOCK_MONOTONIC_RAW, NULL, &id), ENOTSUP,
              "CLOCK_MONOTONIC_RAW");
}

static long ms_since(const struct timespec *a)
{
    struct timespec b;

    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

/* A timer that raises no signal (a timerfd's) never cuts a wait short. */
static void test_quiet_timer(void)
{
    struct itimerspec ts = {{0, 2000000}, {0, 2000000}};
    struct timespec start, to = {0, 50 * 1000 * 1000};
    int tfd = timerfd_create(CLOCK_MONOTONIC, 0), r, e;
    sigset_t w;

    timerfd_settime(tfd, 0, &ts, NULL);
    sigemptyset(&w);
    sigaddset(&w, SIGUSR1);
    sigprocmask(SIG_BLOCK, &w, NULL);
    clock_gettime(CLOCK_MONOTONIC, &start);
    r = sigtimedwait(&w, NULL, &to);
    e = errno;
    CHECK(r == -1 && e == EAGAIN && ms_since(&start) >= 45,
          "sigtimedwait waits out its timeout");
    clock_gettime(CLOCK_MONOTONIC, &start);
    r = nanosleep(&to, NULL);
    CHECK(r == 0 && ms_since(&start) >= 45, "nanosleep sleeps it out");
    clock_gettime(CLOCK_MONOTONIC, &start);
    r = poll(NULL, 0, 50);
    CHECK(r == 0 && ms_since(&start) >= 45, "poll times out whole");
    sigprocmask(SIG_UNBLOCK, &w, NULL);
    close(tfd);
}

int main(void)
{
    test_begin();
    test_alarm();
    test_itimer();
    test_posix();
    test_quiet_timer();
    return test_end();
}
