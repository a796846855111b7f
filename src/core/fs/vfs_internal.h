/* SPDX-License-Identifier: MIT */
/*
 * VFS internals shared by the core's vfs*.c, namei.c and the built-in
 * filesystems (core, kernel image): the mount table, the path walker and
 * small helpers. Not for the shims.
 */
#ifndef LBOX_CORE_FS_VFS_INTERNAL_H
#define LBOX_CORE_FS_VFS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fs/dcache.h"
#include "core/fs/vfs.h"
#include "core/kernel.h"

/*
 * Device numbers in vfs_stat.dev/rdev use glibc's makedev() encoding (what
 * st_dev/st_rdev carry on Linux x86-64), so the shim copies them as they are.
 */
#define VFS_MKDEV(ma, mi)                                                  \
    ((((uint64_t)(ma) & 0xfffff000ULL) << 32) |                            \
     (((uint64_t)(ma) & 0xfffULL) << 8) |                                  \
     (((uint64_t)(mi) & 0xffffff00ULL) << 12) | ((uint64_t)(mi) & 0xffULL))

/* One mounted filesystem: its root dentry (grafted on the dentry it
 * covers, see dcache.h) and that covered dentry, both pinned. */
struct vfs_mnt {
    struct vfs_mnt *next;
    struct dentry *covered;
    struct dentry *root;
};

struct vfs {
    struct rt_lock lock;  /* the mount list */
    struct dentry *root;  /* the tree's root dentry, referenced */
    struct vfs_mnt *mounts;
    /* The dentry cache (dcache.c), under dlock. */
    struct rt_lock dlock;
    struct dentry **hash;
    struct dentry *lru_head, *lru_tail;
    uint32_t unused;
    uint64_t hits, misses, negative_hits;
};

/* An anonymous device number for a new filesystem instance (0:N). */
uint64_t vfs_alloc_dev(void);

/*
 * Helpers the filesystems share (vfs.c).
 * vfs_sb_init: a new instance's (sb) with a vfs_alloc_dev() number, its
 * statfs (magic), the (name) and (source) /proc/mounts shows, and (priv).
 * vfs_readlink_copy: readlink's answer (target), cut to (size), no NUL;
 * returns the bytes copied.
 * vfs_fill_dots: readdir's "." (inode self) at position 0 and ".." (inode
 * parent) at 1, from f->pos on; false when (fill) took no more.
 */
void vfs_sb_init(struct vfs_sb *sb, struct kernel *k, uint64_t magic,
                 const char *name, const char *source, void *priv);
long vfs_readlink_copy(char *buf, size_t size, const char *target);
bool vfs_fill_dots(struct file *f, vfs_filldir_t fill, void *ctx,
                   uint64_t self, uint64_t parent);

/* The tree's root dentry, crossing mounts (referenced), or NULL before
 * vfs_init. */
struct dentry *vfs_root_get(struct kernel *k);

/* getattr with a fallback built from the inode for filesystems without it. */
int vfs_getattr(struct inode *ino, struct vfs_stat *st);
/* The same object (filesystems may hand out several inodes per file). */
bool vfs_same_inode(const struct inode *a, const struct inode *b);
/* Creating and removing names and writing data is refused here. */
static inline bool vfs_is_ro(const struct inode *ino)
{
    return ino->sb->read_only;
}

/* --- path walk (namei.c) ------------------------------------------------ */

#define WALK_FOLLOW 0x1 /* follow a symlink in the last component */
#define WALK_PARENT 0x2 /* stop before the last component */
#define WALK_EMPTY  0x4 /* "" means (at) itself */

#define WALK_OPEN   0x8 /* an open: revalidate the last component */

struct nameres {
    struct dentry *d;   /* referenced: the object, or with WALK_PARENT the
                           directory holding the last component */
    struct inode *ino;  /* d->inode */
    /* WALK_PARENT: the last component; "" for "/", may be "." or "..". */
    char name[VFS_NAME_MAX + 1];
    bool trailing_slash; /* the path ended in '/' */
};

/*
 * Resolve (path) from (at) (relative) or the task's root (absolute). (t)
 * may be NULL for boot-time walks from the VFS root without permission
 * checks. Returns 0 and fills (out), or -errno.
 */
int vfs_walk(struct task *t, const struct vfs_loc *at, const char *path,
             unsigned flags, struct nameres *out);
void nameres_put(struct nameres *r);

/*
 * Look (name) up in directory dentry (dir): checks it is a searchable
 * directory (when (t) is given), crosses mounts. Returns the child
 * referenced, or -errno (-ENOENT when it is not there).
 */
int vfs_lookup_child(struct task *t, struct dentry *dir, const char *name,
                     struct dentry **out);

/* The kernel of the caller (task or inode's). */
static inline struct kernel *inode_kernel(const struct inode *ino)
{
    return ino->sb->k;
}

/* Allocate a struct file on dentry (d) (referenced by the file) without
 * the filesystem open hook; vfs_file_open_inode and vfs_open use it. */
int vfs_file_alloc(struct dentry *d, uint32_t flags, struct file **out);
/* Open (d) with the filesystem's open hook. */
int vfs_file_open_dentry(struct task *t, struct dentry *d, uint32_t flags,
                         struct file **out);

/* Is (gid) the fsgid or a supplementary group of (c)? */
bool vfs_cred_in_group(const struct cred *c, uint32_t gid);

/* setattr with Linux's ownership and permission rules; (by_fd) for
 * ftruncate/fchmod-style calls (no write check for the size). */
int vfs_setattr_inode(struct task *t, struct inode *ino,
                      const struct vfs_setattr *sa, bool by_fd);
/* statfs of (ino)'s filesystem, with ST_RDONLY for read-only mounts. */
int vfs_fstatfs_inode(struct inode *ino, struct vfs_statfs *st);

/* The target of (ino) if it is a magic link (procfs /proc/<pid>/fd/N):
 * 1 and the open file's dentry referenced, 0 if not one, or -errno. */
int procfs_magic_link(struct inode *ino, struct dentry **out);

#endif /* LBOX_CORE_FS_VFS_INTERNAL_H */
