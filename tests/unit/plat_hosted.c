/* SPDX-License-Identifier: MIT */
/*
 * Hosted platform for unit tests: every call of include/lbox/platform.h done
 * with glibc, so kernel-image code (rt, core, shims) runs as an ordinary
 * program. Test-only; never linked into lbox-kernel.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>


#include <lbox/platform.h>

#include "plat_hosted.h"

/*
 * Kernel-image code is built with -mstack-protector-guard=global, which
 * reads this symbol; glibc has only its TLS guard. Seeded before main.
 */
uintptr_t __stack_chk_guard = 0x5a17e1b0c0ffee00UL;

__attribute__((constructor)) static void seed_stack_guard(void)
{
    uintptr_t g;

    if (getrandom(&g, sizeof(g), 0) == (ssize_t)sizeof(g))
        __stack_chk_guard = g & ~(uintptr_t)0xff; /* low NUL byte, as glibc */
}

static int neg_errno(void)
{
    return errno ? -errno : -EIO;
}

/* --- Pages ------------------------------------------------------------- */

static int host_prot(int prot)
{
    int p = PROT_NONE;

    if (prot & LBOX_PROT_READ)
        p |= PROT_READ;
    if (prot & LBOX_PROT_WRITE)
        p |= PROT_WRITE;
    if (prot & LBOX_PROT_EXEC)
        p |= PROT_EXEC;
    return p;
}

int lbox_plat_page_map(void **addr, size_t size, int prot, unsigned flags)
{
    int mflags = MAP_ANONYMOUS;
    void *p;

    if (flags & ~(unsigned)(LBOX_MAP_FIXED | LBOX_MAP_NOREPLACE | LBOX_MAP_SHARED |
                            LBOX_MAP_NORESERVE))
        return -EINVAL;
    if (prot & ~(LBOX_PROT_READ | LBOX_PROT_WRITE | LBOX_PROT_EXEC))
        return -EINVAL;
    mflags |= (flags & LBOX_MAP_SHARED) ? MAP_SHARED : MAP_PRIVATE;
    if (flags & LBOX_MAP_NORESERVE)
        mflags |= MAP_NORESERVE;
    if (flags & LBOX_MAP_FIXED)
        mflags |= MAP_FIXED;
    else if (flags & LBOX_MAP_NOREPLACE)
        mflags |= MAP_FIXED_NOREPLACE;
    p = mmap(*addr, size, host_prot(prot), mflags, -1, 0);
    if (p == MAP_FAILED)
        return neg_errno();
    /* Kernels before 4.17 take MAP_FIXED_NOREPLACE as a mere hint. */
    if ((flags & (LBOX_MAP_FIXED | LBOX_MAP_NOREPLACE)) && p != *addr) {
        munmap(p, size);
        return -EEXIST;
    }
    *addr = p;
    return 0;
}

int lbox_plat_page_unmap(void *addr, size_t size)
{
    return munmap(addr, size) ? neg_errno() : 0;
}

int lbox_plat_page_protect(void *addr, size_t size, int prot)
{
    if (prot & ~(LBOX_PROT_READ | LBOX_PROT_WRITE | LBOX_PROT_EXEC))
        return -EINVAL;
    return mprotect(addr, size, host_prot(prot)) ? neg_errno() : 0;
}

int lbox_plat_page_remap(void *old_addr, size_t old_size, size_t new_size,
                         unsigned flags, void **new_addr)
{
    int hf = ((flags & LBOX_REMAP_MAYMOVE) ? MREMAP_MAYMOVE : 0) |
             ((flags & LBOX_REMAP_FIXED) ? MREMAP_FIXED : 0);
    void *p = mremap(old_addr, old_size, new_size, hf,
                     (flags & LBOX_REMAP_FIXED) ? *new_addr : NULL);

    if (p == MAP_FAILED)
        return neg_errno();
    *new_addr = p;
    return 0;
}

int lbox_plat_page_alias(void *src, size_t size, void *dst, int prot)
{
    void *p = mremap(src, 0, size, MREMAP_MAYMOVE | MREMAP_FIXED, dst);

    if (p == MAP_FAILED)
        return neg_errno();
    return lbox_plat_page_protect(dst, size, prot);
}

int lbox_plat_page_advise(void *addr, size_t size, int advice)
{
    int a;

    switch (advice) {
    case LBOX_ADVICE_DONTNEED:
        a = MADV_DONTNEED;
        break;
    case LBOX_ADVICE_NORMAL:
        a = MADV_NORMAL;
        break;
    default:
        return -EINVAL;
    }
    return madvise(addr, size, a) ? neg_errno() : 0;
}

/*
 * Fault-safe copies: process_vm_readv on ourselves lets the host kernel do
 * the access, so a bad pointer on either side is -EFAULT, never a SIGSEGV.
 */
static long copy_some(void *dst, const void *src, size_t size)
{
    struct iovec local = { dst, size };
    struct iovec remote = { (void *)src, size };
    ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);

    if (n < 0)
        return errno == EFAULT ? -EFAULT : neg_errno();
    return n;
}

int lbox_plat_copy_safe(void *dst, const void *src, size_t size)
{
    long n;

    while (size) {
        n = copy_some(dst, src, size);
        if (n < 0)
            return (int)n;
        if (n == 0)
            return -EFAULT;
        dst = (char *)dst + n;
        src = (const char *)src + n;
        size -= (size_t)n;
    }
    return 0;
}

/* Reads and writes the word back through the safe copies first, so a
 * word that cannot take the swap gives -EFAULT. */
int lbox_plat_cmpxchg32_safe(uint32_t *word, uint32_t *expected,
                             uint32_t desired)
{
    uint32_t cur;

    if (lbox_plat_copy_safe(&cur, word, sizeof(cur)) < 0 ||
        lbox_plat_copy_safe(word, &cur, sizeof(cur)) < 0)
        return -EFAULT;
    if (__atomic_compare_exchange_n(word, expected, desired, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return 0;
    return -EAGAIN;
}

long lbox_plat_strncpy_safe(char *dst, const char *src, size_t max)
{
    size_t done = 0;

    while (done < max) {
        /* Stay within src's page: the NUL may sit right before a hole. */
        size_t to_page = LBOX_PAGE_SIZE - ((uintptr_t)(src + done) % LBOX_PAGE_SIZE);
        size_t chunk = max - done < to_page ? max - done : to_page;
        long n = copy_some(dst + done, src + done, chunk);
        char *nul;

        if (n < 0)
            return n;
        if (n == 0)
            return -EFAULT;
        nul = memchr(dst + done, '\0', (size_t)n);
        if (nul)
            return nul - dst;
        done += (size_t)n;
    }
    return -ENAMETOOLONG;
}

/* --- Futexes ----------------------------------------------------------- */

int lbox_plat_futex_wait(uint32_t *word, uint32_t expected,
                         int64_t timeout_ns, unsigned flags)
{
    struct timespec ts, *tp = NULL;
    long r;

    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000;
        ts.tv_nsec = timeout_ns % 1000000000;
        tp = &ts;
    }
    r = syscall(SYS_futex, word,
                flags & LBOX_FUTEX_SHARED ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE,
                expected, tp, NULL, 0);
    return r < 0 ? neg_errno() : 0;
}

int lbox_plat_futex_wake(uint32_t *word, int count, bool shared)
{
    long r = syscall(SYS_futex, word, shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE,
                     count, NULL, NULL, 0);

    return r < 0 ? neg_errno() : (int)r;
}

/* --- Threads ----------------------------------------------------------- */

static __thread void *t_tls;
static __thread uint64_t t_guest_tp;

struct start {
    void (*fn)(void *);
    void *arg;
};

static __thread int t_handle;
static int g_next_handle = 1;

static void *thread_main(void *p)
{
    struct start s = *(struct start *)p;

    free(p);
    t_tls = NULL;
    t_handle = __atomic_fetch_add(&g_next_handle, 1, __ATOMIC_RELAXED);
    s.fn(s.arg);
    abort();    /* fn must end with lbox_plat_thread_exit */
}

int lbox_plat_thread_create(void (*fn)(void *), void *arg)
{
    struct start *s = malloc(sizeof(*s));
    pthread_attr_t attr;
    pthread_t th;
    int r;

    if (!fn || !s) {
        free(s);
        return -EINVAL;
    }
    *s = (struct start){.fn = fn, .arg = arg};
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    r = pthread_create(&th, &attr, thread_main, s);
    pthread_attr_destroy(&attr);
    if (r) {
        free(s);
        return -r;
    }
    return 0;
}

_Noreturn void lbox_plat_thread_exit(void)
{
    pthread_exit(NULL);
}

int lbox_plat_thread_self(void)
{
    return t_handle;
}

/* Unit tests run no guest code and block in no event-ended wait. */
int lbox_plat_thread_kick(int handle)
{
    (void)handle;
    return -ENOSYS;
}

void *lbox_plat_tls(void)
{
    return t_tls;
}

void lbox_plat_set_tls(void *tls)
{
    t_tls = tls;
}

/* Only stored: unit tests run no guest code. */
int lbox_plat_set_guest_tp(uint64_t tp)
{
    t_guest_tp = tp;
    return 0;
}

uint64_t lbox_plat_guest_tp(void)
{
    return t_guest_tp;
}

/* --- Time -------------------------------------------------------------- */

static int host_clock(int clock, clockid_t *id)
{
    switch (clock) {
    case LBOX_CLOCK_REALTIME:
        *id = CLOCK_REALTIME;
        return 0;
    case LBOX_CLOCK_MONOTONIC:
        *id = CLOCK_MONOTONIC;
        return 0;
    case LBOX_CLOCK_PROCESS:
        *id = CLOCK_PROCESS_CPUTIME_ID;
        return 0;
    case LBOX_CLOCK_THREAD:
        *id = CLOCK_THREAD_CPUTIME_ID;
        return 0;
    case LBOX_CLOCK_BOOTTIME:
        *id = CLOCK_BOOTTIME;
        return 0;
    }
    return -EINVAL;
}

int lbox_plat_clock_get(int clock, int64_t *ns)
{
    struct timespec ts;
    clockid_t id;
    int r = host_clock(clock, &id);

    if (r)
        return r;
    if (clock_gettime(id, &ts))
        return neg_errno();
    *ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    return 0;
}

int lbox_plat_clock_res(int clock, int64_t *ns)
{
    struct timespec ts;
    clockid_t id;
    int r = host_clock(clock, &id);

    if (r)
        return r;
    if (clock_getres(id, &ts))
        return neg_errno();
    *ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    return 0;
}

/* The TSC when cpuid calls it invariant, as the linux platform does
 * (without its PR_GET_TSC check: a test process may run rdtsc). */
/* No extended state is kept for the guest here. */
int lbox_plat_xstate_info(struct lbox_xstate_info *out)
{
    (void)out;
    return -ENOSYS;
}

int lbox_plat_xstate_save(void *dst, size_t size)
{
    (void)dst, (void)size;
    return -ENOSYS;
}

int lbox_plat_xstate_load(const void *src, size_t size, uint64_t features)
{
    (void)src, (void)size, (void)features;
    return -ENOSYS;
}

/* No events reach this platform, and it has no timers. */
uint64_t lbox_plat_events_take(void)
{
    return 0;
}

int lbox_plat_timer_arm(int timer, int64_t ns)
{
    (void)timer, (void)ns;
    return -ENOSYS;
}

int lbox_plat_cycles(uint64_t *count)
{
    static int ok = -1;
    uint32_t a, b, c, d, lo, hi;

    if (ok < 0) {
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
                         : "a"(0x80000000u), "c"(0));
        ok = 0;
        if (a >= 0x80000007u) {
            __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
                             : "a"(0x80000007u), "c"(0));
            ok = (d >> 8) & 1;
        }
    }
    if (!ok)
        return -ENOSYS;
    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    *count = (uint64_t)hi << 32 | lo;
    return 0;
}

int lbox_plat_sleep(int clock, int64_t ns)
{
    struct timespec ts;
    clockid_t id;
    int r = host_clock(clock, &id);

    if (r)
        return r;
    if (ns < 0)
        return -EINVAL;
    ts.tv_sec = ns / 1000000000;
    ts.tv_nsec = ns % 1000000000;
    return -clock_nanosleep(id, 0, &ts, NULL);
}

/* --- Randomness -------------------------------------------------------- */

int lbox_plat_random(void *buf, size_t size)
{
    while (size) {
        ssize_t n = getrandom(buf, size, 0);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return neg_errno();
        }
        buf = (char *)buf + n;
        size -= (size_t)n;
    }
    return 0;
}

/* --- Log and channels -------------------------------------------------- */

void lbox_plat_log(const char *msg, size_t size)
{
    while (size) {
        ssize_t n = write(STDERR_FILENO, msg, size);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        msg += n;
        size -= (size_t)n;
    }
}

static int g_chan_fd[LBOX_CHAN_COUNT] = { 0, 1, 2, -1, -1 };

void plat_hosted_set_chan(int chan, int fd)
{
    if (chan >= 0 && chan < LBOX_CHAN_COUNT)
        g_chan_fd[chan] = fd < 0 ? -1 : fd;
}

static int chan_fd(int chan)
{
    if (chan < 0 || chan >= LBOX_CHAN_COUNT || g_chan_fd[chan] < 0)
        return -ENODEV;
    return g_chan_fd[chan];
}

long lbox_plat_chan_read(int chan, void *buf, size_t size)
{
    int fd = chan_fd(chan);
    ssize_t n;

    if (fd < 0)
        return fd;
    n = read(fd, buf, size);
    return n < 0 ? neg_errno() : n;
}

long lbox_plat_chan_recv(int chan, void *buf, size_t size, int *handle)
{
    union {
        struct cmsghdr h;
        char raw[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct iovec iov = {buf, size};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = ctl.raw, .msg_controllen = sizeof(ctl.raw),
    };
    struct cmsghdr *c;
    int fd = chan_fd(chan);
    ssize_t n;

    *handle = -1;
    if (fd < 0)
        return fd;
    n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == ENOTSOCK)
        return lbox_plat_chan_read(chan, buf, size);
    if (n < 0)
        return neg_errno();
    c = CMSG_FIRSTHDR(&msg);
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
        c->cmsg_len == CMSG_LEN(sizeof(int)))
        memcpy(handle, CMSG_DATA(c), sizeof(int));
    return n;
}

long lbox_plat_file_read(int handle, void *buf, size_t size, uint64_t off)
{
    ssize_t n = pread(handle, buf, size, (off_t)off);

    return n < 0 ? neg_errno() : n;
}

long lbox_plat_file_write(int handle, const void *buf, size_t size,
                          uint64_t off)
{
    ssize_t n = pwrite(handle, buf, size, (off_t)off);

    return n < 0 ? neg_errno() : n;
}

int lbox_plat_file_map(int handle, void *addr, size_t size, int prot,
                       uint64_t off, unsigned flags)
{
    void *p = mmap(addr, size, prot,
                   ((flags & LBOX_FILE_SHARED) ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED,
                   handle, (off_t)off);

    return p == MAP_FAILED ? neg_errno() : 0;
}

void lbox_plat_file_close(int handle)
{
    close(handle);
}

long lbox_plat_chan_write(int chan, const void *buf, size_t size)
{
    int fd = chan_fd(chan);
    ssize_t n;

    if (fd < 0)
        return fd;
    n = write(fd, buf, size);
    return n < 0 ? neg_errno() : n;
}

/*
 * TCGETS/TCSETS move the kernel's 36-byte struct termios; the interface
 * names a 60-byte buffer, so the tail past what the host fills reads zero.
 */
#define TTY_ATTR_SIZE 60

int lbox_plat_chan_tty(int chan, int op, void *arg)
{
    unsigned char attr[TTY_ATTR_SIZE];
    struct winsize ws;
    int fd = chan_fd(chan);
    int r;

    if (fd < 0)
        return fd;
    switch (op) {
    case LBOX_TTY_GETATTR:
        memset(attr, 0, sizeof(attr));
        r = ioctl(fd, TCGETS, attr);
        if (!r)
            memcpy(arg, attr, sizeof(attr));
        break;
    case LBOX_TTY_SETATTR:
        memcpy(attr, arg, sizeof(attr));
        r = ioctl(fd, TCSETS, attr);
        break;
    case LBOX_TTY_GETWINSZ:
        r = ioctl(fd, TIOCGWINSZ, &ws);
        if (!r)
            memcpy(arg, &ws, sizeof(struct lbox_winsize));
        break;
    case LBOX_TTY_SETWINSZ:
        memcpy(&ws, arg, sizeof(struct lbox_winsize));
        r = ioctl(fd, TIOCSWINSZ, &ws);
        break;
    default:
        return -EINVAL;
    }
    return r ? neg_errno() : 0;
}

/* --- Leaving ----------------------------------------------------------- */

_Noreturn void lbox_plat_exit(int status)
{
    _exit(status & 0xff);
}

_Noreturn void lbox_plat_exit_signal(int sig)
{
    sigset_t set;

    signal(sig, SIG_DFL);
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + (sig & 0x7f));
}

_Noreturn void lbox_plat_enter_guest(const struct lbox_regs *regs)
{
    (void)regs;
    fprintf(stderr, "plat_hosted: lbox_plat_enter_guest is not supported "
                    "in unit tests\n");
    _exit(127);
}

int lbox_plat_chan_poll(struct lbox_chan_poll *p, unsigned n,
                        int64_t timeout_ns)
{
    struct pollfd fds[LBOX_CHAN_POLL_MAX];
    struct timespec ts, *tp = NULL;
    int r;

    if (n > LBOX_CHAN_POLL_MAX)
        return -EINVAL;
    for (unsigned i = 0; i < n; i++) {
        int fd = p[i].chan >= 0 && p[i].chan < LBOX_CHAN_COUNT
                 ? g_chan_fd[p[i].chan] : -1;

        fds[i] = (struct pollfd){fd, p[i].events, 0};
    }
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000LL;
        ts.tv_nsec = timeout_ns % 1000000000LL;
        tp = &ts;
    }
    r = ppoll(fds, n, tp, NULL);
    if (r < 0)
        return neg_errno();
    for (unsigned i = 0; i < n; i++)
        p[i].revents = fds[i].revents;
    return r;
}
