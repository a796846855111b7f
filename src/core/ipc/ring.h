/* SPDX-License-Identifier: MIT */
/*
 * A byte ring in the shared region (core, kernel image): the buffer of a
 * pipe or a socket. Record mode (packet pipes, datagram and seqpacket
 * sockets) keeps message boundaries with a 4-byte length before each.
 */
#ifndef LBOX_CORE_IPC_RING_H
#define LBOX_CORE_IPC_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_heap;

struct ring {
    uint8_t *buf;
    uint32_t cap;       /* bytes */
    uint32_t head;      /* first byte */
    uint32_t len;       /* bytes held, record headers included */
    uint32_t records;   /* record mode: messages held */
};

int ring_init(struct rt_heap *h, struct ring *r, uint32_t cap);
void ring_free(struct rt_heap *h, struct ring *r);
/* A new capacity (>= what it holds): 0, -EBUSY or -ENOMEM. */
int ring_resize(struct rt_heap *h, struct ring *r, uint32_t cap);

static inline uint32_t ring_space(const struct ring *r)
{
    return r->cap - r->len;
}

/* Bytes: append up to (n) (returns how many); take up to (n) into (dst)
 * (NULL: drop them), or with (peek) copy without taking. */
size_t ring_put(struct ring *r, const void *src, size_t n);
size_t ring_get(struct ring *r, void *dst, size_t n, bool peek);
/* Copy up to (n) bytes starting (off) bytes past the first, taking none. */
size_t ring_peek_at(const struct ring *r, uint32_t off, void *dst, size_t n);

/* Records: append one whole message of (n) bytes (false: no room); the
 * next one's length, or -1 with none; take it into (dst) up to (n) bytes
 * (the rest is dropped unless (peek)), returning its full length. */
bool ring_put_record(struct ring *r, const void *src, size_t n);
long ring_next_record(const struct ring *r);
long ring_get_record(struct ring *r, void *dst, size_t n, bool peek);

#endif /* LBOX_CORE_IPC_RING_H */
