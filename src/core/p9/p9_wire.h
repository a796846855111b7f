/* SPDX-License-Identifier: MIT */
/*
 * 9P2000.L wire format (core, kernel image): message type numbers, and
 * bounds-checked little-endian builders and parsers. A cursor that would run
 * past its buffer records an error and stops moving instead, so a hostile
 * reply can make parsing fail but never read or write out of bounds.
 */
#ifndef LBOX_CORE_P9_WIRE_H
#define LBOX_CORE_P9_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Message types (T = request, R = reply = T + 1), all below P9_NTYPES. */
#define P9_NTYPES      136
#define P9_TLERROR     6
#define P9_RLERROR     7
#define P9_TSTATFS     8
#define P9_RSTATFS     9
#define P9_TLOPEN      12
#define P9_RLOPEN      13
#define P9_TLCREATE    14
#define P9_RLCREATE    15
#define P9_TSYMLINK    16
#define P9_RSYMLINK    17
#define P9_TMKNOD      18
#define P9_RMKNOD      19
#define P9_TRENAME     20
#define P9_RRENAME     21
#define P9_TREADLINK   22
#define P9_RREADLINK   23
#define P9_TGETATTR    24
#define P9_RGETATTR    25
#define P9_TSETATTR    26
#define P9_RSETATTR    27
#define P9_TREADDIR    40
#define P9_RREADDIR    41
#define P9_TFSYNC      50
#define P9_RFSYNC      51
#define P9_TLINK       70
#define P9_RLINK       71
#define P9_TMKDIR      72
#define P9_RMKDIR      73
#define P9_TRENAMEAT   74
#define P9_RRENAMEAT   75
#define P9_TUNLINKAT   76
#define P9_RUNLINKAT   77
#define P9_TVERSION    100
#define P9_RVERSION    101
#define P9_TATTACH     104
#define P9_RATTACH     105
#define P9_TFLUSH      108
#define P9_RFLUSH      109
#define P9_TWALK       110
#define P9_RWALK       111
#define P9_TREAD       116
#define P9_RREAD       117
#define P9_TWRITE      118
#define P9_RWRITE      119
#define P9_TCLUNK      120
#define P9_RCLUNK      121
#define P9_TREMOVE     122
/* lbox's own (the monitor's file server): lend a descriptor of a regular
 * file. fid[4] mode[4] (O_RDONLY; O_RDWR on an rw mount) -> nothing; the
 * descriptor rides on the reply. */
#define P9_TLENDFD     130
/* lbox's own: Twalk of one name plus Tgetattr of the result. fid[4]
 * newfid[4] name[s] -> the Rgetattr body, then link[s] (a symlink's
 * target, else empty). */
#define P9_TWALKATTR   132
/* lbox's own: a directory's entries with their attributes. fid[4]
 * nwname[2] wname[s]... offset[8] count[4] -> eof[1] count[4] entries,
 * each qid[13] offset[8] type[1] name[s], the Rgetattr body (valid 0:
 * none) and link[s]. */
#define P9_TLISTDIR    134
#define P9_RREMOVE     123

#define P9_NOTAG  0xffffU
#define P9_NOFID  0xffffffffU
#define P9_MAXWELEM 16

/* size[4] type[1] tag[2] */
#define P9_HDRSZ 7
/* Room a Tread/Twrite/Treaddir header leaves for data: msize - this. */
#define P9_IOHDRSZ 24

/* qid.type bits */
#define P9_QTDIR     0x80
#define P9_QTAPPEND  0x40
#define P9_QTEXCL    0x20
#define P9_QTSYMLINK 0x02

#define P9_QID_SIZE 13

struct p9_qid {
    uint8_t type;
    uint32_t version;
    uint64_t path;
};

/*
 * A cursor over (size) bytes at (data). Builders advance (pos) while they
 * fit; parsers likewise. (err) sticks once set.
 */
struct p9_buf {
    uint8_t *data;
    uint32_t size;
    uint32_t pos;
    bool err;
};

static inline void p9_buf_init(struct p9_buf *b, void *data, uint32_t size)
{
    b->data = data;
    b->size = size;
    b->pos = 0;
    b->err = false;
}

/* Bytes left between (pos) and the end. */
static inline uint32_t p9_buf_left(const struct p9_buf *b)
{
    return b->err ? 0 : b->size - b->pos;
}

/* --- building ------------------------------------------------------------ */

/* Start a message of (type) with (tag): reserves size[4], writes type, tag. */
void p9_msg_begin(struct p9_buf *b, uint8_t type, uint16_t tag);
/* Write the final size into the header; returns it, or 0 on overflow. */
uint32_t p9_msg_finish(struct p9_buf *b);

void p9_put_u8(struct p9_buf *b, uint8_t v);
void p9_put_u16(struct p9_buf *b, uint16_t v);
void p9_put_u32(struct p9_buf *b, uint32_t v);
void p9_put_u64(struct p9_buf *b, uint64_t v);
/* A string of (len) bytes (len[2] then the bytes); > 65535 is an error. */
void p9_put_strn(struct p9_buf *b, const char *s, size_t len);
void p9_put_str(struct p9_buf *b, const char *s);
void p9_put_bytes(struct p9_buf *b, const void *p, size_t size);

/* --- parsing ------------------------------------------------------------- */

/* Each returns 0 and sets (err) if the value does not fit. */
uint8_t p9_get_u8(struct p9_buf *b);
uint16_t p9_get_u16(struct p9_buf *b);
uint32_t p9_get_u32(struct p9_buf *b);
uint64_t p9_get_u64(struct p9_buf *b);
void p9_get_qid(struct p9_buf *b, struct p9_qid *q);
/*
 * A string: (*s) points into the buffer (not NUL-terminated), (*len) is its
 * length. On error *s is "" and *len 0.
 */
void p9_get_str(struct p9_buf *b, const char **s, uint16_t *len);
/* (size) raw bytes: returns a pointer into the buffer, or NULL on error. */
const uint8_t *p9_get_bytes(struct p9_buf *b, uint32_t size);

#endif /* LBOX_CORE_P9_WIRE_H */
