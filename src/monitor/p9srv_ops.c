// SPDX-License-Identifier: MIT
/* Session and lookup requests of the monitor's 9P server (host side):
 * Tversion, Tattach, Tflush, Twalk, Tclunk, Tgetattr, Tstatfs, Treadlink,
 * lbox's Twalkattr, and the unsupported xattr requests. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "monitor/p9srv_int.h"

#define P9_GETATTR_BASIC 0x000007ffull

int p9_op_version(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    char version[32];
    uint32_t msize = p9_get32(in);

    p9_getstr(in, version, sizeof(version));
    if (in->err == -ENAMETOOLONG) {
        in->err = 0;
        version[0] = '\0';      /* some other, longer version: unknown */
    }
    if (in->err)
        return in->err;
    if (msize < P9_MIN_MSIZE)
        return -EINVAL;
    /* A new session: everything of the old one is dropped. */
    p9_fid_del_all(srv);
    if (msize > MON_P9SRV_MAX_MSIZE)
        msize = MON_P9SRV_MAX_MSIZE;
    p9_put32(out, msize);
    if (strcmp(version, "9P2000.L")) {
        srv->versioned = false;
        p9_putstr(out, "unknown", 7);
        return 0;
    }
    srv->msize = msize;
    srv->versioned = true;
    p9_putstr(out, "9P2000.L", 8);
    return 0;
}

int p9_op_attach(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    char aname[PATH_MAX];
    struct p9_mount *mnt = NULL;
    struct p9_fid *fid;
    struct p9_qid qid;
    struct stat st;
    uint32_t num = p9_get32(in);
    uint32_t afid = p9_get32(in);
    int err;

    p9_skipstr(in);     /* uname: the served identity is fixed */
    p9_getstr(in, aname, sizeof(aname));
    if (in->err)
        return in->err;
    if (afid != P9_NOFID)
        return -EINVAL;
    for (size_t i = 0; i < srv->nmounts; i++) {
        if (!strcmp(srv->mounts[i].guest, aname)) {
            mnt = &srv->mounts[i];
            break;
        }
    }
    if (!mnt && !aname[0] && srv->nmounts == 1)
        mnt = &srv->mounts[0];
    if (!mnt)
        return -ENOENT;
    err = p9_fid_add(srv, num, &fid);
    if (err)
        return err;
    err = p9_fid_set_root(fid, mnt);
    if (!err)
        err = p9_fid_stat(fid, &st);
    if (err) {
        p9_fid_del(srv, fid);
        return err;
    }
    p9_qid_from_stat(srv, &st, &qid);
    p9_putqid(out, &qid);
    return 0;
}

int p9_op_flush(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    (void)srv;
    (void)out;
    /* Requests are answered in order, so the flushed one is done already. */
    p9_get16(in);
    return 0;
}

/* Move the walked state (tmp) into (dst), which is cleared first. */
static void fid_move(struct p9_fid *dst, struct p9_fid *tmp)
{
    uint32_t num = dst->num;
    struct p9_fid *next = dst->next;

    p9_fid_clear(dst);
    *dst = *tmp;
    dst->num = num;
    dst->next = next;
    tmp->fd = tmp->pfd = tmp->ofd = -1;
    tmp->name = NULL;
}

int p9_op_walk(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    char names[P9_MAXWELEM][NAME_MAX + 1];
    struct p9_fid tmp = { .fd = -1, .pfd = -1, .ofd = -1 };
    struct p9_fid *fid, *nfid;
    struct p9_qid qid;
    struct stat st;
    uint32_t num = p9_get32(in);
    uint32_t newnum = p9_get32(in);
    uint16_t nwname = p9_get16(in);
    uint16_t done = 0;
    int err = 0;

    if (in->err)
        return in->err;
    if (nwname > P9_MAXWELEM)
        return -E2BIG;
    for (uint16_t i = 0; i < nwname; i++)
        p9_getstr(in, names[i], sizeof(names[i]));
    if (in->err)
        return in->err;
    fid = p9_fid_get(srv, num);
    if (!fid || fid->fd < 0)
        return -EBADF;
    /* Walking an opened fid in place would drop its open file. A walk
     * from it to a new fid only copies the file's identity, and diod's
     * own tools (diodls) rely on diod allowing it, so it is allowed. */
    if (fid->ofd >= 0 && newnum == num)
        return -EBUSY;
    if (newnum != num && p9_fid_get(srv, newnum))
        return -EBADF;
    err = p9_fid_copy(&tmp, fid);
    if (err)
        goto out;
    p9_put16(out, 0);       /* nwqid, patched below */
    for (; done < nwname; done++) {
        err = p9_fid_step(&tmp, names[done]);
        if (!err)
            err = p9_fid_stat(&tmp, &st);
        if (err)
            break;
        p9_qid_from_stat(srv, &st, &qid);
        p9_putqid(out, &qid);
    }
    if (done == 0 && nwname > 0)
        goto out;       /* the first name failed: Rlerror */
    err = 0;
    if (out->len >= P9_HDRSZ + 2) {
        out->buf[P9_HDRSZ] = (uint8_t)done;
        out->buf[P9_HDRSZ + 1] = (uint8_t)(done >> 8);
    }
    if (done < nwname)
        goto out;       /* partial walk: newfid is not created */
    if (newnum == num) {
        fid_move(fid, &tmp);
        goto out;
    }
    err = p9_fid_add(srv, newnum, &nfid);
    if (err)
        goto out;
    fid_move(nfid, &tmp);
out:
    p9_fid_clear(&tmp);
    return err;
}

/* The body of Rgetattr for (st): the basic set, whatever was asked. */
void p9_put_attr(struct mon_p9srv *srv, struct p9_out *out,
                 const struct stat *st)
{
    struct p9_qid qid;

    p9_qid_from_stat(srv, st, &qid);
    p9_put64(out, P9_GETATTR_BASIC);
    p9_putqid(out, &qid);
    p9_put32(out, st->st_mode);
    p9_put32(out, st->st_uid);
    p9_put32(out, st->st_gid);
    p9_put64(out, st->st_nlink);
    p9_put64(out, st->st_rdev);
    p9_put64(out, (uint64_t)st->st_size);
    p9_put64(out, (uint64_t)st->st_blksize);
    p9_put64(out, (uint64_t)st->st_blocks);
    p9_put64(out, (uint64_t)st->st_atim.tv_sec);
    p9_put64(out, (uint64_t)st->st_atim.tv_nsec);
    p9_put64(out, (uint64_t)st->st_mtim.tv_sec);
    p9_put64(out, (uint64_t)st->st_mtim.tv_nsec);
    p9_put64(out, (uint64_t)st->st_ctim.tv_sec);
    p9_put64(out, (uint64_t)st->st_ctim.tv_nsec);
    p9_put64(out, 0);   /* btime, gen, data_version: not valid */
    p9_put64(out, 0);
    p9_put64(out, 0);
    p9_put64(out, 0);
}

/* The target of symlink (fid) into (buf), NUL-terminated; its length. */
static ssize_t fid_readlink(const struct p9_fid *fid, char *buf, size_t size)
{
    ssize_t n = readlinkat(fid->fd, "", buf, size);

    if (n < 0)
        return -errno;
    if ((size_t)n >= size)
        return -ENAMETOOLONG;
    buf[n] = '\0';
    return n;
}

int p9_op_clunk(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    struct p9_fid *fid;

    (void)out;
    fid = p9_fid_get(srv, p9_get32(in));
    if (in->err)
        return in->err;
    if (!fid)
        return -EBADF;
    p9_fid_del(srv, fid);
    return 0;
}

int p9_op_getattr(struct mon_p9srv *srv, struct p9_in *in,
                  struct p9_out *out)
{
    struct p9_fid *fid;
    struct stat st;
    int err;

    fid = p9_fid_get(srv, p9_get32(in));
    p9_get64(in);       /* request mask: the basic set is always returned */
    if (in->err)
        return in->err;
    if (!fid)
        return -EBADF;
    err = p9_fid_stat(fid, &st);
    if (err)
        return err;
    p9_put_attr(srv, out, &st);
    return 0;
}

int p9_op_statfs(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    struct p9_fid *fid;
    struct statfs sf;
    uint64_t fsid;

    fid = p9_fid_get(srv, p9_get32(in));
    if (in->err)
        return in->err;
    if (!fid || fid->fd < 0)
        return -EBADF;
    if (fstatfs(fid->fd, &sf) < 0)
        return -errno;
    memcpy(&fsid, &sf.f_fsid, sizeof(fsid));
    p9_put32(out, (uint32_t)sf.f_type);
    p9_put32(out, (uint32_t)sf.f_bsize);
    p9_put64(out, sf.f_blocks);
    p9_put64(out, sf.f_bfree);
    p9_put64(out, sf.f_bavail);
    p9_put64(out, sf.f_files);
    p9_put64(out, sf.f_ffree);
    p9_put64(out, fsid);
    p9_put32(out, (uint32_t)sf.f_namelen);
    return 0;
}

int p9_op_readlink(struct mon_p9srv *srv, struct p9_in *in,
                   struct p9_out *out)
{
    char buf[PATH_MAX];
    struct p9_fid *fid;
    ssize_t n;

    fid = p9_fid_get(srv, p9_get32(in));
    if (in->err)
        return in->err;
    if (!fid || fid->fd < 0)
        return -EBADF;
    if (!S_ISLNK(fid->mode))
        return -EINVAL;
    n = fid_readlink(fid, buf, sizeof(buf));
    if (n < 0)
        return (int)n;
    p9_putstr(out, buf, (size_t)n);
    return 0;
}

/*
 * A lookup in one round trip: walk (fid) by one name to the new (newnum),
 * then its attributes and, for a symlink, its target. Nothing is created
 * unless all of it succeeds.
 */
int p9_op_walkattr(struct mon_p9srv *srv, struct p9_in *in,
                   struct p9_out *out)
{
    char name[NAME_MAX + 1], link[PATH_MAX];
    struct p9_fid tmp = { .fd = -1, .pfd = -1, .ofd = -1 };
    struct p9_fid *fid, *nfid;
    struct stat st;
    uint32_t num = p9_get32(in);
    uint32_t newnum = p9_get32(in);
    ssize_t n = 0;
    int err;

    p9_getstr(in, name, sizeof(name));
    if (in->err)
        return in->err;
    fid = p9_fid_get(srv, num);
    if (!fid || fid->fd < 0)
        return -EBADF;
    if (newnum == num || p9_fid_get(srv, newnum))
        return -EBADF;
    err = p9_fid_copy(&tmp, fid);
    if (!err)
        err = p9_fid_step(&tmp, name);
    if (!err)
        err = p9_fid_stat(&tmp, &st);
    if (!err && S_ISLNK(st.st_mode)) {
        n = fid_readlink(&tmp, link, sizeof(link));
        if (n < 0)
            err = (int)n;
    }
    if (err)
        goto out;
    p9_put_attr(srv, out, &st);
    p9_putstr(out, S_ISLNK(st.st_mode) ? link : "", (size_t)n);
    if (out->overflow) {
        err = -EMSGSIZE;
        goto out;
    }
    err = p9_fid_add(srv, newnum, &nfid);
    if (err)
        goto out;
    fid_move(nfid, &tmp);
out:
    p9_fid_clear(&tmp);
    return err;
}

int p9_op_xattrwalk(struct mon_p9srv *srv, struct p9_in *in,
                    struct p9_out *out)
{
    (void)srv;
    (void)in;
    (void)out;
    return -EOPNOTSUPP;
}

int p9_op_xattrcreate(struct mon_p9srv *srv, struct p9_in *in,
                      struct p9_out *out)
{
    (void)srv;
    (void)in;
    (void)out;
    return -EOPNOTSUPP;
}
