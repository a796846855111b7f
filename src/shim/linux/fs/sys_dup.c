/* SPDX-License-Identifier: MIT */
/*
 * implements dup(2), dup2(2), dup3(2), fcntl(2) for the Linux shim (North
 * side, kernel image).
 */
#include "core/ipc/pipe.h"
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/fs/sys_fs.h"

long sys_dup(struct task *t, const uint64_t a[6])
{
    int fd = (int)a[0];
    struct file *f = fd_get(t, fd);
    int ret;

    if (!f)
        return -EBADF;
    ret = fdt_install(t->proc->fdt, f, 0, /*cloexec=*/false,
                      nofile_limit(t));
    if (ret < 0) {
        vfs_file_put(f);
        if (ret == -EINVAL)
            ret = -EMFILE;
    }
    return ret;
}

static long do_dup3(struct task *t, int oldfd, int newfd, bool cloexec)
{
    struct file *f;
    int ret;

    if (newfd < 0 || (uint64_t)newfd >= nofile_limit(t))
        return -EBADF;
    f = fd_get(t, oldfd);
    if (!f)
        return -EBADF;
    ret = fdt_install_at(t->proc->fdt, newfd, f, cloexec, nofile_limit(t));
    if (ret < 0)
        vfs_file_put(f);
    return ret;
}

long sys_dup2(struct task *t, const uint64_t a[6])
{
    int oldfd = (int)a[0], newfd = (int)a[1];

    /* dup2(fd, fd) only checks that fd is open. */
    if (oldfd == newfd) {
        struct file *f = fd_get(t, oldfd);

        if (!f)
            return -EBADF;
        vfs_file_put(f);
        return newfd;
    }
    return do_dup3(t, oldfd, newfd, false);
}

long sys_dup3(struct task *t, const uint64_t a[6])
{
    int oldfd = (int)a[0], newfd = (int)a[1];
    unsigned flags = (unsigned)a[2];

    if (flags & ~(unsigned)O_CLOEXEC)
        return -EINVAL;
    if (oldfd == newfd)
        return -EINVAL;
    return do_dup3(t, oldfd, newfd, flags & O_CLOEXEC);
}

/* Flags F_SETFL may change; the access mode and creation flags stay. */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

static long setfl(struct task *t, struct file *f, uint32_t arg)
{
    /* O_NOATIME may only be turned on by the owner (or root). */
    if ((arg & O_NOATIME) && !(f->flags & O_NOATIME)) {
        const struct cred *c = task_cred(t);
        struct vfs_stat st;
        int ret = vfs_fstat(t, f, &st);

        if (ret < 0)
            return ret;
        if (c->fsuid != st.uid && c->euid != 0)
            return -EPERM;
    }
    rt_lock(&f->lock, true);
    f->flags = (f->flags & ~(uint32_t)SETFL_MASK) | (arg & SETFL_MASK);
    rt_unlock(&f->lock, true);
    return 0;
}

/*
 * Record locks. POSIX (F_SETLK) locks belong to a process, and no other
 * process can share a file in a sandbox that has one process, so no lock
 * can ever conflict: F_GETLK truthfully reports F_UNLCK and F_SETLK/W
 * succeed once the request is valid. When fork arrives, locks must move
 * into the shared region and this must check for conflicts.
 * Open-file-description locks (F_OFD_*) can conflict within one process
 * and are not implemented: -EINVAL, what kernels before 3.15 answered, so
 * callers fall back to POSIX locks.
 */
static long posix_lock(struct task *t, struct file *f, int cmd, gaddr_t uarg)
{
    struct linux_flock fl;
    int64_t start;
    int ret;

    ret = copy_from_guest(t, &fl, uarg, sizeof(fl));
    if (ret < 0)
        return ret;
    if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
        return -EINVAL;
    switch (fl.l_whence) {
    case SEEK_SET:
        start = 0;
        break;
    case SEEK_CUR:
        start = (int64_t)f->pos;
        break;
    case SEEK_END: {
        struct vfs_stat st;

        ret = vfs_fstat(t, f, &st);
        if (ret < 0)
            return ret;
        start = st.size;
        break;
    }
    default:
        return -EINVAL;
    }
    if (__builtin_add_overflow(start, fl.l_start, &start) || start < 0)
        return -EINVAL;
    if (fl.l_len < 0 && start + fl.l_len < 0)
        return -EINVAL;
    if (fl.l_len > 0 && start > INT64_MAX - (fl.l_len - 1))
        return -EOVERFLOW;
    if (cmd == F_GETLK) {
        if (fl.l_type == F_UNLCK)
            return -EINVAL;
        fl.l_type = F_UNLCK;
        return copy_to_guest(t, uarg, &fl.l_type, sizeof(fl.l_type));
    }
    if (fl.l_type == F_RDLCK && !file_can_read(f))
        return -EBADF;
    if (fl.l_type == F_WRLCK && !file_can_write(f))
        return -EBADF;
    return 0;
}

long sys_fcntl(struct task *t, const uint64_t a[6])
{
    int fd = (int)a[0];
    int cmd = (int)a[1];
    uint64_t arg = a[2];
    struct file *f = fd_get(t, fd);
    long ret;

    if (!f)
        return -EBADF;
    /* O_PATH descriptors allow only the fd-level commands. */
    if (file_is_path(f) && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC &&
        cmd != F_GETFD && cmd != F_SETFD && cmd != F_GETFL) {
        ret = -EBADF;
        goto out;
    }
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        /* The minimum is an unsigned int in Linux: negative is too big. */
        if ((uint32_t)arg >= nofile_limit(t)) {
            ret = -EINVAL;
            break;
        }
        ret = fdt_install(t->proc->fdt, f, (int)(uint32_t)arg,
                          cmd == F_DUPFD_CLOEXEC, nofile_limit(t));
        if (ret >= 0)
            return ret; /* the table took the reference */
        break;
    case F_GETFD:
        ret = fdt_get_cloexec(t->proc->fdt, fd);
        if (ret > 0)
            ret = FD_CLOEXEC;
        break;
    case F_SETFD:
        ret = fdt_set_cloexec(t->proc->fdt, fd, arg & FD_CLOEXEC);
        break;
    case F_GETFL:
        ret = f->flags & ~(uint32_t)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC |
                                     O_CLOEXEC);
        break;
    case F_SETFL:
        ret = setfl(t, f, (uint32_t)arg);
        break;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
        ret = posix_lock(t, f, cmd, arg);
        break;
    case F_GETOWN:
    case F_GETSIG:
        ret = 0; /* nobody was ever set: F_SETOWN/F_SETSIG refuse */
        break;
    case F_SETOWN:
    case F_SETSIG:
        /* Clearing is fine; SIGIO delivery is not implemented. */
        ret = arg == 0 ? 0 : -EINVAL;
        break;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ: {
        /* Linux: EBADF on anything but a pipe. */
        int sz = (int)arg;

        if (!S_ISFIFO(f->inode->mode)) {
            ret = -EBADF;
            break;
        }
        ret = vfs_ioctl(t, f, cmd == F_GETPIPE_SZ ? PIPE_GETSZ : PIPE_SETSZ,
                        &sz);
        if (ret == -ENOTTY)
            ret = -EBADF;   /* a FIFO lbox does not serve as a pipe */
        break;
    }
    default:
        /* F_OFD_*, leases, notify, seals, unknown commands. */
        ret = -EINVAL;
        break;
    }
out:
    vfs_file_put(f);
    return ret;
}
