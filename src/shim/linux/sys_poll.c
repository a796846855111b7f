/* SPDX-License-Identifier: MIT */
/*
 * Implements poll(2), ppoll(2), select(2) and pselect6(2) for the Linux
 * shim: guest descriptor sets in, core/poll.c does the waiting.
 */
#include "core/fdtable.h"
#include "core/poll.h"
#include "shim/linux/syscalls.h"

#define NSEC 1000000000LL
#define POLL_MAX_FDS (1 << 20)     /* fs.nr_open: no rlimit goes higher */

struct l_pollfd {
    int32_t fd;
    int16_t events, revents;
};

static uint64_t nofile(struct task *t)
{
    return MIN(t->proc->rlimits[7].cur, (uint64_t)POLL_MAX_FDS);
}

static void put_entries(struct poll_entry *e, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (e[i].file)
            vfs_file_put(e[i].file);
}

static int64_t now_ns(void)
{
    int64_t ns = 0;

    lbox_plat_clock_get(LBOX_CLOCK_MONOTONIC, &ns);
    return ns;
}

static int get_timeout(struct task *t, gaddr_t src, int64_t *ns)
{
    *ns = -1;
    return src ? timespec_from_guest(t, src, ns) : 0;
}

/* Linux writes the time left back for ppoll and select. */
static void put_left(struct task *t, gaddr_t dst, int64_t timeout,
                     int64_t start, bool timeval)
{
    int64_t left = timeout - (now_ns() - start);
    int64_t v[2];

    if (!dst || timeout < 0)
        return;
    if (left < 0)
        left = 0;
    v[0] = left / NSEC;
    v[1] = timeval ? (left % NSEC) / 1000 : left % NSEC;
    copy_to_guest(t, dst, v, sizeof(v));
}

static long do_poll(struct task *t, gaddr_t ufds, uint64_t nfds,
                    int64_t timeout)
{
    struct rt_heap *h = task_heap(t);
    struct l_pollfd *pfd = NULL;
    struct poll_entry *e = NULL;
    long ret;

    if (nfds > nofile(t))
        return -EINVAL;
    if (nfds) {
        pfd = rt_heap_alloc(h, nfds * sizeof(*pfd));
        e = rt_heap_zalloc(h, nfds * sizeof(*e));
        if (!pfd || !e) {
            ret = -ENOMEM;
            goto out;
        }
        if (copy_from_guest(t, pfd, ufds, nfds * sizeof(*pfd)) < 0) {
            ret = -EFAULT;
            goto out;
        }
    }
    /* Negative descriptors are skipped: give them no events to match. */
    for (uint64_t i = 0; i < nfds; i++) {
        e[i].events = (uint16_t)pfd[i].events;
        if (pfd[i].fd >= 0)
            e[i].file = fdt_get(t->proc->fdt, pfd[i].fd);
    }
    ret = poll_files(t, e, (unsigned)nfds, timeout);
    if (ret == -EINTR)
        ret = -ERESTARTNOHAND;
    if (ret < 0)
        goto out;
    ret = 0;
    for (uint64_t i = 0; i < nfds; i++) {
        pfd[i].revents = pfd[i].fd < 0 ? 0 : (int16_t)e[i].revents;
        ret += pfd[i].revents != 0;
    }
    if (nfds && copy_to_guest(t, ufds, pfd, nfds * sizeof(*pfd)) < 0)
        ret = -EFAULT;
out:
    if (e)
        put_entries(e, (unsigned)nfds);
    rt_heap_free(h, e);
    rt_heap_free(h, pfd);
    return ret;
}

long sys_poll(struct task *t, const uint64_t a[6])
{
    int ms = (int)a[2];

    return do_poll(t, a[0], a[1], ms < 0 ? -1 : (int64_t)ms * 1000000LL);
}

/* A temporary signal mask for the wait (ppoll, pselect6). */
static int swap_mask(struct task *t, gaddr_t mask, uint64_t size,
                     uint64_t *saved)
{
    uint64_t m;

    *saved = t->sigmask;
    if (!mask)
        return 0;
    if (size != 8)
        return -EINVAL;
    if (copy_from_guest(t, &m, mask, 8) < 0)
        return -EFAULT;
    t->sigmask = m & ~((1ULL << 8) | (1ULL << 18));     /* KILL, STOP */
    return 0;
}

/* A signal ended the wait: it runs under the call's mask, and the old one
 * comes back with its frame (as rt_sigsuspend's); else back now. */
static void end_mask(struct task *t, uint64_t saved, long ret)
{
    if (ret == -ERESTARTNOHAND && t->sigmask != saved) {
        t->saved_sigmask = saved;
        t->restore_sigmask = true;
    } else {
        t->sigmask = saved;
    }
}

long sys_ppoll(struct task *t, const uint64_t a[6])
{
    int64_t timeout, start = now_ns();
    uint64_t saved;
    long ret;
    int err = get_timeout(t, a[2], &timeout);

    if (err < 0)
        return err;
    err = swap_mask(t, a[3], a[4], &saved);
    if (err < 0)
        return err;
    ret = do_poll(t, a[0], a[1], timeout);
    end_mask(t, saved, ret);
    put_left(t, a[2], timeout, start, false);
    return ret;
}

#define SEL_IN  (VFS_POLLIN | VFS_POLLRDNORM | VFS_POLLHUP | VFS_POLLERR)
#define SEL_OUT (VFS_POLLOUT | VFS_POLLWRNORM | VFS_POLLERR)
#define SEL_EX  VFS_POLLPRI

static long do_select(struct task *t, int nfds, const gaddr_t set[3],
                      int64_t timeout)
{
    static const unsigned want[3] = {SEL_IN, SEL_OUT, SEL_EX};
    struct rt_heap *h = task_heap(t);
    uint64_t *bits[3] = {NULL, NULL, NULL};
    struct poll_entry *e = NULL;
    int *fds = NULL;
    unsigned n = 0;
    size_t bytes;
    long ret = 0;

    if (nfds < 0)
        return -EINVAL;
    /* Linux looks no further than its descriptor table. */
    nfds = (int)MIN((uint64_t)nfds, nofile(t));
    bytes = ALIGN_UP((size_t)nfds, 64) / 8;
    e = rt_heap_zalloc(h, (size_t)nfds * sizeof(*e) + 1);
    fds = rt_heap_alloc(h, (size_t)nfds * sizeof(*fds) + 1);
    for (int k = 0; k < 3; k++)
        bits[k] = rt_heap_zalloc(h, bytes + 8);
    if (!e || !fds || !bits[0] || !bits[1] || !bits[2]) {
        ret = -ENOMEM;
        goto out;
    }
    for (int k = 0; k < 3; k++)
        if (set[k] && copy_from_guest(t, bits[k], set[k], bytes) < 0) {
            ret = -EFAULT;
            goto out;
        }
    for (int fd = 0; fd < nfds; fd++) {
        unsigned ev = 0;

        for (int k = 0; k < 3; k++)
            if (bits[k][fd / 64] & (1ULL << (fd % 64)))
                ev |= want[k];
        if (!ev)
            continue;
        e[n].file = fdt_get(t->proc->fdt, fd);
        if (!e[n].file) {
            ret = -EBADF;
            goto out;
        }
        e[n].events = ev;
        fds[n++] = fd;
    }
    ret = poll_files(t, e, n, timeout);
    if (ret == -EINTR)
        ret = -ERESTARTNOHAND;
    if (ret < 0)
        goto out;
    for (int k = 0; k < 3; k++)
        memset(bits[k], 0, bytes);
    ret = 0;
    for (unsigned i = 0; i < n; i++)
        for (int k = 0; k < 3; k++)
            if (e[i].revents & want[k] & e[i].events) {
                bits[k][fds[i] / 64] |= 1ULL << (fds[i] % 64);
                ret++;
            }
    for (int k = 0; k < 3; k++)
        if (set[k] && copy_to_guest(t, set[k], bits[k], bytes) < 0)
            ret = -EFAULT;
out:
    if (e)
        put_entries(e, n);
    for (int k = 0; k < 3; k++)
        rt_heap_free(h, bits[k]);
    rt_heap_free(h, fds);
    rt_heap_free(h, e);
    return ret;
}

long sys_select(struct task *t, const uint64_t a[6])
{
    const gaddr_t set[3] = {a[1], a[2], a[3]};
    int64_t timeout = -1, start = now_ns(), tv[2];
    long ret;

    if (a[4]) {
        if (copy_from_guest(t, tv, a[4], sizeof(tv)) < 0)
            return -EFAULT;
        if (tv[0] < 0 || tv[1] < 0 || tv[1] >= 1000000)
            return -EINVAL;
        timeout = tv[0] > INT64_MAX / NSEC - 1 ? INT64_MAX
                                               : tv[0] * NSEC + tv[1] * 1000;
    }
    ret = do_select(t, (int)a[0], set, timeout);
    put_left(t, a[4], timeout, start, true);
    return ret;
}

long sys_pselect6(struct task *t, const uint64_t a[6])
{
    const gaddr_t set[3] = {a[1], a[2], a[3]};
    int64_t timeout, start = now_ns();
    uint64_t sig[2] = {0, 0}, saved;
    long ret;
    int err = get_timeout(t, a[4], &timeout);

    if (err < 0)
        return err;
    if (a[5] && copy_from_guest(t, sig, a[5], sizeof(sig)) < 0)
        return -EFAULT;
    err = swap_mask(t, sig[0], sig[1], &saved);
    if (err < 0)
        return err;
    ret = do_select(t, (int)a[0], set, timeout);
    end_mask(t, saved, ret);
    put_left(t, a[4], timeout, start, false);
    return ret;
}
