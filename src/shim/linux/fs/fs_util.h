/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the Linux shim's file-system handlers (North side,
 * kernel image): fd lookup, the RLIMIT_NOFILE bound and partial guest
 * copies. Internal to src/shim/linux/fs/.
 */
#ifndef LBOX_SHIM_LINUX_FS_UTIL_H
#define LBOX_SHIM_LINUX_FS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fdtable.h"
#include "core/kernel.h"
#include "shim/linux/abi/fs.h"
#include "shim/linux/shim.h"

/* The process's RLIMIT_NOFILE soft limit, capped at fs.nr_open. */
uint64_t nofile_limit(struct task *t);

/* The file at (fd), referenced, or NULL (the caller returns -EBADF). */
struct file *fd_get(struct task *t, int fd);
/* The file at (fd) for a call O_PATH descriptors may not make: 0 with
 * *(out) referenced, or -EBADF (no such fd, or an O_PATH one). */
long fd_get_open(struct task *t, int fd, struct file **out);

static inline bool file_is_path(const struct file *f)
{
    return f->flags & O_PATH;
}

static inline bool file_can_read(const struct file *f)
{
    uint32_t acc = f->flags & O_ACCMODE;

    return !file_is_path(f) && (acc == O_RDONLY || acc == O_RDWR);
}

static inline bool file_can_write(const struct file *f)
{
    uint32_t acc = f->flags & O_ACCMODE;

    return !file_is_path(f) && (acc == O_WRONLY || acc == O_RDWR);
}

/*
 * Copy as much of a guest range as is accessible: sets (done) to the bytes
 * copied (a prefix) and returns 0 when all were, -EFAULT otherwise. Used
 * where Linux reports partial progress before a fault.
 */
int copy_in_partial(struct task *t, void *dst, gaddr_t src, size_t size,
                    size_t *done);
int copy_out_partial(struct task *t, gaddr_t dst, const void *src,
                     size_t size, size_t *done);

#endif /* LBOX_SHIM_LINUX_FS_UTIL_H */
