/* SPDX-License-Identifier: MIT */
/*
 * Linux x86-64 shim internals (North side, kernel image): the handler
 * signature, guest-memory access and helpers every sys_*.c file uses.
 */
#ifndef LBOX_SHIM_LINUX_SHIM_H
#define LBOX_SHIM_LINUX_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lbox/platform.h>

#include "core/kernel.h"
#include "core/task.h"
#include "rt/rt.h"

/*
 * A guest virtual address. Only the copy helpers below turn one into a
 * pointer; handlers never dereference it.
 */
typedef uint64_t gaddr_t;

/* Every handler: decode (a) at the top, return a result or -errno. */
typedef long sys_fn(struct task *t, const uint64_t a[6]);

/* Copies between lbox memory and guest memory: 0 or -EFAULT. Guest ranges
 * must lie in the user half and outside lbox's own mappings. */
int copy_from_guest(struct task *t, void *dst, gaddr_t src, size_t size);
int copy_to_guest(struct task *t, gaddr_t dst, const void *src, size_t size);
int clear_guest(struct task *t, gaddr_t dst, size_t size);
/* A NUL-terminated guest string into (dst) of (max) bytes: length, -EFAULT
 * or -ENAMETOOLONG. */
long strncpy_from_guest(struct task *t, char *dst, gaddr_t src, size_t max);

/*
 * A path argument: copied into a new private-heap buffer of VFS_PATH_MAX
 * bytes. -EFAULT, -ENAMETOOLONG, or -ENOENT for "" unless (allow_empty).
 * Free with path_put.
 */
long path_get(struct task *t, gaddr_t src, bool allow_empty, char **out);
void path_put(struct task *t, char *path);

/*
 * The place a *at() call starts from: the cwd for AT_FDCWD, else the open
 * directory (dirfd). -EBADF / -ENOTDIR. Release with vfs_loc_put.
 * An absolute (path) needs no dirfd; pass it so a bad dirfd is ignored then.
 */
int at_loc(struct task *t, int dirfd, const char *path, struct vfs_loc *out);

/* A guest struct timespec as nanoseconds (saturating), or the reverse:
 * 0, -EFAULT, or -EINVAL for a negative or unnormalized value. */
int timespec_from_guest(struct task *t, gaddr_t src, int64_t *ns);
int timespec_to_guest(struct task *t, gaddr_t dst, int64_t ns);

/* Bounce buffer size for read/write-style copies. */
#define SHIM_IO_CHUNK (64 * 1024)

#endif /* LBOX_SHIM_LINUX_SHIM_H */
