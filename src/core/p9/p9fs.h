/* SPDX-License-Identifier: MIT */
/*
 * p9fs (core, kernel image): a VFS filesystem over the 9P2000.L client,
 * serving the host directories the monitor exports. Each inode owns one
 * walked (unopened) fid; each open file description owns one opened fid.
 */
#ifndef LBOX_CORE_P9FS_H
#define LBOX_CORE_P9FS_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;
struct inode;
struct p9_client;

/*
 * Attach to (aname) on (c) as (uid) and make a new filesystem instance
 * (statfs magic V9FS_MAGIC, name "9p", a fresh st_dev) that /proc/mounts
 * shows with (source). (read_only) refuses every change with -EROFS.
 * *(root) OUT: its root inode, referenced. The client must outlive the
 * filesystem. Blocks on the channel. 0 or -errno.
 */
int p9fs_mount(struct kernel *k, struct p9_client *c, const char *aname,
               const char *source, bool read_only, uint32_t uid,
               struct inode **root);

#endif /* LBOX_CORE_P9FS_H */
