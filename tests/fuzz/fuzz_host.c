/* SPDX-License-Identifier: MIT */
/*
 * Host-side helpers (glibc) for the in-process fuzzers of kernel-image
 * code, and the --wrap'ed platform calls that would end, block or flood
 * the fuzzer: exits jump back to fuzz_host_run, waits do not wait, and the
 * kernel's log is dropped unless LBOX_FUZZ_LOG is set.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <lbox/platform.h>

#include "fuzz_host.h"

static jmp_buf g_jb;
static bool g_armed;

int fuzz_host_run(void (*fn)(void *), void *arg)
{
    if (setjmp(g_jb)) {
        g_armed = false;
        return 1;
    }
    g_armed = true;
    fn(arg);
    g_armed = false;
    return 0;
}

_Noreturn void __real_lbox_plat_exit(int status);
_Noreturn void __real_lbox_plat_exit_signal(int sig);
_Noreturn void __wrap_lbox_plat_exit(int status);
_Noreturn void __wrap_lbox_plat_exit_signal(int sig);

_Noreturn void __wrap_lbox_plat_exit(int status)
{
    if (g_armed)
        longjmp(g_jb, 1);
    __real_lbox_plat_exit(status);
}

_Noreturn void __wrap_lbox_plat_exit_signal(int sig)
{
    if (g_armed)
        longjmp(g_jb, 1);
    __real_lbox_plat_exit_signal(sig);
}

void __real_lbox_plat_log(const char *msg, size_t size);
void __wrap_lbox_plat_log(const char *msg, size_t size);

void __wrap_lbox_plat_log(const char *msg, size_t size)
{
    static int on = -1;

    if (on < 0)
        on = getenv("LBOX_FUZZ_LOG") != NULL;
    if (on)
        __real_lbox_plat_log(msg, size);
}

/*
 * Waits end at once: a sleep or a futex wait that would have waited is
 * cut short as by an event (-EINTR, which the platform may return), and
 * channel polls only look. lbox sleeps on after an event nobody acts on,
 * so a cut-short wait (sleep, futex wait or channel poll that found
 * nothing) comes with SIGKILL from outside: the input ends there, as the
 * sandbox would.
 */
static uint64_t g_events;

uint64_t __real_lbox_plat_events_take(void);
uint64_t __wrap_lbox_plat_events_take(void);

uint64_t __wrap_lbox_plat_events_take(void)
{
    uint64_t ev = g_events;

    g_events = 0;
    return ev | __real_lbox_plat_events_take();
}

int __real_lbox_plat_sleep(int clock, int64_t ns);
int __wrap_lbox_plat_sleep(int clock, int64_t ns);

/* What a wait that would have waited returns instead. */
static int cut_short(void)
{
    g_events |= 1ULL << (9 - 1);
    return -EINTR;
}

int __wrap_lbox_plat_sleep(int clock, int64_t ns)
{
    int r = __real_lbox_plat_sleep(clock, 0);

    return r == 0 && ns != 0 ? cut_short() : r;
}

int __real_lbox_plat_futex_wait(uint32_t *word, uint32_t expected,
                                int64_t timeout_ns, unsigned flags);
int __wrap_lbox_plat_futex_wait(uint32_t *word, uint32_t expected,
                                int64_t timeout_ns, unsigned flags);

int __wrap_lbox_plat_futex_wait(uint32_t *word, uint32_t expected,
                                int64_t timeout_ns, unsigned flags)
{
    int r = __real_lbox_plat_futex_wait(word, expected, 0, flags);

    return r == -ETIMEDOUT && timeout_ns != 0 ? cut_short() : r;
}

int __real_lbox_plat_chan_poll(struct lbox_chan_poll *p, unsigned n,
                               int64_t timeout_ns);
int __wrap_lbox_plat_chan_poll(struct lbox_chan_poll *p, unsigned n,
                               int64_t timeout_ns);

int __wrap_lbox_plat_chan_poll(struct lbox_chan_poll *p, unsigned n,
                               int64_t timeout_ns)
{
    int r = __real_lbox_plat_chan_poll(p, n, 0);

    return r == 0 && timeout_ns != 0 ? cut_short() : r;
}

int fuzz_host_devnull(void)
{
    return open("/dev/null", O_RDWR | O_CLOEXEC);
}

int fuzz_host_feed(const uint8_t *data, size_t size, int *cfd, int *sfd)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    while (size) {
        ssize_t n = write(sv[1], data, size);

        if (n <= 0)
            break;      /* the socket buffer is full: the rest is lost */
        data += n;
        size -= (size_t)n;
    }
    shutdown(sv[1], SHUT_WR);
    *cfd = sv[0];
    *sfd = sv[1];
    return 0;
}

void fuzz_host_close(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* A guest thread would run guest code, which the fuzzers have none of:
 * clone fails as when the platform has no room for another thread. */
int __real_lbox_plat_thread_create(void (*fn)(void *), void *arg);
int __wrap_lbox_plat_thread_create(void (*fn)(void *), void *arg);

int __wrap_lbox_plat_thread_create(void (*fn)(void *), void *arg)
{
    (void)fn, (void)arg;
    return -EAGAIN;
}
