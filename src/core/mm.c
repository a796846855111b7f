/* SPDX-License-Identifier: MIT */
/*
 * Guest address-space bookkeeping (core, kernel image). A sorted array of
 * areas mirrors what the guest has mapped; every change goes through the
 * platform's page calls first and is recorded only when the host agreed.
 * Ranges lbox itself occupies are kept apart, and no guest request may
 * touch them.
 */
#include "core/mm.h"
#include "core/fs/vfs.h"

#define MM_MAX_LBOX 32
#define MM_MMAP_LO 0x100000000000ULL
#define MM_MMAP_HI 0x7f0000000000ULL

struct vma {
    uint64_t start, end;
    int prot;
    unsigned flags;     /* MM_STACK, MM_GROWSDOWN, MM_SHARED, MM_WROTE,
                           MM_ALIAS, MM_RDONLY */
    uint64_t off;
    char *name;         /* private heap; NULL for anonymous */
    struct file *file;  /* MM_SHARED: referenced */
};

/* A shared area that was writable at some time: written back when it goes. */
#define MM_WROTE 0x100
/* A shared area that shows pages of the kernel region (not a host file). */
#define MM_ALIAS 0x200
/* An area the guest may never make writable or executable. */
#define MM_RDONLY 0x400

struct mm {
    struct rt_heap *heap;
    struct vma *v;
    unsigned n, cap;
    struct { uint64_t start, end; const char *name; } lbox[MM_MAX_LBOX];
    unsigned nlbox;
    uint64_t brk_base, brk_cur;
};

int mm_new(struct process *p, struct mm **out)
{
    struct mm *mm = rt_heap_zalloc(p->heap, sizeof(*mm));

    if (!mm)
        return -ENOMEM;
    mm->heap = p->heap;
    *out = mm;
    return 0;
}

int mm_reserve_lbox(struct mm *mm, uint64_t start, uint64_t end,
                    const char *name)
{
    if (mm->nlbox >= MM_MAX_LBOX)
        return -ENOMEM;
    mm->lbox[mm->nlbox].start = ALIGN_DOWN(start, LBOX_PAGE_SIZE);
    mm->lbox[mm->nlbox].end = ALIGN_UP(end, LBOX_PAGE_SIZE);
    mm->lbox[mm->nlbox].name = name;    /* static string */
    mm->nlbox++;
    return 0;
}

static bool overlaps_lbox(struct mm *mm, uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < mm->nlbox; i++)
        if (start < mm->lbox[i].end && mm->lbox[i].start < end)
            return true;
    return false;
}

bool mm_guest_range_ok(struct mm *mm, uint64_t addr, uint64_t len)
{
    uint64_t end;

    if (__builtin_add_overflow(addr, len, &end) || end > MM_USER_END)
        return false;
    return len == 0 || !overlaps_lbox(mm, addr, end);
}

/* Checks for a page range the guest names: aligned, non-empty, ours. */
static int check_range(struct mm *mm, uint64_t addr, uint64_t len,
                       uint64_t *end)
{
    if (addr & (LBOX_PAGE_SIZE - 1))
        return -EINVAL;
    if (len == 0 || len > MM_USER_END)
        return -EINVAL;
    *end = addr + ALIGN_UP(len, LBOX_PAGE_SIZE);
    if (*end > MM_USER_END || *end < addr)
        return -ENOMEM;
    if (overlaps_lbox(mm, addr, *end))
        return -EINVAL;
    return 0;
}

static int grow(struct mm *mm)
{
    unsigned cap = mm->cap ? mm->cap * 2 : 64;
    struct vma *v = rt_heap_realloc(mm->heap, mm->v, cap * sizeof(*v));

    if (!v)
        return -ENOMEM;
    mm->v = v;
    mm->cap = cap;
    return 0;
}

/* Split the area containing (addr) so that an area boundary lies there. */
static int split_at(struct mm *mm, uint64_t addr)
{
    for (unsigned i = 0; i < mm->n; i++) {
        struct vma *a = &mm->v[i];

        if (addr <= a->start || addr >= a->end)
            continue;
        if (mm->n == mm->cap && grow(mm) < 0)
            return -ENOMEM;
        a = &mm->v[i];
        memmove(a + 1, a, (mm->n - i) * sizeof(*a));
        mm->n++;
        a[1].start = addr;
        if (!(a->flags & MM_STACK) && (a->name || a->file))
            a[1].off = a->off + (addr - a->start);
        a[1].name = a->name ? rt_heap_strdup(mm->heap, a->name) : NULL;
        a[1].file = a->file ? vfs_file_get(a->file) : NULL;
        a->end = addr;
        return 0;
    }
    return 0;
}

/* An area's shared file pages go back to the file (best effort: the
 * host call that would report an error is the file's own writeback). */
static void writeback(const struct vma *a)
{
    if (a->file && (a->flags & MM_WROTE))
        vfs_file_writeback(a->file, a->off, a->end - a->start);
}

/* Drop what an area holds (its pages are the caller's). */
static void vma_release(struct mm *mm, struct vma *a)
{
    writeback(a);
    if (a->file)
        vfs_file_put(a->file);
    rt_heap_free(mm->heap, a->name);
}

/* Forget the records of [start, end) (the host side is the caller's). */
static int forget(struct mm *mm, uint64_t start, uint64_t end)
{
    unsigned i = 0;

    if (split_at(mm, start) < 0 || split_at(mm, end) < 0)
        return -ENOMEM;
    while (i < mm->n) {
        struct vma *a = &mm->v[i];

        if (a->start >= start && a->end <= end) {
            vma_release(mm, a);
            memmove(a, a + 1, (mm->n - i - 1) * sizeof(*a));
            mm->n--;
        } else {
            i++;
        }
    }
    return 0;
}

/* Record an area; it takes its own reference to (file). */
static int record(struct mm *mm, uint64_t start, uint64_t end, int prot,
                  unsigned flags, uint64_t off, const char *name,
                  struct file *file)
{
    unsigned i = 0;

    if (forget(mm, start, end) < 0)
        return -ENOMEM;
    if (mm->n == mm->cap && grow(mm) < 0)
        return -ENOMEM;
    while (i < mm->n && mm->v[i].start < start)
        i++;
    memmove(&mm->v[i + 1], &mm->v[i], (mm->n - i) * sizeof(struct vma));
    mm->n++;
    mm->v[i] = (struct vma){start, end, prot, flags, off,
                            name ? rt_heap_strdup(mm->heap, name) : NULL,
                            file ? vfs_file_get(file) : NULL};
    return 0;
}

static bool is_free(struct mm *mm, uint64_t start, uint64_t end)
{
    if (overlaps_lbox(mm, start, end))
        return false;
    for (unsigned i = 0; i < mm->n; i++)
        if (start < mm->v[i].end && mm->v[i].start < end)
            return false;
    return true;
}

uint64_t mm_random_base(struct mm *mm, uint64_t len)
{
    uint64_t span = MM_MMAP_HI - MM_MMAP_LO, r, base;

    len = ALIGN_UP(len, LBOX_PAGE_SIZE);
    if (len >= span)
        return 0;
    for (int tries = 0; tries < 64; tries++) {
        if (lbox_plat_random(&r, sizeof(r)) < 0)
            return 0;
        base = MM_MMAP_LO + ALIGN_DOWN(r % (span - len), 0x200000ULL);
        if (is_free(mm, base, base + len))
            return base;
    }
    return 0;
}

/* Fill fresh private pages from (f) at (off): guest memory, so through
 * the fault-safe copy, in bounded chunks (1 MiB: two 9P reads at the
 * usual msize, where 64 KiB took sixteen). */
static int fill_from_file(struct task *t, uint64_t addr, uint64_t len,
                          struct file *f, uint64_t off)
{
    size_t chunk = MIN(len, (uint64_t)1 << 20);
    char *buf = rt_heap_alloc(task_heap(t), chunk);
    uint64_t done = 0;
    int err = 0;

    if (!buf)
        return -ENOMEM;
    while (done < len) {
        long n = vfs_pread(t, f, buf, MIN(chunk, len - done), off + done);

        if (n < 0) {
            err = (int)n;
            break;
        }
        if (n == 0)
            break;          /* past the end of the file: pages stay zero */
        err = lbox_plat_copy_safe((void *)(addr + done), buf, (size_t)n);
        if (err < 0)
            break;
        done += (uint64_t)n;
    }
    rt_heap_free(task_heap(t), buf);
    return err;
}

/*
 * Show the file's pages from (off) over the reserved [addr, addr + len):
 * runs of pages that lie one after another in the shared region take one
 * host call. Pages wholly past the end of the file stay the reserved
 * zero pages (Linux: SIGBUS there).
 */
static int share_pages(struct task *t, uint64_t addr, uint64_t len, int prot,
                       struct file *f, uint64_t off)
{
    uint64_t first = off / LBOX_PAGE_SIZE, n, i, run = 0;
    struct vfs_stat st;
    char *start = NULL, *pg;
    int err;

    err = vfs_fstat(t, f, &st);
    if (err < 0)
        return err;
    n = len / LBOX_PAGE_SIZE;
    if ((uint64_t)st.size <= off)
        return 0;
    n = MIN(n, ALIGN_UP((uint64_t)st.size - off, LBOX_PAGE_SIZE) / LBOX_PAGE_SIZE);
    for (i = 0; i <= n; i++) {
        pg = NULL;
        if (i < n) {
            err = vfs_file_map_page(f, first + i, (void **)&pg);
            if (err < 0)
                return err;
            if (run && pg == start + run * LBOX_PAGE_SIZE) {
                run++;
                continue;
            }
        }
        if (run) {
            err = lbox_plat_page_alias(start, run * LBOX_PAGE_SIZE,
                                       (void *)(addr + (i - run) * LBOX_PAGE_SIZE),
                                       prot);
            if (err < 0)
                return err;
        }
        start = pg;
        run = 1;
    }
    return 0;
}

long mm_map(struct task *t, uint64_t addr, uint64_t len, int prot,
            unsigned flags, struct file *f, uint64_t off, const char *name)
{
    struct mm *mm = t->proc->mm;
    unsigned pflags = 0;
    void *where = (void *)addr;
    char *path = NULL;
    uint64_t end;
    int err, host;

    if (len == 0 || len > MM_USER_END)
        return -EINVAL;
    len = ALIGN_UP(len, LBOX_PAGE_SIZE);
    if (flags & (MM_FIXED | MM_NOREPLACE)) {
        err = check_range(mm, addr, len, &end);
        if (err < 0)
            return err;
        pflags = (flags & MM_FIXED) ? LBOX_MAP_FIXED : LBOX_MAP_NOREPLACE;
        if ((flags & MM_NOREPLACE) && !is_free(mm, addr, end))
            return -EEXIST;
    } else if (addr && !mm_guest_range_ok(mm, addr, len)) {
        where = NULL;       /* a hint into lbox's memory: ignore it */
    }
    /* A file with a host handle maps the host's pages over the reserved
     * range; other file contents are copied in, so those pages start
     * writable. */
    if (!f)
        flags &= ~MM_SHARED;
    host = f && !(flags & MM_SHARED) ? vfs_file_host(f) : -ENOSYS;
    if (host >= 0 && pflags == LBOX_MAP_FIXED)
        err = 0;    /* the file mapping below replaces what is there */
    else
        err = lbox_plat_page_map(&where, len,
                                 f && host < 0 && !(flags & MM_SHARED)
                                     ? LBOX_PROT_READ | LBOX_PROT_WRITE : prot,
                                 pflags);
    if (err < 0)
        return err == -EEXIST ? -EEXIST : -ENOMEM;
    addr = (uint64_t)where;
    if (overlaps_lbox(mm, addr, addr + len)) {
        /* Cannot happen with a correct host; never hand lbox's out. */
        lbox_plat_page_unmap(where, len);
        return -ENOMEM;
    }
    if (f) {
        if (flags & MM_SHARED) {
            host = vfs_file_shared_host(f);
            if (host >= 0)
                err = lbox_plat_file_map(host, where, len, prot, off,
                                         LBOX_FILE_SHARED);
            else if (!(err = share_pages(t, addr, len, prot, f, off)))
                flags |= MM_ALIAS;
        } else if (host >= 0) {
            err = lbox_plat_file_map(host, where, len, prot, off, 0);
        } else {
            err = fill_from_file(t, addr, len, f, off);
            if (!err)
                err = lbox_plat_page_protect(where, len, prot);
        }
        if (err < 0) {
            lbox_plat_page_unmap(where, len);
            return err;
        }
        path = rt_heap_alloc(task_heap(t), VFS_PATH_MAX);
        if (path && vfs_file_path(f, &t->proc->root, path, VFS_PATH_MAX) >= 0)
            name = path;
    }
    if (flags & MM_SHARED && (prot & LBOX_PROT_WRITE))
        flags |= MM_WROTE;
    err = record(mm, addr, addr + len, prot,
                 flags & (MM_STACK | MM_GROWSDOWN | MM_SHARED | MM_WROTE |
                          MM_ALIAS),
                 off, name, (flags & MM_SHARED) ? f : NULL);
    if (path)
        rt_heap_free(task_heap(t), path);
    if (err < 0) {
        lbox_plat_page_unmap(where, len);
        return err;
    }
    return (long)addr;
}

long mm_map_lbox(struct task *t, uint64_t addr, void *src, uint64_t len,
                 const char *name)
{
    struct mm *mm = t->proc->mm;
    uint64_t end;
    int err = check_range(mm, addr, len, &end);

    if (err < 0)
        return err;
    if (!is_free(mm, addr, end))
        return -EEXIST;
    err = lbox_plat_page_alias(src, end - addr, (void *)addr, LBOX_PROT_READ);
    if (err < 0)
        return err;
    err = record(mm, addr, end, LBOX_PROT_READ, MM_ALIAS | MM_RDONLY, 0, name,
                 NULL);
    if (err < 0) {
        lbox_plat_page_unmap((void *)addr, end - addr);
        return err;
    }
    return (long)addr;
}

int mm_unmap(struct task *t, uint64_t addr, uint64_t len)
{
    struct mm *mm = t->proc->mm;
    uint64_t end;
    int err = check_range(mm, addr, len, &end);

    if (err < 0)
        return err;
    err = lbox_plat_page_unmap((void *)addr, end - addr);
    if (err < 0)
        return err;
    return forget(mm, addr, end);
}

int mm_sync(struct task *t, uint64_t addr, uint64_t len)
{
    struct mm *mm = t->proc->mm;
    uint64_t end, at = addr;
    int err;

    if (addr & (LBOX_PAGE_SIZE - 1))
        return -EINVAL;
    if (len == 0)
        return 0;
    err = check_range(mm, addr, len, &end);
    if (err < 0)
        return err == -EINVAL ? -ENOMEM : err;
    for (unsigned i = 0; i < mm->n && at < end; i++) {
        const struct vma *a = &mm->v[i];
        uint64_t s, e;

        if (a->end <= at)
            continue;
        if (a->start > at)
            return -ENOMEM;     /* a hole, as Linux says */
        s = at;
        e = MIN(a->end, end);
        if (a->file && (a->flags & MM_WROTE)) {
            err = vfs_file_writeback(a->file, a->off + (s - a->start), e - s);
            if (err < 0)
                return err;
        }
        at = e;
    }
    return at < end ? -ENOMEM : 0;
}

int mm_protect(struct task *t, uint64_t addr, uint64_t len, int prot)
{
    struct mm *mm = t->proc->mm;
    uint64_t end, at;
    int err;

    if (prot & ~(LBOX_PROT_READ | LBOX_PROT_WRITE | LBOX_PROT_EXEC))
        return -EINVAL;
    if (len == 0 && !(addr & (LBOX_PAGE_SIZE - 1)))
        return 0;
    err = check_range(mm, addr, len, &end);
    if (err < 0)
        return err;
    /* Linux wants the whole range mapped. */
    at = addr;
    for (unsigned i = 0; i < mm->n && at < end; i++)
        if (mm->v[i].start <= at && mm->v[i].end > at)
            at = mm->v[i].end;
    if (at < end)
        return -ENOMEM;
    /* A shared file area becomes writable only if its file was opened so;
     * lbox's own pages never. */
    for (unsigned i = 0; i < mm->n; i++) {
        const struct vma *a = &mm->v[i];

        if (a->start >= end || addr >= a->end)
            continue;
        if (a->file && (prot & LBOX_PROT_WRITE) &&
            (a->file->flags & O_ACCMODE) != O_RDWR)
            return -EACCES;
        if ((a->flags & MM_RDONLY) &&
            (prot & (LBOX_PROT_WRITE | LBOX_PROT_EXEC)))
            return -EACCES;
    }
    err = lbox_plat_page_protect((void *)addr, end - addr, prot);
    if (err < 0)
        return err;
    if (split_at(mm, addr) < 0 || split_at(mm, end) < 0)
        return -ENOMEM;
    for (unsigned i = 0; i < mm->n; i++) {
        if (mm->v[i].start >= addr && mm->v[i].end <= end) {
            mm->v[i].prot = prot;
            if (mm->v[i].file && (prot & LBOX_PROT_WRITE))
                mm->v[i].flags |= MM_WROTE;
        }
    }
    return 0;
}

static struct vma *find(struct mm *mm, uint64_t addr)
{
    for (unsigned i = 0; i < mm->n; i++)
        if (mm->v[i].start <= addr && addr < mm->v[i].end)
            return &mm->v[i];
    return NULL;
}

int mm_code_prot(struct mm *mm, uint64_t addr, uint64_t len)
{
    struct vma *a = find(mm, addr);

    if (!a || addr + len > a->end || addr + len < addr ||
        (a->flags & MM_SHARED))
        return -1;
    return a->prot;
}

uint64_t mm_reserve_near(struct mm *mm, uint64_t near, uint64_t reach,
                         uint64_t len, const char *name)
{
    const uint64_t step = 1ULL << 20, lo = 1ULL << 20;
    uint64_t down = ALIGN_DOWN(near, step), up = ALIGN_UP(near, step);

    len = ALIGN_UP(len, LBOX_PAGE_SIZE);
    /* Nearest first, alternating below and above (near). */
    for (uint64_t d = step; d < reach; d += step) {
        uint64_t below = down - d, above = up + d - step;

        if (down >= d && below >= lo && is_free(mm, below, below + len) &&
            mm_reserve_lbox(mm, below, below + len, name) == 0)
            return below;
        if (above + len <= MM_USER_END && is_free(mm, above, above + len) &&
            mm_reserve_lbox(mm, above, above + len, name) == 0)
            return above;
    }
    return 0;
}

/* Move the record of [old, old_end) to [to, to + len) after the host did. */
static int rerecord(struct mm *mm, const struct vma *a, uint64_t old,
                    uint64_t old_end, uint64_t to, uint64_t len)
{
    char *name = a->name ? rt_heap_strdup(mm->heap, a->name) : NULL;
    struct vma copy = *a;
    int err;

    if (copy.file)
        vfs_file_get(copy.file);    /* forget() drops the area's own */
    forget(mm, old, old_end);
    forget(mm, to, to + len);
    err = record(mm, to, to + len, copy.prot, copy.flags,
                 copy.off + (old - copy.start), name, copy.file);
    rt_heap_free(mm->heap, name);
    if (copy.file)
        vfs_file_put(copy.file);
    return err;
}

long mm_remap(struct task *t, uint64_t old_addr, uint64_t old_len,
              uint64_t new_len, unsigned flags, uint64_t new_addr)
{
    struct mm *mm = t->proc->mm;
    uint64_t old_end, new_end;
    unsigned pflags = 0;
    struct vma *a;
    void *to;
    int err;

    if (flags & ~3u || ((flags & 2) && !(flags & 1)))
        return -EINVAL;
    if (new_len == 0 || new_len > MM_USER_END || old_len == 0)
        return -EINVAL;
    err = check_range(mm, old_addr, old_len, &old_end);
    if (err < 0)
        return err;
    new_len = ALIGN_UP(new_len, LBOX_PAGE_SIZE);
    a = find(mm, old_addr);
    if (!a || a->end < old_end)
        return -EFAULT;
    /* An area that shows pages of the kernel region: growing it on the
     * host would show the region's next pages, so it may only shrink or
     * move (a difference from Linux, docs/linux-compat.md). */
    if ((a->flags & MM_ALIAS) && new_len > old_end - old_addr)
        return -ENOMEM;
    if (flags & 2) {            /* MREMAP_FIXED */
        err = check_range(mm, new_addr, new_len, &new_end);
        if (err < 0)
            return err;
        if (new_addr < old_end && old_addr < new_end)
            return -EINVAL;
        to = (void *)new_addr;
        err = lbox_plat_page_remap((void *)old_addr, old_end - old_addr,
                                   new_len, LBOX_REMAP_MAYMOVE |
                                   LBOX_REMAP_FIXED, &to);
        if (err < 0)
            return err;
        err = rerecord(mm, a, old_addr, old_end, new_addr, new_len);
        return err < 0 ? err : (long)new_addr;
    }
    if (new_len <= old_end - old_addr) {
        new_end = old_addr + new_len;
        if (new_end < old_end) {
            err = mm_unmap(t, new_end, old_end - new_end);
            if (err < 0)
                return err;
        }
        return (long)old_addr;
    }
    if (!is_free(mm, old_end, old_addr + new_len)) {
        if (!(flags & 1))
            return -ENOMEM;
        pflags = LBOX_REMAP_MAYMOVE;
    }
    err = lbox_plat_page_remap((void *)old_addr, old_end - old_addr, new_len,
                               pflags, &to);
    if (err < 0)
        return err;
    if (overlaps_lbox(mm, (uint64_t)to, (uint64_t)to + new_len)) {
        lbox_plat_page_unmap(to, new_len);  /* never hand lbox's out */
        forget(mm, old_addr, old_end);
        return -ENOMEM;
    }
    err = rerecord(mm, a, old_addr, old_end, (uint64_t)to, new_len);
    return err < 0 ? err : (long)to;
}

int mm_advise(struct task *t, uint64_t addr, uint64_t len, int advice)
{
    struct mm *mm = t->proc->mm;
    uint64_t end;

    if (addr & (LBOX_PAGE_SIZE - 1))
        return -EINVAL;
    if (len == 0)
        return 0;
    if (check_range(mm, addr, len, &end) < 0)
        return -EINVAL;
    switch (advice) {
    case 4: /* MADV_DONTNEED: private anonymous pages read back zero */
        return lbox_plat_page_advise((void *)addr, end - addr,
                                     LBOX_ADVICE_DONTNEED);
    case 0: case 1: case 2: case 3: /* NORMAL RANDOM SEQUENTIAL WILLNEED */
    case 8: case 9: case 10: case 11: case 12: case 13: case 14: case 15:
    case 16: case 17: case 18: case 19: case 20: case 21: case 22:
        return 0;   /* hints Linux may ignore too */
    default:
        return -EINVAL;
    }
}

void mm_set_brk_base(struct mm *mm, uint64_t base)
{
    mm->brk_base = mm->brk_cur = ALIGN_UP(base, LBOX_PAGE_SIZE);
}

uint64_t mm_brk(struct task *t, uint64_t new_brk)
{
    struct mm *mm = t->proc->mm;
    uint64_t old_top = ALIGN_UP(mm->brk_cur, LBOX_PAGE_SIZE);
    uint64_t new_top = ALIGN_UP(new_brk, LBOX_PAGE_SIZE);

    if (new_brk < mm->brk_base || new_brk > MM_USER_END)
        return mm->brk_cur;
    if (new_top > old_top) {
        long r = mm_map(t, old_top, new_top - old_top,
                        LBOX_PROT_READ | LBOX_PROT_WRITE, MM_NOREPLACE, NULL,
                        0, "[heap]");
        if (r < 0)
            return mm->brk_cur;
    } else if (new_top < old_top) {
        if (mm_unmap(t, new_top, old_top - new_top) < 0)
            return mm->brk_cur;
    }
    mm->brk_cur = new_brk;
    return new_brk;
}

void mm_clear_guest(struct task *t)
{
    struct mm *mm = t->proc->mm;

    for (unsigned i = 0; i < mm->n; i++) {
        lbox_plat_page_unmap((void *)mm->v[i].start,
                             mm->v[i].end - mm->v[i].start);
        vma_release(mm, &mm->v[i]);
    }
    mm->n = 0;
    mm->brk_base = mm->brk_cur = 0;
}

static size_t emit_line(char *buf, size_t size, size_t pos, uint64_t s,
                        uint64_t e, const char *perm, uint64_t off,
                        const char *name)
{
    char line[VFS_PATH_MAX + 100];
    int n = rt_snprintf(line, sizeof(line), "%012lx-%012lx %s %08lx 00:00 0%s%s\n",
                        (unsigned long)s, (unsigned long)e, perm,
                        (unsigned long)off, name ? "                          " : "",
                        name ? name : "");

    if (n > 0 && pos < size)
        memcpy(buf + pos, line, MIN((size_t)n, size - pos));
    return pos + (size_t)(n > 0 ? n : 0);
}

size_t mm_format_maps(struct mm *mm, char *buf, size_t size)
{
    size_t pos = 0;
    unsigned li = 0;

    for (unsigned i = 0; i <= mm->n; i++) {
        uint64_t next = i < mm->n ? mm->v[i].start : ~0ULL;

        /* lbox's own ranges, in address order among the guest's. */
        for (; li < mm->nlbox; li++) {
            unsigned best = li;

            for (unsigned j = li + 1; j < mm->nlbox; j++)
                if (mm->lbox[j].start < mm->lbox[best].start)
                    best = j;
            if (mm->lbox[best].start > next)
                break;
            if (best != li) {
                __typeof__(mm->lbox[0]) tmp = mm->lbox[li];

                mm->lbox[li] = mm->lbox[best];
                mm->lbox[best] = tmp;
            }
            pos = emit_line(buf, size, pos, mm->lbox[li].start,
                            mm->lbox[li].end, "---p", 0, mm->lbox[li].name);
        }
        if (i < mm->n) {
            const struct vma *a = &mm->v[i];
            char perm[5] = {a->prot & LBOX_PROT_READ ? 'r' : '-',
                            a->prot & LBOX_PROT_WRITE ? 'w' : '-',
                            a->prot & LBOX_PROT_EXEC ? 'x' : '-',
                            (a->flags & MM_SHARED) ? 's' : 'p', 0};

            pos = emit_line(buf, size, pos, a->start, a->end, perm, a->off,
                            (a->flags & MM_STACK) ? "[stack]" : a->name);
        }
    }
    if (size)
        buf[MIN(pos, size - 1)] = 0;
    return pos;
}

uint64_t mm_total_size(struct mm *mm)
{
    uint64_t total = 0;

    for (unsigned i = 0; i < mm->n; i++)
        total += mm->v[i].end - mm->v[i].start;
    return total;
}
