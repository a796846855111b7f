/* SPDX-License-Identifier: MIT */
/*
 * procfs (core, kernel image): /proc/self, /proc/<pid>/..., cpuinfo,
 * meminfo, mounts and the sysctl files programs read. File contents are
 * generated when opened (a snapshot read and seeked like a file); all of
 * it is read-only.
 *
 * Limitation until fork exists: the sandbox has one process, which boot
 * attaches with procfs_attach_process; /proc/self and /proc/<pid> show it.
 * The procfs instance then points at that (private) struct process, so it
 * must be re-attached (or made a process table lookup) once fork lands.
 */
#ifndef LBOX_CORE_FS_PROCFS_H
#define LBOX_CORE_FS_PROCFS_H

#include <stddef.h>

#include "core/fs/vfs.h"
#include "core/kernel.h"

/* lbox's own memory figure for /proc/meminfo MemTotal (kB). */
#define PROCFS_MEM_TOTAL_KB (4ULL * 1024 * 1024)

/* A new procfs instance (mount it on /proc). Returns its root or NULL. */
struct inode *procfs_new(struct kernel *k);

/* Show (p) as /proc/self and /proc/<pid>. (root) is procfs_new's inode. */
void procfs_attach_process(struct inode *root, struct process *p);

/*
 * The argv and environment strings of the attached process (each string
 * NUL-terminated, back to back) for /proc/<pid>/cmdline and environ,
 * copied into the shared region. struct process has no field for them
 * yet. 0 or -ENOMEM.
 */
int procfs_set_cmdline(struct inode *root, const char *buf, size_t size);
int procfs_set_environ(struct inode *root, const char *buf, size_t size);

#endif /* LBOX_CORE_FS_PROCFS_H */
