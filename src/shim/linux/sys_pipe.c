/* SPDX-License-Identifier: MIT */
/*
 * Implements pipe(2), pipe2(2), eventfd(2), eventfd2(2), signalfd(2) and
 * signalfd4(2) for the Linux shim, on the core's in-sandbox objects
 * (core/ipc/pipe.h).
 */
#include "core/fdtable.h"
#include "core/fs/vfs_abi.h"
#include "core/ipc/pipe.h"
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/syscalls.h"

#define L_EFD_SEMAPHORE 1

/* Give (a) and (b) descriptors and write them to guest (fds) (two ints):
 * both or neither. Takes the references. */
long shim_install_pair(struct task *t, struct file *a, struct file *b,
                       bool cloexec, gaddr_t fds)
{
    struct fdtable *fdt = t->proc->fdt;
    int fd[2];

    fd[0] = fdt_install(fdt, a, 0, cloexec, nofile_limit(t));
    if (fd[0] < 0) {
        vfs_file_put(a);
        vfs_file_put(b);
        return fd[0];
    }
    fd[1] = fdt_install(fdt, b, 0, cloexec, nofile_limit(t));
    if (fd[1] < 0) {
        fdt_close(fdt, fd[0]);
        vfs_file_put(b);
        return fd[1];
    }
    if (copy_to_guest(t, fds, fd, sizeof(fd)) < 0) {
        fdt_close(fdt, fd[0]);
        fdt_close(fdt, fd[1]);
        return -EFAULT;
    }
    return 0;
}

long shim_install_one(struct task *t, struct file *f, bool cloexec)
{
    int fd = fdt_install(t->proc->fdt, f, 0, cloexec, nofile_limit(t));

    if (fd < 0)
        vfs_file_put(f);
    return fd;
}

long sys_pipe2(struct task *t, const uint64_t a[6])
{
    uint32_t flags = (uint32_t)a[1];
    struct file *rd, *wr;
    long err;

    if (flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return -EINVAL;
    err = pipe_open(t, flags, &rd, &wr);
    if (err < 0)
        return err;
    return shim_install_pair(t, rd, wr, flags & O_CLOEXEC, a[0]);
}

long sys_pipe(struct task *t, const uint64_t a[6])
{
    const uint64_t b[6] = {a[0], 0, 0, 0, 0, 0};

    return sys_pipe2(t, b);
}

long sys_eventfd2(struct task *t, const uint64_t a[6])
{
    uint32_t flags = (uint32_t)a[1];
    struct file *f;
    long err;

    if (flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK | L_EFD_SEMAPHORE))
        return -EINVAL;
    err = eventfd_open(t, (uint32_t)a[0],
                       (flags & O_NONBLOCK) |
                           (flags & L_EFD_SEMAPHORE ? EVENTFD_SEMAPHORE : 0),
                       &f);
    if (err < 0)
        return err;
    return shim_install_one(t, f, flags & O_CLOEXEC);
}

long sys_eventfd(struct task *t, const uint64_t a[6])
{
    const uint64_t b[6] = {a[0], 0, 0, 0, 0, 0};

    return sys_eventfd2(t, b);
}

long sys_signalfd4(struct task *t, const uint64_t a[6])
{
    uint32_t flags = (uint32_t)a[3];
    uint64_t mask;
    struct file *f;
    long err;

    if (flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    if (a[2] != 8)
        return -EINVAL;
    if (copy_from_guest(t, &mask, a[1], 8) < 0)
        return -EFAULT;
    if ((int)a[0] != -1) {
        f = fd_get(t, (int)a[0]);
        if (!f)
            return -EBADF;
        err = signalfd_set(f, mask);
        vfs_file_put(f);
        return err < 0 ? err : (long)(int)a[0];
    }
    err = signalfd_open(t, mask, flags & O_NONBLOCK, &f);
    if (err < 0)
        return err;
    return shim_install_one(t, f, flags & O_CLOEXEC);
}

long sys_signalfd(struct task *t, const uint64_t a[6])
{
    const uint64_t b[6] = {a[0], a[1], a[2], 0, 0, 0};

    return sys_signalfd4(t, b);
}
