/* SPDX-License-Identifier: MIT */
/* 9P wire cursors (core, kernel image): little-endian, bounds-checked. */
#include "core/p9/p9_wire.h"

#include "rt/rt.h"

/* Reserve (n) bytes at the cursor; NULL (and err) if they do not fit. */
static uint8_t *take(struct p9_buf *b, uint32_t n)
{
    uint8_t *p;

    if (b->err || n > b->size - b->pos) {
        b->err = true;
        return NULL;
    }
    p = b->data + b->pos;
    b->pos += n;
    return p;
}

void p9_msg_begin(struct p9_buf *b, uint8_t type, uint16_t tag)
{
    b->pos = 0;
    b->err = false;
    p9_put_u32(b, 0);
    p9_put_u8(b, type);
    p9_put_u16(b, tag);
}

uint32_t p9_msg_finish(struct p9_buf *b)
{
    uint32_t size = b->pos;

    if (b->err || size < P9_HDRSZ)
        return 0;
    b->data[0] = (uint8_t)size;
    b->data[1] = (uint8_t)(size >> 8);
    b->data[2] = (uint8_t)(size >> 16);
    b->data[3] = (uint8_t)(size >> 24);
    return size;
}

void p9_put_u8(struct p9_buf *b, uint8_t v)
{
    uint8_t *p = take(b, 1);

    if (p)
        p[0] = v;
}

void p9_put_u16(struct p9_buf *b, uint16_t v)
{
    uint8_t *p = take(b, 2);

    if (p) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
    }
}

void p9_put_u32(struct p9_buf *b, uint32_t v)
{
    uint8_t *p = take(b, 4);

    if (p)
        for (int i = 0; i < 4; i++)
            p[i] = (uint8_t)(v >> (8 * i));
}

void p9_put_u64(struct p9_buf *b, uint64_t v)
{
    uint8_t *p = take(b, 8);

    if (p)
        for (int i = 0; i < 8; i++)
            p[i] = (uint8_t)(v >> (8 * i));
}

void p9_put_strn(struct p9_buf *b, const char *s, size_t len)
{
    if (len > 0xffff) {
        b->err = true;
        return;
    }
    p9_put_u16(b, (uint16_t)len);
    p9_put_bytes(b, s, len);
}

void p9_put_str(struct p9_buf *b, const char *s)
{
    p9_put_strn(b, s, strlen(s));
}

void p9_put_bytes(struct p9_buf *b, const void *src, size_t size)
{
    uint8_t *p;

    if (size > UINT32_MAX) {
        b->err = true;
        return;
    }
    p = take(b, (uint32_t)size);
    if (p && size)
        memcpy(p, src, size);
}

uint8_t p9_get_u8(struct p9_buf *b)
{
    const uint8_t *p = take(b, 1);

    return p ? p[0] : 0;
}

uint16_t p9_get_u16(struct p9_buf *b)
{
    const uint8_t *p = take(b, 2);

    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

uint32_t p9_get_u32(struct p9_buf *b)
{
    const uint8_t *p = take(b, 4);
    uint32_t v = 0;

    if (p)
        for (int i = 3; i >= 0; i--)
            v = v << 8 | p[i];
    return v;
}

uint64_t p9_get_u64(struct p9_buf *b)
{
    const uint8_t *p = take(b, 8);
    uint64_t v = 0;

    if (p)
        for (int i = 7; i >= 0; i--)
            v = v << 8 | p[i];
    return v;
}

void p9_get_qid(struct p9_buf *b, struct p9_qid *q)
{
    q->type = p9_get_u8(b);
    q->version = p9_get_u32(b);
    q->path = p9_get_u64(b);
}

void p9_get_str(struct p9_buf *b, const char **s, uint16_t *len)
{
    uint16_t n = p9_get_u16(b);
    const uint8_t *p = take(b, n);

    if (!p) {
        *s = "";
        *len = 0;
        return;
    }
    *s = (const char *)p;
    *len = n;
}

const uint8_t *p9_get_bytes(struct p9_buf *b, uint32_t size)
{
    return take(b, size);
}
