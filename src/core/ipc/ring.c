/* SPDX-License-Identifier: MIT */
/* A byte ring for pipes and sockets (core, kernel image): see ring.h. */
#include "core/ipc/ring.h"
#include "rt/rt.h"

int ring_init(struct rt_heap *h, struct ring *r, uint32_t cap)
{
    *r = (struct ring){.buf = rt_heap_alloc(h, cap), .cap = cap};
    return r->buf ? 0 : -ENOMEM;
}

void ring_free(struct rt_heap *h, struct ring *r)
{
    rt_heap_free(h, r->buf);
    r->buf = NULL;
}

static void copy_out(const struct ring *r, uint32_t at, void *dst, size_t n)
{
    size_t first = MIN(n, (size_t)(r->cap - at));

    memcpy(dst, r->buf + at, first);
    memcpy((uint8_t *)dst + first, r->buf, n - first);
}

int ring_resize(struct rt_heap *h, struct ring *r, uint32_t cap)
{
    uint8_t *buf;

    if (cap < r->len)
        return -EBUSY;
    buf = rt_heap_alloc(h, cap);
    if (!buf)
        return -ENOMEM;
    copy_out(r, r->head, buf, r->len);
    rt_heap_free(h, r->buf);
    r->buf = buf;
    r->cap = cap;
    r->head = 0;
    return 0;
}

size_t ring_put(struct ring *r, const void *src, size_t n)
{
    uint32_t tail = (r->head + r->len) % r->cap;
    size_t first;

    n = MIN(n, (size_t)ring_space(r));
    first = MIN(n, (size_t)(r->cap - tail));
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
    if (!peek) {
        r->head = (r->head + (uint32_t)n) % r->cap;
        r->len -= (uint32_t)n;
    }
    return n;
}

size_t ring_peek_at(const struct ring *r, uint32_t off, void *dst, size_t n)
{
    if (off >= r->len)
        return 0;
    n = MIN(n, (size_t)(r->len - off));
    copy_out(r, (r->head + off) % r->cap, dst, n);
    return n;
}

bool ring_put_record(struct ring *r, const void *src, size_t n)
{
    uint32_t len = (uint32_t)n;

    if (n > UINT32_MAX || ring_space(r) < n + sizeof(len))
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
    at = (r->head + 4) % r->cap;
    if (dst)
        copy_out(r, at, dst, take);
    if (!peek) {
        r->head = (at + (uint32_t)len) % r->cap;
        r->len -= 4 + (uint32_t)len;
        r->records--;
    }
    return len;
}
