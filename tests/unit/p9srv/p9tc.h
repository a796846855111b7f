/* SPDX-License-Identifier: MIT */
/* A minimal raw 9P2000.L test client with its own encoder, used by the file
 * server's unit tests (host side, glibc). */
#ifndef LBOX_TESTS_P9TC_H
#define LBOX_TESTS_P9TC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TC_BUF (600u * 1024u)
#define TC_NOFID 0xffffffffu

struct tc_qid {
    uint8_t type;
    uint32_t version;
    uint64_t path;
};

struct tc {
    int fd;
    uint16_t tag;
    uint8_t *out;
    size_t olen;
    uint8_t *in;
    size_t ilen;
    size_t rpos;        /* read position in the reply body */
    uint8_t rtype;
    uint32_t ecode;     /* Rlerror code of the last reply, else 0 */
    bool closed;        /* the server closed the connection */
};

int tc_init(struct tc *c, int fd);
void tc_fini(struct tc *c);

/* Build a request. */
void tc_begin(struct tc *c, uint8_t type);
void tc_u8(struct tc *c, uint8_t v);
void tc_u16(struct tc *c, uint16_t v);
void tc_u32(struct tc *c, uint32_t v);
void tc_u64(struct tc *c, uint64_t v);
void tc_str(struct tc *c, const char *s);
void tc_raw(struct tc *c, const void *p, size_t n);
/* Send the request, wait for its reply: returns 0 for the expected reply,
 * -ecode for Rlerror, -EPIPE if the server closed the connection, -EPROTO
 * for an unexpected reply. */
int tc_rpc(struct tc *c);
/* Send (n) raw bytes as they are and read one reply as tc_rpc() does. */
int tc_send_raw(struct tc *c, const void *p, size_t n);

/* Read the reply body. */
uint8_t tc_r8(struct tc *c);
uint16_t tc_r16(struct tc *c);
uint32_t tc_r32(struct tc *c);
uint64_t tc_r64(struct tc *c);
void tc_rstr(struct tc *c, char *buf, size_t size);
void tc_rqid(struct tc *c, struct tc_qid *q);
const uint8_t *tc_rraw(struct tc *c, size_t n);

/* Requests. Each returns 0 or -errno from Rlerror. */
int tc_version(struct tc *c, uint32_t msize, const char *ver,
               uint32_t *rmsize, char *rver, size_t rsize);
int tc_attach(struct tc *c, uint32_t fid, const char *aname,
              struct tc_qid *q);
/* Walk (n) names; returns the number of qids (>= 0) or -errno. */
int tc_walk(struct tc *c, uint32_t fid, uint32_t newfid, int n,
            const char *const *names, struct tc_qid *qids);
int tc_walk1(struct tc *c, uint32_t fid, uint32_t newfid, const char *name);
int tc_lopen(struct tc *c, uint32_t fid, uint32_t flags, struct tc_qid *q);
int tc_lcreate(struct tc *c, uint32_t fid, const char *name, uint32_t flags,
               uint32_t mode, struct tc_qid *q);
/* Read up to (count) bytes into (buf): byte count or -errno. */
long tc_read(struct tc *c, uint32_t fid, uint64_t off, uint32_t count,
             void *buf);
long tc_write(struct tc *c, uint32_t fid, uint64_t off, const void *buf,
              uint32_t count);
int tc_clunk(struct tc *c, uint32_t fid);
int tc_remove(struct tc *c, uint32_t fid);

struct tc_attr {
    uint64_t valid;
    struct tc_qid qid;
    uint32_t mode, uid, gid;
    uint64_t nlink, rdev, size, blksize, blocks;
    uint64_t atime, mtime, ctime;
};
int tc_getattr(struct tc *c, uint32_t fid, struct tc_attr *a);
/* lbox's Twalkattr: walk one name and get its attributes and, for a
 * symlink, its target into (link) ("" otherwise). */
int tc_walkattr(struct tc *c, uint32_t fid, uint32_t newfid, const char *name,
                struct tc_attr *a, char *link, size_t size);
/* lbox's Tlistdir of (fid) walked by (nw) names, in small replies: the
 * sorted names as tc_readdir_names gives them, or -errno; checks the
 * reply's framing and that only "." and ".." lack attributes. The entry
 * (pick) (if any) gets its attributes in (pa) and target in (plink). */
int tc_listdir_names(struct tc *c, uint32_t fid, unsigned nw,
                     const char *const *wnames, char *buf, size_t size,
                     const char *pick, struct tc_attr *pa, char *plink,
                     size_t plsize);
int tc_setattr(struct tc *c, uint32_t fid, uint32_t valid, uint32_t mode,
               uint32_t uid, uint32_t gid, uint64_t size, uint64_t atime,
               uint64_t mtime);
/* Names of the entries of an opened directory, "name/" for directories,
 * joined with ' ' in sorted order into (buf). Number of entries or -errno. */
int tc_readdir_names(struct tc *c, uint32_t fid, char *buf, size_t size);
int tc_mkdir(struct tc *c, uint32_t dfid, const char *name, uint32_t mode,
             struct tc_qid *q);
int tc_symlink(struct tc *c, uint32_t dfid, const char *name,
               const char *target, struct tc_qid *q);
int tc_mknod(struct tc *c, uint32_t dfid, const char *name, uint32_t mode,
             uint32_t major, uint32_t minor);
int tc_readlink(struct tc *c, uint32_t fid, char *buf, size_t size);
int tc_unlinkat(struct tc *c, uint32_t dfid, const char *name,
                uint32_t flags);
int tc_renameat(struct tc *c, uint32_t odfid, const char *oname,
                uint32_t ndfid, const char *nname);
int tc_rename(struct tc *c, uint32_t fid, uint32_t dfid, const char *name);
int tc_link(struct tc *c, uint32_t dfid, uint32_t fid, const char *name);
int tc_statfs(struct tc *c, uint32_t fid, uint32_t *bsize,
              uint32_t *namelen);
int tc_fsync(struct tc *c, uint32_t fid);
/* Rlock status (0 ok, 1 blocked, 2 error) or -errno. */
int tc_lock(struct tc *c, uint32_t fid, uint8_t type, uint64_t start,
            uint64_t len);
/* The conflicting lock type (2 = none) or -errno. */
int tc_getlock(struct tc *c, uint32_t fid, uint8_t type, uint64_t start,
               uint64_t len);

#endif /* LBOX_TESTS_P9TC_H */
