/* SPDX-License-Identifier: MIT */
/*
 * tmpfs (core, kernel image): an in-memory filesystem in the shared kernel
 * region, used for "/" and scratch mounts.
 */
#ifndef LBOX_CORE_FS_TMPFS_H
#define LBOX_CORE_FS_TMPFS_H

#include <stdint.h>

#include "core/fs/vfs.h"

/* Largest regular file (bytes): writes beyond fail with -EFBIG. */
#define TMPFS_MAX_FILE_SIZE (16ULL << 30)

/*
 * A new, empty tmpfs instance; (source) is what /proc/mounts shows. The
 * root directory gets (root_mode) permission bits and owner (uid, gid).
 * Returns its root inode (one reference) or NULL when out of memory. Set
 * root->sb->read_only before mounting for a read-only mount.
 */
struct inode *tmpfs_new(struct kernel *k, const char *source,
                        uint32_t root_mode, uint32_t uid, uint32_t gid);

#endif /* LBOX_CORE_FS_TMPFS_H */
