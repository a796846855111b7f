/* SPDX-License-Identifier: MIT */
/*
 * implements truncate(2), ftruncate(2), fsync(2), fdatasync(2), sync(2),
 * syncfs(2), umask(2), fallocate(2), fadvise64(2) for the Linux shim (North
 * side, kernel image): sizes, durability and hints.
 */
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/fs/sys_fs.h"

static void size_attr(struct vfs_setattr *sa, int64_t size)
{
    memset(sa, 0, sizeof(*sa));
    sa->valid = VFS_ATTR_SIZE;
    sa->size = size;
}

/* truncate: the VFS checks the type (EISDIR, EINVAL) and write
 * permission (not ownership) for a size change by path. */
long sys_truncate(struct task *t, const uint64_t a[6])
{
    gaddr_t upath = a[0];
    int64_t length = (int64_t)a[1];
    struct vfs_setattr sa;
    struct vfs_loc at;
    char *path;
    long ret;

    if (length < 0)
        return -EINVAL;
    ret = path_get(t, upath, false, &path);
    if (ret < 0)
        return ret;
    ret = at_loc(t, AT_FDCWD, path, &at);
    if (ret == 0) {
        size_attr(&sa, length);
        ret = vfs_setattr(t, &at, path, 0, &sa);
        vfs_loc_put(&at);
    }
    path_put(t, path);
    return ret;
}

long sys_ftruncate(struct task *t, const uint64_t a[6])
{
    int fd = (int)a[0];
    int64_t length = (int64_t)a[1];
    struct vfs_setattr sa;
    struct file *f;
    long ret;

    if (length < 0)
        return -EINVAL;
    ret = fd_get_open(t, fd, &f);
    if (ret < 0)
        return ret;
    if (!S_ISREG(f->inode->mode) || !file_can_write(f))
        ret = -EINVAL;
    else {
        size_attr(&sa, length);
        ret = vfs_fsetattr(t, f, &sa);
    }
    vfs_file_put(f);
    return ret;
}

static long do_fsync(struct task *t, int fd)
{
    struct file *f;
    long ret = fd_get_open(t, fd, &f);

    if (ret < 0)
        return ret;
    ret = vfs_fsync(t, f);
    vfs_file_put(f);
    return ret;
}

long sys_fsync(struct task *t, const uint64_t a[6])
{
    return do_fsync(t, (int)a[0]);
}

/* No metadata is cached apart from data, so fdatasync is fsync. */
long sys_fdatasync(struct task *t, const uint64_t a[6])
{
    return do_fsync(t, (int)a[0]);
}

/*
 * sync/syncfs: the VFS keeps no dirty data of its own (tmpfs lives in
 * memory; the 9P client writes through), so there is nothing to flush.
 */
long sys_sync(struct task *t, const uint64_t a[6])
{
    (void)t;
    (void)a;
    return 0;
}

long sys_syncfs(struct task *t, const uint64_t a[6])
{
    struct file *f;
    long ret = fd_get_open(t, (int)a[0], &f);

    if (ret == 0)
        vfs_file_put(f);
    return ret;
}

long sys_umask(struct task *t, const uint64_t a[6])
{
    uint32_t old = t->proc->umask;

    t->proc->umask = (uint32_t)a[0] & 0777;
    return old;
}

/*
 * fallocate: only mode 0, which guarantees the range is allocated and
 * extends the size. Filesystems here allocate on write, so growing the
 * size is what can be done honestly; other modes are -EOPNOTSUPP.
 */
long sys_fallocate(struct task *t, const uint64_t a[6])
{
    int fd = (int)a[0];
    int mode = (int)a[1];
    int64_t off = (int64_t)a[2], len = (int64_t)a[3], end = 0;
    struct vfs_setattr sa;
    struct vfs_stat st = {0};
    struct file *f = fd_get(t, fd);
    long ret;

    if (!f)
        return -EBADF;
    if (off < 0 || len <= 0)
        ret = -EINVAL;
    else if (mode != 0)
        ret = -EOPNOTSUPP;
    else if (!file_can_write(f))
        ret = -EBADF;
    else if (S_ISFIFO(f->inode->mode))
        ret = -ESPIPE;
    else if (S_ISDIR(f->inode->mode))
        ret = -EISDIR;
    else if (!S_ISREG(f->inode->mode))
        ret = -ENODEV;
    else if (__builtin_add_overflow(off, len, &end))
        ret = -EFBIG;
    else
        ret = vfs_fstat(t, f, &st);
    if (ret == 0 && end > st.size) {
        size_attr(&sa, end);
        ret = vfs_fsetattr(t, f, &sa);
    }
    vfs_file_put(f);
    return ret;
}

/* fadvise64: advice is a hint Linux lets a filesystem ignore; validate. */
long sys_fadvise64(struct task *t, const uint64_t a[6])
{
    int fd = (int)a[0];
    int64_t len = (int64_t)a[2];
    int advice = (int)a[3];
    struct file *f;
    long ret = fd_get_open(t, fd, &f);

    if (ret < 0)
        return ret;
    if (S_ISFIFO(f->inode->mode))
        ret = -ESPIPE;
    else if (len < 0 || advice < POSIX_FADV_NORMAL ||
             advice > POSIX_FADV_NOREUSE)
        ret = -EINVAL;
    vfs_file_put(f);
    return ret;
}
