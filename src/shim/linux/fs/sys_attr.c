/* SPDX-License-Identifier: MIT */
/*
 * implements chmod(2), fchmod(2), fchmodat(2), chown(2), fchown(2),
 * lchown(2), fchownat(2), utime(2), utimes(2), utimensat(2), futimesat(2)
 * for the Linux shim (North side, kernel image): attribute changes.
 */
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/fs/sys_fs.h"

/* Apply (sa) to (dirfd, path), or to the open file (fd) when (upath) is 0
 * and (dirfd) names a file. */
static long setattr_at(struct task *t, int dirfd, gaddr_t upath,
                       unsigned flags, const struct vfs_setattr *sa)
{
    struct vfs_loc at;
    char *path;
    long ret;

    ret = path_get(t, upath, flags & AT_EMPTY_PATH, &path);
    if (ret < 0)
        return ret;
    ret = at_loc(t, dirfd, path, &at);
    if (ret == 0) {
        ret = vfs_setattr(t, &at, path, flags, sa);
        vfs_loc_put(&at);
    }
    path_put(t, path);
    return ret;
}

static long setattr_fd(struct task *t, int fd, const struct vfs_setattr *sa)
{
    struct file *f;
    long ret = fd_get_open(t, fd, &f);

    if (ret < 0)
        return ret;
    ret = vfs_fsetattr(t, f, sa);
    vfs_file_put(f);
    return ret;
}

static void mode_attr(struct vfs_setattr *sa, uint64_t mode)
{
    memset(sa, 0, sizeof(*sa));
    sa->valid = VFS_ATTR_MODE;
    sa->mode = (uint32_t)mode & 07777;
}

long sys_chmod(struct task *t, const uint64_t a[6])
{
    struct vfs_setattr sa;

    mode_attr(&sa, a[1]);
    return setattr_at(t, AT_FDCWD, a[0], 0, &sa);
}

long sys_fchmod(struct task *t, const uint64_t a[6])
{
    struct vfs_setattr sa;

    mode_attr(&sa, a[1]);
    return setattr_fd(t, (int)a[0], &sa);
}

/* fchmodat(2) has no flags argument (that is fchmodat2). */
long sys_fchmodat(struct task *t, const uint64_t a[6])
{
    struct vfs_setattr sa;

    mode_attr(&sa, a[2]);
    return setattr_at(t, (int)a[0], a[1], 0, &sa);
}

/* An id of -1 leaves that id alone. */
static void owner_attr(struct vfs_setattr *sa, uint64_t uid, uint64_t gid)
{
    memset(sa, 0, sizeof(*sa));
    if ((uint32_t)uid != 0xffffffffU) {
        sa->valid |= VFS_ATTR_UID;
        sa->uid = (uint32_t)uid;
    }
    if ((uint32_t)gid != 0xffffffffU) {
        sa->valid |= VFS_ATTR_GID;
        sa->gid = (uint32_t)gid;
    }
}

long sys_chown(struct task *t, const uint64_t a[6])
{
    struct vfs_setattr sa;

    owner_attr(&sa, a[1], a[2]);
    return setattr_at(t, AT_FDCWD, a[0], 0, &sa);
}

long sys_lchown(struct task *t, const uint64_t a[6])
{
    struct vfs_setattr sa;

    owner_attr(&sa, a[1], a[2]);
    return setattr_at(t, AT_FDCWD, a[0], AT_SYMLINK_NOFOLLOW, &sa);
}

long sys_fchown(struct task *t, const uint64_t a[6])
{
    struct vfs_setattr sa;

    owner_attr(&sa, a[1], a[2]);
    return setattr_fd(t, (int)a[0], &sa);
}

long sys_fchownat(struct task *t, const uint64_t a[6])
{
    unsigned flags = (unsigned)a[4];
    struct vfs_setattr sa;

    if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    owner_attr(&sa, a[2], a[3]);
    return setattr_at(t, (int)a[0], a[1], flags, &sa);
}

/* --- times --------------------------------------------------------------- */

/*
 * One timestamp of a utimes-family request into (sa): UTIME_NOW sets only
 * the *_NOW bit (write permission suffices for it; the value is filled in
 * too for filesystems that read it), an explicit time the plain bit (owner
 * only); UTIME_OMIT leaves it alone. (nsec) has been validated.
 */
static void time_attr(struct vfs_setattr *sa, bool atime, int64_t sec,
                      int64_t nsec)
{
    struct vfs_time v = { sec, nsec };

    if (nsec == UTIME_OMIT)
        return;
    if (nsec == UTIME_NOW)
        v = vfs_now();
    if (atime) {
        sa->valid |= nsec == UTIME_NOW ? VFS_ATTR_ATIME_NOW : VFS_ATTR_ATIME;
        sa->atime = v;
    } else {
        sa->valid |= nsec == UTIME_NOW ? VFS_ATTR_MTIME_NOW : VFS_ATTR_MTIME;
        sa->mtime = v;
    }
}

static bool nsec_valid(int64_t nsec)
{
    return (nsec >= 0 && nsec <= 999999999) || nsec == UTIME_NOW ||
           nsec == UTIME_OMIT;
}

/*
 * The common end of the four calls: (ts) NULL means "now" for both.
 * A NULL (upath) on a real dirfd changes the open file (futimens).
 */
static long do_utimes(struct task *t, int dirfd, gaddr_t upath,
                      const struct linux_timespec *ts, unsigned flags)
{
    struct vfs_setattr sa;

    memset(&sa, 0, sizeof(sa));
    if (ts) {
        if (!nsec_valid(ts[0].tv_nsec) || !nsec_valid(ts[1].tv_nsec))
            return -EINVAL;
        time_attr(&sa, true, ts[0].tv_sec, ts[0].tv_nsec);
        time_attr(&sa, false, ts[1].tv_sec, ts[1].tv_nsec);
    } else {
        time_attr(&sa, true, 0, UTIME_NOW);
        time_attr(&sa, false, 0, UTIME_NOW);
    }
    if (!upath && dirfd != AT_FDCWD) {
        if (flags)
            return -EINVAL;
        return setattr_fd(t, dirfd, &sa);
    }
    if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    return setattr_at(t, dirfd, upath, flags, &sa);
}

long sys_utimensat(struct task *t, const uint64_t a[6])
{
    int dirfd = (int)a[0];
    gaddr_t upath = a[1], utimes = a[2];
    unsigned flags = (unsigned)a[3];
    struct linux_timespec ts[2];

    if (utimes) {
        int ret = copy_from_guest(t, ts, utimes, sizeof(ts));

        if (ret < 0)
            return ret;
        /* Linux returns here without looking at anything else. */
        if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
            return 0;
    }
    return do_utimes(t, dirfd, upath, utimes ? ts : NULL, flags);
}

/* utimes/futimesat: microseconds, each in [0, 1000000). */
static long timeval_utimes(struct task *t, int dirfd, gaddr_t upath,
                           gaddr_t utv)
{
    struct linux_timeval tv[2];
    struct linux_timespec ts[2];

    if (!utv)
        return do_utimes(t, dirfd, upath, NULL, 0);
    if (copy_from_guest(t, tv, utv, sizeof(tv)) < 0)
        return -EFAULT;
    for (int i = 0; i < 2; i++) {
        if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
            return -EINVAL;
        ts[i].tv_sec = tv[i].tv_sec;
        ts[i].tv_nsec = tv[i].tv_usec * 1000;
    }
    return do_utimes(t, dirfd, upath, ts, 0);
}

long sys_utimes(struct task *t, const uint64_t a[6])
{
    return timeval_utimes(t, AT_FDCWD, a[0], a[1]);
}

long sys_futimesat(struct task *t, const uint64_t a[6])
{
    return timeval_utimes(t, (int)a[0], a[1], a[2]);
}

long sys_utime(struct task *t, const uint64_t a[6])
{
    gaddr_t upath = a[0], ubuf = a[1];
    struct linux_utimbuf ub;
    struct linux_timespec ts[2];

    if (!ubuf)
        return do_utimes(t, AT_FDCWD, upath, NULL, 0);
    if (copy_from_guest(t, &ub, ubuf, sizeof(ub)) < 0)
        return -EFAULT;
    ts[0] = (struct linux_timespec){ ub.actime, 0 };
    ts[1] = (struct linux_timespec){ ub.modtime, 0 };
    return do_utimes(t, AT_FDCWD, upath, ts, 0);
}
