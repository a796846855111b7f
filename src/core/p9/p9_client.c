/* SPDX-License-Identifier: MIT */
/*
 * 9P2000.L client transport (core, kernel image): version negotiation,
 * framing over the platform channel, reply validation, Rlerror mapping and
 * the fid allocator. The message functions are in p9_ops.c.
 */
#include <lbox/platform.h>

#include "core/kernel.h"
#include "core/p9/p9_internal.h"

/* The highest errno lbox knows; anything else from a server becomes EIO. */
#define P9_ERRNO_MAX EHWPOISON

void p9_fail(struct p9_client *c, const char *why)
{
    if (!c->dead)
        rt_log("p9: client stopped: %s\n", why);
    c->dead = true;
}

static int chan_write_all(struct p9_client *c, const uint8_t *p, uint32_t size)
{
    while (size > 0) {
        long n = lbox_plat_chan_write(c->chan, p, size);

        if (n == -EINTR)
            continue;
        if (n <= 0 || (unsigned long)n > size) {
            p9_fail(c, "channel write failed");
            return -EIO;
        }
        p += n;
        size -= (uint32_t)n;
    }
    return 0;
}

static int chan_read_all(struct p9_client *c, uint8_t *p, uint32_t size)
{
    while (size > 0) {
        long n = lbox_plat_chan_read(c->chan, p, size);

        if (n == -EINTR)
            continue;
        if (n <= 0 || (unsigned long)n > size) {
            p9_fail(c, n == 0 ? "channel closed" : "channel read failed");
            return -EIO;
        }
        p += n;
        size -= (uint32_t)n;
    }
    return 0;
}

static int map_lerror(uint32_t ecode)
{
    if (ecode == 0 || ecode > P9_ERRNO_MAX)
        return -EIO;
    return -(int)ecode;
}

int p9_req_begin(struct p9_client *c, struct p9_buf *req, uint8_t type)
{
    rt_lock(&c->lock, true);
    if (c->dead) {
        rt_unlock(&c->lock, true);
        return -EIO;
    }
    p9_buf_init(req, c->tx, c->msize);
    p9_msg_begin(req, type, type == P9_TVERSION ? P9_NOTAG : P9_TAG);
    return 0;
}

void p9_req_end(struct p9_client *c)
{
    rt_unlock(&c->lock, true);
}

int p9_rep_check(struct p9_client *c, const struct p9_buf *rep)
{
    if (!rep->err)
        return 0;
    p9_fail(c, "malformed reply");
    return -EPROTO;
}

static int rpc_reply(struct p9_client *c, uint8_t ttype, uint16_t ttag,
                     struct p9_buf *rep);

/* The reply's first bytes, and the handle that may ride on them. */
static int chan_read_handle(struct p9_client *c, uint8_t *p, uint32_t size,
                            int *handle)
{
    long n;

    do
        n = lbox_plat_chan_recv(c->chan, p, size, handle);
    while (n == -EINTR);
    if (n <= 0 || (unsigned long)n > size) {
        p9_fail(c, n == 0 ? "channel closed" : "channel read failed");
        return -EIO;
    }
    return chan_read_all(c, p + n, size - (uint32_t)n);
}

int p9_rpc(struct p9_client *c, struct p9_buf *req, struct p9_buf *rep)
{
    return p9_rpc_handle(c, req, rep, NULL);
}

int p9_rpc_handle(struct p9_client *c, struct p9_buf *req,
                  struct p9_buf *rep, int *handle)
{
    uint8_t ttype = req->data[4];
    uint16_t ttag = (uint16_t)(req->data[5] | req->data[6] << 8);
    uint32_t size = p9_msg_finish(req);
    int ret;

    if (handle)
        *handle = -1;
    if (size == 0)
        return -ENAMETOOLONG;
    if (ttype < P9_NTYPES)
        c->sent[ttype]++;
    ret = chan_write_all(c, c->tx, size);
    if (ret < 0)
        return ret;

    if (handle) {
        ret = chan_read_handle(c, c->rx, 4, handle);
        if (ret == 0)
            ret = rpc_reply(c, ttype, ttag, rep);
        if (ret < 0 && *handle >= 0) {
            lbox_plat_file_close(*handle);
            *handle = -1;
        }
        return ret;
    }
    ret = chan_read_all(c, c->rx, 4);
    if (ret < 0)
        return ret;
    return rpc_reply(c, ttype, ttag, rep);
}

/* The rest of the reply after its size field is in c->rx[0..4). */
static int rpc_reply(struct p9_client *c, uint8_t ttype, uint16_t ttag,
                     struct p9_buf *rep)
{
    uint32_t size;
    uint8_t type;
    uint16_t tag;
    int ret;

    size = (uint32_t)c->rx[0] | (uint32_t)c->rx[1] << 8 |
           (uint32_t)c->rx[2] << 16 | (uint32_t)c->rx[3] << 24;
    if (size < P9_HDRSZ || size > c->msize) {
        /* Cannot skip it safely: the stream is lost. */
        p9_fail(c, "reply size out of range");
        return -EPROTO;
    }
    ret = chan_read_all(c, c->rx + 4, size - 4);
    if (ret < 0)
        return ret;

    p9_buf_init(rep, c->rx, size);
    rep->pos = 4;
    type = p9_get_u8(rep);
    tag = p9_get_u16(rep);
    if (tag != ttag) {
        p9_fail(c, "reply tag mismatch");
        return -EPROTO;
    }
    if (type == P9_RLERROR && ttype != P9_TVERSION) {
        uint32_t ecode = p9_get_u32(rep);

        if (rep->err) {
            p9_fail(c, "short Rlerror");
            return -EPROTO;
        }
        return map_lerror(ecode);
    }
    if (type != ttype + 1) {
        p9_fail(c, "reply type mismatch");
        return -EPROTO;
    }
    return 0;
}

void p9_client_own_server(struct p9_client *c)
{
    __atomic_store_n(&c->own_server, true, __ATOMIC_RELAXED);
    __atomic_store_n(&c->no_lend, false, __ATOMIC_RELAXED);
}

bool p9_client_is_own_server(const struct p9_client *c)
{
    return __atomic_load_n(&c->own_server, __ATOMIC_RELAXED);
}

uint64_t p9_client_sent(const struct p9_client *c, uint8_t type)
{
    return type < P9_NTYPES ? __atomic_load_n(&c->sent[type], __ATOMIC_RELAXED)
                            : 0;
}

const char *p9_msg_name(uint8_t type)
{
    static const struct { uint8_t type; const char *name; } names[] = {
        {P9_TSTATFS, "statfs"},     {P9_TLOPEN, "lopen"},
        {P9_TLCREATE, "lcreate"},   {P9_TSYMLINK, "symlink"},
        {P9_TMKNOD, "mknod"},       {P9_TRENAME, "rename"},
        {P9_TREADLINK, "readlink"}, {P9_TGETATTR, "getattr"},
        {P9_TSETATTR, "setattr"},   {P9_TREADDIR, "readdir"},
        {P9_TFSYNC, "fsync"},       {P9_TLINK, "link"},
        {P9_TMKDIR, "mkdir"},       {P9_TRENAMEAT, "renameat"},
        {P9_TUNLINKAT, "unlinkat"}, {P9_TVERSION, "version"},
        {P9_TATTACH, "attach"},     {P9_TFLUSH, "flush"},
        {P9_TWALK, "walk"},         {P9_TREAD, "read"},
        {P9_TWRITE, "write"},       {P9_TCLUNK, "clunk"},
        {P9_TREMOVE, "remove"},     {P9_TLENDFD, "lendfd"},
        {P9_TWALKATTR, "walkattr"}, {P9_TLISTDIR, "listdir"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (names[i].type == type)
            return names[i].name;
    }
    return NULL;
}

/* --- fids ------------------------------------------------------------------ */

int p9_fid_alloc(struct p9_client *c, uint32_t *fid)
{
    int ret = -ENFILE;

    rt_lock(&c->fid_lock, true);
    for (uint32_t i = 0; i < P9_FID_MAX; i++) {
        uint32_t f = (c->fid_hint + i) % P9_FID_MAX;
        uint32_t bit = 1U << (f % 32);

        if (c->fid_map[f / 32] & bit)
            continue;
        c->fid_map[f / 32] |= bit;
        c->fid_hint = (f + 1) % P9_FID_MAX;
        c->fids_in_use++;
        *fid = f;
        ret = 0;
        break;
    }
    rt_unlock(&c->fid_lock, true);
    return ret;
}

void p9_fid_free(struct p9_client *c, uint32_t fid)
{
    uint32_t bit;

    if (fid >= P9_FID_MAX)
        return;
    bit = 1U << (fid % 32);
    rt_lock(&c->fid_lock, true);
    if (c->fid_map[fid / 32] & bit) {
        c->fid_map[fid / 32] &= ~bit;
        c->fids_in_use--;
    }
    rt_unlock(&c->fid_lock, true);
}

uint32_t p9_client_fids_in_use(struct p9_client *c)
{
    uint32_t n;

    rt_lock(&c->fid_lock, true);
    n = c->fids_in_use;
    rt_unlock(&c->fid_lock, true);
    return n;
}

/* --- connection ------------------------------------------------------------ */

static int negotiate(struct p9_client *c)
{
    static const char version[] = "9P2000.L";
    struct p9_buf req, rep;
    uint32_t msize;
    const char *v;
    uint16_t vlen;
    int ret;

    ret = p9_req_begin(c, &req, P9_TVERSION);
    if (ret < 0)
        return ret;
    p9_put_u32(&req, c->msize);
    p9_put_str(&req, version);
    ret = p9_rpc(c, &req, &rep);
    if (ret < 0)
        goto out;
    msize = p9_get_u32(&rep);
    p9_get_str(&rep, &v, &vlen);
    ret = p9_rep_check(c, &rep);
    if (ret < 0)
        goto out;
    if (vlen != sizeof(version) - 1 || memcmp(v, version, vlen) != 0 ||
        msize < P9_MSIZE_MIN || msize > c->msize) {
        p9_fail(c, "server refused 9P2000.L or gave a bad msize");
        ret = -EPROTO;
        goto out;
    }
    c->msize = msize;
out:
    p9_req_end(c);
    return ret;
}

int p9_client_connect(struct kernel *k, int chan, uint32_t msize,
                      struct p9_client **out)
{
    struct p9_client *c;
    int ret;

    msize = MAX(msize, P9_MSIZE_MIN);
    msize = MIN(msize, P9_MSIZE_MAX);
    c = rt_heap_zalloc(k->shared, sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->k = k;
    c->chan = chan;
    c->msize = msize;
    c->bufsize = msize;
    c->no_lend = true;
    c->lock = (struct rt_lock)RT_LOCK_INIT;
    c->fid_lock = (struct rt_lock)RT_LOCK_INIT;
    c->tx = rt_heap_alloc(k->shared, msize);
    c->rx = rt_heap_alloc(k->shared, msize);
    if (!c->tx || !c->rx) {
        ret = -ENOMEM;
        goto out_free;
    }
    ret = negotiate(c);
    if (ret < 0)
        goto out_free;
    *out = c;
    return 0;
out_free:
    p9_client_free(c);
    return ret;
}

void p9_client_free(struct p9_client *c)
{
    struct rt_heap *h = c->k->shared;

    if (c->tx)
        rt_heap_free(h, c->tx);
    if (c->rx)
        rt_heap_free(h, c->rx);
    rt_heap_free(h, c);
}

uint32_t p9_client_msize(const struct p9_client *c)
{
    return c->msize;
}

bool p9_client_is_dead(const struct p9_client *c)
{
    return __atomic_load_n(&c->dead, __ATOMIC_RELAXED);
}
