/* SPDX-License-Identifier: MIT */
/*
 * tmpfs internals shared by tmpfs.c (names) and tmpfs_file.c (data)
 * (core, kernel image).
 */
#ifndef LBOX_CORE_FS_TMPFS_INTERNAL_H
#define LBOX_CORE_FS_TMPFS_INTERNAL_H

#include "core/fs/tmpfs.h"
#include "core/fs/vfs_internal.h"

#define TMPFS_BLOCK ((unsigned)LBOX_PAGE_SIZE) /* one rt_heap page */

struct tmpfs_sb {
    struct vfs_sb sb;
    struct rt_lock lock;  /* every node of this instance */
    uint64_t next_ino;
    uint64_t nr_inodes;   /* atomic */
    uint64_t nr_blocks;   /* atomic */
    uint64_t max_blocks;  /* ENOSPC past it (kernel->tmpfs_size) */
};

struct tmpfs_dirent {
    uint64_t id;          /* getdents position: stable, increasing */
    char *name;
    struct inode *ino;    /* referenced by the entry */
};

struct tmpfs_node {
    uint32_t nlink, uid, gid;
    struct vfs_time atime, mtime, ctime, btime;
    int64_t size;
    /* directories */
    struct tmpfs_dirent *ents;
    size_t count, cap;
    uint64_t next_id;
    uint64_t parent_ino;
    /* regular files: sparse block table, NULL blocks read as zeros */
    uint8_t **blocks;
    size_t nblocks;
    bool shared_maps;     /* a page was ever shared with a guest mapping:
                             pages are not freed before evict */
    /* symlinks */
    char *target;
};

static inline struct tmpfs_sb *tmpfs_sb_of(struct inode *ino)
{
    return container_of(ino->sb, struct tmpfs_sb, sb);
}

static inline struct tmpfs_node *tmpfs_node_of(struct inode *ino)
{
    return ino->priv;
}

extern const struct file_ops tmpfs_file_ops;
long tmpfs_truncate_locked(struct inode *ino, int64_t size);
void tmpfs_free_data(struct inode *ino);

#endif /* LBOX_CORE_FS_TMPFS_INTERNAL_H */
