// SPDX-License-Identifier: MIT
/* Bounds-checked little-endian 9P field codec for the monitor's file server
 * (host side): decodes hostile requests, encodes replies. */
#include <errno.h>
#include <string.h>

#include "monitor/p9srv_int.h"

static const uint8_t *take(struct p9_in *in, size_t size)
{
    const uint8_t *p;

    if (in->err)
        return NULL;
    if (size > in->left) {
        in->err = -EPROTO;
        return NULL;
    }
    p = in->p;
    in->p += size;
    in->left -= size;
    return p;
}

uint8_t p9_get8(struct p9_in *in)
{
    const uint8_t *p = take(in, 1);

    return p ? p[0] : 0;
}

uint16_t p9_get16(struct p9_in *in)
{
    const uint8_t *p = take(in, 2);

    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

uint32_t p9_get32(struct p9_in *in)
{
    const uint8_t *p = take(in, 4);

    if (!p)
        return 0;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

uint64_t p9_get64(struct p9_in *in)
{
    uint64_t lo = p9_get32(in);
    uint64_t hi = p9_get32(in);

    return lo | hi << 32;
}

const uint8_t *p9_getraw(struct p9_in *in, size_t size)
{
    return take(in, size);
}

void p9_getstr(struct p9_in *in, char *buf, size_t size)
{
    uint16_t len = p9_get16(in);
    const uint8_t *p = take(in, len);

    if (size)
        buf[0] = '\0';
    if (!p)
        return;
    if ((size_t)len >= size) {
        in->err = -ENAMETOOLONG;
        return;
    }
    if (memchr(p, '\0', len)) {
        in->err = -EINVAL;
        return;
    }
    memcpy(buf, p, len);
    buf[len] = '\0';
}

void p9_skipstr(struct p9_in *in)
{
    uint16_t len = p9_get16(in);

    take(in, len);
}

uint8_t *p9_putraw(struct p9_out *out, size_t size)
{
    uint8_t *p;

    if (out->overflow || size > out->cap - out->len) {
        out->overflow = true;
        return NULL;
    }
    p = out->buf + out->len;
    out->len += size;
    return p;
}

void p9_put8(struct p9_out *out, uint8_t v)
{
    uint8_t *p = p9_putraw(out, 1);

    if (p)
        p[0] = v;
}

void p9_put16(struct p9_out *out, uint16_t v)
{
    uint8_t *p = p9_putraw(out, 2);

    if (p) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
    }
}

void p9_put32(struct p9_out *out, uint32_t v)
{
    uint8_t *p = p9_putraw(out, 4);

    if (p) {
        for (int i = 0; i < 4; i++)
            p[i] = (uint8_t)(v >> (8 * i));
    }
}

void p9_put64(struct p9_out *out, uint64_t v)
{
    p9_put32(out, (uint32_t)v);
    p9_put32(out, (uint32_t)(v >> 32));
}

void p9_putstr(struct p9_out *out, const char *s, size_t len)
{
    uint8_t *p;

    if (len > 0xffff) {
        out->overflow = true;
        return;
    }
    p9_put16(out, (uint16_t)len);
    p = p9_putraw(out, len);
    if (p && len)
        memcpy(p, s, len);
}

void p9_putqid(struct p9_out *out, const struct p9_qid *qid)
{
    p9_put8(out, qid->type);
    p9_put32(out, qid->version);
    p9_put64(out, qid->path);
}
