/* SPDX-License-Identifier: MIT */
/*
 * 9P2000.L client (core, kernel image): one connection to the monitor's file
 * server over a platform channel, one function per message. Every reply is
 * treated as hostile: a malformed one returns -EPROTO and marks the client
 * dead, a broken channel returns -EIO and marks it dead; a dead client
 * answers -EIO to everything.
 *
 * The client lives in the shared kernel region. Requests are serialized by
 * a lock (one in flight at a time). Fids are allocated by the client: the
 * calls that create a fid on the server (attach, walk) return it, and the
 * calls that end one (clunk, remove) free it, whatever the server said.
 */
#ifndef LBOX_CORE_P9_CLIENT_H
#define LBOX_CORE_P9_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/p9/p9_wire.h"

struct kernel;
struct p9_client;

/* Fids the client hands out at most at once (bounds server state). */
#define P9_FID_MAX 16384
/* Smallest msize accepted from a server. */
#define P9_MSIZE_MIN 4096
/* Largest msize the client asks for. */
#define P9_MSIZE_MAX (1U << 20)

/* Tgetattr request_mask bits. */
#define P9_GETATTR_MODE         0x00000001ULL
#define P9_GETATTR_NLINK        0x00000002ULL
#define P9_GETATTR_UID          0x00000004ULL
#define P9_GETATTR_GID          0x00000008ULL
#define P9_GETATTR_RDEV         0x00000010ULL
#define P9_GETATTR_ATIME        0x00000020ULL
#define P9_GETATTR_MTIME        0x00000040ULL
#define P9_GETATTR_CTIME        0x00000080ULL
#define P9_GETATTR_INO          0x00000100ULL
#define P9_GETATTR_SIZE         0x00000200ULL
#define P9_GETATTR_BLOCKS       0x00000400ULL
#define P9_GETATTR_BTIME        0x00000800ULL
#define P9_GETATTR_GEN          0x00001000ULL
#define P9_GETATTR_DATA_VERSION 0x00002000ULL
#define P9_GETATTR_BASIC        0x000007ffULL
#define P9_GETATTR_ALL          0x00003fffULL

/* Tsetattr valid bits. */
#define P9_SETATTR_MODE      0x00000001U
#define P9_SETATTR_UID       0x00000002U
#define P9_SETATTR_GID       0x00000004U
#define P9_SETATTR_SIZE      0x00000008U
#define P9_SETATTR_ATIME     0x00000010U
#define P9_SETATTR_MTIME     0x00000020U
#define P9_SETATTR_CTIME     0x00000040U
#define P9_SETATTR_ATIME_SET 0x00000080U
#define P9_SETATTR_MTIME_SET 0x00000100U

/* Tunlinkat flags. */
#define P9_AT_REMOVEDIR 0x200

/* Rgetattr, in full. */
struct p9_attr {
    uint64_t valid;
    struct p9_qid qid;
    uint32_t mode, uid, gid;
    uint64_t nlink, rdev, size, blksize, blocks;
    uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
    uint64_t ctime_sec, ctime_nsec, btime_sec, btime_nsec;
    uint64_t gen, data_version;
};

/* Tsetattr's fields. */
struct p9_iattr {
    uint32_t valid;     /* P9_SETATTR_* */
    uint32_t mode, uid, gid;
    uint64_t size;
    uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};

/* Rstatfs. */
struct p9_statfs {
    uint32_t type, bsize;
    uint64_t blocks, bfree, bavail, files, ffree, fsid;
    uint32_t namelen;
};

/* One Rreaddir entry; (name) points into the entry buffer. */
struct p9_dirent {
    struct p9_qid qid;
    uint64_t offset;    /* where the next Treaddir continues */
    uint8_t type;       /* DT_* */
    const char *name;   /* not NUL-terminated */
    uint16_t name_len;
};

/*
 * Negotiate 9P2000.L on channel (chan) (LBOX_CHAN_FS) asking for (msize)
 * (clamped to [P9_MSIZE_MIN, P9_MSIZE_MAX]); a smaller msize from the server
 * is accepted down to P9_MSIZE_MIN, anything else is -EPROTO. The client and
 * its buffers come from k->shared. Blocks. 0 or -errno; *(out) on success.
 */
int p9_client_connect(struct kernel *k, int chan, uint32_t msize,
                      struct p9_client **out);
/* The server is lbox's own file server, which knows lbox's extensions
 * (Tlendfd, Twalkattr): other servers (diod) may drop the connection on a
 * message they do not know, so those are sent only after this. */
void p9_client_own_server(struct p9_client *c);
bool p9_client_is_own_server(const struct p9_client *c);
/* Free a client (fids on the server are not clunked). */
void p9_client_free(struct p9_client *c);
/* The negotiated message size. */
uint32_t p9_client_msize(const struct p9_client *c);
/* True once a channel or protocol failure has stopped the client. */
bool p9_client_is_dead(const struct p9_client *c);
/* Requests of T-message (type) sent so far (--stats); 0 past P9_NTYPES. */
uint64_t p9_client_sent(const struct p9_client *c, uint8_t type);
/* The name of T-message (type) ("walk", "getattr"), or NULL if unknown. */
const char *p9_msg_name(uint8_t type);
/* How many fids are allocated right now (leak checks). */
uint32_t p9_client_fids_in_use(struct p9_client *c);

/*
 * Attach to (aname) as uname "lbox", n_uname (uid). *(fid) OUT: the root fid.
 */
int p9_attach(struct p9_client *c, const char *aname, uint32_t uid,
              uint32_t *fid, struct p9_qid *qid);

/*
 * Walk (nwname) names from (fid) to a new fid *(newfid) (nwname 0 clones).
 * Any number of names: more than 16 are sent as several Twalks. A name that
 * is not there gives -ENOENT (and no new fid). (qid) OUT, optional: the last
 * element's qid (for a clone, left untouched).
 */
int p9_walk(struct p9_client *c, uint32_t fid, unsigned nwname,
            const char *const *names, uint32_t *newfid, struct p9_qid *qid);

/*
 * Twalkattr (only to lbox's own server, else -EOPNOTSUPP): walk (fid) by
 * one (name) to a new fid *(newfid) and get its attributes into (a), in
 * one round trip. *(link) OUT: for a symlink, its target as a string from
 * k->shared (the caller frees it), else NULL.
 */
int p9_walkattr(struct p9_client *c, uint32_t fid, const char *name,
                uint32_t *newfid, struct p9_attr *a, char **link);

/* Open (fid) with Linux open (flags). (qid), (iounit) OUT, optional. */
int p9_lopen(struct p9_client *c, uint32_t fid, uint32_t flags,
             struct p9_qid *qid, uint32_t *iounit);
/*
 * Create and open (name) in directory (fid); (fid) then stands for the new
 * open file. (qid), (iounit) OUT, optional.
 */
int p9_lcreate(struct p9_client *c, uint32_t fid, const char *name,
               uint32_t flags, uint32_t mode, uint32_t gid,
               struct p9_qid *qid, uint32_t *iounit);

/*
 * Read up to (size) bytes at (offset) from open (fid) into (buf) (lbox
 * memory), in as many messages as needed (chunks of min(msize - 24,
 * iounit)); stops early at a short reply. Returns the count (0 at end) or
 * -errno if nothing was read.
 */
long p9_read(struct p9_client *c, uint32_t fid, uint64_t offset, void *buf,
             size_t size, uint32_t iounit);
/* Write likewise; returns the count written or -errno if none. */
long p9_write(struct p9_client *c, uint32_t fid, uint64_t offset,
              const void *buf, size_t size, uint32_t iounit);

/* Forget (fid) on the server and free it here (even on error). */
int p9_clunk(struct p9_client *c, uint32_t fid);

/* Tlendfd (lbox's own): the fid's file as a host handle (platform.h)
 * opened with (mode), O_RDONLY or O_RDWR, in *(handle). -EOPNOTSUPP when
 * the server or platform cannot, -EMFILE past P9_LENT_MAX held, or the
 * server's -errno. Give it back with p9_lend_put. */
#define P9_LENT_MAX 512
int p9_lendfd(struct p9_client *c, uint32_t fid, uint32_t mode, int *handle);
void p9_lend_put(struct p9_client *c, int handle);
/* Remove the file of (fid); the fid is freed like clunk. */
int p9_remove(struct p9_client *c, uint32_t fid);

int p9_getattr(struct p9_client *c, uint32_t fid, uint64_t mask,
               struct p9_attr *attr);
int p9_setattr(struct p9_client *c, uint32_t fid, const struct p9_iattr *ia);

/*
 * One Treaddir of up to (size) bytes at 9P offset (offset) on open
 * directory (fid). Copies the raw entries to (buf) and returns their size
 * (0 at end) or -errno. Walk them with p9_dirent_next.
 */
long p9_readdir(struct p9_client *c, uint32_t fid, uint64_t offset, void *buf,
                uint32_t size);
/*
 * Parse the entry at *(pos) in (buf)/(size) into (d) and advance *(pos).
 * Returns 1 for an entry, 0 at the end, -EPROTO for a malformed entry
 * (truncated, empty name, or a name holding '/' or NUL).
 */
int p9_dirent_next(const void *buf, size_t size, size_t *pos,
                   struct p9_dirent *d);

/*
 * Tlistdir (only to lbox's own server, else -EOPNOTSUPP): the directory
 * (fid) walked by (nwname) names (at most P9_MAXWELEM; none: fid itself),
 * listed from 9P offset (offset) into (buf) of (size) bytes, with each
 * entry's attributes. No fid is made. Returns the entries' size (0 at the
 * end) or -errno; *(eof) OUT: no entries follow these. Walk them with
 * p9_listent_next.
 */
long p9_listdir(struct p9_client *c, uint32_t fid, unsigned nwname,
                const char *const *names, uint64_t offset, void *buf,
                uint32_t size, bool *eof);
/* One Rlistdir entry: the dirent, its attributes when (a.valid) is not
 * 0, and a symlink's target (not NUL-terminated; link_len 0 otherwise). */
struct p9_listent {
    struct p9_dirent d;
    struct p9_attr a;
    const char *link;
    uint16_t link_len;
};
/* Like p9_dirent_next; -EPROTO as well for attributes that disagree with
 * the entry (a type, or a target on anything but a symlink). */
int p9_listent_next(const void *buf, size_t size, size_t *pos,
                    struct p9_listent *e);

int p9_mkdir(struct p9_client *c, uint32_t dfid, const char *name,
             uint32_t mode, uint32_t gid, struct p9_qid *qid);
int p9_symlink(struct p9_client *c, uint32_t dfid, const char *name,
               const char *target, uint32_t gid, struct p9_qid *qid);
int p9_mknod(struct p9_client *c, uint32_t dfid, const char *name,
             uint32_t mode, uint32_t major, uint32_t minor, uint32_t gid,
             struct p9_qid *qid);
/*
 * Copy the target of symlink (fid) to (buf), truncated to (size) bytes, not
 * terminated. Returns the length copied or -errno.
 */
long p9_readlink(struct p9_client *c, uint32_t fid, char *buf, size_t size);
/* (flags): 0 or P9_AT_REMOVEDIR. */
int p9_unlinkat(struct p9_client *c, uint32_t dfid, const char *name,
                uint32_t flags);
int p9_renameat(struct p9_client *c, uint32_t olddfid, const char *oldname,
                uint32_t newdfid, const char *newname);
/* Make (name) in (dfid) a hard link to (fid). */
int p9_link(struct p9_client *c, uint32_t dfid, uint32_t fid,
            const char *name);
int p9_statfs(struct p9_client *c, uint32_t fid, struct p9_statfs *st);
int p9_fsync(struct p9_client *c, uint32_t fid, bool datasync);

#endif /* LBOX_CORE_P9_CLIENT_H */
