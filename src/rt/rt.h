/* SPDX-License-Identifier: MIT */
/*
 * Freestanding helpers for the kernel image (core, shims, platform): string
 * and memory functions, formatting, a heap over platform pages, and locks.
 * No libc here; the compiler may emit calls to memcpy/memset/memmove/memcmp
 * itself, which is why those keep their standard names.
 */
#ifndef LBOX_RT_H
#define LBOX_RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lbox/errno.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define container_of(p, type, member) \
    ((type *)((char *)(p) - offsetof(type, member)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* --- memory and strings (src/rt/string/) -------------------------------- */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Copy at most (size)-1 bytes and always terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);
bool str_starts_with(const char *s, const char *prefix);

/* --- numbers ------------------------------------------------------------ */
/* Parse a decimal (or 0x hex) unsigned number; -EINVAL on junk, -ERANGE. */
int rt_parse_u64(const char *s, uint64_t *out);

/* --- formatting (src/rt/format.c) --------------------------------------- */
/*
 * snprintf subset: %d %i %u %x %X %o %p %s %c %% with l, ll, z, h, hh
 * length modifiers, '-', '0', '#', ' ', '+' flags, width and precision
 * (also '*'). Always terminates when size > 0; returns the length the full
 * output would have had.
 */
int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Write to the platform debug log (stderr of the monitor). */
void rt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- locks (src/rt/lock.c) ---------------------------------------------- */
/*
 * A futex-based mutex usable in the shared kernel region. (shared) picks
 * cross-process wakeups. The owner's tid is recorded so a later issue can
 * recover a lock whose holder died.
 */
struct rt_lock {
    uint32_t word; /* 0 free, 1 locked, 2 locked with waiters */
    uint32_t owner;
};
#define RT_LOCK_INIT {0, 0}
void rt_lock(struct rt_lock *l, bool shared);
void rt_unlock(struct rt_lock *l, bool shared);

/* --- heap (src/rt/heap.c) ----------------------------------------------- */
/*
 * A heap carved from one address range. The shared kernel region holds one
 * (its header at the start of the region, so forked processes find it at
 * the same address); the private heap is another. Pages come from the range
 * by bumping, freed large blocks are reused, and their pages are given back
 * with LBOX_ADVICE_DONTNEED.
 */
struct rt_heap;

/*
 * Make a heap over [base, base+size): the range must already be mapped
 * readable and writable (typically with LBOX_MAP_NORESERVE). (shared) says
 * whether locks must work across processes. Returns NULL if too small.
 */
struct rt_heap *rt_heap_init(void *base, size_t size, bool shared);
void *rt_heap_alloc(struct rt_heap *h, size_t size);        /* 16-aligned */
void *rt_heap_zalloc(struct rt_heap *h, size_t size);
void *rt_heap_realloc(struct rt_heap *h, void *p, size_t size);
void rt_heap_free(struct rt_heap *h, void *p);
char *rt_heap_strdup(struct rt_heap *h, const char *s);
/* One zeroed page, page-aligned, no header; free with rt_heap_page_free. */
void *rt_heap_page_alloc(struct rt_heap *h);
void rt_heap_page_free(struct rt_heap *h, void *p);
/* Bytes handed out and not freed (for /proc/meminfo and leak tests). */
size_t rt_heap_used(const struct rt_heap *h);
/* Bytes of free runs that may still be backed by host pages. */
size_t rt_heap_resident_free(const struct rt_heap *h);

#endif /* LBOX_RT_H */
