/* SPDX-License-Identifier: MIT */
/*
 * A byte ring in the shared region (core, kernel image): the buffer of a
 * pipe or a socket. Record mode (packet pipes, datagram and seqpacket
 * sockets) keeps message boundaries with a 4-byte length before each.
 * Its memory is taken as it fills (doubling, up to its capacity), so an
 * idle pipe or socket costs none: a writer reserves room first.
 */
#ifndef LBOX_CORE_IPC_RING_H
#define LBOX_CORE_IPC_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_heap;

struct ring {
    struct rt_heap *h;
    uint8_t *buf;
    uint32_t size;      /* bytes of (buf), at most (cap) */
    uint32_t cap;       /* bytes it may hold */
    uint32_t head;      /* first byte */
    uint32_t len;       /* bytes held, record headers included */
    uint32_t records;   /* record mode: messages held */
};

void ring_init(struct rt_heap *h, struct ring *r, uint32_t cap);
void ring_free(struct ring *r);
/* A new capacity (>= what it holds): 0, -EBUSY or -ENOMEM. */
int ring_resize(struct ring *r, uint32_t cap);
/* Memory for (n) more bytes (within the capacity) before a put: 0 or
 * -ENOMEM. */
int ring_reserve(struct ring *r, size_t n);

static inline uint32_t ring_space(const struct ring *r)
{
    return r->cap - r->len;
}

/* Bytes: append up to (n) (returns how many, at most what was reserved);
 * take up to (n) into (dst)
 * (NULL: drop them), or with (peek) copy without taking. */
size_t ring_put(struct ring *r, const void *src, size_t n);
size_t ring_get(struct ring *r, void *dst, size_t n, bool peek);
/* Copy up to (n) bytes starting (off) bytes past the first, taking none. */
size_t ring_peek_at(const struct ring *r, uint32_t off, void *dst, size_t n);

/* Records: append one whole message of (n) bytes (false: no room, or
 * none reserved for its 4 + n bytes); the
 * next one's length, or -1 with none; take it into (dst) up to (n) bytes
 * (the rest is dropped unless (peek)), returning its full length. */
bool ring_put_record(struct ring *r, const void *src, size_t n);
long ring_next_record(const struct ring *r);
long ring_get_record(struct ring *r, void *dst, size_t n, bool peek);

#endif /* LBOX_CORE_IPC_RING_H */
