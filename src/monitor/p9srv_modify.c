// SPDX-License-Identifier: MIT
/* Modifying requests of the monitor's 9P server (host side): Tsetattr,
 * Tmkdir, Tsymlink, Tmknod, Tlink, Trename, Trenameat, Tunlinkat, Tremove;
 * each refused with EROFS on a read-only mount. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor/p9srv_int.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

enum {
    P9_SETATTR_MODE = 0x1, P9_SETATTR_UID = 0x2, P9_SETATTR_GID = 0x4,
    P9_SETATTR_SIZE = 0x8, P9_SETATTR_ATIME = 0x10, P9_SETATTR_MTIME = 0x20,
    P9_SETATTR_ATIME_SET = 0x80, P9_SETATTR_MTIME_SET = 0x100,
};

/* A directory fid on a writable mount, for creating or removing in it. */
static int dir_fid(struct mon_p9srv *srv, uint32_t num, struct p9_fid **out)
{
    struct p9_fid *fid = p9_fid_get(srv, num);

    if (!fid || fid->fd < 0)
        return -EBADF;
    if (!S_ISDIR(fid->mode))
        return -ENOTDIR;
    if (!fid->mnt->rw)
        return -EROFS;
    *out = fid;
    return 0;
}

/* dir_fid(), and a (name) that may be created or removed in it. */
static int dir_entry(struct mon_p9srv *srv, uint32_t num, const char *name,
                     struct p9_fid **out)
{
    int err = dir_fid(srv, num, out);

    return err ? err : p9_check_name(name);
}

/* An open fid on a writable mount. */
static int rw_fid(const struct p9_fid *fid)
{
    if (!fid || fid->fd < 0)
        return -EBADF;
    return fid->mnt->rw ? 0 : -EROFS;
}

/* Set-id bits are never set on non-directories: the host would honour
 * them for whoever runs the file there. */
static mode_t safe_mode(mode_t mode, bool is_dir)
{
    return mode & (is_dir ? 07777 : 01777);
}

static int put_child_qid(struct mon_p9srv *srv, int dfd, const char *name,
                         struct p9_out *out)
{
    struct p9_qid qid;
    struct stat st;

    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    p9_qid_from_stat(srv, &st, &qid);
    p9_putqid(out, &qid);
    return 0;
}

static int set_size(struct p9_fid *fid, uint64_t size)
{
    int fd, err = 0;

    if (size > (uint64_t)INT64_MAX)
        return -EINVAL;
    if (S_ISDIR(fid->mode))
        return -EISDIR;
    if (fid->ofd >= 0 && (fid->oflags & O_ACCMODE) != O_RDONLY)
        return ftruncate(fid->ofd, (off_t)size) < 0 ? -errno : 0;
    fd = p9_fid_reopen(fid, O_WRONLY | O_NONBLOCK);
    if (fd < 0)
        return fd;
    if (ftruncate(fd, (off_t)size) < 0)
        err = -errno;
    close(fd);
    return err;
}

/* set_size within the mount's disk budget. */
static int budget_set_size(struct p9_fid *fid, uint64_t size)
{
    struct stat st;
    int err;

    if (!fid->mnt->budget || size > (uint64_t)INT64_MAX)
        return set_size(fid, size);
    err = p9_fid_stat(fid, &st);
    if (!err)
        err = p9_budget_size(fid->mnt, st.st_size, (int64_t)size);
    if (!err && (err = set_size(fid, size)))
        p9_budget_size(fid->mnt, (int64_t)size, st.st_size);
    return err;
}

static void set_time(struct timespec *ts, uint32_t valid, uint32_t on,
                     uint32_t set, uint64_t sec, uint64_t nsec)
{
    if (!(valid & on))
        ts->tv_nsec = UTIME_OMIT;
    else if (!(valid & set))
        ts->tv_nsec = UTIME_NOW;
    else {
        ts->tv_sec = (time_t)sec;
        /* Out of range values reach utimensat and give EINVAL there. */
        ts->tv_nsec = nsec < 1000000000u ? (long)nsec : -2;
    }
}

int p9_op_setattr(struct mon_p9srv *srv, struct p9_in *in,
                  struct p9_out *out)
{
    struct p9_fid *fid = p9_fid_get(srv, p9_get32(in));
    uint32_t valid = p9_get32(in);
    uint32_t mode = p9_get32(in);
    uint32_t uid = p9_get32(in);
    uint32_t gid = p9_get32(in);
    uint64_t size = p9_get64(in);
    uint64_t asec = p9_get64(in), ansec = p9_get64(in);
    uint64_t msec = p9_get64(in), mnsec = p9_get64(in);
    struct timespec ts[2] = { { 0, 0 }, { 0, 0 } };
    int err;

    (void)out;
    if (in->err)
        return in->err;
    err = rw_fid(fid);
    if (err)
        return err;
    /* Landlock does not cover chmod, chown and utimes: an object the host
     * moved out of the export keeps its fid here, and must not be
     * changed through it. */
    if (!fid->is_root) {
        err = p9_fid_parent(fid);
        if (err)
            return err;
    }
    if (valid & P9_SETATTR_MODE) {
        if (syscall(SYS_fchmodat2, fid->fd, "",
                    safe_mode(mode, S_ISDIR(fid->mode)), AT_EMPTY_PATH) < 0)
            return -errno;
    }
    if (valid & (P9_SETATTR_UID | P9_SETATTR_GID)) {
        uid_t u = valid & P9_SETATTR_UID ? (uid_t)uid : (uid_t)-1;
        gid_t g = valid & P9_SETATTR_GID ? (gid_t)gid : (gid_t)-1;

        if (fchownat(fid->fd, "", u, g, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
            return -errno;
    }
    if (valid & P9_SETATTR_SIZE) {
        err = budget_set_size(fid, size);
        if (err)
            return err;
    }
    if (valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME)) {
        set_time(&ts[0], valid, P9_SETATTR_ATIME, P9_SETATTR_ATIME_SET, asec,
                 ansec);
        set_time(&ts[1], valid, P9_SETATTR_MTIME, P9_SETATTR_MTIME_SET, msec,
                 mnsec);
        if (utimensat(fid->fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
            return -errno;
    }
    return 0;
}

int p9_op_mkdir(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    char name[NAME_MAX + 2];
    uint32_t num = p9_get32(in);
    uint32_t mode;
    struct p9_fid *dir;
    int err, charged;

    p9_getstr(in, name, sizeof(name));
    mode = p9_get32(in);
    p9_get32(in);       /* gid */
    if (in->err)
        return in->err;
    err = dir_entry(srv, num, name, &dir);
    if (err)
        return err;
    charged = p9_budget_entry(dir->mnt, dir->fd, name);
    if (charged < 0)
        return charged;
    if (mkdirat(dir->fd, name, safe_mode(mode, true)) < 0) {
        err = -errno;
        p9_budget_charge(dir->mnt, charged ? -P9_BUDGET_ENTRY : 0);
        return err;
    }
    return put_child_qid(srv, dir->fd, name, out);
}

int p9_op_symlink(struct mon_p9srv *srv, struct p9_in *in,
                  struct p9_out *out)
{
    char name[NAME_MAX + 2], target[PATH_MAX];
    uint32_t num = p9_get32(in);
    struct p9_fid *dir;
    int err, charged;

    p9_getstr(in, name, sizeof(name));
    p9_getstr(in, target, sizeof(target));
    p9_get32(in);       /* gid */
    if (in->err)
        return in->err;
    err = dir_entry(srv, num, name, &dir);
    if (err)
        return err;
    if (!target[0])
        return -ENOENT;
    /* The target is stored as text; the server itself never follows it. */
    charged = p9_budget_entry(dir->mnt, dir->fd, name);
    if (charged < 0)
        return charged;
    if (symlinkat(target, dir->fd, name) < 0) {
        err = -errno;
        p9_budget_charge(dir->mnt, charged ? -P9_BUDGET_ENTRY : 0);
        return err;
    }
    return put_child_qid(srv, dir->fd, name, out);
}

int p9_op_mknod(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    char name[NAME_MAX + 2];
    uint32_t num = p9_get32(in);
    uint32_t mode;
    struct p9_fid *dir;
    int err, charged;

    p9_getstr(in, name, sizeof(name));
    mode = p9_get32(in);
    p9_get32(in);       /* major */
    p9_get32(in);       /* minor */
    p9_get32(in);       /* gid */
    if (in->err)
        return in->err;
    err = dir_entry(srv, num, name, &dir);
    if (err)
        return err;
    /* No FIFOs or devices on the host: the server would block in open()
     * on a FIFO, and nothing needs devices. A socket node is what a
     * guest's bind(2) leaves; the guest's socket lives in lbox, nothing
     * on the host listens on it, and open() of it fails at once. */
    if (!S_ISREG(mode) && !S_ISSOCK(mode))
        return -EPERM;
    charged = p9_budget_entry(dir->mnt, dir->fd, name);
    if (charged < 0)
        return charged;
    if (mknodat(dir->fd, name, (mode & S_IFMT) | safe_mode(mode, false), 0)) {
        err = -errno;
        p9_budget_charge(dir->mnt, charged ? -P9_BUDGET_ENTRY : 0);
        return err;
    }
    return put_child_qid(srv, dir->fd, name, out);
}

int p9_op_link(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    char name[NAME_MAX + 2];
    uint32_t dnum = p9_get32(in);
    struct p9_fid *fid = p9_fid_get(srv, p9_get32(in));
    struct p9_fid *dir;
    int err;

    (void)out;
    p9_getstr(in, name, sizeof(name));
    if (in->err)
        return in->err;
    err = dir_fid(srv, dnum, &dir);
    if (!err)
        err = rw_fid(fid);
    if (err)
        return err;
    if (S_ISDIR(fid->mode))
        return -EPERM;
    err = p9_check_name(name);
    if (!err)
        err = p9_fid_parent(fid);
    if (err)
        return err;
    if (linkat(fid->pfd, fid->name, dir->fd, name, 0) < 0)
        return -errno;
    return 0;
}

/* Rename (oldname) in (odir) to (newname) in (ndir) and keep the fids
 * that named the old entry pointing at the file. */
static int do_rename(struct mon_p9srv *srv, struct p9_fid *odir,
                     const char *oldname, struct p9_fid *ndir,
                     const char *newname)
{
    struct stat ost;

    if (fstat(odir->fd, &ost) < 0)
        return -errno;
    if (renameat(odir->fd, oldname, ndir->fd, newname) < 0)
        return -errno;
    p9_fids_renamed(srv, ost.st_dev, ost.st_ino, oldname, ndir->fd, newname);
    return 0;
}

int p9_op_rename(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    char name[NAME_MAX + 2];
    struct p9_fid *fid = p9_fid_get(srv, p9_get32(in));
    uint32_t dnum = p9_get32(in);
    struct p9_fid *dir, parent;
    char *oldname;
    int err;

    (void)out;
    p9_getstr(in, name, sizeof(name));
    if (in->err)
        return in->err;
    err = rw_fid(fid);
    if (!err)
        err = dir_entry(srv, dnum, name, &dir);
    if (!err)
        err = p9_fid_parent(fid);
    if (err)
        return err;
    oldname = strdup(fid->name);
    if (!oldname)
        return -ENOMEM;
    memset(&parent, 0, sizeof(parent));
    parent.fd = fid->pfd;
    err = do_rename(srv, &parent, oldname, dir, name);
    free(oldname);
    return err;
}

int p9_op_renameat(struct mon_p9srv *srv, struct p9_in *in,
                   struct p9_out *out)
{
    char oldname[NAME_MAX + 2], newname[NAME_MAX + 2];
    uint32_t onum, nnum;
    struct p9_fid *odir, *ndir;
    int err;

    (void)out;
    onum = p9_get32(in);
    p9_getstr(in, oldname, sizeof(oldname));
    nnum = p9_get32(in);
    p9_getstr(in, newname, sizeof(newname));
    if (in->err)
        return in->err;
    err = dir_fid(srv, onum, &odir);
    if (!err)
        err = dir_fid(srv, nnum, &ndir);
    if (!err)
        err = p9_check_name(oldname);
    if (!err)
        err = p9_check_name(newname);
    if (err)
        return err;
    return do_rename(srv, odir, oldname, ndir, newname);
}

int p9_op_unlinkat(struct mon_p9srv *srv, struct p9_in *in,
                   struct p9_out *out)
{
    char name[NAME_MAX + 2];
    uint32_t num = p9_get32(in);
    uint32_t flags;
    struct p9_fid *dir;
    int err;

    (void)out;
    p9_getstr(in, name, sizeof(name));
    flags = p9_get32(in);
    if (in->err)
        return in->err;
    err = dir_entry(srv, num, name, &dir);
    if (err)
        return err;
    if (flags & ~(uint32_t)AT_REMOVEDIR)
        return -EINVAL;
    p9_budget_unlink(dir->mnt, dir->fd, name);
    if (unlinkat(dir->fd, name, (int)flags) < 0)
        return -errno;
    return 0;
}

int p9_op_remove(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    struct p9_fid *fid = p9_fid_get(srv, p9_get32(in));
    int err;

    (void)out;
    if (in->err)
        return in->err;
    if (!fid)
        return -EBADF;
    /* Tremove clunks the fid whether or not the removal worked. */
    err = rw_fid(fid);
    if (!err)
        err = p9_fid_parent(fid);
    if (!err)
        p9_budget_unlink(fid->mnt, fid->pfd, fid->name);
    if (!err && unlinkat(fid->pfd, fid->name,
                         S_ISDIR(fid->mode) ? AT_REMOVEDIR : 0) < 0)
        err = -errno;
    p9_fid_del(srv, fid);
    return err;
}
