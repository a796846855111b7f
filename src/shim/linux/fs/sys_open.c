/* SPDX-License-Identifier: MIT */
/*
 * implements open(2), openat(2), creat(2), openat2(2), close(2),
 * close_range(2) for the Linux shim (North side, kernel image).
 */
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/fs/sys_fs.h"

#define O_TMPFILE_DIR 020000000 /* __O_TMPFILE without O_DIRECTORY */
#define O_SYNC_ONLY   04000000  /* __O_SYNC */

/* Every flag open(2) knows on x86-64 (Linux's VALID_OPEN_FLAGS). */
#define VALID_OPEN_FLAGS                                                   \
    (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |        \
     O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE |             \
     O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC_ONLY |      \
     O_PATH | O_TMPFILE_DIR)

#define S_IALLUGO 07777

static bool will_create(uint64_t flags)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE_DIR);
}

/*
 * The open itself, after each syscall checked its own argument rules:
 * (flags) are already validated; (mode) is already 0 unless creating.
 */
static long do_open(struct task *t, int dirfd, gaddr_t upath, uint32_t flags,
                    uint32_t mode)
{
    struct vfs_loc at;
    struct file *f;
    char *path;
    bool cloexec = flags & O_CLOEXEC;
    long ret;

    if ((flags & O_CREAT) && (flags & O_DIRECTORY))
        return -EINVAL;
    if (flags & O_TMPFILE_DIR) {
        if ((flags & O_TMPFILE) != O_TMPFILE)
            return -EINVAL;
        if ((flags & O_ACCMODE) != O_WRONLY && (flags & O_ACCMODE) != O_RDWR)
            return -EINVAL;
        return -EOPNOTSUPP; /* no unnamed files in the VFS yet */
    }
    if (flags & O_SYNC_ONLY)
        flags |= O_DSYNC;
    if (flags & O_PATH)
        flags &= O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;
    else
        flags |= O_LARGEFILE; /* always on x86-64, but not for O_PATH */
    /* O_CLOEXEC belongs to the fd, not the open file description. */
    flags &= ~(uint32_t)O_CLOEXEC;
    mode &= ~t->proc->umask;

    ret = path_get(t, upath, false, &path);
    if (ret < 0)
        return ret;
    ret = at_loc(t, dirfd, path, &at);
    if (ret < 0)
        goto out_path;
    ret = vfs_open(t, &at, path, flags, mode, &f);
    vfs_loc_put(&at);
    if (ret < 0)
        goto out_path;
    ret = fdt_install(t->proc->fdt, f, 0, cloexec, nofile_limit(t));
    if (ret < 0) {
        vfs_file_put(f);
        if (ret == -EINVAL) /* limit 0: no fd is possible */
            ret = -EMFILE;
    }
out_path:
    path_put(t, path);
    return ret;
}

/* open/openat/creat: unknown flag bits are ignored, as Linux does. */
static long legacy_open(struct task *t, int dirfd, gaddr_t upath,
                        uint32_t flags, uint32_t mode)
{
    flags &= VALID_OPEN_FLAGS;
    mode = will_create(flags) ? mode & S_IALLUGO : 0;
    return do_open(t, dirfd, upath, flags, mode);
}

long sys_open(struct task *t, const uint64_t a[6])
{
    return legacy_open(t, AT_FDCWD, a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

long sys_openat(struct task *t, const uint64_t a[6])
{
    return legacy_open(t, (int)a[0], a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

long sys_creat(struct task *t, const uint64_t a[6])
{
    return legacy_open(t, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC,
                       (uint32_t)a[1]);
}

/*
 * openat2: strict about every field. Path-resolution restrictions
 * (RESOLVE_*) are not implemented by the VFS yet, so any is -EINVAL; a
 * larger struct is accepted only if its extra bytes are zero (-E2BIG).
 */
long sys_openat2(struct task *t, const uint64_t a[6])
{
    int dirfd = (int)a[0];
    gaddr_t upath = a[1], uhow = a[2];
    size_t usize = a[3];
    struct linux_open_how how;
    int ret;

    if (usize < OPEN_HOW_SIZE_VER0)
        return -EINVAL;
    if (usize > 4096)
        return -E2BIG;
    ret = copy_from_guest(t, &how, uhow, sizeof(how));
    if (ret < 0)
        return ret;
    for (size_t off = sizeof(how); off < usize; off++) {
        unsigned char c;

        ret = copy_from_guest(t, &c, uhow + off, 1);
        if (ret < 0)
            return ret;
        if (c)
            return -E2BIG;
    }
    if (how.flags & ~(uint64_t)VALID_OPEN_FLAGS)
        return -EINVAL;
    if (will_create(how.flags)) {
        if (how.mode & ~(uint64_t)S_IALLUGO)
            return -EINVAL;
    } else if (how.mode) {
        return -EINVAL;
    }
    if (how.resolve)
        return -EINVAL;
    return do_open(t, dirfd, upath, (uint32_t)how.flags, (uint32_t)how.mode);
}

long sys_close(struct task *t, const uint64_t a[6])
{
    int fd = (int)a[0];

    return fdt_close(t->proc->fdt, fd);
}

/*
 * close_range: CLOSE_RANGE_UNSHARE asks for a private table first; threads
 * of a process share one table here, so the range is closed in that shared
 * table (what Linux does when no other thread exists).
 */
long sys_close_range(struct task *t, const uint64_t a[6])
{
    unsigned first = (unsigned)a[0], last = (unsigned)a[1];
    unsigned flags = (unsigned)a[2];

    if (flags & ~(unsigned)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
        return -EINVAL;
    if (first > last)
        return -EINVAL;
    return fdt_close_range(t->proc->fdt, first, last,
                           flags & CLOSE_RANGE_CLOEXEC);
}
