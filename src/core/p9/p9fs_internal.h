/* SPDX-License-Identifier: MIT */
/*
 * p9fs internals shared by p9fs.c (inodes) and p9fs_file.c (open files)
 * (core, kernel image).
 */
#ifndef LBOX_CORE_P9FS_INTERNAL_H
#define LBOX_CORE_P9FS_INTERNAL_H

#include "core/fs/vfs_internal.h"
#include "core/p9/p9_client.h"
#include "core/p9/p9fs.h"

/*
 * vfs_sb.priv. (ihash): the live inodes by qid path, so that every name of
 * one host file (hard links, a name looked up again at open) is one lbox
 * inode, with one attribute cache and one page cache. A live inode's fid
 * keeps the host file open on the server, so its inode number cannot be
 * reused meanwhile.
 */
#define P9FS_IHASH 4096
struct p9fs_inode;
struct p9fs_sb {
    struct p9_client *c;
    uint32_t uid;
    bool no_lent_writes;    /* the platform cannot write a lent handle */
    struct rt_lock ilock;   /* ihash and its chains */
    struct p9fs_inode *ihash[P9FS_IHASH];
};

/*
 * inode.priv: the inode's own walked, never opened fid; and after create,
 * the fid Tlcreate opened (O_RDWR), kept for the first open so that the
 * creating open works even when the new mode denies the access (as on
 * Linux). Taken with an atomic exchange; clunked at evict if unused.
 *
 * On a read-only mount the first read-only open's fid is kept as
 * (read_fid) and shared by every later read-only open of the inode (9P
 * reads carry their offset): an open of a cached file costs no request.
 *
 * (attr) caches the last Rgetattr. Rule (docs/linux-compat.md): on a
 * read-only mount it is valid for the life of the inode; on an rw mount
 * until lbox itself changes the file (write, setattr, a name operation on
 * it or in it), while an open looks the name up again and so gets a fresh
 * inode.
 *
 * (host): a regular file of a read-only mount is asked for once, at its
 * first read-only open, as a host handle the file server lends (Tlendfd).
 * With one, reads and private mappings go to the host's pages directly
 * and no fid is opened. P9FS_HOST_NONE: not asked yet; P9FS_HOST_REFUSED:
 * the server or platform would not. Closed at evict.
 *
 * (link): a symlink's target as Twalkattr brought it, for the inode's
 * life; NULL from servers without Twalkattr, which are asked each time.
 *
 * (parent, name): an inode a directory listing brought (Tlistdir, on a
 * read-only mount, where names stay put for the sandbox's life) has no
 * fid until one is needed: p9fs_fid_get walks it then from the nearest
 * ancestor that has one. Its attributes and link came with the listing.
 */
#define P9FS_HOST_NONE    (-1)
#define P9FS_HOST_REFUSED (-2)
struct p9fs_inode {
    struct inode *inode;
    struct p9fs_inode *hnext;
    uint32_t fid;           /* P9_NOFID until walked, see (parent) */
    struct inode *parent;   /* referenced; NULL when fid came with it */
    char *name;             /* its name in (parent) (k->shared) */
    uint32_t open_fid;      /* P9_NOFID when none */
    uint32_t open_iounit;
    uint32_t read_fid;      /* P9_NOFID when none */
    uint32_t read_iounit;
    int host;
    int shared_ro, shared_rw; /* rw mount, MAP_SHARED: lent like host;
                                 shared_rw serves writes too (p9fs_write) */
    uint32_t writes;        /* write() calls through 9P, up to a few */
    char *link;             /* a symlink's target (k->shared), or NULL */
    bool attr_valid;
    struct rt_lock lock;    /* attr, attr_valid, pages, npages */
    struct p9_attr attr;
    uint8_t **pages;        /* page cache, see p9fs_file.c; NULL: none */
    size_t npages;
};

/* Attributes of (ino) changed under lbox's hands: ask the server next. */
void p9fs_attr_stale(struct inode *ino);

static inline struct p9_client *p9fs_client(const struct inode *ino)
{
    return ((struct p9fs_sb *)ino->sb->priv)->c;
}

/* The inode's fid as it is: on an rw mount every inode has one. */
static inline uint32_t p9fs_fid(const struct inode *ino)
{
    return __atomic_load_n(&((struct p9fs_inode *)ino->priv)->fid,
                           __ATOMIC_ACQUIRE);
}

/* The inode's fid, walked now if it has none yet (see (parent)). */
int p9fs_fid_get(struct inode *ino, uint32_t *fid);
/*
 * For a request that takes a fid and names to walk from it (Tlistdir):
 * the fid of (ino)'s nearest ancestor that has one, or (ino)'s own, and
 * the names from there down to (ino), at most P9_MAXWELEM. Returns how
 * many names, or -errno.
 */
int p9fs_fid_path(struct inode *ino, uint32_t *fid,
                  const char *names[P9_MAXWELEM]);
/* Cache entry (e) of directory (dir) (its dentry (dd)), read by a
 * listing, as a name with its inode. Best effort: nothing on failure. */
void p9fs_prime(struct inode *dir, struct dentry *dd,
                const struct p9_listent *e);

/* The inode_ops.open hook (p9fs_file.c). */
int p9fs_open(struct inode *ino, struct file *f, struct task *t);
/* Page cache (p9fs_file.c): zero what lies past (size) after a truncate;
 * free it all at evict. */
void p9fs_pages_truncate(struct inode *ino, uint64_t size);
void p9fs_pages_free(struct inode *ino);

#endif /* LBOX_CORE_P9FS_INTERNAL_H */
