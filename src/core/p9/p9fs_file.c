/* SPDX-License-Identifier: MIT */
/*
 * p9fs open files (core, kernel image): open walks a clone of the inode's
 * fid and Tlopens it; read, write, fsync and directory listing run on that
 * opened fid, which release clunks.
 *
 * Page cache: a file of an rw mount that is mapped MAP_SHARED gets whole
 * pages (rt_heap pages of the shared region, so the guest mapping shows
 * them), read in at the first mapping of each and kept until evict.
 * While an inode has any, read() takes cached pages from the cache and
 * write() goes to the server and into the cache, so mappings, read and
 * write agree. There is no dirty tracking: a shared mapping that was
 * writable writes all its pages (below the file's size) back at msync,
 * munmap and exit; fsync writes every cached page back.
 */
#include <lbox/platform.h>

#include "core/p9/p9fs_internal.h"

/* file.priv */
struct p9fs_file {
    uint32_t fid;        /* opened; P9_NOFID for O_PATH, a lent file or
                            a listed directory */
    int host;            /* the inode's lent handle, or -1 */
    uint32_t iounit;
    bool shared;         /* the inode's read_fid: not ours to clunk */
    /* Directories: one Rreaddir's (or Rlistdir's, with (list)) raw
     * entries, consumed from dpos; (deof): none follow them. */
    bool list, deof;
    uint8_t *dbuf;
    uint32_t dsize, dlen, dpos;
    uint64_t dnext;      /* the f->pos the entry at dpos continues from */
};

#define PAGE LBOX_PAGE_SIZE

/* The cached page (idx) of (pi), or NULL. */
static uint8_t *page_at(struct p9fs_inode *pi, uint64_t idx)
{
    uint8_t *p = NULL;

    rt_lock(&pi->lock, true);
    if (idx < pi->npages)
        p = pi->pages[idx];
    rt_unlock(&pi->lock, true);
    return p;
}

static bool has_pages(struct p9fs_inode *pi)
{
    return __atomic_load_n(&pi->pages, __ATOMIC_ACQUIRE) != NULL;
}

/* read() of an inode with a page cache: cached pages from the cache, the
 * rest from the server, one page at a time. */
static long cached_read(struct file *f, void *buf, size_t size, uint64_t pos)
{
    struct p9fs_file *pf = f->priv;
    struct p9fs_inode *pi = f->inode->priv;
    struct vfs_stat st;
    size_t done = 0;
    int ret;

    ret = vfs_getattr(f->inode, &st);
    if (ret < 0)
        return ret;
    if (pos >= (uint64_t)st.size)
        return 0;
    size = MIN(size, (uint64_t)st.size - pos);
    while (done < size) {
        uint64_t at = pos + done;
        size_t c = MIN(size - done, PAGE - at % PAGE);
        uint8_t *pg = page_at(pi, at / PAGE);
        long n;

        if (pg) {
            memcpy((char *)buf + done, pg + at % PAGE, c);
            n = (long)c;
        } else {
            n = p9_read(p9fs_client(f->inode), pf->fid, at, (char *)buf + done,
                        c, pf->iounit);
        }
        if (n <= 0)
            return done ? (long)done : n;
        done += (size_t)n;
        if ((size_t)n < c)
            break;
    }
    return (long)done;
}

/* After write() put (size) bytes at (pos): copy them into cached pages. */
static void cache_written(struct p9fs_inode *pi, const void *buf, size_t size,
                          uint64_t pos)
{
    for (size_t done = 0; done < size;) {
        uint64_t at = pos + done;
        size_t c = MIN(size - done, PAGE - at % PAGE);
        uint8_t *pg = page_at(pi, at / PAGE);

        if (pg)
            memcpy(pg + at % PAGE, (const char *)buf + done, c);
        done += c;
    }
}

/*
 * A lent handle of the inode opened with (mode), kept in (*slot): asked
 * for once per inode. -1 when there is none (refused, or not a candidate).
 */
static int lend_into(struct inode *ino, int *slot, uint32_t mode)
{
    int h = __atomic_load_n(slot, __ATOMIC_ACQUIRE), none = P9FS_HOST_NONE;
    uint32_t fid;

    if (h != P9FS_HOST_NONE)
        return h >= 0 ? h : -1;
    if (p9fs_fid_get(ino, &fid) < 0)
        return -1;  /* the open's own walk says why */
    if (p9_lendfd(p9fs_client(ino), fid, mode, &h) < 0)
        h = P9FS_HOST_REFUSED;
    if (!__atomic_compare_exchange_n(slot, &none, h, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        if (h >= 0)
            p9_lend_put(p9fs_client(ino), h);   /* lost a race */
        h = none;
    }
    return h >= 0 ? h : -1;
}

/*
 * MAP_SHARED of an rw mount's file: a handle lent for it, so the guest
 * maps the host's own pages (coherent with every Twrite and Tread, and
 * with the host). Without one (another server, the limit) the page cache
 * below serves.
 */
static int p9fs_shared_handle(struct file *f)
{
    struct inode *ino = f->inode;
    struct p9fs_inode *pi = ino->priv;
    bool rw = (f->flags & O_ACCMODE) == O_RDWR;
    int h;

    if (ino->sb->read_only || !S_ISREG(ino->mode))
        return -ENOSYS;
    h = lend_into(ino, rw ? &pi->shared_rw : &pi->shared_ro,
                  rw ? O_RDWR : O_RDONLY);
    return h >= 0 ? h : -ENOSYS;
}

static int p9fs_map_page(struct file *f, uint64_t idx, void **page)
{
    struct p9fs_file *pf = f->priv;
    struct inode *ino = f->inode;
    struct p9fs_inode *pi = ino->priv;
    struct rt_heap *h = ino->sb->k->shared;
    uint8_t *pg, **tab;
    size_t cap;
    long n;

    if (pf->fid == P9_NOFID || idx > (uint64_t)INT64_MAX / PAGE)
        return -ENODEV;
    pg = page_at(pi, idx);
    if (pg)
        goto out;
    pg = rt_heap_page_alloc(h);
    if (!pg)
        return -ENOMEM;
    n = p9_read(p9fs_client(ino), pf->fid, idx * PAGE, pg, PAGE, pf->iounit);
    if (n < 0) {
        rt_heap_page_free(h, pg);
        return (int)n;
    }
    rt_lock(&pi->lock, true);
    if (idx >= pi->npages) {
        cap = pi->npages ? pi->npages : 16;
        while (cap <= idx)
            cap *= 2;
        tab = rt_heap_realloc(h, pi->pages, cap * sizeof(*tab));
        if (!tab) {
            rt_unlock(&pi->lock, true);
            rt_heap_page_free(h, pg);
            return -ENOMEM;
        }
        memset(tab + pi->npages, 0, (cap - pi->npages) * sizeof(*tab));
        __atomic_store_n(&pi->pages, tab, __ATOMIC_RELEASE);
        pi->npages = cap;
    }
    if (pi->pages[idx]) {           /* filled meanwhile: keep that one */
        rt_heap_page_free(h, pg);
        pg = pi->pages[idx];
    } else {
        pi->pages[idx] = pg;
    }
    rt_unlock(&pi->lock, true);
out:
    *page = pg;
    return 0;
}

/* Write the cached pages of [off, off + len) below the file's size back
 * through (f)'s fid, which must be open for writing. */
static int p9fs_writeback(struct file *f, uint64_t off, uint64_t len)
{
    struct p9fs_file *pf = f->priv;
    struct p9fs_inode *pi = f->inode->priv;
    struct vfs_stat st;
    uint64_t end;
    int ret;

    if (!has_pages(pi) || (f->flags & O_ACCMODE) == O_RDONLY ||
        pf->fid == P9_NOFID)
        return 0;
    ret = vfs_getattr(f->inode, &st);
    if (ret < 0)
        return ret;
    if (__builtin_add_overflow(off, len, &end) || end > (uint64_t)st.size)
        end = (uint64_t)st.size;
    for (uint64_t at = ALIGN_DOWN(off, PAGE); at < end; at += PAGE) {
        uint8_t *pg = page_at(pi, at / PAGE);
        size_t c = (size_t)MIN(PAGE, end - at);
        long n;

        if (!pg)
            continue;
        n = p9_write(p9fs_client(f->inode), pf->fid, at, pg, c, pf->iounit);
        if (n < 0)
            return (int)n;
        if ((size_t)n < c)
            return -EIO;
    }
    p9fs_attr_stale(f->inode);
    return 0;
}

void p9fs_pages_truncate(struct inode *ino, uint64_t size)
{
    struct p9fs_inode *pi = ino->priv;

    rt_lock(&pi->lock, true);
    for (size_t i = 0; i < pi->npages; i++) {
        uint64_t at = (uint64_t)i * PAGE;

        if (!pi->pages[i] || at + PAGE <= size)
            continue;
        /* A mapping may show the page: zero it, never free it here. */
        if (size > at)
            memset(pi->pages[i] + (size - at), 0, PAGE - (size - at));
        else
            memset(pi->pages[i], 0, PAGE);
    }
    rt_unlock(&pi->lock, true);
}

void p9fs_pages_free(struct inode *ino)
{
    struct p9fs_inode *pi = ino->priv;
    struct rt_heap *h = ino->sb->k->shared;

    for (size_t i = 0; i < pi->npages; i++)
        rt_heap_page_free(h, pi->pages[i]);
    rt_heap_free(h, pi->pages);
    pi->pages = NULL;
    pi->npages = 0;
}

static long p9fs_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    struct p9fs_file *pf = f->priv;
    long n;

    if (pf->host >= 0)
        n = lbox_plat_file_read(pf->host, buf, size, *pos);
    else if (pf->fid == P9_NOFID)
        return -EBADF;
    else if (S_ISDIR(f->inode->mode))
        return -EISDIR;
    else if (has_pages(f->inode->priv))
        n = cached_read(f, buf, size, *pos);
    else
        n = p9_read(p9fs_client(f->inode), pf->fid, *pos, buf, size, pf->iounit);
    if (n > 0)
        *pos += (uint64_t)n;
    return n;
}

/*
 * A file written more than once goes on through a handle lent read-write
 * (pi->shared_rw, the one MAP_SHARED maps): the data reaches the host's
 * page cache at once, as through Twrite, without the round trip. Not for
 * O_APPEND (the server places those writes), O_SYNC or O_DSYNC (its fid
 * has the flags, the lent handle not), nor while the inode has pages in
 * lbox's own page cache. Where the platform cannot write it (-ENOSYS: a
 * sandbox with a disk budget, which the server could not count) or the
 * server does not lend, every write is a Twrite.
 */
#define P9FS_WRITES_BEFORE_LEND 1

static int write_handle(struct file *f)
{
    struct p9fs_inode *pi = f->inode->priv;
    struct p9fs_sb *ps = f->inode->sb->priv;

    if ((f->flags & (O_APPEND | O_SYNC | O_DSYNC)) ||
        !S_ISREG(f->inode->mode) || has_pages(pi) ||
        __atomic_load_n(&ps->no_lent_writes, __ATOMIC_RELAXED))
        return -1;
    if (__atomic_load_n(&pi->shared_rw, __ATOMIC_ACQUIRE) == P9FS_HOST_NONE &&
        __atomic_fetch_add(&pi->writes, 1, __ATOMIC_RELAXED) <
            P9FS_WRITES_BEFORE_LEND)
        return -1;
    return lend_into(f->inode, &pi->shared_rw, O_RDWR);
}

static long p9fs_write(struct file *f, const void *buf, size_t size,
                       uint64_t *pos)
{
    struct p9fs_file *pf = f->priv;
    struct p9fs_sb *ps = f->inode->sb->priv;
    long n;
    int h;

    if (f->inode->sb->read_only)
        return -EROFS;
    if (pf->fid == P9_NOFID || (f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    if (size > (uint64_t)INT64_MAX || *pos > (uint64_t)INT64_MAX - size)
        return -EFBIG;
    h = write_handle(f);
    n = h >= 0 ? lbox_plat_file_write(h, buf, size, *pos) : -ENOSYS;
    if (n == -ENOSYS) {
        if (h >= 0)     /* nor will it later: lend no more for writes */
            __atomic_store_n(&ps->no_lent_writes, true, __ATOMIC_RELAXED);
        n = p9_write(p9fs_client(f->inode), pf->fid, *pos, buf, size,
                     pf->iounit);
    }
    p9fs_attr_stale(f->inode);
    if (n > 0 && has_pages(f->inode->priv))
        cache_written(f->inode->priv, buf, (size_t)n, *pos);
    if (n > 0)
        *pos += (uint64_t)n;
    return n;
}

/*
 * One reply's worth of entries from f->pos into pf->dbuf. A listing
 * (read-only mounts, lbox's own server) needs no open fid and brings each
 * entry's attributes, which are cached as names at once: a walk over the
 * tree then stats from the cache.
 */
static long fill_dbuf(struct file *f, struct p9fs_file *pf)
{
    struct p9_client *c = p9fs_client(f->inode);
    const char *names[P9_MAXWELEM];
    struct p9_listent e;
    uint32_t fid;
    size_t next = 0;
    long n;
    int nw;

    if (!pf->list)
        return p9_readdir(c, pf->fid, f->pos, pf->dbuf, pf->dsize);
    nw = p9fs_fid_path(f->inode, &fid, names);
    if (nw < 0)
        return nw;
    n = p9_listdir(c, fid, (unsigned)nw, names, f->pos, pf->dbuf, pf->dsize,
                   &pf->deof);
    while (n > 0 && p9_listent_next(pf->dbuf, (size_t)n, &next, &e) > 0)
        p9fs_prime(f->inode, f->dentry, &e);
    return n;
}

/*
 * Entries go out as the server sends them ("." and ".." included), each
 * with its 9P offset as the position to continue from. The buffer holds one
 * reply; a seek elsewhere (f->pos changed) drops it.
 */
static int p9fs_iterate(struct file *f, vfs_filldir_t fill, void *ctx)
{
    struct p9fs_file *pf = f->priv;
    struct p9_dirent d;
    struct p9_listent e;
    size_t next;
    long n;
    int ret;

    if (pf->fid == P9_NOFID && !pf->list)
        return -EBADF;
    if (!S_ISDIR(f->inode->mode))
        return -ENOTDIR;
    if (!pf->dbuf) {
        pf->dsize = p9_client_msize(p9fs_client(f->inode)) - P9_IOHDRSZ - 1;
        pf->dbuf = rt_heap_alloc(f->inode->sb->k->shared, pf->dsize);
        if (!pf->dbuf)
            return -ENOMEM;
    }
    for (;;) {
        if (pf->dpos >= pf->dlen || pf->dnext != f->pos) {
            if (pf->deof && pf->dnext == f->pos && pf->dlen)
                return 0;   /* the last reply said nothing follows */
            pf->dlen = pf->dpos = 0;
            pf->deof = false;
            n = fill_dbuf(f, pf);
            if (n <= 0)
                return (int)n;
            pf->dlen = (uint32_t)n;
            pf->dnext = f->pos;
        }
        next = pf->dpos;
        if (pf->list) {
            ret = p9_listent_next(pf->dbuf, pf->dlen, &next, &e);
            d = e.d;
        } else {
            ret = p9_dirent_next(pf->dbuf, pf->dlen, &next, &d);
        }
        if (ret <= 0) {
            pf->dlen = pf->dpos = 0;
            return ret < 0 ? -EIO : 0;
        }
        if (fill(ctx, d.name, d.name_len, d.qid.path, d.offset, d.type))
            return 0;
        pf->dpos = (uint32_t)next;
        pf->dnext = d.offset;
        f->pos = d.offset;
    }
}

static int p9fs_host_handle(struct file *f)
{
    struct p9fs_file *pf = f->priv;

    return pf->host >= 0 ? pf->host : -ENOSYS;
}

static int p9fs_fsync(struct file *f)
{
    struct p9fs_file *pf = f->priv;
    int ret;

    if (pf->host >= 0 || pf->list)
        return 0;
    if (pf->fid == P9_NOFID)
        return -EBADF;
    if (pf->shared)
        return 0; /* read-only mount: nothing of lbox's to write */
    ret = p9fs_writeback(f, 0, UINT64_MAX);
    if (ret < 0)
        return ret;
    return p9_fsync(p9fs_client(f->inode), pf->fid, /*datasync=*/false);
}

static void p9fs_release(struct file *f)
{
    struct p9fs_file *pf = f->priv;
    struct rt_heap *h = f->inode->sb->k->shared;

    if (!pf)
        return;
    if (pf->fid != P9_NOFID && !pf->shared)
        p9_clunk(p9fs_client(f->inode), pf->fid);
    if (pf->dbuf)
        rt_heap_free(h, pf->dbuf);
    rt_heap_free(h, pf);
    f->priv = NULL;
}

static const struct file_ops p9fs_file_ops = {
    .read = p9fs_read,
    .write = p9fs_write,
    .iterate = p9fs_iterate,
    .fsync = p9fs_fsync,
    .release = p9fs_release,
    .host_handle = p9fs_host_handle,
    .shared_handle = p9fs_shared_handle,
    .map_page = p9fs_map_page,
    .writeback = p9fs_writeback,
};

int p9fs_open(struct inode *ino, struct file *f, struct task *t)
{
    struct p9_client *c = p9fs_client(ino);
    struct p9fs_inode *pi;
    struct p9fs_file *pf;
    uint32_t acc = f->flags & O_ACCMODE, lflags, fid;
    bool share;
    int ret;

    (void)t;
    if (!(f->flags & O_PATH)) {
        if (ino->sb->read_only && (acc != O_RDONLY || (f->flags & O_TRUNC)))
            return -EROFS;
        if (S_ISLNK(ino->mode))
            return -ELOOP;
        if (acc == O_ACCMODE)
            return -EINVAL;
    }
    pf = rt_heap_zalloc(ino->sb->k->shared, sizeof(*pf));
    if (!pf)
        return -ENOMEM;
    pf->fid = P9_NOFID;
    pf->host = -1;
    if (f->flags & O_PATH)
        goto done;
    pi = ino->priv;
    pf->fid = __atomic_exchange_n(&pi->open_fid, P9_NOFID, __ATOMIC_ACQ_REL);
    if (pf->fid != P9_NOFID) {
        pf->iounit = pi->open_iounit; /* the create's O_RDWR fid */
        goto done;
    }
    share = ino->sb->read_only && acc == O_RDONLY;
    pf->host = -1;
    if (share && S_ISREG(ino->mode)) {
        pf->host = lend_into(ino, &pi->host, O_RDONLY);
        if (pf->host >= 0)
            goto done;
    }
    if (share) {
        pf->fid = __atomic_load_n(&pi->read_fid, __ATOMIC_ACQUIRE);
        if (pf->fid != P9_NOFID) {
            pf->iounit = pi->read_iounit;
            pf->shared = true;
            goto done;
        }
    }
    if (share && S_ISDIR(ino->mode) && p9_client_is_own_server(c)) {
        pf->list = true;    /* listed by Tlistdir: no fid to open */
        goto done;
    }
    lflags = S_ISDIR(ino->mode) ? O_RDONLY : acc | (f->flags & O_TRUNC);
    ret = p9fs_fid_get(ino, &fid);
    if (ret < 0)
        goto out_free;
    ret = p9_walk(c, fid, 0, NULL, &pf->fid, NULL);
    if (ret < 0)
        goto out_free;
    ret = p9_lopen(c, pf->fid, lflags, NULL, &pf->iounit);
    if (ret < 0) {
        p9_clunk(c, pf->fid);
        goto out_free;
    }
    if (share) {
        uint32_t none = P9_NOFID;

        /* Publish the iounit before the fid; a lost race keeps its own. */
        pi->read_iounit = pf->iounit;
        pf->shared = __atomic_compare_exchange_n(
            &pi->read_fid, &none, pf->fid, false, __ATOMIC_ACQ_REL,
            __ATOMIC_ACQUIRE);
    }
done:
    f->priv = pf;
    f->ops = &p9fs_file_ops;
    return 0;
out_free:
    rt_heap_free(ino->sb->k->shared, pf);
    return ret;
}
