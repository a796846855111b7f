/* SPDX-License-Identifier: MIT */
/*
 * Time, randomness, futexes, the debug log, channels and exit from
 * platform.h on Linux, each a thin pass-through to one allowed host call.
 */
#include "host_abi.h"
#include "hostcalls.h"
#include "plat.h"
#include "rt/rt.h"

static int host_clock(int clock)
{
    switch (clock) {
    case LBOX_CLOCK_REALTIME:  return 0;
    case LBOX_CLOCK_MONOTONIC: return 1;
    case LBOX_CLOCK_PROCESS:   return 2;
    case LBOX_CLOCK_THREAD:    return 3;
    case LBOX_CLOCK_BOOTTIME:  return 7;
    default:                   return -EINVAL;
    }
}

int lbox_plat_clock_get(int clock, int64_t *ns)
{
    struct h_timespec ts;
    int hc = host_clock(clock);
    long err;

    if (hc < 0)
        return hc;
    err = hcall2(HNR_clock_gettime, hc, &ts);
    if (err < 0)
        return (int)err;
    *ns = ts.sec * 1000000000LL + ts.nsec;
    return 0;
}

/* Clock resolutions never change: read once before the seal, so
 * clock_getres needs no host call and is not on the allowlist. */
static int64_t g_clock_res[LBOX_CLOCK_BOOTTIME + 1];

void plat_clock_res_probe(void)
{
    for (int c = 0; c <= LBOX_CLOCK_BOOTTIME; c++) {
        struct h_timespec ts;

        g_clock_res[c] = hcall2(HNR_clock_getres, host_clock(c), &ts) < 0
                             ? -EINVAL
                             : ts.sec * 1000000000LL + ts.nsec;
    }
}

int lbox_plat_clock_res(int clock, int64_t *ns)
{
    if (clock < 0 || clock > LBOX_CLOCK_BOOTTIME)
        return -EINVAL;
    if (g_clock_res[clock] < 0)
        return (int)g_clock_res[clock];
    *ns = g_clock_res[clock];
    return 0;
}

/*
 * A futex wait on a word nobody wakes, with the host's relative timeout
 * (measured on CLOCK_MONOTONIC, which the other elapsed-time clocks
 * advance with while the machine runs), so sleeping needs no host call
 * of its own. Only an event (a signal, a kick) ends it early.
 */
int lbox_plat_sleep(int clock, int64_t ns)
{
    uint32_t word = 0;
    struct h_timespec ts;
    int hc = host_clock(clock);
    long r;

    if (hc < 0 || hc == 2 || hc == 3)
        return -EINVAL;
    if (ns <= 0)
        return 0;
    ts = (struct h_timespec){ns / 1000000000LL, ns % 1000000000LL};
    r = hcall4_intr(HNR_futex, &word, H_FUTEX_WAIT | H_FUTEX_PRIVATE, 0,
                    &ts);
    return r == -EINTR ? -EINTR : 0;
}

int lbox_plat_random(void *buf, size_t size)
{
    char *p = buf;

    while (size) {
        long n = hcall3(HNR_getrandom, p, size, 0);

        if (n == -EINTR)
            continue;
        if (n < 0)
            return (int)n;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

int lbox_plat_futex_wait(uint32_t *word, uint32_t expected,
                         int64_t timeout_ns, unsigned flags)
{
    struct h_timespec ts, *tp = NULL;
    int op = H_FUTEX_WAIT |
             (flags & LBOX_FUTEX_SHARED ? 0 : H_FUTEX_PRIVATE);

    if (timeout_ns >= 0) {
        ts = (struct h_timespec){timeout_ns / 1000000000LL,
                                 timeout_ns % 1000000000LL};
        tp = &ts;
    }
    if (flags & LBOX_FUTEX_INTR)
        return (int)hcall4_intr(HNR_futex, word, op, expected, tp);
    return (int)hcall4(HNR_futex, word, op, expected, tp);
}

int lbox_plat_futex_wake(uint32_t *word, int count, bool shared)
{
    int op = H_FUTEX_WAKE | (shared ? 0 : H_FUTEX_PRIVATE);

    return (int)hcall3(HNR_futex, word, op, count);
}

void lbox_plat_log(const char *msg, size_t size)
{
    while (size) {
        long n = hcall3(HNR_write, HC_FD_STDERR, msg, size);

        if (n == -EINTR)
            continue;
        if (n <= 0)
            return;
        msg += n;
        size -= (size_t)n;
    }
}

static int chan_fd(int chan)
{
    switch (chan) {
    case LBOX_CHAN_STDIN:  return HC_FD_STDIN;
    case LBOX_CHAN_STDOUT: return HC_FD_STDOUT;
    case LBOX_CHAN_STDERR: return HC_FD_STDERR;
    case LBOX_CHAN_FS:     return HC_FD_9P;
    case LBOX_CHAN_FS_USER: return HC_FD_9P_USER;
    default:               return -ENODEV;
    }
}

long lbox_plat_chan_read(int chan, void *buf, size_t size)
{
    int fd = chan_fd(chan);
    long n;

    if (fd < 0 || chan == LBOX_CHAN_STDOUT || chan == LBOX_CHAN_STDERR)
        return fd < 0 ? fd : -EBADF;
    if (chan == LBOX_CHAN_STDIN)
        return hcall4_intr(HNR_read, fd, buf, size, 0);
    do
        n = hcall3(HNR_read, fd, buf, size);
    while (n == -EINTR);
    return n;
}

/*
 * A lent descriptor rides on the reply's first bytes (SCM_RIGHTS). More
 * than one, or one on a channel that lends none, is closed: lbox never
 * holds a descriptor it did not ask for.
 */
long lbox_plat_chan_recv(int chan, void *buf, size_t size, int *handle)
{
    union {
        struct h_cmsghdr h;
        uint8_t raw[sizeof(struct h_cmsghdr) + 2 * sizeof(int32_t)];
    } ctl;
    struct h_iovec iov = {buf, size};
    struct h_msghdr msg;
    int fd = chan_fd(chan);
    long n;

    *handle = -1;
    if (chan != LBOX_CHAN_FS && chan != LBOX_CHAN_FS_USER)
        return fd < 0 ? fd : -EBADF;
    do {
        msg = (struct h_msghdr){.iov = &iov, .iovlen = 1,
                                .control = ctl.raw,
                                .controllen = sizeof(ctl.raw)};
        n = hcall3(HNR_recvmsg, fd, &msg, H_MSG_CMSG_CLOEXEC);
    } while (n == -EINTR);
    if (n < 0 || msg.controllen < sizeof(struct h_cmsghdr))
        return n;
    if (ctl.h.level == H_SOL_SOCKET && ctl.h.type == H_SCM_RIGHTS &&
        ctl.h.len >= sizeof(struct h_cmsghdr) + sizeof(int32_t)) {
        int32_t fds[2];
        size_t nfds = (ctl.h.len - sizeof(struct h_cmsghdr)) / sizeof(int32_t);

        memcpy(fds, ctl.raw + sizeof(struct h_cmsghdr),
               MIN(nfds, 2) * sizeof(int32_t));
        for (size_t i = 0; i < MIN(nfds, 2); i++) {
            /* Below the lent range is impossible with the monitor's
             * placeholders; closing it would trip the filter. */
            if (fds[i] < HC_FD_LENT_MIN)
                continue;
            if (i == 0 && nfds == 1)
                *handle = fds[0];
            else
                lbox_plat_file_close(fds[i]);
        }
    }
    return n;
}

long lbox_plat_chan_write(int chan, const void *buf, size_t size)
{
    int fd = chan_fd(chan);
    long n;

    if (fd < 0 || chan == LBOX_CHAN_STDIN)
        return fd < 0 ? fd : -EBADF;
    if (chan == LBOX_CHAN_STDOUT || chan == LBOX_CHAN_STDERR)
        return hcall4_intr(HNR_write, fd, buf, size, 0);
    do
        n = hcall3(HNR_write, fd, buf, size);
    while (n == -EINTR);
    return n;
}

int lbox_plat_chan_poll(struct lbox_chan_poll *p, unsigned n,
                        int64_t timeout_ns)
{
    struct {
        int fd;
        short events, revents;
    } fds[LBOX_CHAN_POLL_MAX];
    struct h_timespec ts, *tp = NULL;
    long r;

    if (n > LBOX_CHAN_POLL_MAX)
        return -EINVAL;
    for (unsigned i = 0; i < n; i++) {
        fds[i].fd = chan_fd(p[i].chan);
        fds[i].events = p[i].events;
        fds[i].revents = 0;
    }
    if (timeout_ns >= 0) {
        ts = (struct h_timespec){timeout_ns / 1000000000LL,
                                 timeout_ns % 1000000000LL};
        tp = &ts;
    }
    /* Only a wait ends early for an event; a look never does. */
    r = timeout_ns ? hcall4_intr(HNR_ppoll, fds, n, tp, 0)
                   : hcall4(HNR_ppoll, fds, n, tp, 0);
    if (r < 0)
        return (int)r;
    for (unsigned i = 0; i < n; i++)
        p[i].revents = fds[i].revents;
    return (int)r;
}

int lbox_plat_chan_tty(int chan, int op, void *arg)
{
    static const unsigned req[] = {
        [LBOX_TTY_GETATTR] = 0x5401, [LBOX_TTY_SETATTR] = 0x5402,
        [LBOX_TTY_GETWINSZ] = 0x5413, [LBOX_TTY_SETWINSZ] = 0x5414,
    };

    if (chan < LBOX_CHAN_STDIN || chan > LBOX_CHAN_STDERR)
        return -ENOTTY;
    if (op < LBOX_TTY_GETATTR || op > LBOX_TTY_SETWINSZ)
        return -EINVAL;
    return (int)hcall3(HNR_ioctl, chan, req[op], arg);
}

_Noreturn void lbox_plat_exit(int status)
{
    for (;;)
        hcall1(HNR_exit_group, status & 0xff);
}

/*
 * Dying of a signal needs a way to send one, and sending signals is not on
 * the host allowlist (the sandbox may be a pid namespace's init, immune to
 * its own signals anyway). Exit with 128 + sig instead: the monitor reports
 * the same status a shell would. Faults are the exception: they re-fault
 * with the default action (signal.c) and die of the real signal.
 */
_Noreturn void lbox_plat_exit_signal(int sig)
{
    lbox_plat_exit(128 + (sig & 0x7f));
}
