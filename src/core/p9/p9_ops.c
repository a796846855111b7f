/* SPDX-License-Identifier: MIT */
/*
 * 9P2000.L client messages (core, kernel image): one function per request,
 * each validating its reply field by field (see p9_client.h).
 */
#include <lbox/platform.h>

#include "core/fs/vfs_abi.h"
#include "core/kernel.h"
#include "core/p9/p9_internal.h"

/* Largest single read/write a caller may ask for (as Linux caps it). */
#define P9_IO_MAX 0x7ffff000UL

/*
 * The rpc_* helpers send (req), which p9_req_begin() started, read its reply
 * and end the request (release the lock) whatever happened.
 */

/* Reply qid[13] iounit[4]; (iounit) NULL for a reply with a qid alone. */
static int rpc_qid_iounit(struct p9_client *c, struct p9_buf *req,
                          struct p9_qid *qid, uint32_t *iounit)
{
    struct p9_buf rep;
    struct p9_qid q;
    uint32_t io = 0;
    int ret = p9_rpc(c, req, &rep);

    if (ret < 0)
        goto out;
    p9_get_qid(&rep, &q);
    if (iounit)
        io = p9_get_u32(&rep);
    ret = p9_rep_check(c, &rep);
    if (ret < 0)
        goto out;
    if (qid)
        *qid = q;
    if (iounit)
        *iounit = io;
out:
    p9_req_end(c);
    return ret;
}

/* Reply qid[13]: an optional qid into (qid). */
static int rpc_qid(struct p9_client *c, struct p9_buf *req,
                   struct p9_qid *qid)
{
    return rpc_qid_iounit(c, req, qid, NULL);
}

/* A reply that carries nothing. */
static int rpc_empty(struct p9_client *c, struct p9_buf *req)
{
    struct p9_buf rep;
    int ret = p9_rpc(c, req, &rep);

    p9_req_end(c);
    return ret;
}

/* A request that carries only (fid), which is gone afterwards whatever the
 * reply (Tclunk, Tremove). */
static int fid_msg_free(struct p9_client *c, uint8_t type, uint32_t fid)
{
    struct p9_buf req;
    int ret = p9_req_begin(c, &req, type);

    if (ret == 0) {
        p9_put_u32(&req, fid);
        ret = rpc_empty(c, &req);
    }
    p9_fid_free(c, fid);
    return ret;
}

/*
 * Tread and Treaddir: fid[4] offset[8] count[4], answered by count[4]
 * data[count] with count <= (want), copied to (buf). Returns count or -errno.
 */
static long rpc_read_data(struct p9_client *c, uint8_t type, uint32_t fid,
                          uint64_t offset, void *buf, uint32_t want)
{
    struct p9_buf req, rep;
    const uint8_t *data;
    uint32_t count;
    long ret = p9_req_begin(c, &req, type);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, fid);
    p9_put_u64(&req, offset);
    p9_put_u32(&req, want);
    ret = p9_rpc(c, &req, &rep);
    if (ret < 0)
        goto out;
    count = p9_get_u32(&rep);
    if (count > want)
        rep.err = true;
    data = p9_get_bytes(&rep, count);
    ret = p9_rep_check(c, &rep);
    if (ret < 0)
        goto out;
    memcpy(buf, data, count);
    ret = count;
out:
    p9_req_end(c);
    return ret;
}

/* The body of Rgetattr (and of Rwalkattr) into (t). */
static void get_attr(struct p9_buf *rep, struct p9_attr *t)
{
    t->valid = p9_get_u64(rep);
    p9_get_qid(rep, &t->qid);
    t->mode = p9_get_u32(rep);
    t->uid = p9_get_u32(rep);
    t->gid = p9_get_u32(rep);
    t->nlink = p9_get_u64(rep);
    t->rdev = p9_get_u64(rep);
    t->size = p9_get_u64(rep);
    t->blksize = p9_get_u64(rep);
    t->blocks = p9_get_u64(rep);
    t->atime_sec = p9_get_u64(rep);
    t->atime_nsec = p9_get_u64(rep);
    t->mtime_sec = p9_get_u64(rep);
    t->mtime_nsec = p9_get_u64(rep);
    t->ctime_sec = p9_get_u64(rep);
    t->ctime_nsec = p9_get_u64(rep);
    t->btime_sec = p9_get_u64(rep);
    t->btime_nsec = p9_get_u64(rep);
    t->gen = p9_get_u64(rep);
    t->data_version = p9_get_u64(rep);
}

int p9_attach(struct p9_client *c, const char *aname, uint32_t uid,
              uint32_t *fid, struct p9_qid *qid)
{
    struct p9_buf req;
    uint32_t f;
    int ret;

    ret = p9_fid_alloc(c, &f);
    if (ret < 0)
        return ret;
    ret = p9_req_begin(c, &req, P9_TATTACH);
    if (ret < 0)
        goto out_fid;
    p9_put_u32(&req, f);
    p9_put_u32(&req, P9_NOFID);
    p9_put_str(&req, "lbox");
    p9_put_str(&req, aname);
    p9_put_u32(&req, uid);
    ret = rpc_qid(c, &req, qid);
    if (ret < 0)
        goto out_fid;
    *fid = f;
    return 0;
out_fid:
    p9_fid_free(c, f);
    return ret;
}

/*
 * One Twalk of at most 16 names from (fid) to (newfid), as many of (names)
 * as fit in msize. *(walked) OUT: how many were sent. Returns 0 when all of
 * them were walked (newfid now exists), -ENOENT when only some were (newfid
 * unchanged), or -errno.
 */
static int walk_once(struct p9_client *c, uint32_t fid, uint32_t newfid,
                     unsigned nwname, const char *const *names,
                     unsigned *walked, struct p9_qid *qid)
{
    struct p9_buf req, rep;
    unsigned count = 0;
    uint16_t nwqid;
    struct p9_qid q = {0};
    int ret;

    ret = p9_req_begin(c, &req, P9_TWALK);
    if (ret < 0)
        return ret;
    p9_put_u32(&req, fid);
    p9_put_u32(&req, newfid);
    p9_put_u16(&req, 0); /* nwname, patched below */
    while (count < nwname && count < P9_MAXWELEM) {
        size_t len = strlen(names[count]);

        if (len > 0xffff || len + 2 > p9_buf_left(&req))
            break;
        p9_put_strn(&req, names[count], len);
        count++;
    }
    if (count == 0 && nwname > 0) {
        ret = -ENAMETOOLONG;
        goto out;
    }
    req.data[15] = (uint8_t)count;
    req.data[16] = 0;
    ret = p9_rpc(c, &req, &rep);
    if (ret < 0)
        goto out;
    nwqid = p9_get_u16(&rep);
    if (nwqid > count)
        rep.err = true;
    for (unsigned i = 0; i < nwqid && !rep.err; i++)
        p9_get_qid(&rep, &q);
    ret = p9_rep_check(c, &rep);
    if (ret < 0)
        goto out;
    if (nwqid < count) {
        ret = -ENOENT;
        goto out;
    }
    if (count > 0 && qid)
        *qid = q;
    *walked = count;
out:
    p9_req_end(c);
    return ret;
}

int p9_walk(struct p9_client *c, uint32_t fid, unsigned nwname,
            const char *const *names, uint32_t *newfid, struct p9_qid *qid)
{
    unsigned done = 0, walked;
    uint32_t nf, from = fid;
    int ret;

    ret = p9_fid_alloc(c, &nf);
    if (ret < 0)
        return ret;
    do {
        walked = 0;
        /* A clone walk passes no names at all (names may be NULL). */
        ret = walk_once(c, from, nf, nwname - done,
                        nwname ? names + done : names, &walked, qid);
        if (ret < 0) {
            if (from == nf)
                p9_clunk(c, nf); /* frees nf */
            else
                p9_fid_free(c, nf);
            return ret;
        }
        from = nf;
        done += walked;
    } while (done < nwname);
    *newfid = nf;
    return 0;
}

int p9_walkattr(struct p9_client *c, uint32_t fid, const char *name,
                uint32_t *newfid, struct p9_attr *a, char **link)
{
    struct p9_buf req, rep;
    struct p9_attr t;
    const char *target;
    uint16_t len = 0;
    char *copy = NULL;
    uint32_t nf;
    int ret;

    *link = NULL;
    if (!p9_client_is_own_server(c))
        return -EOPNOTSUPP;
    ret = p9_fid_alloc(c, &nf);
    if (ret < 0)
        return ret;
    ret = p9_req_begin(c, &req, P9_TWALKATTR);
    if (ret < 0)
        goto out_fid;
    p9_put_u32(&req, fid);
    p9_put_u32(&req, nf);
    p9_put_str(&req, name);
    ret = p9_rpc(c, &req, &rep);
    if (ret == 0) {
        get_attr(&rep, &t);
        p9_get_str(&rep, &target, &len);
        /* Only a symlink has a target, and it is never empty. */
        if (!rep.err && (len > 0) != S_ISLNK(t.mode))
            rep.err = true;
        ret = p9_rep_check(c, &rep);
    }
    if (ret == 0 && len > 0) {
        copy = rt_heap_alloc(c->k->shared, (size_t)len + 1);
        if (copy) {
            memcpy(copy, target, len);
            copy[len] = '\0';
        }
    }
    p9_req_end(c);
    if (ret < 0)
        goto out_fid;
    if (len > 0 && !copy) {
        p9_clunk(c, nf);
        return -ENOMEM;
    }
    *a = t;
    *link = copy;
    *newfid = nf;
    return 0;
out_fid:
    p9_fid_free(c, nf);
    return ret;
}

int p9_lopen(struct p9_client *c, uint32_t fid, uint32_t flags,
             struct p9_qid *qid, uint32_t *iounit)
{
    struct p9_buf req;
    int ret = p9_req_begin(c, &req, P9_TLOPEN);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, fid);
    p9_put_u32(&req, flags);
    return rpc_qid_iounit(c, &req, qid, iounit);
}

int p9_lcreate(struct p9_client *c, uint32_t fid, const char *name,
               uint32_t flags, uint32_t mode, uint32_t gid,
               struct p9_qid *qid, uint32_t *iounit)
{
    struct p9_buf req;
    int ret = p9_req_begin(c, &req, P9_TLCREATE);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, fid);
    p9_put_str(&req, name);
    p9_put_u32(&req, flags);
    p9_put_u32(&req, mode);
    p9_put_u32(&req, gid);
    return rpc_qid_iounit(c, &req, qid, iounit);
}

static uint32_t io_chunk(const struct p9_client *c, uint32_t iounit)
{
    uint32_t chunk = c->msize - P9_IOHDRSZ;

    if (iounit && iounit < chunk)
        chunk = iounit;
    return chunk;
}

long p9_read(struct p9_client *c, uint32_t fid, uint64_t offset, void *buf,
             size_t size, uint32_t iounit)
{
    uint32_t chunk = io_chunk(c, iounit);
    size_t total = 0;

    size = MIN(size, P9_IO_MAX);
    while (total < size) {
        uint32_t want = (uint32_t)MIN(size - total, (size_t)chunk);
        long n = rpc_read_data(c, P9_TREAD, fid, offset + total,
                               (uint8_t *)buf + total, want);

        if (n < 0)
            return total ? (long)total : n;
        total += (size_t)n;
        if ((uint32_t)n < want)
            break;
    }
    return (long)total;
}

static long write_once(struct p9_client *c, uint32_t fid, uint64_t offset,
                       const uint8_t *buf, uint32_t want)
{
    struct p9_buf req, rep;
    uint32_t count;
    long ret = p9_req_begin(c, &req, P9_TWRITE);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, fid);
    p9_put_u64(&req, offset);
    p9_put_u32(&req, want);
    p9_put_bytes(&req, buf, want);
    ret = p9_rpc(c, &req, &rep);
    if (ret < 0)
        goto out;
    count = p9_get_u32(&rep);
    if (count > want)
        rep.err = true;
    ret = p9_rep_check(c, &rep);
    if (ret == 0)
        ret = count;
out:
    p9_req_end(c);
    return ret;
}

long p9_write(struct p9_client *c, uint32_t fid, uint64_t offset,
              const void *buf, size_t size, uint32_t iounit)
{
    uint32_t chunk = io_chunk(c, iounit);
    size_t total = 0;

    size = MIN(size, P9_IO_MAX);
    while (total < size) {
        uint32_t want = (uint32_t)MIN(size - total, (size_t)chunk);
        long n = write_once(c, fid, offset + total,
                            (const uint8_t *)buf + total, want);

        if (n < 0)
            return total ? (long)total : n;
        if (n == 0)
            return total ? (long)total : -EIO; /* no progress: never spin */
        total += (size_t)n;
        if ((uint32_t)n < want)
            break;
    }
    return (long)total;
}

/* Tclunk: the fid is gone afterwards whatever the reply. */
int p9_clunk(struct p9_client *c, uint32_t fid)
{
    return fid_msg_free(c, P9_TCLUNK, fid);
}

/* Tremove clunks the fid even when the remove fails (the protocol says so,
 * and diod does it). */
int p9_remove(struct p9_client *c, uint32_t fid)
{
    return fid_msg_free(c, P9_TREMOVE, fid);
}

/*
 * Ask for the fid's file as a host handle. A server that does not know
 * Tlendfd, or a platform that cannot carry handles, turns it off for the
 * client. At most P9_LENT_MAX are held: past that the caller reads
 * through 9P.
 */
int p9_lendfd(struct p9_client *c, uint32_t fid, uint32_t mode, int *handle)
{
    struct p9_buf req, rep;
    int ret;

    *handle = -1;
    if (__atomic_load_n(&c->no_lend, __ATOMIC_RELAXED))
        return -EOPNOTSUPP;
    if (__atomic_add_fetch(&c->lent, 1, __ATOMIC_RELAXED) > P9_LENT_MAX) {
        __atomic_sub_fetch(&c->lent, 1, __ATOMIC_RELAXED);
        return -EMFILE;
    }
    ret = p9_req_begin(c, &req, P9_TLENDFD);
    if (ret < 0)
        goto out;
    p9_put_u32(&req, fid);
    p9_put_u32(&req, mode);
    ret = p9_rpc_handle(c, &req, &rep, handle);
    p9_req_end(c);
    if (ret == 0 && *handle < 0)
        ret = -EMFILE;      /* it did not fit under the descriptor limit */
    if (ret == -EOPNOTSUPP || ret == -ENOSYS)
        __atomic_store_n(&c->no_lend, true, __ATOMIC_RELAXED);
out:
    if (ret < 0)
        __atomic_sub_fetch(&c->lent, 1, __ATOMIC_RELAXED);
    return ret;
}

void p9_lend_put(struct p9_client *c, int handle)
{
    if (handle < 0)
        return;
    lbox_plat_file_close(handle);
    __atomic_sub_fetch(&c->lent, 1, __ATOMIC_RELAXED);
}

int p9_getattr(struct p9_client *c, uint32_t fid, uint64_t mask,
               struct p9_attr *a)
{
    struct p9_buf req, rep;
    struct p9_attr t;
    int ret = p9_req_begin(c, &req, P9_TGETATTR);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, fid);
    p9_put_u64(&req, mask);
    ret = p9_rpc(c, &req, &rep);
    if (ret < 0)
        goto out;
    get_attr(&rep, &t);
    ret = p9_rep_check(c, &rep);
    if (ret == 0)
        *a = t;
out:
    p9_req_end(c);
    return ret;
}

int p9_setattr(struct p9_client *c, uint32_t fid, const struct p9_iattr *ia)
{
    struct p9_buf req;
    int ret = p9_req_begin(c, &req, P9_TSETATTR);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, fid);
    p9_put_u32(&req, ia->valid);
    p9_put_u32(&req, ia->mode);
    p9_put_u32(&req, ia->uid);
    p9_put_u32(&req, ia->gid);
    p9_put_u64(&req, ia->size);
    p9_put_u64(&req, ia->atime_sec);
    p9_put_u64(&req, ia->atime_nsec);
    p9_put_u64(&req, ia->mtime_sec);
    p9_put_u64(&req, ia->mtime_nsec);
    return rpc_empty(c, &req);
}

long p9_readdir(struct p9_client *c, uint32_t fid, uint64_t offset, void *buf,
                uint32_t size)
{
    size = MIN(size, c->msize - P9_IOHDRSZ);
    return rpc_read_data(c, P9_TREADDIR, fid, offset, buf, size);
}

int p9_dirent_next(const void *buf, size_t size, size_t *pos,
                   struct p9_dirent *d)
{
    struct p9_buf b;

    if (size > UINT32_MAX || *pos > size)
        return -EPROTO;
    if (*pos == size)
        return 0;
    p9_buf_init(&b, (void *)buf, (uint32_t)size);
    b.pos = (uint32_t)*pos;
    p9_get_qid(&b, &d->qid);
    d->offset = p9_get_u64(&b);
    d->type = p9_get_u8(&b);
    p9_get_str(&b, &d->name, &d->name_len);
    if (b.err || d->name_len == 0 || memchr(d->name, '/', d->name_len) ||
        memchr(d->name, '\0', d->name_len))
        return -EPROTO;
    *pos = b.pos;
    return 1;
}

long p9_listdir(struct p9_client *c, uint32_t fid, unsigned nwname,
                const char *const *names, uint64_t offset, void *buf,
                uint32_t size, bool *eof)
{
    struct p9_buf req, rep;
    const uint8_t *data;
    uint32_t count;
    uint8_t end;
    long ret;

    if (!p9_client_is_own_server(c))
        return -EOPNOTSUPP;
    if (nwname > P9_MAXWELEM)
        return -EINVAL;
    size = MIN(size, c->msize - P9_IOHDRSZ - 1);
    ret = p9_req_begin(c, &req, P9_TLISTDIR);
    if (ret < 0)
        return ret;
    p9_put_u32(&req, fid);
    p9_put_u16(&req, (uint16_t)nwname);
    for (unsigned i = 0; i < nwname; i++)
        p9_put_str(&req, names[i]);
    p9_put_u64(&req, offset);
    p9_put_u32(&req, size);
    ret = p9_rpc(c, &req, &rep);
    if (ret < 0)
        goto out;
    end = p9_get_u8(&rep);
    count = p9_get_u32(&rep);
    if (count > size || end > 1)
        rep.err = true;
    data = p9_get_bytes(&rep, count);
    ret = p9_rep_check(c, &rep);
    if (ret < 0)
        goto out;
    memcpy(buf, data, count);
    *eof = end;
    ret = count;
out:
    p9_req_end(c);
    return ret;
}

int p9_listent_next(const void *buf, size_t size, size_t *pos,
                    struct p9_listent *e)
{
    struct p9_buf b;
    int ret = p9_dirent_next(buf, size, pos, &e->d);

    if (ret <= 0)
        return ret;
    p9_buf_init(&b, (void *)buf, (uint32_t)size);
    b.pos = (uint32_t)*pos;
    get_attr(&b, &e->a);
    p9_get_str(&b, &e->link, &e->link_len);
    if (b.err)
        return -EPROTO;
    if (e->a.valid) {
        /* The type the entry says, and a target exactly for symlinks. */
        if ((e->a.mode & S_IFMT) == 0 ||
            (e->link_len > 0) != S_ISLNK(e->a.mode) ||
            (S_ISDIR(e->a.mode) != (e->d.type == DT_DIR)) ||
            memchr(e->link, '\0', e->link_len))
            return -EPROTO;
    } else if (e->link_len) {
        return -EPROTO;
    }
    *pos = b.pos;
    return 1;
}

int p9_mkdir(struct p9_client *c, uint32_t dfid, const char *name,
             uint32_t mode, uint32_t gid, struct p9_qid *qid)
{
    struct p9_buf req;
    int ret = p9_req_begin(c, &req, P9_TMKDIR);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, dfid);
    p9_put_str(&req, name);
    p9_put_u32(&req, mode);
    p9_put_u32(&req, gid);
    return rpc_qid(c, &req, qid);
}

int p9_symlink(struct p9_client *c, uint32_t dfid, const char *name,
               const char *target, uint32_t gid, struct p9_qid *qid)
{
    struct p9_buf req;
    int ret = p9_req_begin(c, &req, P9_TSYMLINK);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, dfid);
    p9_put_str(&req, name);
    p9_put_str(&req, target);
    p9_put_u32(&req, gid);
    return rpc_qid(c, &req, qid);
}

int p9_mknod(struct p9_client *c, uint32_t dfid, const char *name,
             uint32_t mode, uint32_t major, uint32_t minor, uint32_t gid,
             struct p9_qid *qid)
{
    struct p9_buf req;
    int ret = p9_req_begin(c, &req, P9_TMKNOD);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, dfid);
    p9_put_str(&req, name);
    p9_put_u32(&req, mode);
    p9_put_u32(&req, major);
    p9_put_u32(&req, minor);
    p9_put_u32(&req, gid);
    return rpc_qid(c, &req, qid);
}

long p9_readlink(struct p9_client *c, uint32_t fid, char *buf, size_t size)
{
    struct p9_buf req, rep;
    const char *target;
    uint16_t len;
    long ret = p9_req_begin(c, &req, P9_TREADLINK);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, fid);
    ret = p9_rpc(c, &req, &rep);
    if (ret < 0)
        goto out;
    p9_get_str(&rep, &target, &len);
    ret = p9_rep_check(c, &rep);
    if (ret < 0)
        goto out;
    size = MIN(size, (size_t)len);
    memcpy(buf, target, size);
    ret = (long)size;
out:
    p9_req_end(c);
    return ret;
}

/* Servers without Tunlinkat/Trenameat (diod) answer EOPNOTSUPP: fall back
 * to walk + Tremove / Trename, and remember not to ask again. */
static bool no_such_op(int ret)
{
    return ret == -EOPNOTSUPP || ret == -ENOSYS;
}

static int unlinkat_msg(struct p9_client *c, uint32_t dfid, const char *name,
                        uint32_t flags)
{
    struct p9_buf req;
    int ret = p9_req_begin(c, &req, P9_TUNLINKAT);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, dfid);
    p9_put_str(&req, name);
    p9_put_u32(&req, flags);
    return rpc_empty(c, &req);
}

static int unlink_by_remove(struct p9_client *c, uint32_t dfid,
                            const char *name, uint32_t flags)
{
    struct p9_attr a;
    uint32_t fid;
    int ret;

    ret = p9_walk(c, dfid, 1, &name, &fid, NULL);
    if (ret < 0)
        return ret;
    ret = p9_getattr(c, fid, P9_GETATTR_MODE, &a);
    if (ret == 0 && S_ISDIR(a.mode) && !(flags & P9_AT_REMOVEDIR))
        ret = -EISDIR;
    else if (ret == 0 && !S_ISDIR(a.mode) && (flags & P9_AT_REMOVEDIR))
        ret = -ENOTDIR;
    if (ret < 0) {
        p9_clunk(c, fid);
        return ret;
    }
    return p9_remove(c, fid);
}

int p9_unlinkat(struct p9_client *c, uint32_t dfid, const char *name,
                uint32_t flags)
{
    int ret = -EOPNOTSUPP;

    if (!__atomic_load_n(&c->no_unlinkat, __ATOMIC_RELAXED)) {
        ret = unlinkat_msg(c, dfid, name, flags);
        if (no_such_op(ret))
            __atomic_store_n(&c->no_unlinkat, true, __ATOMIC_RELAXED);
    }
    if (no_such_op(ret))
        ret = unlink_by_remove(c, dfid, name, flags);
    return ret;
}

static int renameat_msg(struct p9_client *c, uint32_t olddfid,
                        const char *oldname, uint32_t newdfid,
                        const char *newname)
{
    struct p9_buf req;
    int ret = p9_req_begin(c, &req, P9_TRENAMEAT);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, olddfid);
    p9_put_str(&req, oldname);
    p9_put_u32(&req, newdfid);
    p9_put_str(&req, newname);
    return rpc_empty(c, &req);
}

static int rename_by_fid(struct p9_client *c, uint32_t olddfid,
                         const char *oldname, uint32_t newdfid,
                         const char *newname)
{
    struct p9_buf req;
    uint32_t fid;
    int ret;

    ret = p9_walk(c, olddfid, 1, &oldname, &fid, NULL);
    if (ret < 0)
        return ret;
    ret = p9_req_begin(c, &req, P9_TRENAME);
    if (ret == 0) {
        p9_put_u32(&req, fid);
        p9_put_u32(&req, newdfid);
        p9_put_str(&req, newname);
        ret = rpc_empty(c, &req);
    }
    p9_clunk(c, fid);
    return ret;
}

int p9_renameat(struct p9_client *c, uint32_t olddfid, const char *oldname,
                uint32_t newdfid, const char *newname)
{
    int ret = -EOPNOTSUPP;

    if (!__atomic_load_n(&c->no_renameat, __ATOMIC_RELAXED)) {
        ret = renameat_msg(c, olddfid, oldname, newdfid, newname);
        if (no_such_op(ret))
            __atomic_store_n(&c->no_renameat, true, __ATOMIC_RELAXED);
    }
    if (no_such_op(ret))
        ret = rename_by_fid(c, olddfid, oldname, newdfid, newname);
    return ret;
}

int p9_link(struct p9_client *c, uint32_t dfid, uint32_t fid,
            const char *name)
{
    struct p9_buf req;
    int ret = p9_req_begin(c, &req, P9_TLINK);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, dfid);
    p9_put_u32(&req, fid);
    p9_put_str(&req, name);
    return rpc_empty(c, &req);
}

int p9_statfs(struct p9_client *c, uint32_t fid, struct p9_statfs *st)
{
    struct p9_buf req, rep;
    struct p9_statfs t;
    int ret = p9_req_begin(c, &req, P9_TSTATFS);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, fid);
    ret = p9_rpc(c, &req, &rep);
    if (ret < 0)
        goto out;
    t.type = p9_get_u32(&rep);
    t.bsize = p9_get_u32(&rep);
    t.blocks = p9_get_u64(&rep);
    t.bfree = p9_get_u64(&rep);
    t.bavail = p9_get_u64(&rep);
    t.files = p9_get_u64(&rep);
    t.ffree = p9_get_u64(&rep);
    t.fsid = p9_get_u64(&rep);
    t.namelen = p9_get_u32(&rep);
    ret = p9_rep_check(c, &rep);
    if (ret == 0)
        *st = t;
out:
    p9_req_end(c);
    return ret;
}

int p9_fsync(struct p9_client *c, uint32_t fid, bool datasync)
{
    struct p9_buf req;
    int ret = p9_req_begin(c, &req, P9_TFSYNC);

    if (ret < 0)
        return ret;
    p9_put_u32(&req, fid);
    p9_put_u32(&req, datasync ? 1 : 0);
    return rpc_empty(c, &req);
}
