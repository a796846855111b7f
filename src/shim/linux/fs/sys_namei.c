/* SPDX-License-Identifier: MIT */
/*
 * implements mkdir(2), mkdirat(2), rmdir(2), unlink(2), unlinkat(2),
 * rename(2), renameat(2), renameat2(2), link(2), linkat(2), symlink(2),
 * symlinkat(2), mknod(2), mknodat(2) for the Linux shim (North side, kernel
 * image): the calls that create or remove names.
 */
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/fs/sys_fs.h"

/* A path argument and the place it starts from, released together. */
struct at_path {
    char *path;
    struct vfs_loc at;
};

static long at_path_get(struct task *t, int dirfd, gaddr_t upath,
                        bool allow_empty, struct at_path *ap)
{
    long ret = path_get(t, upath, allow_empty, &ap->path);

    if (ret < 0)
        return ret;
    ret = at_loc(t, dirfd, ap->path, &ap->at);
    if (ret < 0)
        path_put(t, ap->path);
    return ret;
}

static void at_path_put(struct task *t, struct at_path *ap)
{
    vfs_loc_put(&ap->at);
    path_put(t, ap->path);
}

/* The old and new paths of rename or link; (old_empty) allows "" for the
 * old one. Both are held on success, neither on failure. */
static long at_pair_get(struct task *t, int odirfd, gaddr_t uold,
                        bool old_empty, int ndirfd, gaddr_t unew,
                        struct at_path *o, struct at_path *n)
{
    long ret = at_path_get(t, odirfd, uold, old_empty, o);

    if (ret < 0)
        return ret;
    ret = at_path_get(t, ndirfd, unew, false, n);
    if (ret < 0)
        at_path_put(t, o);
    return ret;
}

static void at_pair_put(struct task *t, struct at_path *o, struct at_path *n)
{
    at_path_put(t, n);
    at_path_put(t, o);
}

static long do_mkdirat(struct task *t, int dirfd, gaddr_t upath,
                       uint32_t mode)
{
    struct at_path ap;
    long ret = at_path_get(t, dirfd, upath, false, &ap);

    if (ret < 0)
        return ret;
    mode &= 01777 & ~t->proc->umask;
    ret = vfs_mkdir(t, &ap.at, ap.path, mode);
    at_path_put(t, &ap);
    return ret;
}

long sys_mkdir(struct task *t, const uint64_t a[6])
{
    return do_mkdirat(t, AT_FDCWD, a[0], (uint32_t)a[1]);
}

long sys_mkdirat(struct task *t, const uint64_t a[6])
{
    return do_mkdirat(t, (int)a[0], a[1], (uint32_t)a[2]);
}

static long do_unlinkat(struct task *t, int dirfd, gaddr_t upath,
                        unsigned flags)
{
    struct at_path ap;
    long ret;

    if (flags & ~(unsigned)AT_REMOVEDIR)
        return -EINVAL;
    ret = at_path_get(t, dirfd, upath, false, &ap);
    if (ret < 0)
        return ret;
    ret = vfs_unlink(t, &ap.at, ap.path, flags);
    at_path_put(t, &ap);
    return ret;
}

long sys_rmdir(struct task *t, const uint64_t a[6])
{
    return do_unlinkat(t, AT_FDCWD, a[0], AT_REMOVEDIR);
}

long sys_unlink(struct task *t, const uint64_t a[6])
{
    return do_unlinkat(t, AT_FDCWD, a[0], 0);
}

long sys_unlinkat(struct task *t, const uint64_t a[6])
{
    return do_unlinkat(t, (int)a[0], a[1], (unsigned)a[2]);
}

static long do_renameat2(struct task *t, int odirfd, gaddr_t uold,
                         int ndirfd, gaddr_t unew, unsigned flags)
{
    struct at_path o, n;
    long ret;

    if (flags & ~(unsigned)(VFS_RENAME_NOREPLACE | VFS_RENAME_EXCHANGE |
                            VFS_RENAME_WHITEOUT))
        return -EINVAL;
    if ((flags & VFS_RENAME_EXCHANGE) &&
        (flags & (VFS_RENAME_NOREPLACE | VFS_RENAME_WHITEOUT)))
        return -EINVAL;
    ret = at_pair_get(t, odirfd, uold, false, ndirfd, unew, &o, &n);
    if (ret < 0)
        return ret;
    ret = vfs_rename(t, &o.at, o.path, &n.at, n.path, flags);
    at_pair_put(t, &o, &n);
    return ret;
}

long sys_rename(struct task *t, const uint64_t a[6])
{
    return do_renameat2(t, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
}

long sys_renameat(struct task *t, const uint64_t a[6])
{
    return do_renameat2(t, (int)a[0], a[1], (int)a[2], a[3], 0);
}

long sys_renameat2(struct task *t, const uint64_t a[6])
{
    return do_renameat2(t, (int)a[0], a[1], (int)a[2], a[3],
                        (unsigned)a[4]);
}

/*
 * linkat: AT_EMPTY_PATH links the file dirfd refers to; Linux allows that
 * only with CAP_DAC_READ_SEARCH and says ENOENT otherwise.
 */
static long do_linkat(struct task *t, int odirfd, gaddr_t uold, int ndirfd,
                      gaddr_t unew, unsigned flags)
{
    struct at_path o, n;
    long ret;

    if (flags & ~(unsigned)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    if ((flags & AT_EMPTY_PATH) && task_cred(t)->euid != 0)
        return -ENOENT;
    ret = at_pair_get(t, odirfd, uold, flags & AT_EMPTY_PATH, ndirfd, unew,
                      &o, &n);
    if (ret < 0)
        return ret;
    ret = vfs_link(t, &o.at, o.path, &n.at, n.path, flags);
    at_pair_put(t, &o, &n);
    return ret;
}

long sys_link(struct task *t, const uint64_t a[6])
{
    return do_linkat(t, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
}

long sys_linkat(struct task *t, const uint64_t a[6])
{
    return do_linkat(t, (int)a[0], a[1], (int)a[2], a[3], (unsigned)a[4]);
}

static long do_symlinkat(struct task *t, gaddr_t utarget, int dirfd,
                         gaddr_t upath)
{
    struct at_path ap;
    char *target;
    long ret = path_get(t, utarget, false, &target);

    if (ret < 0)
        return ret;
    ret = at_path_get(t, dirfd, upath, false, &ap);
    if (ret == 0) {
        ret = vfs_symlink(t, target, &ap.at, ap.path);
        at_path_put(t, &ap);
    }
    path_put(t, target);
    return ret;
}

long sys_symlink(struct task *t, const uint64_t a[6])
{
    return do_symlinkat(t, a[0], AT_FDCWD, a[1]);
}

long sys_symlinkat(struct task *t, const uint64_t a[6])
{
    return do_symlinkat(t, a[0], (int)a[1], a[2]);
}

/*
 * mknod: regular files, fifos and sockets for anyone; device nodes need
 * privilege (EPERM); a directory type is EPERM and junk types EINVAL.
 */
static long do_mknodat(struct task *t, int dirfd, gaddr_t upath,
                       uint32_t mode, uint32_t dev)
{
    struct at_path ap;
    long ret;

    switch (mode & S_IFMT) {
    case 0:
        mode |= S_IFREG;
        break;
    case S_IFREG:
    case S_IFIFO:
    case S_IFSOCK:
    case S_IFCHR:
    case S_IFBLK:
        break;
    case S_IFDIR:
        return -EPERM;
    default:
        return -EINVAL;
    }
    ret = at_path_get(t, dirfd, upath, false, &ap);
    if (ret < 0)
        return ret;
    if ((S_ISCHR(mode) || S_ISBLK(mode)) && task_cred(t)->euid != 0) {
        ret = -EPERM;
        goto out;
    }
    mode = (mode & S_IFMT) | (mode & 07777 & ~t->proc->umask);
    ret = vfs_mknod(t, &ap.at, ap.path, mode, dev);
out:
    at_path_put(t, &ap);
    return ret;
}

long sys_mknod(struct task *t, const uint64_t a[6])
{
    return do_mknodat(t, AT_FDCWD, a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

long sys_mknodat(struct task *t, const uint64_t a[6])
{
    return do_mknodat(t, (int)a[0], a[1], (uint32_t)a[2], (uint32_t)a[3]);
}
