/* SPDX-License-Identifier: MIT */
/*
 * Test harness for the VFS unit tests (kernel-side test code, no libc): a
 * kernel with a shared heap, one process and task, tmpfs at "/", devfs at
 * /dev, procfs at /proc and a read-only tmpfs at /ro. Also the test doubles
 * for mm and the fd table that procfs calls.
 */
#ifndef LBOX_TESTS_VFS_HARNESS_H
#define LBOX_TESTS_VFS_HARNESS_H

#include <lbox/platform.h>

#include "core/clock.h"
#include "core/fdtable.h"
#include "core/fs/devfs.h"
#include "core/fs/procfs.h"
#include "core/fs/tmpfs.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "rt/rt.h"

#include "../check.h"

static struct kernel g_k;
static struct process g_p;
static struct task g_t;
static struct inode *g_proc_root;

/* --- test doubles: procfs's view of mm and the fd table ------------------ */

struct fdtable {
    struct file *files[16];
};
static struct fdtable g_fdt;

int fdt_max(struct fdtable *fdt)
{
    int n = 0;
    for (int i = 0; i < 16; i++)
        if (fdt->files[i])
            n = i + 1;
    return n;
}

struct file *fdt_peek(struct fdtable *fdt, int fd)
{
    return fd >= 0 && fd < 16 ? fdt->files[fd] : NULL;
}

size_t mm_format_maps(struct mm *mm, char *buf, size_t size)
{
    static const char line[] = "00400000-00401000 r-xp 00000000 00:00 0 [test]\n";

    (void)mm;
    if (size)
        strlcpy(buf, line, size);
    return sizeof(line) - 1;
}

uint64_t mm_total_size(struct mm *mm)
{
    (void)mm;
    return 1 << 20;
}

/* --- set-up ------------------------------------------------------------- */

static void set_cred(uint32_t uid, uint32_t gid)
{
    struct cred *c = &g_p.cred;
    c->uid = c->euid = c->suid = c->fsuid = uid;
    c->gid = c->egid = c->sgid = c->fsgid = gid;
    c->ngroups = 0;
}

static int harness_init(void)
{
    struct inode *root, *dev, *ro;
    size_t sz = 256u << 20;

    g_k.shared = rt_heap_init(test_map(sz, 0), sz, true);
    if (!g_k.shared)
        return -ENOMEM;
    g_p.heap = rt_heap_init(test_map(64u << 20, 0), 64u << 20, false);
    if (lbox_clock_boot(&g_k) < 0)
        return -ENOMEM;
    strlcpy(g_k.hostname, "lboxtest", sizeof(g_k.hostname));
    g_p.k = &g_k;
    g_p.pid = 42;
    g_p.ppid = 1;
    g_p.pgid = 42;
    g_p.sid = 42;
    g_p.umask = 022;
    g_p.fdt = &g_fdt;
    g_p.mm = (struct mm *)&g_fdt; /* never dereferenced by the doubles */
    g_p.exe_path = "/bin/test";
    strlcpy(g_p.comm, "vfstest", sizeof(g_p.comm));
    g_p.start_ns = (uint64_t)g_k.boot_ns;
    set_cred(0, 0);
    g_t.proc = &g_p;
    g_t.k = &g_k;
    g_t.tid = 42;

    root = tmpfs_new(&g_k, "rootfs", 0755, 0, 0);
    if (!root || vfs_init(&g_k, root, &g_p.root) < 0)
        return -ENOMEM;
    vfs_loc_dup(&g_k, &g_p.root, &g_p.cwd);
    int err = vfs_mkdir(&g_t, NULL, "/dev", 0755);
    if (err == 0)
        err = vfs_mkdir(&g_t, NULL, "/proc", 0555);
    if (err == 0)
        err = vfs_mkdir(&g_t, NULL, "/ro", 0755);
    if (err < 0)
        return err;
    dev = devfs_new(&g_k);
    g_proc_root = procfs_new(&g_k);
    ro = tmpfs_new(&g_k, "rotmp", 0755, 0, 0);
    if (!dev || !g_proc_root || !ro)
        return -ENOMEM;
    procfs_attach_process(g_proc_root, &g_p);
    vfs_inode_get(g_proc_root);
    err = vfs_mount(&g_k, "/dev", dev);
    if (err == 0)
        err = vfs_mount(&g_k, "/proc", g_proc_root);
    if (err == 0)
        err = vfs_mount(&g_k, "/ro", ro);
    /* Fill /ro, then make it read-only. */
    if (err == 0)
        err = vfs_mkdir(&g_t, NULL, "/ro/dir", 0755);
    struct file *f;
    if (err == 0)
        err = vfs_open(&g_t, NULL, "/ro/file", O_CREAT | O_WRONLY, 0644, &f);
    if (err < 0)
        return err;
    vfs_write(&g_t, f, "ro data", 7);
    vfs_file_put(f);
    ro->sb->read_only = true;
    return 0;
}

/* Open or fail the test with a message; returns NULL on failure. */
/* Paths of files and places, from the dentry tree. */
static char g_pathbuf[VFS_PATH_MAX];

static inline const char *fpath(struct file *f)
{
    return vfs_file_path(f, &g_p.root, g_pathbuf, sizeof(g_pathbuf)) < 0
               ? "(error)" : g_pathbuf;
}

static inline const char *lpath(const struct vfs_loc *loc)
{
    bool deleted;

    return vfs_loc_path(loc, &g_p.root, g_pathbuf, sizeof(g_pathbuf),
                        &deleted) < 0 ? "(error)" : g_pathbuf;
}

static struct file *xopen(const char *path, uint32_t flags, uint32_t mode)
{
    struct file *f = NULL;
    int err = vfs_open(&g_t, NULL, path, flags, mode, &f);
    if (err < 0) {
        say("FAIL open %s: %d\n", path, err);
        g_failed++;
        return NULL;
    }
    return f;
}

static long read_all(const char *path, char *buf, size_t size)
{
    struct file *f = NULL;
    long n, total = 0;
    int err = vfs_open(&g_t, NULL, path, O_RDONLY, 0, &f);

    if (err < 0)
        return err;
    while ((size_t)total + 1 < size &&
           (n = vfs_read(&g_t, f, buf + total, size - 1 - (size_t)total)) > 0)
        total += n;
    buf[total] = '\0';
    vfs_file_put(f);
    return total;
}

#endif /* LBOX_TESTS_VFS_HARNESS_H */
