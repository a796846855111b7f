/* SPDX-License-Identifier: MIT */
/*
 * p9fs through the VFS (kernel-side test code): diod's tree mounted as "/"
 * (and again read-only), driven by the vfs_* path calls the shims
 * use, checked against the host tree. The read-only instance is "/" of a
 * second kernel object, so this test does not depend on mount crossing.
 */
#include "core/p9/p9_client.h"
#include "core/p9/p9fs.h"
#include "core/fs/vfs_internal.h"
#include "p9c_check.h"
#include "p9c_host.h"
#include "plat_hosted.h"

#define BIG_SIZE (3UL * 1024 * 1024 + 777)

static char g_dir[256];
/* A root task on the rw tree, and one in a second kernel object (same
 * shared heap and client) whose "/" is the read-only mount. */
static struct process g_proc, g_ro_proc;
static struct task g_task, g_ro_task;

static int setup_task(struct kernel *k, struct inode *root, struct process *p,
                      struct task *t)
{
    int err = vfs_init(k, root, &p->root);

    if (err < 0)
        return err;
    p->k = k;
    p->heap = k->shared;
    p->umask = 022;
    p->pid = 1;
    err = vfs_loc_dup(k, &p->root, &p->cwd);
    t->proc = p;
    t->k = k;
    t->tid = 1;
    return err;
}

struct lister {
    const char *const *names;
    int nnames;
    long seen;
};

static int fill(void *ctx, const char *name, size_t len, uint64_t ino,
                uint64_t next_pos, unsigned type)
{
    struct lister *l = ctx;
    int i;

    (void)ino;
    (void)next_pos;
    (void)type;
    for (i = 0; i < l->nnames; i++)
        if (strlen(l->names[i]) == len && memcmp(l->names[i], name, len) == 0)
            break;
    if (i == l->nnames || (l->seen & (1L << i)))
        l->seen = -1;
    else if (l->seen >= 0)
        l->seen |= 1L << i;
    return 0;
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_paths(struct kernel *k)
{
    static const char *const names[] = {".", "..", "hello.txt", "sub",
                                        "link", "deep"};
    struct task *t = &g_task;
    const struct vfs_loc *cwd = &g_proc.cwd;
    struct lister l = {names, 6, 0};
    struct vfs_statfs sf;
    struct vfs_stat st;
    struct file *f = NULL;
    char buf[64], path[512];

    CHECK_EQ(vfs_open(t, cwd, "/hello.txt", O_RDONLY, 0, &f), 0);
    if (f) {
        CHECK_EQ(vfs_read(t, f, buf, sizeof(buf)), 10);
        CHECK_MEM(buf, "hello, 9p\n", 10);
        CHECK_EQ(vfs_lseek(t, f, 0, SEEK_END), 10);
        CHECK_EQ(vfs_write(t, f, "x", 1), -EBADF);
        vfs_file_put(f);
    }
    CHECK_EQ(vfs_stat(t, cwd, "/link", 0, &st), 0);
    CHECK(S_ISREG(st.mode));
    CHECK_EQ(st.size, 10);
    CHECK_EQ(vfs_stat(t, cwd, "link", AT_SYMLINK_NOFOLLOW, &st), 0);
    CHECK(S_ISLNK(st.mode));
    CHECK_EQ(vfs_readlink(t, cwd, "/link", buf, sizeof(buf)), 9);
    CHECK_EQ(vfs_stat(t, cwd, "/deep/d/d/d/d/d/../d/d/d/d/d/d/d/d/d", 0, &st),
             0);
    CHECK(S_ISDIR(st.mode));
    CHECK_EQ(vfs_open(t, cwd, "/missing", O_RDONLY, 0, &f), -ENOENT);
    CHECK_EQ(vfs_open(t, cwd, "/hello.txt/x", O_RDONLY, 0, &f), -ENOTDIR);
    CHECK_EQ(vfs_mkdir(t, cwd, "/sub", 0755), -EEXIST);

    f = NULL;
    CHECK_EQ(vfs_open(t, cwd, "/", O_RDONLY | O_DIRECTORY, 0, &f), 0);
    if (f) {
        CHECK_EQ(vfs_iterate(t, f, fill, &l), 0);
        CHECK_EQ(l.seen, 0x3f);
        vfs_file_put(f);
    }
    CHECK_EQ(vfs_statfs(t, cwd, "/sub", &sf), 0);
    CHECK_EQ(sf.type, V9FS_MAGIC);

    /* Names. */
    CHECK_EQ(vfs_mkdir(t, cwd, "/nd", 0777), 0);
    CHECK_EQ(vfs_stat(t, cwd, "/nd", 0, &st), 0);
    CHECK_EQ(st.mode, S_IFDIR | 0755);
    CHECK_EQ(vfs_symlink(t, "../hello.txt", cwd, "/nd/sl"), 0);
    CHECK_EQ(vfs_stat(t, cwd, "/nd/sl", 0, &st), 0);
    CHECK_EQ(st.size, 10);
    CHECK_EQ(vfs_rename(t, cwd, "/nd/sl", cwd, "/sl2", 0), 0);
    CHECK_EQ(vfs_unlink(t, cwd, "/nd", AT_REMOVEDIR), 0);
    CHECK_EQ(vfs_unlink(t, cwd, "/sl2", 0), 0);
    CHECK(!p9c_host_exists(host_path(path, sizeof(path), g_dir, "sl2")));
    CHECK(!p9c_host_exists(host_path(path, sizeof(path), g_dir, "nd")));
    (void)k;
}

static void test_big(struct kernel *k)
{
    struct task *t = &g_task;
    const struct vfs_loc *cwd = &g_proc.cwd;
    uint8_t *src = rt_heap_alloc(k->shared, BIG_SIZE);
    uint8_t *dst = rt_heap_alloc(k->shared, BIG_SIZE + 10);
    uint64_t seed = 12345;
    struct vfs_stat st;
    struct file *f = NULL;
    char path[512];

    CHECK(src && dst);
    if (!src || !dst)
        return;
    for (size_t i = 0; i < BIG_SIZE; i++)
        src[i] = (uint8_t)rnd(&seed);
    CHECK_EQ(vfs_open(t, cwd, "/big", O_CREAT | O_EXCL | O_RDWR, 0666, &f),
             0);
    if (f) {
        CHECK_EQ(vfs_write(t, f, src, BIG_SIZE), BIG_SIZE);
        CHECK_EQ(vfs_pread(t, f, dst, BIG_SIZE + 10, 0), BIG_SIZE);
        CHECK_MEM(src, dst, BIG_SIZE);
        CHECK_EQ(vfs_fsync(t, f), 0);
        CHECK_EQ(vfs_fstat(t, f, &st), 0);
        CHECK_EQ(st.mode, S_IFREG | 0644);
        vfs_file_put(f);
    }
    CHECK_EQ(vfs_open(t, cwd, "/big", O_CREAT | O_EXCL | O_RDWR, 0666, &f),
             -EEXIST);
    f = NULL;
    CHECK_EQ(vfs_open(t, cwd, "/big", O_WRONLY | O_APPEND, 0, &f), 0);
    if (f) {
        CHECK_EQ(vfs_write(t, f, "tail", 4), 4);
        vfs_file_put(f);
    }
    CHECK_EQ(p9c_host_read_file(host_path(path, sizeof(path), g_dir, "big"),
                                dst, BIG_SIZE + 10), BIG_SIZE + 4);
    CHECK_MEM(src, dst, BIG_SIZE);
    CHECK_MEM(dst + BIG_SIZE, "tail", 4);
    f = NULL;
    CHECK_EQ(vfs_open(t, cwd, "/big", O_WRONLY | O_TRUNC, 0, &f), 0);
    if (f)
        vfs_file_put(f);
    CHECK_EQ(vfs_stat(t, cwd, "/big", 0, &st), 0);
    CHECK_EQ(st.size, 0);
    CHECK_EQ(vfs_unlink(t, cwd, "/big", 0), 0);

    /* The creating open may write even when the new mode says read-only. */
    f = NULL;
    CHECK_EQ(vfs_open(t, cwd, "/ro-new", O_CREAT | O_WRONLY, 0400, &f), 0);
    if (f) {
        CHECK_EQ(vfs_write(t, f, "abc", 3), 3);
        vfs_file_put(f);
    }
    CHECK_EQ(vfs_stat(t, cwd, "/ro-new", 0, &st), 0);
    CHECK_EQ(st.mode, S_IFREG | 0400);
    CHECK_EQ(st.size, 3);
    CHECK_EQ(vfs_unlink(t, cwd, "/ro-new", 0), 0);
    rt_heap_free(k->shared, src);
    rt_heap_free(k->shared, dst);
}

static void test_ro_mount(void)
{
    struct task *t = &g_ro_task;
    const struct vfs_loc *cwd = &g_ro_proc.cwd;
    struct file *f = NULL;
    char buf[16];

    CHECK_EQ(vfs_open(t, cwd, "/hello.txt", O_RDONLY, 0, &f), 0);
    if (f) {
        CHECK_EQ(vfs_read(t, f, buf, sizeof(buf)), 10);
        vfs_file_put(f);
    }
    CHECK_EQ(vfs_open(t, cwd, "/hello.txt", O_WRONLY, 0, &f), -EROFS);
    CHECK_EQ(vfs_open(t, cwd, "/new", O_CREAT | O_WRONLY, 0644, &f),
             -EROFS);
    CHECK_EQ(vfs_mkdir(t, cwd, "/x", 0755), -EROFS);
    CHECK_EQ(vfs_unlink(t, cwd, "/hello.txt", 0), -EROFS);
}

int main(void)
{
    struct kernel k, k_ro;
    struct p9_client *c = NULL;
    struct inode *root = NULL, *ro = NULL;
    int fd, status;

    fd = p9c_diod_begin(&k, 128UL << 20, g_dir, sizeof(g_dir), "p9c-p9fs-vfs",
                        &status);
    if (fd < 0)
        return status;
    CHECK_EQ(p9_client_connect(&k, LBOX_CHAN_FS, 65536, &c), 0);
    if (!c)
        goto out;
    CHECK_EQ(p9fs_mount(&k, c, g_dir, "hostsrc", false, 0, &root), 0);
    k_ro = k;
    CHECK_EQ(p9fs_mount(&k_ro, c, g_dir, "hostsrc", true, 0, &ro), 0);
    if (!root || !ro)
        goto out;
    CHECK_EQ(setup_task(&k, root, &g_proc, &g_task), 0);
    CHECK_EQ(setup_task(&k_ro, ro, &g_ro_proc, &g_ro_task), 0);

    test_paths(&k);
    test_big(&k);
    test_ro_mount();

    /* Cached names hold inodes (and so fids) until the cache lets them
     * go; after that only the places and mounts do. */
    CHECK(p9_client_fids_in_use(c) > 2);
    dcache_shrink(&k);
    dcache_shrink(&k_ro);
    CHECK_EQ(p9_client_fids_in_use(c), 2);
    CHECK(!p9_client_is_dead(c));
out:
    p9c_host_diod_stop(fd);
    p9c_host_cleanup(g_dir);
    return check_done("p9c-p9fs-vfs");
}
