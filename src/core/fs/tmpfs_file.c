/* SPDX-License-Identifier: MIT */
/*
 * tmpfs regular-file data (core, kernel image): a sparse table of pages
 * in the shared region (whole pages without a heap header, so a block
 * costs one page and can be mapped); holes read as zeros.
 */
#include "core/fs/tmpfs_internal.h"

static struct rt_heap *heap_of(struct inode *ino)
{
    return ino->sb->k->shared;
}

/* Make the block table hold at least (n) entries. */
static int grow_table(struct inode *ino, struct tmpfs_node *n, size_t need)
{
    size_t cap = n->nblocks ? n->nblocks : 4;
    uint8_t **nb;

    if (need <= n->nblocks)
        return 0;
    while (cap < need)
        cap *= 2;
    nb = rt_heap_realloc(heap_of(ino), n->blocks, cap * sizeof(*nb));
    if (!nb)
        return -ENOSPC;
    memset(nb + n->nblocks, 0, (cap - n->nblocks) * sizeof(*nb));
    n->blocks = nb;
    n->nblocks = cap;
    return 0;
}

static void free_blocks_from(struct inode *ino, struct tmpfs_node *n,
                             size_t first)
{
    struct tmpfs_sb *ts = tmpfs_sb_of(ino);

    for (size_t i = first; i < n->nblocks; i++) {
        if (n->blocks[i] && n->shared_maps) {
            /* A guest mapping may still show the page: keep it (as
             * zeros, what the file now holds there) until evict. */
            memset(n->blocks[i], 0, TMPFS_BLOCK);
        } else if (n->blocks[i]) {
            rt_heap_page_free(heap_of(ino), n->blocks[i]);
            n->blocks[i] = NULL;
            __atomic_sub_fetch(&ts->nr_blocks, 1, __ATOMIC_RELAXED);
        }
    }
}

void tmpfs_free_data(struct inode *ino)
{
    struct tmpfs_node *n = tmpfs_node_of(ino);

    n->shared_maps = false;     /* evict: no mapping is left */
    free_blocks_from(ino, n, 0);
    rt_heap_free(heap_of(ino), n->blocks);
    n->blocks = NULL;
    n->nblocks = 0;
}

long tmpfs_truncate_locked(struct inode *ino, int64_t size)
{
    struct tmpfs_node *n = tmpfs_node_of(ino);

    if (size < 0)
        return -EINVAL;
    if ((uint64_t)size > TMPFS_MAX_FILE_SIZE)
        return -EFBIG;
    if (size < n->size) {
        size_t keep = ((uint64_t)size + TMPFS_BLOCK - 1) / TMPFS_BLOCK;
        size_t off = (uint64_t)size % TMPFS_BLOCK;
        free_blocks_from(ino, n, keep);
        /* The partial last block must read back zeros if extended later. */
        if (off && keep - 1 < n->nblocks && n->blocks[keep - 1])
            memset(n->blocks[keep - 1] + off, 0, TMPFS_BLOCK - off);
    }
    n->size = size;
    return 0;
}

static long file_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    struct inode *ino = f->inode;
    struct tmpfs_sb *ts = tmpfs_sb_of(ino);
    struct tmpfs_node *n = tmpfs_node_of(ino);
    uint64_t p = *pos;
    size_t done = 0;

    rt_lock(&ts->lock, true);
    if (p < (uint64_t)n->size) {
        size = MIN(size, (uint64_t)n->size - p);
        while (done < size) {
            size_t bi = (p + done) / TMPFS_BLOCK;
            size_t bo = (p + done) % TMPFS_BLOCK;
            size_t c = MIN(size - done, TMPFS_BLOCK - bo);
            if (bi < n->nblocks && n->blocks[bi])
                memcpy((char *)buf + done, n->blocks[bi] + bo, c);
            else
                memset((char *)buf + done, 0, c);
            done += c;
        }
    }
    /* relatime: touch atime only when it is older than a change. */
    if (n->atime.sec < n->mtime.sec || n->atime.sec < n->ctime.sec ||
        (n->atime.sec == n->mtime.sec && n->atime.nsec < n->mtime.nsec))
        n->atime = vfs_now();
    rt_unlock(&ts->lock, true);
    *pos = p + done;
    return (long)done;
}

static long file_write(struct file *f, const void *buf, size_t size,
                       uint64_t *pos)
{
    struct inode *ino = f->inode;
    struct tmpfs_sb *ts = tmpfs_sb_of(ino);
    struct tmpfs_node *n = tmpfs_node_of(ino);
    uint64_t p = *pos, end;
    size_t done = 0;
    long err = 0;

    if (size == 0)
        return 0;
    if (__builtin_add_overflow(p, size, &end) || end > TMPFS_MAX_FILE_SIZE) {
        if (p >= TMPFS_MAX_FILE_SIZE)
            return -EFBIG;
        size = TMPFS_MAX_FILE_SIZE - p;
        end = TMPFS_MAX_FILE_SIZE;
    }
    rt_lock(&ts->lock, true);
    err = grow_table(ino, n, (end + TMPFS_BLOCK - 1) / TMPFS_BLOCK);
    while (err == 0 && done < size) {
        size_t bi = (p + done) / TMPFS_BLOCK;
        size_t bo = (p + done) % TMPFS_BLOCK;
        size_t c = MIN(size - done, TMPFS_BLOCK - bo);
        if (!n->blocks[bi]) {
            if (__atomic_load_n(&ts->nr_blocks, __ATOMIC_RELAXED) >=
                ts->max_blocks) {
                err = -ENOSPC;
                break;
            }
            n->blocks[bi] = rt_heap_page_alloc(heap_of(ino));
            if (!n->blocks[bi]) {
                err = -ENOSPC;
                break;
            }
            __atomic_add_fetch(&ts->nr_blocks, 1, __ATOMIC_RELAXED);
        }
        memcpy(n->blocks[bi] + bo, (const char *)buf + done, c);
        done += c;
    }
    if (done) {
        if ((int64_t)(p + done) > n->size)
            n->size = (int64_t)(p + done);
        n->mtime = n->ctime = vfs_now();
    }
    rt_unlock(&ts->lock, true);
    if (done == 0)
        return err;
    *pos = p + done;
    return (long)done;
}

/* The block itself: a shared mapping and read/write see one copy. */
static int file_map_page(struct file *f, uint64_t idx, void **page)
{
    struct inode *ino = f->inode;
    struct tmpfs_sb *ts = tmpfs_sb_of(ino);
    struct tmpfs_node *n = tmpfs_node_of(ino);
    int err;

    if (idx >= TMPFS_MAX_FILE_SIZE / TMPFS_BLOCK)
        return -EFBIG;
    rt_lock(&ts->lock, true);
    err = grow_table(ino, n, (size_t)idx + 1);
    if (!err && !n->blocks[idx]) {
        if (__atomic_load_n(&ts->nr_blocks, __ATOMIC_RELAXED) >= ts->max_blocks)
            err = -ENOMEM;
        else if (!(n->blocks[idx] = rt_heap_page_alloc(heap_of(ino))))
            err = -ENOMEM;
        else
            __atomic_add_fetch(&ts->nr_blocks, 1, __ATOMIC_RELAXED);
    }
    if (!err) {
        n->shared_maps = true;
        *page = n->blocks[idx];
    }
    rt_unlock(&ts->lock, true);
    return err;
}

static int file_fsync(struct file *f)
{
    (void)f;
    return 0;
}

const struct file_ops tmpfs_file_ops = {
    .read = file_read,
    .write = file_write,
    .fsync = file_fsync,
    .map_page = file_map_page,
};
