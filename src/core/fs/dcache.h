/* SPDX-License-Identifier: MIT */
/*
 * Dentries (core, kernel image): the name tree of the sandbox, in the
 * shared kernel region. A dentry is one name in one directory: its parent,
 * its inode (none for a negative entry, "this name does not exist") and
 * the root of a filesystem mounted on it. ".." follows the parent link,
 * getcwd and /proc/self/fd names are computed by walking parents, and a
 * rename moves the dentry, so everything beneath it (cwds, open files)
 * follows.
 *
 * Mounts are grafted: the root dentry of a filesystem mounted on dentry D
 * takes D's name and parent, and D->mounted points to it; a walk that
 * reaches D continues at the topmost root mounted there.
 *
 * Caching: dentries of a filesystem whose vfs_sb.cache_names is set stay
 * hashed by (parent, name) after their last user goes, on an LRU list of
 * at most DCACHE_UNUSED_MAX entries, and are found again without asking
 * the filesystem. Others (procfs, devfs: their names come and go on their
 * own) are never hashed: every walk asks the filesystem again. The
 * validity rules per filesystem are in docs/linux-compat.md.
 *
 * One lock (struct vfs.dlock) guards the hash, the LRU, every dentry's
 * refs, parent, name and flags. Filesystem calls and inode releases never
 * run under it.
 */
#ifndef LBOX_CORE_FS_DCACHE_H
#define LBOX_CORE_FS_DCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kernel;
struct inode;
struct vfs_sb;

#define D_HASHED   0x1 /* findable by (parent, name) */
#define D_DELETED  0x2 /* unlinked or replaced: the name is gone */
#define D_ANON     0x4 /* no place in the tree (pipes, stdio): name only */
#define D_LRU      0x8 /* unused and on the LRU list */
#define D_MNTROOT  0x10 /* the root of a mounted filesystem */

struct dentry {
    uint32_t refs;
    uint16_t flags;
    uint16_t name_len;
    struct dentry *parent;  /* referenced; NULL for a tree root or anon */
    struct inode *inode;    /* referenced; NULL for a negative entry */
    struct vfs_sb *sb;      /* the filesystem the name belongs to */
    struct dentry *mounted; /* root mounted here, or NULL (pinned by the
                               mount) */
    char *name;             /* shared heap, NUL-terminated */
    struct dentry *hnext;   /* hash chain */
    struct dentry *lru_prev, *lru_next;
};

/* Unused dentries kept for reuse; more are freed oldest first. */
#define DCACHE_UNUSED_MAX 4096

int dcache_init(struct kernel *k);

/* A root dentry for (ino) (takes the reference), named (name): "/" for a
 * filesystem root, or a display name ("pipe:[3]") with D_ANON. */
struct dentry *d_alloc_root(struct kernel *k, struct inode *ino,
                            const char *name, bool anon);

struct dentry *dget(struct dentry *d);
void dput(struct dentry *d);

/* The topmost filesystem root mounted on (d), or (d) itself. */
struct dentry *d_top(struct dentry *d);

/*
 * (name) in directory dentry (dir): a hashed dentry when there is one,
 * else the filesystem's lookup (a new dentry, hashed when the filesystem
 * caches names; -ENOENT is cached as a negative dentry there). Returns 0
 * and the dentry referenced (crossing mounts: the top), or -errno (-ENOENT
 * for a negative entry).
 */
int d_lookup(struct dentry *dir, const char *name, struct dentry **out);
/* Drop (name)'s cached entry in (dir), if any, so the next lookup asks
 * the filesystem (a create, or an open that revalidates). */
void d_forget(struct dentry *dir, const char *name);
/* Make (name) in (dir) a positive entry for (ino) (a create); referenced
 * in *out. Takes no reference on (ino). */
int d_add(struct dentry *dir, const char *name, struct inode *ino,
          struct dentry **out);
/*
 * A listing of directory (dir) brought (name) of (len) bytes with its
 * inode (ino) (the reference is taken): cache it as an unused positive
 * entry, unless the name is cached already. d_known tells beforehand
 * whether it is, to spare making the inode.
 */
bool d_known(struct dentry *dir, const char *name, size_t len);
void d_prime(struct dentry *dir, const char *name, size_t len,
             struct inode *ino);
/* (d)'s name is gone (unlink, rmdir, replaced by rename). */
void d_delete(struct dentry *d);
/* Rename: (d) becomes (name) in (ndir); an entry it replaces is deleted.
 * With (exchange), the entry (name) in (ndir) takes d's old place. */
int d_move(struct dentry *d, struct dentry *ndir, const char *name,
           bool exchange);
/* Mount (root) (takes the reference) on (d). */
int d_mount(struct dentry *d, struct inode *root, struct dentry **out);

/* Is (d) (or a dentry mounted on it) (a) or beneath it? */
bool d_is_ancestor(struct dentry *a, struct dentry *d);

/*
 * The absolute path of (d) as seen from (root) into (buf): "/a/b". A
 * dentry not beneath (root) gets the path from the tree's root and
 * *(reachable) false; " (deleted)" is appended to a deleted one when
 * (mark_deleted). Returns the length, or -ENAMETOOLONG.
 */
long d_path(struct dentry *d, struct dentry *root, bool mark_deleted,
            char *buf, size_t size, bool *reachable);

/* Free every unused dentry (memory pressure; leak checks in tests). */
void dcache_shrink(struct kernel *k);

/* Counters for --stats and tests. */
struct dcache_stats {
    uint64_t hits, misses, negative_hits, unused;
};
void dcache_stats(struct kernel *k, struct dcache_stats *st);

#endif /* LBOX_CORE_FS_DCACHE_H */
