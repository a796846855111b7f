/* SPDX-License-Identifier: MIT */
/*
 * The virtual file system (core, kernel image): inodes, open file
 * descriptions, mounts and path walk. Filesystems (tmpfs, devfs, procfs,
 * p9fs) implement struct inode_ops and struct file_ops; the shims call the
 * vfs_* functions below with lbox memory only (never guest pointers).
 *
 * Every object here lives in the shared kernel region (k->shared) and holds
 * no pointer into private memory, so a later fork can share it as is.
 * Open flags, mode bits and AT_* flags are numerically Linux's (lbox's own
 * values, like errno), defined in src/core/fs/vfs_abi.h.
 */
#ifndef LBOX_CORE_VFS_H
#define LBOX_CORE_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt/rt.h"
#include "core/fs/vfs_abi.h"

struct kernel;
struct task;
struct inode;
struct file;
struct dentry;

struct vfs_time {
    int64_t sec;
    int64_t nsec;
};

/* What stat(2) and statx(2) report; ABI-neutral, the shim lays it out. */
struct vfs_stat {
    uint64_t dev;
    uint64_t ino;
    uint32_t mode;  /* S_IF* | permission bits */
    uint32_t nlink;
    uint32_t uid;
    uint32_t gid;
    uint64_t rdev;
    int64_t size;
    int64_t blksize;
    int64_t blocks; /* 512-byte units */
    struct vfs_time atime, mtime, ctime, btime;
};

/* What to change in setattr; (valid) is a mask of VFS_ATTR_*. */
#define VFS_ATTR_MODE  0x01
#define VFS_ATTR_UID   0x02
#define VFS_ATTR_GID   0x04
#define VFS_ATTR_SIZE  0x08
#define VFS_ATTR_ATIME 0x10
#define VFS_ATTR_MTIME 0x20
#define VFS_ATTR_ATIME_NOW 0x40 /* set atime to the current time */
#define VFS_ATTR_MTIME_NOW 0x80
struct vfs_setattr {
    uint32_t valid;
    uint32_t mode;
    uint32_t uid, gid;
    int64_t size;
    struct vfs_time atime, mtime;
};

struct vfs_statfs {
    uint64_t type;    /* f_type magic, e.g. TMPFS_MAGIC */
    uint64_t bsize;
    uint64_t blocks, bfree, bavail;
    uint64_t files, ffree;
    uint64_t namelen;
    uint64_t frsize;
    uint64_t flags;   /* ST_RDONLY etc. */
};

/* Who is asking: permission checks use fsuid/fsgid and the groups. */
struct cred {
    uint32_t uid, euid, suid, fsuid;
    uint32_t gid, egid, sgid, fsgid;
    uint32_t ngroups;
    uint32_t groups[32];
};

/*
 * Filesystem operations on an inode. A NULL op means "not supported here":
 * the VFS returns -EPERM for name operations, -EINVAL for readlink, -ENOTDIR
 * for lookup. Name arguments are single components (no '/', not "." or
 * ".."), at most 255 bytes. Ops that return an inode return it referenced.
 */
struct inode_ops {
    int (*lookup)(struct inode *dir, const char *name, struct inode **out);
    int (*create)(struct inode *dir, const char *name, uint32_t mode,
                  const struct cred *c, struct inode **out);
    int (*mkdir)(struct inode *dir, const char *name, uint32_t mode,
                 const struct cred *c);
    int (*symlink)(struct inode *dir, const char *name, const char *target,
                   const struct cred *c);
    int (*link)(struct inode *dir, const char *name, struct inode *target);
    int (*unlink)(struct inode *dir, const char *name);
    int (*rmdir)(struct inode *dir, const char *name);
    /* (flags): VFS_RENAME_NOREPLACE / VFS_RENAME_EXCHANGE. */
    int (*rename)(struct inode *odir, const char *oname, struct inode *ndir,
                  const char *nname, unsigned flags);
    /* Returns the length written to (buf) (not terminated). */
    long (*readlink)(struct inode *ino, char *buf, size_t size);
    int (*getattr)(struct inode *ino, struct vfs_stat *st);
    int (*setattr)(struct inode *ino, const struct vfs_setattr *sa);
    int (*statfs)(struct inode *ino, struct vfs_statfs *st);
    /* Fill f->ops (and f->priv); (f)->flags holds the open flags. */
    int (*open)(struct inode *ino, struct file *f, struct task *t);
    /* Last reference gone: free fs-private state. */
    void (*evict)(struct inode *ino);
    /* Optional: a name operation changed (ino)'s link count or ctime
     * (filesystems that cache attributes drop them). */
    void (*attr_changed)(struct inode *ino);
};

/* Called once per directory entry by getdents; nonzero stops the walk. */
typedef int (*vfs_filldir_t)(void *ctx, const char *name, size_t name_len,
                             uint64_t ino, uint64_t next_pos, unsigned type);

struct file_ops {
    /* Read/write at *(pos), advancing it. Return a count or -errno. */
    long (*read)(struct file *f, void *buf, size_t size, uint64_t *pos);
    long (*write)(struct file *f, const void *buf, size_t size,
                  uint64_t *pos);
    /*
     * Emit entries starting at f->pos through (fill); set f->pos to the
     * next_pos of the last entry accepted. Returns 0 or -errno.
     */
    int (*iterate)(struct file *f, vfs_filldir_t fill, void *ctx);
    /* Optional: a host file handle (platform.h) that holds exactly the
     * file's data, for reads straight into guest memory and private
     * mappings of the host's pages; -ENOSYS when there is none. */
    int (*host_handle)(struct file *f);
    /*
     * Optional, for MAP_SHARED: the page holding the file's bytes at page
     * index (idx), in the shared region and page-aligned, made if need be
     * (zeroed, or read in). It stays the file's until the inode is
     * evicted, so a guest mapping may show it; a mapping keeps a
     * reference to the file and so to the inode.
     */
    int (*map_page)(struct file *f, uint64_t idx, void **page);
    /* Optional, for MAP_SHARED, tried before map_page: a host handle of
     * the file to map shared (platform.h), -ENOSYS when there is none. */
    int (*shared_handle)(struct file *f);
    /* Optional: write the file's pages in [off, off + len) back to where
     * the file lives (shared mappings may have changed them). */
    int (*writeback)(struct file *f, uint64_t off, uint64_t len);
    /* Optional: seek for files whose size is not getattr's (VFS default
     * handles SEEK_SET/CUR/END from getattr). */
    long (*llseek)(struct file *f, int64_t off, int whence);
    /* Terminal and device controls; (arg) is lbox memory sized by the
     * shim for (cmd). -ENOTTY when not supported. */
    long (*ioctl)(struct file *f, unsigned cmd, void *arg);
    int (*fsync)(struct file *f);
    void (*release)(struct file *f);
    /*
     * Optional: which of (events) (VFS_POLL*) hold now, without blocking.
     * NULL means always ready for reading and writing (regular files).
     */
    unsigned (*poll)(struct file *f, unsigned events);
    /* Optional: the platform channel a wait for this file sleeps on
     * (LBOX_CHAN_*), or -1 when nothing outside lbox can make it ready. */
    int (*wait_chan)(struct file *f);
    /* Optional: a count that changes whenever poll's answer may have
     * (EPOLLET reports a file again only then). Without it, edge-
     * triggered waits on the file behave as level-triggered ones. */
    uint32_t (*poll_gen)(struct file *f);
};

struct inode {
    uint32_t refs;
    uint32_t mode;          /* cached S_IF* type and permission bits */
    uint64_t ino;
    struct vfs_sb *sb;
    const struct inode_ops *ops;
    void *priv;             /* the filesystem's own (shared region) */
};

/* One per mounted filesystem instance. */
struct vfs_sb {
    uint64_t dev;           /* st_dev for its inodes */
    uint64_t magic;         /* statfs f_type */
    bool read_only;
    bool cache_names;       /* dentries stay cached (dcache.h) */
    bool revalidate_open;   /* an open looks its last name up again */
    const char *name;       /* "tmpfs", "9p", "proc", "devtmpfs" */
    const char *source;     /* what /proc/mounts shows as the source */
    struct kernel *k;
    void *priv;
};

/* An open file description (shared by dup'ed fds and, later, forks). */
struct file {
    uint32_t refs;
    uint32_t flags;         /* O_ACCMODE | O_APPEND | O_NONBLOCK | ... */
    uint64_t pos;
    struct inode *inode;    /* dentry->inode */
    struct dentry *dentry;  /* referenced: its name, for /proc/self/fd */
    const struct file_ops *ops;
    void *priv;
    struct rt_lock lock;    /* serializes pos updates */
    void *ep_items;         /* epoll items watching it (ipc/epoll.c) */
};

/* A place in the tree, used for cwd, root and dirfds: a dentry. */
struct vfs_loc {
    struct inode *inode;    /* dentry->inode */
    struct dentry *dentry;  /* referenced */
};

/* --- set-up (kernel boot) ---------------------------------------------- */

/* Create the VFS with (root) as "/" (takes the reference); *(rootloc)
 * OUT, optional: a place for it (a task's first root). */
int vfs_init(struct kernel *k, struct inode *root, struct vfs_loc *rootloc);
/*
 * Mount (root) of (sb) on the directory at absolute path (path), which must
 * exist. Takes the reference on (root).
 */
int vfs_mount(struct kernel *k, const char *path, struct inode *root);
/* Write /proc/mounts lines into (buf); returns the length needed. */
size_t vfs_format_mounts(struct kernel *k, char *buf, size_t size);

/* --- inodes and files --------------------------------------------------- */

/* Allocate an inode with one reference (fs helpers). */
struct inode *vfs_inode_new(struct vfs_sb *sb, const struct inode_ops *ops,
                            uint32_t mode, uint64_t ino, void *priv);
void vfs_inode_get(struct inode *ino);
void vfs_inode_put(struct inode *ino);
struct file *vfs_file_get(struct file *f);
void vfs_file_put(struct file *f);
void vfs_loc_put(struct vfs_loc *loc);
int vfs_loc_dup(struct kernel *k, const struct vfs_loc *src,
                struct vfs_loc *dst);

/* Make an open file description on (ino) not reached by a path (pipes,
 * stdio), shown as (name) in /proc/self/fd. Takes no reference on (ino);
 * the file takes its own. */
int vfs_file_open_inode(struct task *t, struct inode *ino, uint32_t flags,
                        const char *name, struct file **out);
/* The place of an open file itself (AT_EMPTY_PATH on any file). */
int vfs_file_self_loc(struct file *f, struct vfs_loc *out);

/*
 * The path of (loc) seen from root (root) into (buf): 0, 1 when it is not
 * beneath (root) (then from the tree's root, for getcwd's
 * "(unreachable)"), or -ENAMETOOLONG. (deleted) set when its name is gone.
 */
int vfs_loc_path(const struct vfs_loc *loc, const struct vfs_loc *root,
                 char *buf, size_t size, bool *deleted);
/* The name /proc/self/fd and /proc/self/maps show for (f): its path from
 * (root), " (deleted)" after an unlink; the length, or -ENAMETOOLONG. */
long vfs_file_path(struct file *f, const struct vfs_loc *root, char *buf,
                   size_t size);

/* --- path operations ---------------------------------------------------- */
/*
 * (at) is where a relative (path) starts (the cwd or a dirfd's place); an
 * absolute path starts at the task's root. (flags) are AT_* values:
 * AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH (operate on (at) itself when (path) is
 * ""), AT_REMOVEDIR, AT_EACCESS, AT_SYMLINK_FOLLOW where Linux has them.
 * Permission checks use the task's cred. Read-only mounts give -EROFS.
 */
int vfs_open(struct task *t, const struct vfs_loc *at, const char *path,
             uint32_t oflags, uint32_t mode, struct file **out);
int vfs_stat(struct task *t, const struct vfs_loc *at, const char *path,
             unsigned flags, struct vfs_stat *st);
int vfs_access(struct task *t, const struct vfs_loc *at, const char *path,
               int amode, unsigned flags);
int vfs_mkdir(struct task *t, const struct vfs_loc *at, const char *path,
              uint32_t mode);
int vfs_mknod(struct task *t, const struct vfs_loc *at, const char *path,
              uint32_t mode, uint64_t dev);
int vfs_unlink(struct task *t, const struct vfs_loc *at, const char *path,
               unsigned flags);
int vfs_rename(struct task *t, const struct vfs_loc *oat, const char *opath,
               const struct vfs_loc *nat, const char *npath, unsigned flags);
int vfs_link(struct task *t, const struct vfs_loc *oat, const char *opath,
             const struct vfs_loc *nat, const char *npath, unsigned flags);
int vfs_symlink(struct task *t, const char *target, const struct vfs_loc *at,
                const char *path);
long vfs_readlink(struct task *t, const struct vfs_loc *at, const char *path,
                  char *buf, size_t size);
int vfs_setattr(struct task *t, const struct vfs_loc *at, const char *path,
                unsigned flags, const struct vfs_setattr *sa);
int vfs_statfs(struct task *t, const struct vfs_loc *at, const char *path,
               struct vfs_statfs *st);
/* Resolve (path) to a directory place, for chdir/chroot/O_PATH dirfds. */
int vfs_resolve_dir(struct task *t, const struct vfs_loc *at,
                    const char *path, struct vfs_loc *out);

/* --- file operations ---------------------------------------------------- */
long vfs_read(struct task *t, struct file *f, void *buf, size_t size);
long vfs_write(struct task *t, struct file *f, const void *buf, size_t size);
/*
 * The file's host handle when it has one and is open for reading, else
 * -ENOSYS. vfs_read_host reads through it at (off), or at and advancing
 * the file position when (off) < 0. The one exception to lbox memory
 * only: (buf) may be guest memory the caller checked is the guest's (the
 * host faults on it safely and returns -EFAULT or a short count).
 */
int vfs_file_host(struct file *f);
/* The file ops above, -ENODEV where the file has no such pages; writeback
 * is 0 where there is nothing to write back. */
int vfs_file_map_page(struct file *f, uint64_t idx, void **page);
bool vfs_file_shareable(const struct file *f);
int vfs_file_shared_host(struct file *f);
int vfs_file_writeback(struct file *f, uint64_t off, uint64_t len);
long vfs_read_host(struct task *t, struct file *f, void *buf, size_t size,
                   int64_t off);
long vfs_pread(struct task *t, struct file *f, void *buf, size_t size,
               uint64_t off);
long vfs_pwrite(struct task *t, struct file *f, const void *buf, size_t size,
                uint64_t off);
long vfs_lseek(struct task *t, struct file *f, int64_t off, int whence);
int vfs_iterate(struct task *t, struct file *f, vfs_filldir_t fill,
                void *ctx);
int vfs_fstat(struct task *t, struct file *f, struct vfs_stat *st);
/* Attributes of the inode (loc) names, not of whatever its path names now. */
int vfs_loc_stat(const struct vfs_loc *loc, struct vfs_stat *st);
int vfs_fsetattr(struct task *t, struct file *f,
                 const struct vfs_setattr *sa);
int vfs_fstatfs(struct task *t, struct file *f, struct vfs_statfs *st);
int vfs_fsync(struct task *t, struct file *f);
long vfs_ioctl(struct task *t, struct file *f, unsigned cmd, void *arg);
/* The place of an open directory, for *at() calls on a dirfd. */
int vfs_file_loc(struct task *t, struct file *f, struct vfs_loc *out);

/* Permission check of (ino) for (mask) (MAY_READ|MAY_WRITE|MAY_EXEC). */
int vfs_permission(const struct cred *c, struct inode *ino, int mask);

/* Current time for timestamps. */
struct vfs_time vfs_now(void);

#endif /* LBOX_CORE_VFS_H */
