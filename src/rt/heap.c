/* SPDX-License-Identifier: MIT */
/*
 * rt_heap for the kernel image: a lock-guarded heap over one address range,
 * usable in the shared kernel region (absolute pointers only, all state in
 * the range itself).
 *
 * Layout: struct rt_heap at the start of the range, then pages handed out
 * by a bump pointer. Every block has a 16-byte header just before it.
 * Small blocks (up to 2048 bytes) come in size classes carved from 64 KiB
 * chunks and go back to a per-class free list. Larger ones are page runs;
 * freed runs sit on an address-sorted list (first fit, split, coalesce).
 *
 * Neither path makes a host call: a freed run keeps its pages, so the next
 * path buffer or I/O scratch of that size reuses them. Only when the free
 * runs may hold more than TRIM_HIGH pages does a free give pages back to
 * the host, down to TRIM_LOW, and it does so without the heap lock: the
 * runs it trims are taken off the list first, so no one can allocate them
 * meanwhile. A run's "resident" count is an upper bound on its pages that
 * may still be backed (allocation is assumed to take backed pages first).
 */
#include <lbox/platform.h>

#include "rt/rt.h"

#define PAGE            LBOX_PAGE_SIZE
#define HDR_SIZE        16
#define CHUNK_PAGES     16 /* 64 KiB of small blocks at a time */
#define HEAP_MAGIC      0x6c626f78u /* "lbox" */
#define MAGIC_SMALL     0x5a5a0001u
#define MAGIC_LARGE     0x5a5a0002u
#define MAGIC_FREE      0x5a5a0003u /* a small block on a free list */
#define MAGIC_FREE_RUN  0x5a5a0004u
#define TRIM_HIGH       512 /* pages: 2 MiB of free runs may stay backed */
#define TRIM_LOW        128

/* User sizes of the small classes; a block is that plus its header. */
static const uint16_t g_class_size[] = {
    16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
};
#define NCLASS ARRAY_SIZE(g_class_size)
#define SMALL_MAX 2048

/* Just before every block handed out (and every small free block). */
struct blk_hdr {
    uint32_t magic;
    uint32_t cls;    /* small: index into g_class_size */
    uint64_t npages; /* large: length of the run, header included */
};

/* At the start of a free page run. */
struct free_run {
    uint32_t magic;
    uint32_t unused;
    uint64_t npages;
    uint64_t resident;     /* at most npages */
    struct free_run *next; /* higher address */
};

struct size_class {
    struct blk_hdr *free; /* next pointer stored after the header */
    char *carve, *carve_end;
};

struct rt_heap {
    uint32_t magic;
    bool shared;
    bool warned;
    struct rt_lock lock;
    char *start, *end; /* page-aligned pages after this header */
    char *bump;        /* [start, bump) has been handed out at some time */
    size_t used;
    size_t resident;       /* sum of the free runs' resident counts */
    struct free_run *runs;
    struct size_class cls[NCLASS];
};

_Static_assert(sizeof(struct blk_hdr) == HDR_SIZE, "block header size");

static struct blk_hdr **small_next(struct blk_hdr *b)
{
    return (struct blk_hdr **)(b + 1);
}

/* --- Page runs ------------------------------------------------------------ */

static char *run_alloc(struct rt_heap *h, size_t npages)
{
    struct free_run **pp, *r;
    size_t took;

    for (pp = &h->runs; (r = *pp); pp = &r->next) {
        if (r->npages < npages)
            continue;
        if (r->npages == npages) {
            *pp = r->next;
            h->resident -= r->resident;
            return (char *)r;
        }
        /* Split: hand out the tail so the free header stays put. */
        took = r->resident < npages ? r->resident : npages;
        r->resident -= took;
        h->resident -= took;
        r->npages -= npages;
        return (char *)r + r->npages * PAGE;
    }
    if ((size_t)(h->end - h->bump) / PAGE < npages)
        return NULL;
    r = (struct free_run *)h->bump;
    h->bump += npages * PAGE;
    return (char *)r;
}

/* Put the run [p, p + npages pages) on the list, merged with neighbours. */
static void run_insert(struct rt_heap *h, char *p, size_t npages, size_t resident)
{
    struct free_run **pp = &h->runs, *prev = NULL, *next, *r;

    while (*pp && (char *)*pp < p) {
        prev = *pp;
        pp = &prev->next;
    }
    next = *pp;
    r = (struct free_run *)p;
    r->magic = MAGIC_FREE_RUN;
    r->npages = npages;
    r->resident = resident;
    r->next = next;
    *pp = r;
    h->resident += resident;
    if (next && p + npages * PAGE == (char *)next) {
        r->npages += next->npages;
        r->resident += next->resident;
        r->next = next->next;
    }
    if (prev && (char *)prev + prev->npages * PAGE == p) {
        prev->npages += r->npages;
        prev->resident += r->resident;
        prev->next = r->next;
    }
}

/* Under the lock: take a run worth trimming off the list, or NULL. */
static struct free_run *trim_take(struct rt_heap *h)
{
    struct free_run **pp, *r;

    if (h->resident <= TRIM_LOW)
        return NULL;
    for (pp = &h->runs; (r = *pp); pp = &r->next) {
        /* A run's header page is written again on its way back, so a
         * run with one resident page has nothing to give. */
        if (r->resident > 1) {
            *pp = r->next;
            h->resident -= r->resident;
            return r;
        }
    }
    return NULL;
}

/*
 * Called with the lock held, returns with it held; drops it around the
 * host calls. Each pass lowers h->resident, so this ends.
 */
static void trim_locked(struct rt_heap *h)
{
    struct free_run *r;
    size_t npages;

    if (h->resident <= TRIM_HIGH)
        return;
    while ((r = trim_take(h))) {
        npages = r->npages;
        rt_unlock(&h->lock, h->shared);
        lbox_plat_page_advise(r, npages * PAGE, LBOX_ADVICE_DONTNEED);
        rt_lock(&h->lock, h->shared);
        run_insert(h, (char *)r, npages, 1);
    }
}

/* --- Blocks --------------------------------------------------------------- */

static int class_of(size_t size)
{
    for (size_t i = 0; i < NCLASS; i++) {
        if (size <= g_class_size[i])
            return (int)i;
    }
    return -1;
}

static size_t block_size(const struct blk_hdr *b)
{
    if (b->magic == MAGIC_SMALL)
        return g_class_size[b->cls];
    return b->npages * PAGE - HDR_SIZE;
}

static void *small_alloc(struct rt_heap *h, int c)
{
    struct size_class *sc = &h->cls[c];
    size_t bsize = HDR_SIZE + g_class_size[c];
    struct blk_hdr *b = sc->free;

    if (b) {
        sc->free = *small_next(b);
    } else {
        if ((size_t)(sc->carve_end - sc->carve) < bsize) {
            char *chunk = run_alloc(h, CHUNK_PAGES);

            if (!chunk)
                return NULL;
            sc->carve = chunk;
            sc->carve_end = chunk + CHUNK_PAGES * PAGE;
        }
        b = (struct blk_hdr *)sc->carve;
        sc->carve += bsize;
    }
    b->magic = MAGIC_SMALL;
    b->cls = (uint32_t)c;
    b->npages = 0;
    h->used += g_class_size[c];
    return b + 1;
}

static void *large_alloc(struct rt_heap *h, size_t size)
{
    size_t npages = (size + HDR_SIZE + PAGE - 1) / PAGE;
    struct blk_hdr *b = (struct blk_hdr *)run_alloc(h, npages);

    if (!b)
        return NULL;
    b->magic = MAGIC_LARGE;
    b->cls = 0;
    b->npages = npages;
    h->used += npages * PAGE - HDR_SIZE;
    return b + 1;
}

static void *alloc_locked(struct rt_heap *h, size_t size)
{
    int c;

    /* Larger than the whole range can never succeed; also keeps the
     * page rounding below from overflowing. */
    if (size > (size_t)(h->end - h->start))
        return NULL;
    c = class_of(size);
    return c >= 0 ? small_alloc(h, c) : large_alloc(h, size);
}

/* The header of (p) if it looks like a live block of (h), else NULL. */
static struct blk_hdr *live_block(struct rt_heap *h, void *p)
{
    char *c = p;
    struct blk_hdr *b = (struct blk_hdr *)c - 1;

    if ((uintptr_t)c % 16 || c < h->start + HDR_SIZE || c >= h->bump)
        return NULL;
    if (b->magic == MAGIC_SMALL && b->cls < NCLASS)
        return b;
    if (b->magic == MAGIC_LARGE && (uintptr_t)b % PAGE == 0 && b->npages &&
        b->npages <= (size_t)(h->bump - (char *)b) / PAGE)
        return b;
    return NULL;
}

static void bad_pointer(struct rt_heap *h, void *p)
{
    if (h->warned)
        return;
    h->warned = true;
    rt_log("rt_heap %p: ignoring free of a bad or freed pointer %p\n", (void *)h, p);
}

static void free_block(struct rt_heap *h, struct blk_hdr *b)
{
    h->used -= block_size(b);
    if (b->magic == MAGIC_SMALL) {
        struct size_class *sc = &h->cls[b->cls];

        b->magic = MAGIC_FREE;
        *small_next(b) = sc->free;
        sc->free = b;
        return;
    }
    run_insert(h, (char *)b, b->npages, b->npages);
}

/* --- Interface -------------------------------------------------------------- */

struct rt_heap *rt_heap_init(void *base, size_t size, bool shared)
{
    uintptr_t b = (uintptr_t)base;
    uintptr_t start, end;
    struct rt_heap *h;

    if (b % 16 || __builtin_add_overflow(b, size, &end))
        return NULL;
    start = ALIGN_UP(b + sizeof(struct rt_heap), PAGE);
    end = ALIGN_DOWN(end, PAGE);
    if (start >= end || (end - start) / PAGE < CHUNK_PAGES)
        return NULL;
    h = base;
    memset(h, 0, sizeof(*h));
    h->magic = HEAP_MAGIC;
    h->shared = shared;
    h->start = (char *)start;
    h->end = (char *)end;
    h->bump = h->start;
    return h;
}

void *rt_heap_alloc(struct rt_heap *h, size_t size)
{
    void *p;

    rt_lock(&h->lock, h->shared);
    p = alloc_locked(h, size);
    rt_unlock(&h->lock, h->shared);
    return p;
}

void *rt_heap_zalloc(struct rt_heap *h, size_t size)
{
    void *p = rt_heap_alloc(h, size);

    if (p)
        memset(p, 0, size);
    return p;
}

void rt_heap_free(struct rt_heap *h, void *p)
{
    struct blk_hdr *b;

    if (!p)
        return;
    rt_lock(&h->lock, h->shared);
    b = live_block(h, p);
    if (b) {
        free_block(h, b);
        trim_locked(h);
    } else {
        bad_pointer(h, p);
    }
    rt_unlock(&h->lock, h->shared);
}

/*
 * Like realloc: NULL (p) allocates, zero (size) frees and returns NULL, and
 * on failure (p) is left as it was. Blocks that still fit stay in place; a
 * large block shrinking by whole pages gives its tail back.
 */
void *rt_heap_realloc(struct rt_heap *h, void *p, size_t size)
{
    struct blk_hdr *b;
    size_t have, npages;
    void *q = NULL;

    if (!p)
        return rt_heap_alloc(h, size);
    if (size == 0) {
        rt_heap_free(h, p);
        return NULL;
    }
    rt_lock(&h->lock, h->shared);
    b = live_block(h, p);
    if (!b) {
        bad_pointer(h, p);
        goto out;
    }
    have = block_size(b);
    if (b->magic == MAGIC_SMALL && size <= have) {
        q = p;
        goto out;
    }
    if (b->magic == MAGIC_LARGE && size <= have) {
        npages = (size + HDR_SIZE + PAGE - 1) / PAGE;
        if (npages < b->npages) {
            h->used -= (b->npages - npages) * PAGE;
            run_insert(h, (char *)b + npages * PAGE, b->npages - npages,
                       b->npages - npages);
            b->npages = npages;
        }
        q = p;
        goto out;
    }
    q = alloc_locked(h, size);
    if (q) {
        memcpy(q, p, have);
        free_block(h, b);
    }
out:
    trim_locked(h);
    rt_unlock(&h->lock, h->shared);
    return q;
}

/*
 * Whole pages, page-aligned and without a header (file data that may be
 * mapped into the guest): one-page runs, so they share the run list.
 * Zeroed on the way out. rt_heap_page_free trusts (p) to be such a page
 * of (h): the callers are lbox's own page tables, not the guest.
 */
/* One page off the head of the first run, so that pages taken one after
 * another lie in address order (a file's pages then map in few calls). */
static char *page_take(struct rt_heap *h)
{
    struct free_run *r = h->runs, *rest;

    if (!r || r->npages == 1)
        return run_alloc(h, 1);
    rest = (struct free_run *)((char *)r + PAGE);
    rest->magic = MAGIC_FREE_RUN;
    rest->npages = r->npages - 1;
    rest->resident = r->resident ? r->resident - 1 : 0;
    rest->next = r->next;
    h->resident -= r->resident - rest->resident;
    h->runs = rest;
    return (char *)r;
}

void *rt_heap_page_alloc(struct rt_heap *h)
{
    char *p;

    rt_lock(&h->lock, h->shared);
    p = page_take(h);
    if (p)
        h->used += PAGE;
    rt_unlock(&h->lock, h->shared);
    if (p)
        memset(p, 0, PAGE);
    return p;
}

void rt_heap_page_free(struct rt_heap *h, void *p)
{
    if (!p)
        return;
    rt_lock(&h->lock, h->shared);
    if ((uintptr_t)p % PAGE == 0 && (char *)p >= h->start &&
        (char *)p < h->bump) {
        h->used -= PAGE;
        run_insert(h, p, 1, 1);
        trim_locked(h);
    } else {
        bad_pointer(h, p);
    }
    rt_unlock(&h->lock, h->shared);
}

char *rt_heap_strdup(struct rt_heap *h, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = rt_heap_alloc(h, n);

    if (d)
        memcpy(d, s, n);
    return d;
}

size_t rt_heap_used(const struct rt_heap *h)
{
    return __atomic_load_n(&h->used, __ATOMIC_RELAXED);
}

size_t rt_heap_resident_free(const struct rt_heap *h)
{
    return __atomic_load_n(&h->resident, __ATOMIC_RELAXED) * PAGE;
}
