/* SPDX-License-Identifier: MIT */
/* Internals shared by the monitor's 9P2000.L server files (host side): wire
 * codec, fid table, confined lookups and the request handlers. */
#ifndef LBOX_MONITOR_P9SRV_INT_H
#define LBOX_MONITOR_P9SRV_INT_H

#include <stdint.h>
#include <sys/stat.h>

#include "monitor/p9srv.h"

/* 9P2000.L message types (T; the reply is T + 1). */
enum {
    P9_TLERROR = 6, P9_RLERROR = 7,
    P9_TSTATFS = 8, P9_TLOPEN = 12, P9_TLCREATE = 14, P9_TSYMLINK = 16,
    P9_TMKNOD = 18, P9_TRENAME = 20, P9_TREADLINK = 22, P9_TGETATTR = 24,
    P9_TSETATTR = 26, P9_TXATTRWALK = 30, P9_TXATTRCREATE = 32,
    P9_TREADDIR = 40, P9_TFSYNC = 50, P9_TLOCK = 52, P9_TGETLOCK = 54,
    P9_TLINK = 70, P9_TMKDIR = 72, P9_TRENAMEAT = 74, P9_TUNLINKAT = 76,
    P9_TVERSION = 100, P9_TAUTH = 102, P9_TATTACH = 104, P9_TFLUSH = 108,
    P9_TWALK = 110, P9_TREAD = 116, P9_TWRITE = 118, P9_TCLUNK = 120,
    P9_TREMOVE = 122,
    /* lbox's own: lend the sandbox a descriptor of a regular file.
     * fid[4] mode[4] (O_RDONLY, or O_RDWR on an rw mount) -> (empty), the
     * descriptor rides on the reply (SCM_RIGHTS). */
    P9_TLENDFD = 130,
    /* lbox's own: Twalk of one name and Tgetattr of where it led, in one
     * round trip. fid[4] newfid[4] name[s] -> the Rgetattr body, then
     * link[s]: a symlink's target, empty for anything else. */
    P9_TWALKATTR = 132,
    /* lbox's own: a directory's entries with their attributes (see
     * p9srv_list.c for the message). */
    P9_TLISTDIR = 134,
};

#define P9_NOFID 0xffffffffu
#define P9_HDRSZ 7u          /* size[4] type[1] tag[2] */
#define P9_IOHDRSZ 11u       /* header + count[4] of Rread/Rreaddir */
#define P9_MIN_MSIZE 4096u
#define P9_MAXWELEM 16
#define P9_QTDIR 0x80
#define P9_QTSYMLINK 0x02
#define P9_QTFILE 0x00
#define P9_QIDSZ 13u
#define P9_ATTRSZ 153u       /* the body of Rgetattr */

/* Reading an untrusted message: every get checks the remaining size and
 * sets (err) instead of reading past the end. */
struct p9_in {
    const uint8_t *p;
    size_t left;
    int err;        /* 0, or the first -errno the decoding hit */
};

/* Building a reply into a buffer of msize bytes. */
struct p9_out {
    uint8_t *buf;
    size_t cap;
    size_t len;
    bool overflow;
};

struct p9_qid {
    uint8_t type;
    uint32_t version;
    uint64_t path;
};

uint8_t p9_get8(struct p9_in *in);
uint16_t p9_get16(struct p9_in *in);
uint32_t p9_get32(struct p9_in *in);
uint64_t p9_get64(struct p9_in *in);
/* Copy a string[s] into (buf) of (size) bytes, NUL-terminated. An embedded
 * NUL gives -EINVAL, a string that does not fit -ENAMETOOLONG, a
 * truncated message -EPROTO (all in in->err). */
void p9_getstr(struct p9_in *in, char *buf, size_t size);
/* Skip a string[s] without copying it. */
void p9_skipstr(struct p9_in *in);
/* Point at the next (size) raw bytes, or NULL (and -EPROTO). */
const uint8_t *p9_getraw(struct p9_in *in, size_t size);

void p9_put8(struct p9_out *out, uint8_t v);
void p9_put16(struct p9_out *out, uint16_t v);
void p9_put32(struct p9_out *out, uint32_t v);
void p9_put64(struct p9_out *out, uint64_t v);
void p9_putstr(struct p9_out *out, const char *s, size_t len);
void p9_putqid(struct p9_out *out, const struct p9_qid *qid);
/* The body of Rgetattr for (st): the basic set (p9srv_ops.c). */
void p9_put_attr(struct mon_p9srv *srv, struct p9_out *out,
                 const struct stat *st);
/* Reserve (size) bytes at the end of the reply and return them, or NULL. */
uint8_t *p9_putraw(struct p9_out *out, size_t size);

/* One exported mount source, opened. */
struct p9_mount {
    char *host;
    char *guest;
    bool rw;
    bool pinned;        /* see struct mon_mount */
    int root_fd;        /* O_PATH fd of the source, -1 until opened */
    int parent_fd;      /* file sources only: O_PATH fd of its directory */
    char *file_name;    /* file sources only: its name in parent_fd */
    dev_t dev;
    ino_t ino;
    mode_t mode;
    uint64_t budget;    /* bytes the guest may add; 0: no bound */
    int64_t used;       /* added so far (p9srv_budget.c) */
};

/* A fid: one file beneath one mount root, held by an O_PATH fd. (pfd, name)
 * is the file's entry in its parent directory, kept so that a non-directory
 * can be reopened without magic links; directories reopen through ".". */
struct p9_fid {
    uint32_t num;
    struct p9_fid *next;    /* hash chain */
    struct p9_mount *mnt;
    int fd;                 /* O_PATH|O_NOFOLLOW */
    int pfd;                /* O_PATH of the parent directory, or -1 */
    char *name;             /* entry name in pfd, or NULL */
    dev_t pdev;             /* identity of pfd, valid when pfd >= 0 */
    ino_t pino;
    dev_t dev;
    ino_t ino;
    mode_t mode;            /* S_IFMT bits at walk time */
    bool is_root;
    int ofd;                /* open fd after Tlopen/Tlcreate, or -1 */
    int oflags;             /* flags it was opened with */
    bool seekable;
};

#define P9_FID_BUCKETS 4096u
#define P9_MAX_DEVS 64u

struct mon_p9srv {
    struct p9_mount *mounts;
    size_t nmounts;
    uid_t uid;
    gid_t gid;
    bool in_netns;
    bool opened;
    uint32_t msize;
    bool versioned;
    struct p9_fid *fids[P9_FID_BUCKETS];
    size_t nfids;
    uint32_t hash_seed;
    dev_t devs[P9_MAX_DEVS];    /* device index for qid paths */
    size_t ndevs;
    uint8_t *inbuf;
    uint8_t *outbuf;
    int lent_fd;        /* sent with the current reply, then closed; -1 */
};

/* p9srv.c */
int p9srv_open_mounts(struct mon_p9srv *srv);

/* p9srv_fid.c: the fid table and confined lookups. */
/* openat2() of (path) beneath (dirfd), never following any symlink nor
 * leaving (dirfd); O_CLOEXEC|O_NOCTTY are added. The fd or -errno. */
int p9_openat2(int dirfd, const char *path, int flags, mode_t mode);

/* Disk budget of an rw mount (p9srv_budget.c). room: how many of (want)
 * bytes may be added now, -ENOSPC for none. entry: before creating
 * (dirfd, name), charge a new entry: 1 if charged (give it back with
 * charge(-P9_BUDGET_ENTRY) if the creation fails), 0 if nothing to
 * charge, -ENOSPC. size: charge a size change from (from) to (to), or
 * -ENOSPC before a growth past the budget. charge: count (bytes) added
 * (negative: freed). unlink: give back what removing (dirfd, name)
 * frees, called before the removal. */
#define P9_BUDGET_ENTRY 4096
int64_t p9_budget_room(const struct p9_mount *m, int64_t want);
int p9_budget_entry(struct p9_mount *m, int dirfd, const char *name);
int p9_budget_size(struct p9_mount *m, int64_t from, int64_t to);
void p9_budget_charge(struct p9_mount *m, int64_t bytes);
void p9_budget_unlink(struct p9_mount *m, int dirfd, const char *name);
struct p9_fid *p9_fid_get(struct mon_p9srv *srv, uint32_t num);
/* New fid (num) with no file yet (fd = pfd = ofd = -1). -EBADF if (num) is
 * NOFID or taken, -EMFILE if the table is full. */
int p9_fid_add(struct mon_p9srv *srv, uint32_t num, struct p9_fid **out);
void p9_fid_del(struct mon_p9srv *srv, struct p9_fid *fid);
void p9_fid_clear(struct p9_fid *fid);
void p9_fid_del_all(struct mon_p9srv *srv);
void p9_qid_from_stat(struct mon_p9srv *srv, const struct stat *st,
                      struct p9_qid *qid);
int p9_fid_stat(struct p9_fid *fid, struct stat *st);
/* 0 if (name) is a single path component other than "." and "..". */
int p9_check_name(const char *name);
/* Point (fid) at the root of (mnt). */
int p9_fid_set_root(struct p9_fid *fid, struct p9_mount *mnt);
/* Move (fid) one step: "." stays, ".." goes up (never above the mount
 * root), a name goes down without following a symlink. */
int p9_fid_step(struct p9_fid *fid, const char *name);
/* Point the directory fid (fid) at its child (fd) (taken) named (name). */
int p9_fid_descend(struct p9_fid *fid, int fd, const char *name);
/* Copy (src)'s file into the empty (dst). */
int p9_fid_copy(struct p9_fid *dst, const struct p9_fid *src);
/* Make sure fid->pfd/name are known, still name fid's file, and that pfd
 * is still beneath the mount root (-EACCES once the host moved the file
 * or an ancestor out of the export; -EBUSY for the root itself). */
int p9_fid_parent(struct p9_fid *fid);
/* Open fid's file for I/O with (flags), checking it is still the same
 * file. Returns the fd or -errno. */
int p9_fid_reopen(struct p9_fid *fid, int flags);
/* After a rename of (oldname) in the directory (odev, oino) to (newname)
 * in (newdir), update the fids that named the old entry. */
void p9_fids_renamed(struct mon_p9srv *srv, dev_t odev, ino_t oino,
                     const char *oldname, int newdir, const char *newname);

/* Handlers: decode the request body from (in), write the reply body to
 * (out), return 0 or -errno (sent as Rlerror). */
typedef int p9_handler_fn(struct mon_p9srv *srv, struct p9_in *in,
                          struct p9_out *out);
p9_handler_fn p9_op_version, p9_op_attach, p9_op_flush, p9_op_walk,
    p9_op_clunk, p9_op_getattr, p9_op_statfs, p9_op_readlink,
    p9_op_xattrwalk, p9_op_xattrcreate;
p9_handler_fn p9_op_lopen, p9_op_lcreate, p9_op_read, p9_op_write,
    p9_op_readdir, p9_op_fsync, p9_op_lock, p9_op_getlock, p9_op_lendfd,
    p9_op_walkattr, p9_op_listdir;
p9_handler_fn p9_op_setattr, p9_op_mkdir, p9_op_symlink, p9_op_mknod,
    p9_op_link, p9_op_rename, p9_op_renameat, p9_op_unlinkat, p9_op_remove;

#endif /* LBOX_MONITOR_P9SRV_INT_H */
