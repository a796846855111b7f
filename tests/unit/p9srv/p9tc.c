// SPDX-License-Identifier: MIT
/* A minimal raw 9P2000.L test client with its own encoder, used by the file
 * server's unit tests (host side, glibc). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p9tc.h"

int tc_init(struct tc *c, int fd)
{
    memset(c, 0, sizeof(*c));
    c->fd = fd;
    c->out = malloc(TC_BUF);
    c->in = malloc(TC_BUF);
    return c->out && c->in ? 0 : -ENOMEM;
}

void tc_fini(struct tc *c)
{
    free(c->out);
    free(c->in);
}

static void put(struct tc *c, uint64_t v, int n)
{
    if (c->olen + (size_t)n > TC_BUF)
        return;
    for (int i = 0; i < n; i++)
        c->out[c->olen++] = (uint8_t)(v >> (8 * i));
}

void tc_begin(struct tc *c, uint8_t type)
{
    c->olen = 0;
    put(c, 0, 4);
    put(c, type, 1);
    put(c, ++c->tag == 0xffff ? ++c->tag : c->tag, 2);
}

void tc_u8(struct tc *c, uint8_t v) { put(c, v, 1); }
void tc_u16(struct tc *c, uint16_t v) { put(c, v, 2); }
void tc_u32(struct tc *c, uint32_t v) { put(c, v, 4); }
void tc_u64(struct tc *c, uint64_t v) { put(c, v, 8); }

void tc_raw(struct tc *c, const void *p, size_t n)
{
    if (c->olen + n > TC_BUF)
        return;
    memcpy(c->out + c->olen, p, n);
    c->olen += n;
}

void tc_str(struct tc *c, const char *s)
{
    size_t n = strlen(s);

    put(c, n, 2);
    tc_raw(c, s, n);
}

static int read_full(int fd, uint8_t *p, size_t n)
{
    while (n) {
        ssize_t r = read(fd, p, n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int recv_reply(struct tc *c, uint8_t ttype)
{
    uint32_t size;

    c->ecode = 0;
    c->rpos = 7;
    if (read_full(c->fd, c->in, 4) < 0) {
        c->closed = true;
        return -EPIPE;
    }
    size = (uint32_t)c->in[0] | (uint32_t)c->in[1] << 8 |
           (uint32_t)c->in[2] << 16 | (uint32_t)c->in[3] << 24;
    if (size < 7 || size > TC_BUF || read_full(c->fd, c->in + 4, size - 4))
        return -EPROTO;
    c->ilen = size;
    c->rtype = c->in[4];
    if (c->rtype == 7) {
        c->ecode = tc_r32(c);
        return -(int)c->ecode;
    }
    return c->rtype == ttype + 1 ? 0 : -EPROTO;
}

static int send_all(struct tc *c, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t r = write(c->fd, p, n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            c->closed = true;
            return -EPIPE;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

int tc_rpc(struct tc *c)
{
    for (int i = 0; i < 4; i++)
        c->out[i] = (uint8_t)(c->olen >> (8 * i));
    if (send_all(c, c->out, c->olen))
        return -EPIPE;
    return recv_reply(c, c->out[4]);
}

int tc_send_raw(struct tc *c, const void *p, size_t n)
{
    if (send_all(c, p, n))
        return -EPIPE;
    return recv_reply(c, n > 4 ? ((const uint8_t *)p)[4] : 0);
}

static uint64_t get(struct tc *c, int n)
{
    uint64_t v = 0;

    if (c->rpos + (size_t)n > c->ilen)
        return 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)c->in[c->rpos++] << (8 * i);
    return v;
}

uint8_t tc_r8(struct tc *c) { return (uint8_t)get(c, 1); }
uint16_t tc_r16(struct tc *c) { return (uint16_t)get(c, 2); }
uint32_t tc_r32(struct tc *c) { return (uint32_t)get(c, 4); }
uint64_t tc_r64(struct tc *c) { return get(c, 8); }

const uint8_t *tc_rraw(struct tc *c, size_t n)
{
    const uint8_t *p;

    if (c->rpos + n > c->ilen)
        return NULL;
    p = c->in + c->rpos;
    c->rpos += n;
    return p;
}

void tc_rstr(struct tc *c, char *buf, size_t size)
{
    uint16_t n = tc_r16(c);
    const uint8_t *p = tc_rraw(c, n);

    buf[0] = '\0';
    if (!p || n >= size)
        return;
    memcpy(buf, p, n);
    buf[n] = '\0';
}

void tc_rqid(struct tc *c, struct tc_qid *q)
{
    struct tc_qid tmp;

    if (!q)
        q = &tmp;
    q->type = tc_r8(c);
    q->version = tc_r32(c);
    q->path = tc_r64(c);
}

int tc_version(struct tc *c, uint32_t msize, const char *ver,
               uint32_t *rmsize, char *rver, size_t rsize)
{
    int err;

    tc_begin(c, 100);
    c->out[5] = c->out[6] = 0xff;   /* NOTAG */
    tc_u32(c, msize);
    tc_str(c, ver);
    err = tc_rpc(c);
    if (err)
        return err;
    *rmsize = tc_r32(c);
    tc_rstr(c, rver, rsize);
    return 0;
}

int tc_attach(struct tc *c, uint32_t fid, const char *aname,
              struct tc_qid *q)
{
    int err;

    tc_begin(c, 104);
    tc_u32(c, fid);
    tc_u32(c, TC_NOFID);
    tc_str(c, "nobody");
    tc_str(c, aname);
    tc_u32(c, 0);
    err = tc_rpc(c);
    if (!err)
        tc_rqid(c, q);
    return err;
}

int tc_walk(struct tc *c, uint32_t fid, uint32_t newfid, int n,
            const char *const *names, struct tc_qid *qids)
{
    int err, nq;

    tc_begin(c, 110);
    tc_u32(c, fid);
    tc_u32(c, newfid);
    tc_u16(c, (uint16_t)n);
    for (int i = 0; i < n; i++)
        tc_str(c, names[i]);
    err = tc_rpc(c);
    if (err)
        return err;
    nq = tc_r16(c);
    for (int i = 0; i < nq; i++)
        tc_rqid(c, qids ? &qids[i] : NULL);
    return nq;
}

int tc_walk1(struct tc *c, uint32_t fid, uint32_t newfid, const char *name)
{
    const char *names[1] = { name };
    int r = tc_walk(c, fid, newfid, 1, names, NULL);

    return r < 0 ? r : r == 1 ? 0 : -EPROTO;
}

int tc_lopen(struct tc *c, uint32_t fid, uint32_t flags, struct tc_qid *q)
{
    int err;

    tc_begin(c, 12);
    tc_u32(c, fid);
    tc_u32(c, flags);
    err = tc_rpc(c);
    if (!err) {
        tc_rqid(c, q);
        tc_r32(c);
    }
    return err;
}

int tc_lcreate(struct tc *c, uint32_t fid, const char *name, uint32_t flags,
               uint32_t mode, struct tc_qid *q)
{
    int err;

    tc_begin(c, 14);
    tc_u32(c, fid);
    tc_str(c, name);
    tc_u32(c, flags);
    tc_u32(c, mode);
    tc_u32(c, 0);
    err = tc_rpc(c);
    if (!err)
        tc_rqid(c, q);
    return err;
}

long tc_read(struct tc *c, uint32_t fid, uint64_t off, uint32_t count,
             void *buf)
{
    uint32_t n;
    const uint8_t *p;
    int err;

    tc_begin(c, 116);
    tc_u32(c, fid);
    tc_u64(c, off);
    tc_u32(c, count);
    err = tc_rpc(c);
    if (err)
        return err;
    n = tc_r32(c);
    p = tc_rraw(c, n);
    if (!p || n > count)
        return -EPROTO;
    memcpy(buf, p, n);
    return n;
}

long tc_write(struct tc *c, uint32_t fid, uint64_t off, const void *buf,
              uint32_t count)
{
    int err;

    tc_begin(c, 118);
    tc_u32(c, fid);
    tc_u64(c, off);
    tc_u32(c, count);
    tc_raw(c, buf, count);
    err = tc_rpc(c);
    return err ? err : (long)tc_r32(c);
}

static int fid_only(struct tc *c, uint8_t type, uint32_t fid)
{
    tc_begin(c, type);
    tc_u32(c, fid);
    return tc_rpc(c);
}

int tc_clunk(struct tc *c, uint32_t fid) { return fid_only(c, 120, fid); }
int tc_remove(struct tc *c, uint32_t fid) { return fid_only(c, 122, fid); }

static void get_attr(struct tc *c, struct tc_attr *a)
{
    a->valid = tc_r64(c);
    tc_rqid(c, &a->qid);
    a->mode = tc_r32(c);
    a->uid = tc_r32(c);
    a->gid = tc_r32(c);
    a->nlink = tc_r64(c);
    a->rdev = tc_r64(c);
    a->size = tc_r64(c);
    a->blksize = tc_r64(c);
    a->blocks = tc_r64(c);
    a->atime = tc_r64(c);
    tc_r64(c);
    a->mtime = tc_r64(c);
    tc_r64(c);
    a->ctime = tc_r64(c);
    tc_r64(c);
    for (int i = 0; i < 4; i++)
        tc_r64(c);
}

int tc_getattr(struct tc *c, uint32_t fid, struct tc_attr *a)
{
    int err;

    tc_begin(c, 24);
    tc_u32(c, fid);
    tc_u64(c, 0x3fff);
    err = tc_rpc(c);
    if (err)
        return err;
    get_attr(c, a);
    return c->rpos == c->ilen ? 0 : -EPROTO;
}

int tc_walkattr(struct tc *c, uint32_t fid, uint32_t newfid, const char *name,
                struct tc_attr *a, char *link, size_t size)
{
    int err;

    tc_begin(c, 132);
    tc_u32(c, fid);
    tc_u32(c, newfid);
    tc_str(c, name);
    err = tc_rpc(c);
    if (err)
        return err;
    get_attr(c, a);
    tc_rstr(c, link, size);
    return c->rpos == c->ilen ? 0 : -EPROTO;
}

int tc_setattr(struct tc *c, uint32_t fid, uint32_t valid, uint32_t mode,
               uint32_t uid, uint32_t gid, uint64_t size, uint64_t atime,
               uint64_t mtime)
{
    tc_begin(c, 26);
    tc_u32(c, fid);
    tc_u32(c, valid);
    tc_u32(c, mode);
    tc_u32(c, uid);
    tc_u32(c, gid);
    tc_u64(c, size);
    tc_u64(c, atime);
    tc_u64(c, 0);
    tc_u64(c, mtime);
    tc_u64(c, 0);
    return tc_rpc(c);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The (n) names sorted and joined by spaces into (buf), then freed;
 * (err) or (n). */
static int names_done(char **names, int n, int err, char *buf, size_t size)
{
    qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (!err && strlen(buf) + strlen(names[i]) + 2 < size) {
            if (i)
                strcat(buf, " ");
            strcat(buf, names[i]);
        }
        free(names[i]);
    }
    return err ? err : n;
}

int tc_readdir_names(struct tc *c, uint32_t fid, char *buf, size_t size)
{
    char *names[512];
    int n = 0, err = 0;
    uint64_t off = 0;

    for (;;) {
        uint32_t count;
        size_t end;

        tc_begin(c, 40);
        tc_u32(c, fid);
        tc_u64(c, off);
        tc_u32(c, 300);     /* small, to exercise continuation */
        err = tc_rpc(c);
        if (err)
            goto out;
        count = tc_r32(c);
        if (count == 0)
            break;
        end = c->rpos + count;
        while (c->rpos < end && n < 512) {
            struct tc_qid q;
            char name[256];
            uint8_t type;

            tc_rqid(c, &q);
            off = tc_r64(c);
            type = tc_r8(c);
            tc_rstr(c, name, sizeof(name));
            names[n] = malloc(strlen(name) + 2);
            strcpy(names[n], name);
            if (type == 4 || q.type == 0x80)
                strcat(names[n], "/");
            n++;
        }
    }
out:
    return names_done(names, n, err, buf, size);
}

int tc_listdir_names(struct tc *c, uint32_t fid, unsigned nw,
                     const char *const *wnames, char *buf, size_t size,
                     const char *pick, struct tc_attr *pa, char *plink,
                     size_t plsize)
{
    char *names[512];
    int n = 0, err = 0;
    uint64_t off = 0;

    for (;;) {
        uint32_t count;
        uint8_t eof;
        size_t end;

        tc_begin(c, 134);
        tc_u32(c, fid);
        tc_u16(c, (uint16_t)nw);
        for (unsigned i = 0; i < nw; i++)
            tc_str(c, wnames[i]);
        tc_u64(c, off);
        tc_u32(c, 600);     /* small, to exercise continuation */
        err = tc_rpc(c);
        if (err)
            goto out;
        eof = tc_r8(c);
        count = tc_r32(c);
        end = c->rpos + count;
        if (end != c->ilen || eof > 1) {
            err = -EPROTO;
            goto out;
        }
        while (c->rpos < end && n < 512) {
            struct tc_attr a;
            struct tc_qid q;
            char name[256], link[256];
            uint8_t type;

            tc_rqid(c, &q);
            off = tc_r64(c);
            type = tc_r8(c);
            tc_rstr(c, name, sizeof(name));
            get_attr(c, &a);
            tc_rstr(c, link, sizeof(link));
            /* "." and ".." carry no attributes; everything else does. */
            bool dot = !strcmp(name, ".") || !strcmp(name, "..");
            if (dot != (a.valid == 0) || (!dot && a.qid.path != q.path)) {
                err = -EPROTO;
                goto out;
            }
            if (pick && !strcmp(name, pick)) {
                *pa = a;
                snprintf(plink, plsize, "%s", link);
            }
            names[n] = malloc(strlen(name) + 2);
            strcpy(names[n], name);
            if (type == 4 || q.type == 0x80)
                strcat(names[n], "/");
            n++;
        }
        if (c->rpos != end) {
            err = -EPROTO;
            goto out;
        }
        if (eof)
            break;
        if (count == 0) {   /* no end without eof */
            err = -EPROTO;
            goto out;
        }
    }
out:
    return names_done(names, n, err, buf, size);
}

int tc_mkdir(struct tc *c, uint32_t dfid, const char *name, uint32_t mode,
             struct tc_qid *q)
{
    int err;

    tc_begin(c, 72);
    tc_u32(c, dfid);
    tc_str(c, name);
    tc_u32(c, mode);
    tc_u32(c, 0);
    err = tc_rpc(c);
    if (!err)
        tc_rqid(c, q);
    return err;
}

int tc_symlink(struct tc *c, uint32_t dfid, const char *name,
               const char *target, struct tc_qid *q)
{
    int err;

    tc_begin(c, 16);
    tc_u32(c, dfid);
    tc_str(c, name);
    tc_str(c, target);
    tc_u32(c, 0);
    err = tc_rpc(c);
    if (!err)
        tc_rqid(c, q);
    return err;
}

int tc_mknod(struct tc *c, uint32_t dfid, const char *name, uint32_t mode,
             uint32_t major, uint32_t minor)
{
    tc_begin(c, 18);
    tc_u32(c, dfid);
    tc_str(c, name);
    tc_u32(c, mode);
    tc_u32(c, major);
    tc_u32(c, minor);
    tc_u32(c, 0);
    return tc_rpc(c);
}

int tc_readlink(struct tc *c, uint32_t fid, char *buf, size_t size)
{
    int err = fid_only(c, 22, fid);

    if (!err)
        tc_rstr(c, buf, size);
    return err;
}

int tc_unlinkat(struct tc *c, uint32_t dfid, const char *name,
                uint32_t flags)
{
    tc_begin(c, 76);
    tc_u32(c, dfid);
    tc_str(c, name);
    tc_u32(c, flags);
    return tc_rpc(c);
}

int tc_renameat(struct tc *c, uint32_t odfid, const char *oname,
                uint32_t ndfid, const char *nname)
{
    tc_begin(c, 74);
    tc_u32(c, odfid);
    tc_str(c, oname);
    tc_u32(c, ndfid);
    tc_str(c, nname);
    return tc_rpc(c);
}

int tc_rename(struct tc *c, uint32_t fid, uint32_t dfid, const char *name)
{
    tc_begin(c, 20);
    tc_u32(c, fid);
    tc_u32(c, dfid);
    tc_str(c, name);
    return tc_rpc(c);
}

int tc_link(struct tc *c, uint32_t dfid, uint32_t fid, const char *name)
{
    tc_begin(c, 70);
    tc_u32(c, dfid);
    tc_u32(c, fid);
    tc_str(c, name);
    return tc_rpc(c);
}

int tc_statfs(struct tc *c, uint32_t fid, uint32_t *bsize,
              uint32_t *namelen)
{
    int err = fid_only(c, 8, fid);

    if (err)
        return err;
    tc_r32(c);
    *bsize = tc_r32(c);
    for (int i = 0; i < 6; i++)
        tc_r64(c);
    *namelen = tc_r32(c);
    return c->rpos == c->ilen ? 0 : -EPROTO;
}

int tc_fsync(struct tc *c, uint32_t fid)
{
    tc_begin(c, 50);
    tc_u32(c, fid);
    tc_u32(c, 0);
    return tc_rpc(c);
}

int tc_lock(struct tc *c, uint32_t fid, uint8_t type, uint64_t start,
            uint64_t len)
{
    int err;

    tc_begin(c, 52);
    tc_u32(c, fid);
    tc_u8(c, type);
    tc_u32(c, 0);
    tc_u64(c, start);
    tc_u64(c, len);
    tc_u32(c, 42);
    tc_str(c, "tc");
    err = tc_rpc(c);
    return err ? err : tc_r8(c);
}

int tc_getlock(struct tc *c, uint32_t fid, uint8_t type, uint64_t start,
               uint64_t len)
{
    int err;

    tc_begin(c, 54);
    tc_u32(c, fid);
    tc_u8(c, type);
    tc_u64(c, start);
    tc_u64(c, len);
    tc_u32(c, 42);
    tc_str(c, "tc");
    err = tc_rpc(c);
    return err ? err : tc_r8(c);
}
