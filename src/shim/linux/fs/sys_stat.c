/* SPDX-License-Identifier: MIT */
/*
 * implements stat(2), lstat(2), fstat(2), newfstatat(2), statx(2),
 * statfs(2), fstatfs(2), access(2), faccessat(2), faccessat2(2),
 * readlink(2), readlinkat(2) for the Linux shim (North side, kernel image).
 */
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/fs/sys_fs.h"

static void fill_stat(struct linux_stat *ls, const struct vfs_stat *st)
{
    memset(ls, 0, sizeof(*ls));
    ls->st_dev = st->dev;
    ls->st_ino = st->ino;
    ls->st_nlink = st->nlink;
    ls->st_mode = st->mode;
    ls->st_uid = st->uid;
    ls->st_gid = st->gid;
    ls->st_rdev = st->rdev;
    ls->st_size = st->size;
    ls->st_blksize = st->blksize;
    ls->st_blocks = st->blocks;
    ls->st_atime_sec = st->atime.sec;
    ls->st_atime_nsec = st->atime.nsec;
    ls->st_mtime_sec = st->mtime.sec;
    ls->st_mtime_nsec = st->mtime.nsec;
    ls->st_ctime_sec = st->ctime.sec;
    ls->st_ctime_nsec = st->ctime.nsec;
}

static void fill_ts(struct linux_statx_timestamp *ts, struct vfs_time t)
{
    ts->tv_sec = t.sec;
    ts->tv_nsec = (uint32_t)t.nsec;
    ts->reserved = 0;
}

static void fill_statx(struct linux_statx *sx, const struct vfs_stat *st)
{
    memset(sx, 0, sizeof(*sx));
    sx->stx_mask = STATX_BASIC_STATS | STATX_BTIME;
    sx->stx_blksize = (uint32_t)st->blksize;
    sx->stx_nlink = st->nlink;
    sx->stx_uid = st->uid;
    sx->stx_gid = st->gid;
    sx->stx_mode = (uint16_t)st->mode;
    sx->stx_ino = st->ino;
    sx->stx_size = (uint64_t)st->size;
    sx->stx_blocks = (uint64_t)st->blocks;
    fill_ts(&sx->stx_atime, st->atime);
    fill_ts(&sx->stx_btime, st->btime);
    fill_ts(&sx->stx_ctime, st->ctime);
    fill_ts(&sx->stx_mtime, st->mtime);
    sx->stx_rdev_major = linux_dev_major(st->rdev);
    sx->stx_rdev_minor = linux_dev_minor(st->rdev);
    sx->stx_dev_major = linux_dev_major(st->dev);
    sx->stx_dev_minor = linux_dev_minor(st->dev);
}

/*
 * stat (dirfd, path) with AT_* (flags) into (st). (upath) 0 with
 * AT_EMPTY_PATH means "" (Linux 6.11+ allows a NULL path there). An empty
 * path on a dirfd goes through the open file, so pipes and sockets work.
 */
static long stat_at(struct task *t, int dirfd, gaddr_t upath, unsigned flags,
                    struct vfs_stat *st)
{
    struct vfs_loc at;
    char *path = NULL;
    long ret;

    if (upath || !(flags & AT_EMPTY_PATH)) {
        ret = path_get(t, upath, flags & AT_EMPTY_PATH, &path);
        if (ret < 0)
            return ret;
    }
    if ((!path || !path[0]) && dirfd != AT_FDCWD) {
        struct file *f = fd_get(t, dirfd);

        ret = f ? vfs_fstat(t, f, st) : -EBADF;
        if (f)
            vfs_file_put(f);
        goto out;
    }
    ret = at_loc(t, dirfd, path ? path : "", &at);
    if (ret < 0)
        goto out;
    ret = vfs_stat(t, &at, path ? path : "", flags, st);
    vfs_loc_put(&at);
out:
    path_put(t, path);
    return ret;
}

static long put_stat(struct task *t, gaddr_t ubuf, const struct vfs_stat *st)
{
    struct linux_stat ls;

    fill_stat(&ls, st);
    return copy_to_guest(t, ubuf, &ls, sizeof(ls));
}

long sys_stat(struct task *t, const uint64_t a[6])
{
    struct vfs_stat st;
    long ret = stat_at(t, AT_FDCWD, a[0], 0, &st);

    return ret < 0 ? ret : put_stat(t, a[1], &st);
}

long sys_lstat(struct task *t, const uint64_t a[6])
{
    struct vfs_stat st;
    long ret = stat_at(t, AT_FDCWD, a[0], AT_SYMLINK_NOFOLLOW, &st);

    return ret < 0 ? ret : put_stat(t, a[1], &st);
}

long sys_fstat(struct task *t, const uint64_t a[6])
{
    int fd = (int)a[0];
    struct vfs_stat st;
    struct file *f = fd_get(t, fd);
    long ret;

    if (!f)
        return -EBADF;
    ret = vfs_fstat(t, f, &st);
    vfs_file_put(f);
    return ret < 0 ? ret : put_stat(t, a[1], &st);
}

long sys_newfstatat(struct task *t, const uint64_t a[6])
{
    int dirfd = (int)a[0];
    gaddr_t upath = a[1], ubuf = a[2];
    unsigned flags = (unsigned)a[3];
    struct vfs_stat st;
    long ret;

    if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT |
                            AT_EMPTY_PATH))
        return -EINVAL;
    ret = stat_at(t, dirfd, upath, flags, &st);
    return ret < 0 ? ret : put_stat(t, ubuf, &st);
}

long sys_statx(struct task *t, const uint64_t a[6])
{
    int dirfd = (int)a[0];
    gaddr_t upath = a[1];
    unsigned flags = (unsigned)a[2];
    unsigned mask = (unsigned)a[3];
    gaddr_t ubuf = a[4];
    struct linux_statx sx;
    struct vfs_stat st;
    long ret;

    if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT |
                            AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
        return -EINVAL;
    if (mask & STATX_RESERVED)
        return -EINVAL;
    ret = stat_at(t, dirfd, upath, flags & ~(unsigned)AT_STATX_SYNC_TYPE,
                  &st);
    if (ret < 0)
        return ret;
    fill_statx(&sx, &st);
    return copy_to_guest(t, ubuf, &sx, sizeof(sx));
}

static long put_statfs(struct task *t, gaddr_t ubuf,
                       const struct vfs_statfs *st, uint64_t dev)
{
    struct linux_statfs ls;

    memset(&ls, 0, sizeof(ls));
    ls.f_type = (int64_t)st->type;
    ls.f_bsize = (int64_t)st->bsize;
    ls.f_blocks = st->blocks;
    ls.f_bfree = st->bfree;
    ls.f_bavail = st->bavail;
    ls.f_files = st->files;
    ls.f_ffree = st->ffree;
    ls.f_fsid[0] = (int32_t)(uint32_t)dev;
    ls.f_fsid[1] = (int32_t)(uint32_t)(dev >> 32);
    ls.f_namelen = (int64_t)st->namelen;
    ls.f_frsize = (int64_t)(st->frsize ? st->frsize : st->bsize);
    ls.f_flags = (int64_t)(st->flags | ST_VALID);
    return copy_to_guest(t, ubuf, &ls, sizeof(ls));
}

long sys_statfs(struct task *t, const uint64_t a[6])
{
    struct vfs_statfs sfs;
    struct vfs_stat st;
    struct vfs_loc at;
    char *path;
    long ret;

    ret = path_get(t, a[0], false, &path);
    if (ret < 0)
        return ret;
    ret = at_loc(t, AT_FDCWD, path, &at);
    if (ret < 0)
        goto out_path;
    ret = vfs_statfs(t, &at, path, &sfs);
    if (ret == 0)
        ret = vfs_stat(t, &at, path, 0, &st);
    vfs_loc_put(&at);
    if (ret == 0)
        ret = put_statfs(t, a[1], &sfs, st.dev);
out_path:
    path_put(t, path);
    return ret;
}

long sys_fstatfs(struct task *t, const uint64_t a[6])
{
    int fd = (int)a[0];
    struct vfs_statfs sfs;
    struct vfs_stat st = {0};
    struct file *f = fd_get(t, fd);
    long ret;

    if (!f)
        return -EBADF;
    ret = vfs_fstatfs(t, f, &sfs);
    if (ret == 0)
        ret = vfs_fstat(t, f, &st);
    vfs_file_put(f);
    return ret < 0 ? ret : put_statfs(t, a[1], &sfs, st.dev);
}

static long do_access(struct task *t, int dirfd, gaddr_t upath, int amode,
                      unsigned flags)
{
    struct vfs_loc at;
    char *path;
    long ret;

    if (amode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(unsigned)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    ret = path_get(t, upath, flags & AT_EMPTY_PATH, &path);
    if (ret < 0)
        return ret;
    ret = at_loc(t, dirfd, path, &at);
    if (ret == 0) {
        ret = vfs_access(t, &at, path, amode, flags);
        vfs_loc_put(&at);
    }
    path_put(t, path);
    return ret;
}

long sys_access(struct task *t, const uint64_t a[6])
{
    return do_access(t, AT_FDCWD, a[0], (int)a[1], 0);
}

long sys_faccessat(struct task *t, const uint64_t a[6])
{
    return do_access(t, (int)a[0], a[1], (int)a[2], 0);
}

long sys_faccessat2(struct task *t, const uint64_t a[6])
{
    return do_access(t, (int)a[0], a[1], (int)a[2], (unsigned)a[3]);
}

/*
 * readlink: the target without a NUL, silently cut to (bufsiz). An empty
 * path on readlinkat reads the symlink the dirfd itself names (opened with
 * O_PATH|O_NOFOLLOW); anything else there is ENOENT.
 */
static long do_readlink(struct task *t, int dirfd, gaddr_t upath,
                        gaddr_t ubuf, int bufsiz)
{
    struct vfs_loc at;
    size_t size;
    char *path, *buf;
    long ret;

    if (bufsiz <= 0)
        return -EINVAL;
    size = MIN((size_t)bufsiz, (size_t)VFS_PATH_MAX);
    ret = path_get(t, upath, /*allow_empty=*/true, &path);
    if (ret < 0)
        return ret;
    buf = rt_heap_alloc(task_heap(t), size);
    if (!buf) {
        ret = -ENOMEM;
        goto out_path;
    }
    ret = at_loc(t, dirfd, path, &at);
    if (ret == 0) {
        ret = vfs_readlink(t, &at, path, buf, size);
        vfs_loc_put(&at);
    }
    /* Not a symlink: EINVAL for a name, ENOENT for the dirfd itself. */
    if (ret == -EINVAL && !path[0])
        ret = -ENOENT;
    if (ret > 0) {
        ret = MIN((size_t)ret, size);
        int err = copy_to_guest(t, ubuf, buf, (size_t)ret);

        if (err < 0)
            ret = err;
    }
    rt_heap_free(task_heap(t), buf);
out_path:
    path_put(t, path);
    return ret;
}

long sys_readlink(struct task *t, const uint64_t a[6])
{
    return do_readlink(t, AT_FDCWD, a[0], a[1], (int)a[2]);
}

long sys_readlinkat(struct task *t, const uint64_t a[6])
{
    return do_readlink(t, (int)a[0], a[1], a[2], (int)a[3]);
}
