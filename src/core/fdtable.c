/* SPDX-License-Identifier: MIT */
/*
 * Per-process file descriptor table (core, kernel image): a private-heap
 * array of referenced struct file pointers that grows on demand up to the
 * caller's limit, with a close-on-exec bitmap. Files are always released
 * outside the table lock, since a release may block (9P clunk, pipe wakeup).
 */
#include "core/fdtable.h"

#define FDT_MIN_SLOTS 64

struct fdtable {
    struct rt_heap *heap;
    struct rt_lock lock;
    int size;             /* slots allocated, a multiple of 64 */
    int max;              /* highest fd ever used + 1 */
    int next_free;        /* no free slot below this one */
    struct file **files;
    uint64_t *cloexec;    /* one bit per slot */
};

int fdt_new(struct rt_heap *h, struct fdtable **out)
{
    struct fdtable *fdt = rt_heap_zalloc(h, sizeof(*fdt));

    if (!fdt)
        return -ENOMEM;
    fdt->heap = h;
    fdt->lock = (struct rt_lock)RT_LOCK_INIT;
    fdt->files = rt_heap_zalloc(h, FDT_MIN_SLOTS * sizeof(*fdt->files));
    fdt->cloexec = rt_heap_zalloc(h, FDT_MIN_SLOTS / 8);
    if (!fdt->files || !fdt->cloexec) {
        rt_heap_free(h, fdt->files);
        rt_heap_free(h, fdt->cloexec);
        rt_heap_free(h, fdt);
        return -ENOMEM;
    }
    fdt->size = FDT_MIN_SLOTS;
    *out = fdt;
    return 0;
}

void fdt_destroy(struct fdtable *fdt)
{
    if (!fdt)
        return;
    for (int fd = 0; fd < fdt->max; fd++)
        if (fdt->files[fd])
            vfs_file_put(fdt->files[fd]);
    rt_heap_free(fdt->heap, fdt->files);
    rt_heap_free(fdt->heap, fdt->cloexec);
    rt_heap_free(fdt->heap, fdt);
}

static void set_bit(struct fdtable *fdt, int fd, bool on)
{
    uint64_t bit = 1ULL << (fd % 64);

    if (on)
        fdt->cloexec[fd / 64] |= bit;
    else
        fdt->cloexec[fd / 64] &= ~bit;
}

static bool get_bit(const struct fdtable *fdt, int fd)
{
    return (fdt->cloexec[fd / 64] >> (fd % 64)) & 1;
}

/* Make room for slot (fd); called with the lock held. */
static int grow(struct fdtable *fdt, int fd)
{
    size_t n = (size_t)fdt->size;
    struct file **files;
    uint64_t *bits;

    if (fd < fdt->size)
        return 0;
    while (n <= (size_t)fd)
        n *= 2;
    files = rt_heap_realloc(fdt->heap, fdt->files, n * sizeof(*files));
    if (!files)
        return -ENOMEM;
    fdt->files = files;
    memset(files + fdt->size, 0, (n - (size_t)fdt->size) * sizeof(*files));
    bits = rt_heap_realloc(fdt->heap, fdt->cloexec, n / 8);
    if (!bits)
        return -ENOMEM; /* files[] grew; size stays, so nothing is lost */
    fdt->cloexec = bits;
    memset((char *)bits + fdt->size / 8, 0, (n - (size_t)fdt->size) / 8);
    fdt->size = (int)n;
    return 0;
}

static void take_slot(struct fdtable *fdt, int fd, struct file *f,
                      bool cloexec)
{
    fdt->files[fd] = f;
    set_bit(fdt, fd, cloexec);
    if (fd >= fdt->max)
        fdt->max = fd + 1;
}

/* Clamp a 64-bit limit to the int range fds live in. */
static int clamp_limit(uint64_t limit)
{
    return limit > 0x7fffffffULL ? 0x7fffffff : (int)limit;
}

int fdt_install(struct fdtable *fdt, struct file *f, int min_fd,
                bool cloexec, uint64_t limit)
{
    int lim = clamp_limit(limit);
    int fd, ret;

    if (min_fd < 0 || min_fd >= lim)
        return -EINVAL;
    rt_lock(&fdt->lock, false);
    fd = MAX(min_fd, fdt->next_free);
    while (fd < fdt->size && fdt->files[fd])
        fd++;
    if (fd >= lim) {
        ret = -EMFILE;
        goto out;
    }
    ret = grow(fdt, fd);
    if (ret < 0)
        goto out;
    take_slot(fdt, fd, f, cloexec);
    if (min_fd <= fdt->next_free)
        fdt->next_free = fd + 1;
    ret = fd;
out:
    rt_unlock(&fdt->lock, false);
    return ret;
}

int fdt_install_at(struct fdtable *fdt, int fd, struct file *f, bool cloexec,
                   uint64_t limit)
{
    struct file *old = NULL;
    int ret;

    if (fd < 0 || fd >= clamp_limit(limit))
        return -EBADF;
    rt_lock(&fdt->lock, false);
    ret = grow(fdt, fd);
    if (ret == 0) {
        old = fdt->files[fd];
        take_slot(fdt, fd, f, cloexec);
        ret = fd;
    }
    rt_unlock(&fdt->lock, false);
    if (old)
        vfs_file_put(old);
    return ret;
}

struct file *fdt_get(struct fdtable *fdt, int fd)
{
    struct file *f = NULL;

    if (fd < 0)
        return NULL;
    rt_lock(&fdt->lock, false);
    if (fd < fdt->size && fdt->files[fd])
        f = vfs_file_get(fdt->files[fd]);
    rt_unlock(&fdt->lock, false);
    return f;
}

/* Remove (fd) with the lock held; returns the file for the caller to put. */
static struct file *remove_locked(struct fdtable *fdt, int fd)
{
    struct file *f = fdt->files[fd];

    fdt->files[fd] = NULL;
    set_bit(fdt, fd, false);
    if (f && fd < fdt->next_free)
        fdt->next_free = fd;
    return f;
}

int fdt_close(struct fdtable *fdt, int fd)
{
    struct file *f = NULL;

    if (fd < 0)
        return -EBADF;
    rt_lock(&fdt->lock, false);
    if (fd < fdt->size)
        f = remove_locked(fdt, fd);
    rt_unlock(&fdt->lock, false);
    if (!f)
        return -EBADF;
    vfs_file_put(f);
    return 0;
}

int fdt_close_range(struct fdtable *fdt, unsigned first, unsigned last,
                    bool cloexec_only)
{
    for (unsigned fd = first; fd <= last; fd++) {
        struct file *f = NULL;
        bool done;

        rt_lock(&fdt->lock, false);
        done = fd >= (unsigned)fdt->max;
        if (!done && fdt->files[fd]) {
            if (cloexec_only)
                set_bit(fdt, (int)fd, true);
            else
                f = remove_locked(fdt, (int)fd);
        }
        rt_unlock(&fdt->lock, false);
        if (f)
            vfs_file_put(f);
        if (done || fd == 0xffffffffU)
            break;
    }
    return 0;
}

void fdt_close_on_exec(struct fdtable *fdt)
{
    for (int fd = 0;; fd++) {
        struct file *f = NULL;
        bool done;

        rt_lock(&fdt->lock, false);
        done = fd >= fdt->max;
        if (!done && fdt->files[fd] && get_bit(fdt, fd))
            f = remove_locked(fdt, fd);
        rt_unlock(&fdt->lock, false);
        if (f)
            vfs_file_put(f);
        if (done)
            break;
    }
}

int fdt_get_cloexec(struct fdtable *fdt, int fd)
{
    int ret = -EBADF;

    if (fd < 0)
        return -EBADF;
    rt_lock(&fdt->lock, false);
    if (fd < fdt->size && fdt->files[fd])
        ret = get_bit(fdt, fd);
    rt_unlock(&fdt->lock, false);
    return ret;
}

int fdt_set_cloexec(struct fdtable *fdt, int fd, bool on)
{
    int ret = -EBADF;

    if (fd < 0)
        return -EBADF;
    rt_lock(&fdt->lock, false);
    if (fd < fdt->size && fdt->files[fd]) {
        set_bit(fdt, fd, on);
        ret = 0;
    }
    rt_unlock(&fdt->lock, false);
    return ret;
}

int fdt_max(struct fdtable *fdt)
{
    int max;

    rt_lock(&fdt->lock, false);
    max = fdt->max;
    rt_unlock(&fdt->lock, false);
    return max;
}

struct file *fdt_peek(struct fdtable *fdt, int fd)
{
    struct file *f = NULL;

    if (fd < 0)
        return NULL;
    rt_lock(&fdt->lock, false);
    if (fd < fdt->size)
        f = fdt->files[fd];
    rt_unlock(&fdt->lock, false);
    return f;
}
