/* SPDX-License-Identifier: MIT */
/* A byte ring for pipes and sockets (core, kernel image): see ring.h. */
#include "core/ipc/ring.h"
#include "rt/rt.h"

void ring_init(struct rt_heap *h, struct ring *r, uint32_t cap)
{
    *r = (struct ring){.h = h, .cap = cap};
}

void ring_free(struct ring *r)
{
    rt_heap_free(r->h, r->buf);
    r->buf = NULL;
    r->size = 0;
}

static void copy_out(const struct ring *r, uint32_t at, void *dst, size_t n)
{
    size_t first = MIN(n, (size_t)(r->size - at));

    memcpy(dst, r->buf + at, first);
    memcpy((uint8_t *)dst + first, r->buf, n - first);
}

/* Move the contents into a new buffer of (size) bytes, unwrapped. */
static int realloc_to(struct ring *r, uint32_t size)
{
    uint8_t *buf = rt_heap_alloc(r->h, size);

    if (!buf)
        return -ENOMEM;
    if (r->len)
        copy_out(r, r->head, buf, r->len);
    rt_heap_free(r->h, r->buf);
    r->buf = buf;
    r->size = size;
    r->head = 0;
    return 0;
}

int ring_resize(struct ring *r, uint32_t cap)
{
    if (cap < r->len)
        return -EBUSY;
    if (r->size > cap) {
        int err = realloc_to(r, cap);

        if (err < 0)
            return err;
    }
    r->cap = cap;
    return 0;
}

int ring_reserve(struct ring *r, size_t n)
{
    uint64_t want = MIN((uint64_t)r->len + n, (uint64_t)r->cap);
    uint64_t size = r->size ? r->size : 4096;

    if (want <= r->size)
        return 0;
    while (size < want)
        size *= 2;
    return realloc_to(r, (uint32_t)MIN(size, (uint64_t)r->cap));
}

size_t ring_put(struct ring *r, const void *src, size_t n)
{
    uint32_t tail;
    size_t first;

    n = MIN(n, (size_t)(r->size - r->len));
    if (!n)
        return 0;
    tail = (r->head + r->len) % r->size;
    first = MIN(n, (size_t)(r->size - tail));
    memcpy(r->buf + tail, src, first);
    memcpy(r->buf, (const uint8_t *)src + first, n - first);
    r->len += (uint32_t)n;
    return n;
}

size_t ring_get(struct ring *r, void *dst, size_t n, bool peek)
{
    n = MIN(n, (size_t)r->len);
    if (dst)
        copy_out(r, r->head, dst, n);
    if (!peek && n) {
        r->head = (r->head + (uint32_t)n) % r->size;
        r->len -= (uint32_t)n;
    }
    return n;
}

size_t ring_peek_at(const struct ring *r, uint32_t off, void *dst, size_t n)
{
    if (off >= r->len)
        return 0;
    n = MIN(n, (size_t)(r->len - off));
    copy_out(r, (r->head + off) % r->size, dst, n);
    return n;
}

bool ring_put_record(struct ring *r, const void *src, size_t n)
{
    uint32_t len = (uint32_t)n;

    if (n > UINT32_MAX || r->size - r->len < n + sizeof(len))
        return false;
    ring_put(r, &len, sizeof(len));
    ring_put(r, src, n);
    r->records++;
    return true;
}

long ring_next_record(const struct ring *r)
{
    uint32_t len;

    if (!r->records)
        return -1;
    copy_out(r, r->head, &len, sizeof(len));
    return len;
}

long ring_get_record(struct ring *r, void *dst, size_t n, bool peek)
{
    long len = ring_next_record(r);
    uint32_t at;
    size_t take;

    if (len < 0)
        return -1;
    take = MIN(n, (size_t)len);
    at = (r->head + 4) % r->size;
    if (dst)
        copy_out(r, at, dst, take);
    if (!peek) {
        r->head = (at + (uint32_t)len) % r->size;
        r->len -= 4 + (uint32_t)len;
        r->records--;
    }
    return len;
}
