// SPDX-License-Identifier: MIT
/* Open-file requests of the monitor's 9P server (host side): Tlopen,
 * Tlcreate, Tread, Twrite, Treaddir, Tfsync, Tlock and Tgetlock, on fds
 * reopened beneath the mount root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor/p9srv_int.h"

/* Client open flags that are passed to the host; everything else (O_CREAT,
 * O_EXCL outside Tlcreate, O_NOATIME, O_DIRECT, O_PATH, O_TMPFILE, ...) is
 * dropped, and O_NOFOLLOW|O_CLOEXEC|O_NOCTTY are always added. */
#define P9_OPEN_KEEP (O_ACCMODE | O_TRUNC | O_APPEND | O_NONBLOCK | \
                      O_DIRECTORY | O_DSYNC | O_SYNC)

enum { P9_LOCK_SUCCESS = 0, P9_LOCK_BLOCKED = 1, P9_LOCK_ERROR = 2 };

static bool wants_write(int flags)
{
    return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

static int finish_open(struct mon_p9srv *srv, struct p9_fid *fid, int fd,
                       int flags, struct p9_out *out)
{
    struct p9_qid qid;
    struct stat st;
    int err = 0;

    /* Only regular files and directories are served for I/O. */
    if (fstat(fd, &st) < 0)
        err = -errno;
    else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        err = -ENXIO;
    if (err) {
        close(fd);
        return err;
    }
    fid->ofd = fd;
    fid->oflags = flags;
    fid->seekable = S_ISREG(st.st_mode) || S_ISDIR(st.st_mode);
    p9_qid_from_stat(srv, &st, &qid);
    p9_putqid(out, &qid);
    p9_put32(out, 0);   /* iounit: let the client use msize */
    return 0;
}

/* Once a request's fields are read from (in): (fid) exists and is not open
 * yet, or -errno (a malformed request first). */
static int unopened_fid(const struct p9_in *in, const struct p9_fid *fid)
{
    if (in->err)
        return in->err;
    if (!fid || fid->fd < 0)
        return -EBADF;
    return fid->ofd >= 0 ? -EBUSY : 0;
}

int p9_op_lopen(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    struct p9_fid *fid = p9_fid_get(srv, p9_get32(in));
    int flags = (int)p9_get32(in) & P9_OPEN_KEEP;
    int fd, tfd, err;
    bool trunc;

    err = unopened_fid(in, fid);
    if (err)
        return err;
    if ((flags & O_ACCMODE) == O_ACCMODE)
        return -EINVAL;
    if (wants_write(flags) && !fid->mnt->rw)
        return -EROFS;
    if (S_ISDIR(fid->mode) && wants_write(flags))
        return -EISDIR;
    if (S_ISFIFO(fid->mode))
        flags |= O_NONBLOCK;    /* never block the server on a FIFO */
    /* Truncate only once the reopened fd is known to be the fid's file. */
    trunc = flags & O_TRUNC;
    flags &= ~O_TRUNC;
    fd = p9_fid_reopen(fid, flags);
    if (fd < 0)
        return fd;
    if (trunc && S_ISREG(fid->mode)) {
        tfd = (flags & O_ACCMODE) == O_RDONLY ? p9_fid_reopen(fid, O_WRONLY)
                                              : fd;
        if (tfd < 0 || ftruncate(tfd, 0) < 0) {
            err = tfd < 0 ? tfd : -errno;
            if (tfd >= 0 && tfd != fd)
                close(tfd);
            close(fd);
            return err;
        }
        if (tfd != fd)
            close(tfd);
    }
    return finish_open(srv, fid, fd, flags, out);
}

int p9_op_lcreate(struct mon_p9srv *srv, struct p9_in *in,
                  struct p9_out *out)
{
    char name[NAME_MAX + 2];
    struct p9_fid *fid = p9_fid_get(srv, p9_get32(in));
    struct stat st, pst;
    uint32_t raw, mode;
    int flags, fd, pfd, err, charged;

    p9_getstr(in, name, sizeof(name));
    raw = p9_get32(in);
    mode = p9_get32(in);
    p9_get32(in);       /* gid: the served identity is fixed */
    err = unopened_fid(in, fid);
    if (err)
        return err;
    if (!S_ISDIR(fid->mode))
        return -ENOTDIR;
    if (!fid->mnt->rw)
        return -EROFS;
    err = p9_check_name(name);
    if (err)
        return err;
    flags = ((int)raw & P9_OPEN_KEEP & ~O_DIRECTORY) | ((int)raw & O_EXCL) |
            O_CREAT | O_NOFOLLOW;
    if ((flags & O_ACCMODE) == O_ACCMODE)
        return -EINVAL;
    charged = p9_budget_entry(fid->mnt, fid->fd, name);
    if (charged < 0)
        return charged;
    /* No set-id bits on new files: the host would honour them. */
    fd = p9_openat2(fid->fd, name, flags | O_NONBLOCK, mode & 01777);
    if (fd < 0) {
        p9_budget_charge(fid->mnt, charged ? -P9_BUDGET_ENTRY : 0);
        return fd;
    }
    pfd = p9_openat2(fid->fd, name, O_PATH | O_NOFOLLOW, 0);
    if (pfd < 0) {
        close(fd);
        return pfd;
    }
    if (fstat(fd, &st) < 0 || fstat(pfd, &pst) < 0 ||
        st.st_dev != pst.st_dev || st.st_ino != pst.st_ino) {
        close(fd);
        close(pfd);
        return -ESTALE;
    }
    err = p9_fid_descend(fid, pfd, name);
    if (err) {
        close(fd);
        return err;
    }
    return finish_open(srv, fid, fd, flags & ~(O_CREAT | O_EXCL), out);
}

/* Once a request's fields are read from (in): its open fid (num) into
 * *(out), or -errno (a malformed request first). */
static int open_fid(struct mon_p9srv *srv, const struct p9_in *in,
                    uint32_t num, struct p9_fid **out)
{
    struct p9_fid *fid;

    if (in->err)
        return in->err;
    fid = p9_fid_get(srv, num);
    if (!fid || fid->ofd < 0)
        return -EBADF;
    *out = fid;
    return 0;
}

/* Fill in the count[4] that opens an Rread or Rreaddir, put as 0. */
static void patch_count(struct p9_out *out, uint32_t count)
{
    for (int i = 0; i < 4; i++)
        out->buf[P9_HDRSZ + i] = (uint8_t)(count >> (8 * i));
}

int p9_op_read(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    uint32_t num = p9_get32(in);
    uint64_t off = p9_get64(in);
    uint32_t count = p9_get32(in);
    struct p9_fid *fid;
    uint8_t *data;
    ssize_t n;
    int err;

    err = open_fid(srv, in, num, &fid);
    if (err)
        return err;
    if (S_ISDIR(fid->mode))
        return -EISDIR;
    if (count > srv->msize - P9_IOHDRSZ)
        count = srv->msize - P9_IOHDRSZ;
    if (fid->seekable && off > (uint64_t)INT64_MAX)
        return -EINVAL;
    p9_put32(out, 0);
    data = p9_putraw(out, count);
    if (!data)
        return -EMSGSIZE;
    do {
        if (fid->seekable)
            n = pread(fid->ofd, data, count, (off_t)off);
        else
            n = read(fid->ofd, data, count);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    out->len -= count - (size_t)n;
    patch_count(out, (uint32_t)n);
    return 0;
}

/*
 * Lend the client the file itself, read-only, so its reads and private
 * mappings skip the channel. Only on a read-only mount, where the guest
 * may read the file anyway and lbox caches it for the sandbox's life,
 * and only a regular file: nothing a read or a mapping could block on.
 */
/*
 * Tlendfd fid[4] mode[4]: a descriptor of the fid's regular file, opened
 * afresh beneath the mount with (mode) O_RDONLY or O_RDWR. Read-write only
 * on an rw mount (the sandbox writes the file and maps it MAP_SHARED; it
 * could write it through Twrite anyway; with a disk budget its filter has
 * no pwrite64, and a mapping cannot grow the file) and never for a set-id
 * file, whose bits a write through a mapping would not clear.
 */
int p9_op_lendfd(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    struct p9_fid *fid = p9_fid_get(srv, p9_get32(in));
    uint32_t mode = p9_get32(in);
    struct stat st;
    int fd;

    (void)out;
    if (in->err)
        return in->err;
    if (!fid || fid->fd < 0)
        return -EBADF;
    if (mode != O_RDONLY && mode != O_RDWR)
        return -EINVAL;
    if (mode == O_RDWR && !fid->mnt->rw)
        return -EROFS;
    if (!S_ISREG(fid->mode))
        return -EINVAL;
    fd = p9_fid_reopen(fid, (int)mode);
    if (fd < 0)
        return fd;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        (mode == O_RDWR && (st.st_mode & (S_ISUID | S_ISGID)))) {
        close(fd);
        return S_ISREG(st.st_mode) ? -EPERM : -EINVAL;
    }
    srv->lent_fd = fd;
    return 0;
}

/* With a disk budget: shorten a write past the end to the room left
 * (-ENOSPC for none); (size) gets the file's size before it, or -1. */
static int budget_write(struct p9_fid *fid, uint64_t off, uint32_t *count,
                        int64_t *size)
{
    struct stat st;
    int64_t start, grow, room;

    *size = -1;
    if (fstat(fid->ofd, &st) < 0 || !S_ISREG(st.st_mode))
        return 0;
    *size = st.st_size;
    start = fid->seekable && !(fid->oflags & O_APPEND) ? (int64_t)off
                                                        : st.st_size;
    grow = start + (int64_t)*count - st.st_size;
    if (grow <= 0)
        return 0;
    room = p9_budget_room(fid->mnt, grow);
    if (room < 0)
        return (int)room;
    *count -= (uint32_t)(grow - room);
    return *count ? 0 : -ENOSPC;
}

int p9_op_write(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    uint32_t num = p9_get32(in);
    uint64_t off = p9_get64(in);
    uint32_t count = p9_get32(in);
    const uint8_t *data = p9_getraw(in, count);
    struct p9_fid *fid;
    int64_t size = -1;
    ssize_t n;
    int err;

    err = open_fid(srv, in, num, &fid);
    if (err)
        return err;
    if (!fid->mnt->rw)
        return -EROFS;
    if (fid->seekable && off > (uint64_t)INT64_MAX)
        return -EINVAL;
    if (fid->mnt->budget) {
        err = budget_write(fid, off, &count, &size);
        if (err)
            return err;
    }
    do {
        if (fid->seekable && !(fid->oflags & O_APPEND))
            n = pwrite(fid->ofd, data, count, (off_t)off);
        else
            n = write(fid->ofd, data, count);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if (fid->mnt->budget && size >= 0) {
        int64_t end = (fid->seekable && !(fid->oflags & O_APPEND)
                           ? (int64_t)off : size) + n;

        p9_budget_charge(fid->mnt, end > size ? end - size : 0);
    }
    p9_put32(out, (uint32_t)n);
    return 0;
}

static uint8_t qid_type_of(unsigned char d_type)
{
    if (d_type == DT_DIR)
        return P9_QTDIR;
    if (d_type == DT_LNK)
        return P9_QTSYMLINK;
    return P9_QTFILE;
}

int p9_op_readdir(struct mon_p9srv *srv, struct p9_in *in,
                  struct p9_out *out)
{
    uint32_t num = p9_get32(in);
    uint64_t off = p9_get64(in);
    uint32_t count = p9_get32(in);
    size_t start, limit;
    struct p9_fid *fid;
    struct stat dst;
    char *buf;
    long n;
    int err = 0;

    err = open_fid(srv, in, num, &fid);
    if (err)
        return err;
    if (!S_ISDIR(fid->mode))
        return -ENOTDIR;
    if (off > (uint64_t)INT64_MAX)
        return -EINVAL;
    if (count > srv->msize - P9_IOHDRSZ)
        count = srv->msize - P9_IOHDRSZ;
    if (fstat(fid->ofd, &dst) < 0)
        return -errno;
    if (lseek(fid->ofd, (off_t)off, SEEK_SET) < 0)
        return -errno;
    buf = malloc(65536);
    if (!buf)
        return -ENOMEM;
    p9_put32(out, 0);
    start = out->len;
    limit = start + count;
    while ((n = syscall(SYS_getdents64, fid->ofd, buf, 65536)) > 0) {
        for (long pos = 0; pos < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + pos);
            size_t nlen = strlen(d->d_name);
            struct stat st = { .st_dev = dst.st_dev, .st_ino = d->d_ino };
            struct p9_qid qid;

            pos += d->d_reclen;
            if (out->len + P9_QIDSZ + 8 + 1 + 2 + nlen > limit)
                goto full;
            st.st_mode = d->d_type == DT_DIR ? S_IFDIR
                         : d->d_type == DT_LNK ? S_IFLNK : S_IFREG;
            p9_qid_from_stat(srv, &st, &qid);
            qid.type = qid_type_of(d->d_type);
            qid.version = 0;
            p9_putqid(out, &qid);
            p9_put64(out, (uint64_t)d->d_off);
            p9_put8(out, d->d_type);
            p9_putstr(out, d->d_name, nlen);
        }
    }
    if (n < 0)
        err = -errno;
full:
    free(buf);
    if (err)
        return err;
    patch_count(out, (uint32_t)(out->len - start));
    return 0;
}

int p9_op_fsync(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    uint32_t num = p9_get32(in);
    uint32_t datasync = in->left >= 4 ? p9_get32(in) : 0;
    struct p9_fid *fid;
    int err;

    (void)out;
    err = open_fid(srv, in, num, &fid);
    if (err)
        return err;
    if ((datasync ? fdatasync(fid->ofd) : fsync(fid->ofd)) < 0)
        return -errno;
    return 0;
}

/* Fill (fl) from the 9P lock fields; 9P2000.L lock types and flock's
 * share their values on Linux (RDLCK 0, WRLCK 1, UNLCK 2). */
static int to_flock(uint8_t type, uint64_t start, uint64_t length,
                    struct flock *fl)
{
    if (type > 2 || start > (uint64_t)INT64_MAX ||
        length > (uint64_t)INT64_MAX)
        return -EINVAL;
    memset(fl, 0, sizeof(*fl));
    fl->l_type = type == 0 ? F_RDLCK : type == 1 ? F_WRLCK : F_UNLCK;
    fl->l_whence = SEEK_SET;
    fl->l_start = (off_t)start;
    fl->l_len = (off_t)length;     /* 0: to the end, as in 9P */
    return 0;
}

/*
 * A lock on a host file is visible to every host process that locks it:
 * a read lock held through a read-only mount would make host writers
 * fail ("database is locked") for as long as the guest likes. The guest
 * kernel keeps its locks inside lbox and never sends Tlock; a raw
 * client gets host locks only where it may write anyway, on rw mounts.
 * Tgetlock is refused alike so host lock state is not observable there.
 */
static int lock_allowed(const struct p9_fid *fid)
{
    return fid->mnt->rw ? 0 : -EROFS;
}

int p9_op_lock(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    uint32_t num = p9_get32(in);
    uint8_t type = p9_get8(in);
    struct p9_fid *fid;
    struct flock fl;
    uint64_t start, length;
    int err;

    p9_get32(in);       /* flags: a blocked lock is reported, never waited */
    start = p9_get64(in);
    length = p9_get64(in);
    p9_get32(in);       /* proc_id */
    p9_skipstr(in);     /* client_id */
    err = open_fid(srv, in, num, &fid);
    if (err)
        return err;
    err = lock_allowed(fid);
    if (err)
        return err;
    err = to_flock(type, start, length, &fl);
    if (err)
        return err;
    if (fcntl(fid->ofd, F_OFD_SETLK, &fl) == 0)
        p9_put8(out, P9_LOCK_SUCCESS);
    else if (errno == EAGAIN || errno == EACCES)
        p9_put8(out, P9_LOCK_BLOCKED);
    else
        p9_put8(out, P9_LOCK_ERROR);
    return 0;
}

int p9_op_getlock(struct mon_p9srv *srv, struct p9_in *in,
                  struct p9_out *out)
{
    char client[256];
    uint32_t num = p9_get32(in);
    uint8_t type = p9_get8(in);
    uint64_t start = p9_get64(in);
    uint64_t length = p9_get64(in);
    uint32_t proc_id = p9_get32(in);
    struct p9_fid *fid;
    struct flock fl;
    int err;

    p9_getstr(in, client, sizeof(client));
    err = open_fid(srv, in, num, &fid);
    if (err)
        return err;
    err = lock_allowed(fid);
    if (err)
        return err;
    err = to_flock(type, start, length, &fl);
    if (err)
        return err;
    if (fcntl(fid->ofd, F_OFD_GETLK, &fl) < 0)
        return -errno;
    if (fl.l_type == F_UNLCK) {
        p9_put8(out, 2);
        p9_put64(out, start);
        p9_put64(out, length);
        p9_put32(out, proc_id);
        p9_putstr(out, client, strlen(client));
        return 0;
    }
    /* A conflicting lock from another fid or host process: its owner
     * is not known here. */
    p9_put8(out, fl.l_type == F_RDLCK ? 0 : 1);
    p9_put64(out, (uint64_t)fl.l_start);
    p9_put64(out, (uint64_t)fl.l_len);
    p9_put32(out, 0);
    p9_putstr(out, "", 0);
    return 0;
}
