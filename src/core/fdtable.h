/* SPDX-License-Identifier: MIT */
/*
 * Per-process file descriptor table (core, kernel image): small integers to
 * referenced struct file pointers plus the close-on-exec bit. The table is
 * private to a process; the files it points to live in the shared region.
 */
#ifndef LBOX_CORE_FDTABLE_H
#define LBOX_CORE_FDTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/fs/vfs.h"

struct fdtable;

int fdt_new(struct rt_heap *h, struct fdtable **out);
/* Drop every file and the table itself. */
void fdt_destroy(struct fdtable *fdt);

/*
 * Install (f) at the lowest free fd >= (min_fd) and below (limit) (the
 * RLIMIT_NOFILE soft limit). Takes over the caller's reference on success.
 * Returns the fd, or -EMFILE (or -EINVAL when min_fd >= limit).
 */
int fdt_install(struct fdtable *fdt, struct file *f, int min_fd,
                bool cloexec, uint64_t limit);

/*
 * Install (f) exactly at (fd), closing what was there (dup2/dup3). Takes
 * over the caller's reference. Returns fd, or -EBADF when fd >= limit.
 */
int fdt_install_at(struct fdtable *fdt, int fd, struct file *f, bool cloexec,
                   uint64_t limit);

/* The file at (fd) with a new reference, or NULL (-EBADF for the caller). */
struct file *fdt_get(struct fdtable *fdt, int fd);

int fdt_close(struct fdtable *fdt, int fd);
/* Close [first, last]; with (cloexec_only) just set the bit instead. */
int fdt_close_range(struct fdtable *fdt, unsigned first, unsigned last,
                    bool cloexec_only);
void fdt_close_on_exec(struct fdtable *fdt);

int fdt_get_cloexec(struct fdtable *fdt, int fd);   /* 0/1 or -EBADF */
int fdt_set_cloexec(struct fdtable *fdt, int fd, bool on);

/* Highest possible fd + 1 in use (for iteration); entries may be NULL. */
int fdt_max(struct fdtable *fdt);
/* The file at (fd) without a new reference (procfs listing), or NULL. */
struct file *fdt_peek(struct fdtable *fdt, int fd);

#endif /* LBOX_CORE_FDTABLE_H */
