/* SPDX-License-Identifier: MIT */
/*
 * Implements epoll_create(2), epoll_create1(2), epoll_ctl(2),
 * epoll_wait(2), epoll_pwait(2) and epoll_pwait2(2) for the Linux shim,
 * on core/ipc/epoll.h.
 */
#include "core/fs/vfs_abi.h"
#include "core/ipc/epoll.h"
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/syscalls.h"

/* struct epoll_event is packed on x86-64: 12 bytes. */
struct l_epoll_event {
    uint32_t events;
    uint64_t data;
} __attribute__((packed));
_Static_assert(sizeof(struct l_epoll_event) == 12, "epoll_event layout");


long sys_epoll_create1(struct task *t, const uint64_t a[6])
{
    struct file *f;
    long err;

    if ((uint32_t)a[0] & ~(uint32_t)O_CLOEXEC)
        return -EINVAL;
    err = epoll_open(t, 0, &f);
    if (err < 0)
        return err;
    return shim_install_one(t, f, a[0] & O_CLOEXEC);
}

long sys_epoll_create(struct task *t, const uint64_t a[6])
{
    const uint64_t b[6] = {0};

    if ((int)a[0] <= 0)
        return -EINVAL;
    return sys_epoll_create1(t, b);
}

long sys_epoll_ctl(struct task *t, const uint64_t a[6])
{
    int op = (int)a[1], fd = (int)a[2];
    struct l_epoll_event ev = {0, 0};
    struct file *ep, *f;
    long err;

    if (op != EP_CTL_DEL && copy_from_guest(t, &ev, a[3], sizeof(ev)) < 0)
        return -EFAULT;
    ep = fd_get(t, (int)a[0]);
    if (!ep)
        return -EBADF;
    f = fd_get(t, fd);
    if (!f) {
        vfs_file_put(ep);
        return -EBADF;
    }
    err = file_is_epoll(ep) ? epoll_ctl_file(ep, op, fd, f, ev.events,
                                             ev.data)
                            : -EINVAL;
    vfs_file_put(f);
    vfs_file_put(ep);
    return err;
}

static long do_wait(struct task *t, int epfd, gaddr_t uev, int max,
                    int64_t timeout)
{
    struct ep_ready *r;
    struct file *ep;
    long n;

    if (max <= 0 || max > INT32_MAX / (int)sizeof(struct l_epoll_event))
        return -EINVAL;
    ep = fd_get(t, epfd);
    if (!ep)
        return -EBADF;
    if (!file_is_epoll(ep)) {
        vfs_file_put(ep);
        return -EINVAL;
    }
    /* No wait reports more than the instance watches. */
    max = (int)MIN((unsigned)max, MAX(epoll_size(ep), 1u));
    r = rt_heap_alloc(task_heap(t), (size_t)max * sizeof(*r));
    if (!r) {
        vfs_file_put(ep);
        return -ENOMEM;
    }
    n = epoll_wait_files(t, ep, r, max, timeout);
    for (long i = 0; i < n; i++) {
        struct l_epoll_event e = {r[i].events, r[i].data};

        if (copy_to_guest(t, uev + (uint64_t)i * sizeof(e), &e,
                          sizeof(e)) < 0) {
            n = -EFAULT;
            break;
        }
    }
    rt_heap_free(task_heap(t), r);
    vfs_file_put(ep);
    return n;
}

long sys_epoll_wait(struct task *t, const uint64_t a[6])
{
    int ms = (int)a[3];

    return do_wait(t, (int)a[0], a[1], (int)a[2],
                   ms < 0 ? -1 : (int64_t)ms * 1000000);
}

/* With a temporary mask (epoll_pwait, epoll_pwait2): interrupted, the
 * handler runs under it and the old one comes back with its frame. */
static long wait_masked(struct task *t, const uint64_t a[6], int64_t timeout)
{
    uint64_t saved = t->sigmask, m;
    long ret;

    if (a[4]) {
        if (a[5] != 8)
            return -EINVAL;
        if (copy_from_guest(t, &m, a[4], 8) < 0)
            return -EFAULT;
        t->sigmask = m & ~K_SIG_UNBLOCKABLE;
    }
    ret = do_wait(t, (int)a[0], a[1], (int)a[2], timeout);
    if (ret == -EINTR && t->sigmask != saved) {
        t->saved_sigmask = saved;
        t->restore_sigmask = true;
    } else {
        t->sigmask = saved;
    }
    return ret;
}

long sys_epoll_pwait(struct task *t, const uint64_t a[6])
{
    int ms = (int)a[3];

    return wait_masked(t, a, ms < 0 ? -1 : (int64_t)ms * 1000000);
}

long sys_epoll_pwait2(struct task *t, const uint64_t a[6])
{
    int64_t timeout = -1;
    int err;

    if (a[3]) {
        err = timespec_from_guest(t, a[3], &timeout);
        if (err < 0)
            return err;
    }
    return wait_masked(t, a, timeout);
}
