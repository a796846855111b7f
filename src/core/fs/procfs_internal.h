/* SPDX-License-Identifier: MIT */
/*
 * procfs internals shared by procfs.c (the tree) and procfs_gen.c (file
 * contents) (core, kernel image).
 */
#ifndef LBOX_CORE_FS_PROCFS_INTERNAL_H
#define LBOX_CORE_FS_PROCFS_INTERNAL_H

#include <stdarg.h>

#include "core/fs/procfs.h"
#include "core/fs/vfs_internal.h"

struct procfs_sb {
    struct vfs_sb sb;
    struct rt_lock lock;
    struct process *proc;     /* see procfs.h: one process for now */
    char *cmdline, *environ;  /* shared heap */
    size_t cmdline_size, environ_size;
    char boot_id[37];
};

/* What an open procfs file shows. */
enum proc_gen {
    G_CPUINFO = 1, G_MEMINFO, G_UPTIME, G_VERSION, G_LOADAVG,
    G_FILESYSTEMS, G_STAT_ALL,
    G_HOSTNAME, G_DOMAINNAME, G_OSTYPE, G_OSRELEASE, G_PID_MAX,
    G_NGROUPS_MAX, G_BOOT_ID, G_UUID, G_OVERCOMMIT,
    /* per process */
    G_MAPS, G_STATUS, G_STAT, G_STATM, G_CMDLINE, G_COMM, G_ENVIRON,
    G_MOUNTS,
};

/* A growing text buffer in the shared heap; (err) sticks. */
struct sbuf {
    struct rt_heap *h;
    char *data;
    size_t len, cap;
    int err;
};

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sbuf_put(struct sbuf *b, const void *data, size_t size);
/* Make room for (size) more bytes; returns where they go or NULL. */
char *sbuf_reserve(struct sbuf *b, size_t size);

/* Stamp the 16 random bytes (r) as a version 4 UUID and write its 36
 * characters and a NUL to (out). */
void procfs_uuid_format(char out[37], uint8_t r[16]);

/* Fill (b) for (gen); (p) is the process for per-process files, (t) the
 * thread of a file under /proc/<pid>/task/<tid> (NULL for the rest). */
int procfs_generate(struct procfs_sb *s, int gen, struct process *p,
                    struct task *t, struct sbuf *b);

#endif /* LBOX_CORE_FS_PROCFS_INTERNAL_H */
