/* SPDX-License-Identifier: MIT */
/*
 * 9P2000.L client against a real peer (kernel-side test code): Debian's diod
 * serves a temp tree on a socketpair, and every client call is checked
 * against what the host file system then holds.
 */
#include "core/p9/p9_client.h"
#include "core/fs/vfs_abi.h"
#include "p9c_check.h"
#include "p9c_host.h"
#include "plat_hosted.h"

#define BIG_SIZE (5UL * 1024 * 1024 + 12345)

static char g_dir[256];

static uint32_t walk1(struct p9_client *c, uint32_t fid, const char *name,
                      int *err)
{
    uint32_t nf = P9_NOFID;

    *err = p9_walk(c, fid, 1, &name, &nf, NULL);
    return nf;
}

static void test_read_known(struct p9_client *c, uint32_t root)
{
    struct p9_attr a;
    struct p9_qid q;
    uint32_t fid, iounit = 0;
    char buf[100];
    int err;

    fid = walk1(c, root, "hello.txt", &err);
    CHECK_EQ(err, 0);
    CHECK_EQ(p9_getattr(c, fid, P9_GETATTR_BASIC, &a), 0);
    CHECK_EQ(a.size, 10);
    CHECK(S_ISREG(a.mode));
    CHECK_EQ(a.nlink, 1);
    CHECK_EQ(p9_lopen(c, fid, O_RDONLY, &q, &iounit), 0);
    CHECK_EQ(q.path, a.qid.path);
    CHECK_EQ(p9_read(c, fid, 0, buf, sizeof(buf), iounit), 10);
    CHECK_MEM(buf, "hello, 9p\n", 10);
    CHECK_EQ(p9_read(c, fid, 7, buf, sizeof(buf), iounit), 3);
    CHECK_MEM(buf, "9p\n", 3);
    CHECK_EQ(p9_read(c, fid, 10, buf, sizeof(buf), iounit), 0);
    CHECK_EQ(p9_read(c, fid, 1000, buf, sizeof(buf), iounit), 0);
    /* Writing a read-only open fid is refused by the server. */
    CHECK(p9_write(c, fid, 0, "x", 1, iounit) < 0);
    CHECK_EQ(p9_clunk(c, fid), 0);
}

static void test_walks(struct p9_client *c, uint32_t root)
{
    static const char *const two[] = {"sub", "inner.txt"};
    static const char *const bad[] = {"sub", "nope"};
    const char *deep[21], *deep_bad[21];
    uint32_t before = p9_client_fids_in_use(c);
    struct p9_qid q;
    struct p9_attr a;
    uint32_t fid, f2;
    int err;

    CHECK_EQ(p9_walk(c, root, 2, two, &fid, &q), 0);
    CHECK_EQ(p9_getattr(c, fid, P9_GETATTR_BASIC, &a), 0);
    CHECK_EQ(a.size, 6);
    CHECK_EQ(a.qid.path, q.path);
    /* Walking through a regular file. */
    f2 = walk1(c, fid, "x", &err);
    CHECK_EQ(err, -ENOTDIR);
    (void)f2;
    CHECK_EQ(p9_clunk(c, fid), 0);

    CHECK_EQ(p9_walk(c, root, 2, bad, &fid, NULL), -ENOENT);
    fid = walk1(c, root, "missing", &err);
    CHECK_EQ(err, -ENOENT);
    CHECK_EQ(p9_client_fids_in_use(c), before);

    /* 21 names: two Twalks, the second walking the new fid in place. */
    deep[0] = deep_bad[0] = "deep";
    for (int i = 1; i < 21; i++)
        deep[i] = deep_bad[i] = "d";
    CHECK_EQ(p9_walk(c, root, 21, deep, &fid, &q), 0);
    CHECK(q.type & P9_QTDIR);
    CHECK_EQ(p9_getattr(c, fid, P9_GETATTR_BASIC, &a), 0);
    CHECK(S_ISDIR(a.mode));
    CHECK_EQ(a.qid.path, q.path);
    CHECK_EQ(p9_clunk(c, fid), 0);
    deep_bad[18] = "x"; /* fails in the second message */
    CHECK_EQ(p9_walk(c, root, 21, deep_bad, &fid, NULL), -ENOENT);
    deep_bad[18] = "d";
    deep_bad[3] = "x";  /* fails in the first */
    CHECK_EQ(p9_walk(c, root, 21, deep_bad, &fid, NULL), -ENOENT);
    CHECK_EQ(p9_client_fids_in_use(c), before);

    /* A clone. */
    CHECK_EQ(p9_walk(c, root, 0, NULL, &fid, NULL), 0);
    CHECK(fid != root);
    CHECK_EQ(p9_getattr(c, fid, P9_GETATTR_BASIC, &a), 0);
    CHECK(S_ISDIR(a.mode));
    CHECK_EQ(p9_clunk(c, fid), 0);
    CHECK_EQ(p9_client_fids_in_use(c), before);
}

/* Read the whole directory in (chunk)-byte Treaddirs; returns a bitmask of
 * the names seen from (names), or -1 for anything else or a repeat. */
static long list_dir(struct p9_client *c, uint32_t dir, uint32_t chunk,
                     const char *const *names, int nnames)
{
    static uint8_t buf[8192];
    struct p9_dirent d;
    uint64_t off = 0;
    long seen = 0, n;
    uint32_t fid;
    int calls = 0;

    if (p9_walk(c, dir, 0, NULL, &fid, NULL) ||
        p9_lopen(c, fid, O_RDONLY, NULL, NULL))
        return -2;
    while ((n = p9_readdir(c, fid, off, buf, chunk)) > 0) {
        size_t pos = 0;
        int r;

        calls++;
        while ((r = p9_dirent_next(buf, (size_t)n, &pos, &d)) == 1) {
            int i;

            for (i = 0; i < nnames; i++)
                if (strlen(names[i]) == d.name_len &&
                    memcmp(names[i], d.name, d.name_len) == 0)
                    break;
            if (i == nnames || (seen & (1L << i)))
                seen = -1;
            else if (seen >= 0)
                seen |= 1L << i;
            off = d.offset;
        }
        if (r < 0 || calls > 100)
            seen = -3;
        if (seen < 0)
            break;
    }
    if (n < 0)
        seen = n;
    p9_clunk(c, fid);
    return seen;
}

static void test_readdir(struct p9_client *c, uint32_t root)
{
    static const char *const names[] = {".", "..", "hello.txt", "sub",
                                        "link", "deep"};

    CHECK_EQ(list_dir(c, root, 8192, names, 6), 0x3f);
    CHECK_EQ(list_dir(c, root, 64, names, 6), 0x3f); /* several calls */
}

static void test_create_write(struct p9_client *c, uint32_t root)
{
    char path[512], buf[64];
    struct p9_qid q;
    struct p9_attr a;
    uint32_t fid, iounit = 0, f2;
    int err;

    CHECK_EQ(p9_walk(c, root, 0, NULL, &fid, NULL), 0);
    CHECK_EQ(p9_lcreate(c, fid, "new.txt", O_RDWR | O_CREAT | O_EXCL, 0640,
                        0, &q, &iounit), 0);
    CHECK_EQ(p9_write(c, fid, 0, "abcdef", 6, iounit), 6);
    CHECK_EQ(p9_write(c, fid, 6, "gh", 2, iounit), 2);
    CHECK_EQ(p9_read(c, fid, 2, buf, sizeof(buf), iounit), 6);
    CHECK_MEM(buf, "cdefgh", 6);
    CHECK_EQ(p9_fsync(c, fid, false), 0);
    CHECK_EQ(p9_getattr(c, fid, P9_GETATTR_BASIC, &a), 0);
    CHECK_EQ(a.mode, S_IFREG | 0640);
    CHECK_EQ(a.size, 8);
    CHECK_EQ(a.qid.path, q.path);
    CHECK_EQ(p9_clunk(c, fid), 0);
    CHECK_EQ(p9c_host_read_file(host_path(path, sizeof(path), g_dir,
                                          "new.txt"), buf, sizeof(buf)), 8);
    CHECK_MEM(buf, "abcdefgh", 8);

    /* EEXIST, and lcreate under a regular file. */
    CHECK_EQ(p9_walk(c, root, 0, NULL, &fid, NULL), 0);
    CHECK_EQ(p9_lcreate(c, fid, "new.txt", O_RDWR | O_CREAT | O_EXCL, 0640,
                        0, NULL, NULL), -EEXIST);
    CHECK_EQ(p9_clunk(c, fid), 0);
    f2 = walk1(c, root, "hello.txt", &err);
    CHECK_EQ(err, 0);
    CHECK_EQ(p9_mkdir(c, f2, "x", 0755, 0, NULL), -ENOTDIR);
    CHECK_EQ(p9_clunk(c, f2), 0);
}

static void test_names(struct p9_client *c, uint32_t root)
{
    char path[512], buf[64];
    struct p9_qid q;
    struct p9_attr a;
    uint32_t fid;
    int err;

    /* mkdir / rmdir */
    CHECK_EQ(p9_mkdir(c, root, "d1", 0750, 0, &q), 0);
    CHECK(q.type & P9_QTDIR);
    CHECK_EQ(p9_mkdir(c, root, "d1", 0750, 0, NULL), -EEXIST);
    fid = walk1(c, root, "d1", &err);
    CHECK_EQ(err, 0);
    CHECK_EQ(p9_getattr(c, fid, P9_GETATTR_BASIC, &a), 0);
    CHECK_EQ(a.mode, S_IFDIR | 0750);
    CHECK_EQ(p9_mkdir(c, fid, "inner", 0755, 0, NULL), 0);
    CHECK_EQ(p9_unlinkat(c, root, "d1", P9_AT_REMOVEDIR), -ENOTEMPTY);
    CHECK_EQ(p9_unlinkat(c, fid, "inner", P9_AT_REMOVEDIR), 0);
    CHECK_EQ(p9_clunk(c, fid), 0);
    CHECK_EQ(p9_unlinkat(c, root, "d1", P9_AT_REMOVEDIR), 0);
    walk1(c, root, "d1", &err);
    CHECK_EQ(err, -ENOENT);
    CHECK(!p9c_host_exists(host_path(path, sizeof(path), g_dir, "d1")));

    /* symlink / readlink */
    CHECK_EQ(p9_symlink(c, root, "sl", "hello.txt", 0, &q), 0);
    CHECK_EQ(p9_symlink(c, root, "sl", "other", 0, NULL), -EEXIST);
    fid = walk1(c, root, "sl", &err);
    CHECK_EQ(err, 0);
    CHECK_EQ(p9_readlink(c, fid, buf, sizeof(buf)), 9);
    CHECK_MEM(buf, "hello.txt", 9);
    CHECK_EQ(p9_readlink(c, fid, buf, 3), 3);
    CHECK_MEM(buf, "hel", 3);
    CHECK_EQ(p9_getattr(c, fid, P9_GETATTR_BASIC, &a), 0);
    CHECK(S_ISLNK(a.mode));
    CHECK_EQ(p9_clunk(c, fid), 0);
    fid = walk1(c, root, "hello.txt", &err);
    CHECK(p9_readlink(c, fid, buf, sizeof(buf)) < 0);
    CHECK_EQ(p9_clunk(c, fid), 0);

    /* rename, link, unlink */
    CHECK_EQ(p9_renameat(c, root, "new.txt", root, "renamed.txt"), 0);
    walk1(c, root, "new.txt", &err);
    CHECK_EQ(err, -ENOENT);
    CHECK(p9c_host_exists(host_path(path, sizeof(path), g_dir,
                                    "renamed.txt")));
    CHECK_EQ(p9_renameat(c, root, "nope", root, "x"), -ENOENT);
    fid = walk1(c, root, "renamed.txt", &err);
    CHECK_EQ(err, 0);
    CHECK_EQ(p9_link(c, root, fid, "hard.txt"), 0);
    CHECK_EQ(p9_link(c, root, fid, "hard.txt"), -EEXIST);
    CHECK_EQ(p9_getattr(c, fid, P9_GETATTR_BASIC, &a), 0);
    CHECK_EQ(a.nlink, 2);
    CHECK_EQ(p9_clunk(c, fid), 0);
    CHECK_EQ(p9_unlinkat(c, root, "renamed.txt", 0), 0);
    CHECK_EQ(p9_unlinkat(c, root, "renamed.txt", 0), -ENOENT);
    CHECK_EQ(p9_unlinkat(c, root, "sub", 0), -EISDIR);
    CHECK(!p9c_host_exists(path));
    fid = walk1(c, root, "hard.txt", &err);
    CHECK_EQ(p9_remove(c, fid), 0);
    CHECK(!p9c_host_exists(host_path(path, sizeof(path), g_dir,
                                     "hard.txt")));
    CHECK_EQ(p9_unlinkat(c, root, "sl", 0), 0);

    /* mknod: a fifo */
    CHECK_EQ(p9_mknod(c, root, "fifo", S_IFIFO | 0600, 0, 0, 0, NULL), 0);
    fid = walk1(c, root, "fifo", &err);
    CHECK_EQ(p9_getattr(c, fid, P9_GETATTR_BASIC, &a), 0);
    CHECK_EQ(a.mode, S_IFIFO | 0600);
    CHECK_EQ(p9_clunk(c, fid), 0);
    CHECK_EQ(p9_unlinkat(c, root, "fifo", 0), 0);
}

static void test_setattr_statfs(struct p9_client *c, uint32_t root)
{
    struct p9_iattr ia = {0};
    struct p9_statfs sf;
    struct p9_attr a;
    char buf[200];
    uint32_t fid, iounit = 0;

    for (int i = 0; i < 100; i++)
        buf[i] = (char)('a' + i % 26);
    CHECK_EQ(p9_walk(c, root, 0, NULL, &fid, NULL), 0);
    CHECK_EQ(p9_lcreate(c, fid, "attr.txt", O_RDWR | O_CREAT, 0644, 0, NULL,
                        &iounit), 0);
    CHECK_EQ(p9_write(c, fid, 0, buf, 100, iounit), 100);
    CHECK_EQ(p9_clunk(c, fid), 0);
    fid = walk1(c, root, "attr.txt", &(int){0});
    ia.valid = P9_SETATTR_SIZE;
    ia.size = 10;
    CHECK_EQ(p9_setattr(c, fid, &ia), 0);
    ia.valid = P9_SETATTR_MODE;
    ia.mode = 0600;
    CHECK_EQ(p9_setattr(c, fid, &ia), 0);
    ia.valid = P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET | P9_SETATTR_ATIME |
               P9_SETATTR_ATIME_SET;
    ia.mtime_sec = 1000000;
    ia.mtime_nsec = 5;
    ia.atime_sec = 2000000;
    CHECK_EQ(p9_setattr(c, fid, &ia), 0);
    CHECK_EQ(p9_getattr(c, fid, P9_GETATTR_ALL, &a), 0);
    CHECK_EQ(a.size, 10);
    CHECK_EQ(a.mode, S_IFREG | 0600);
    CHECK_EQ(a.mtime_sec, 1000000);
    CHECK_EQ(a.mtime_nsec, 5);
    CHECK_EQ(a.atime_sec, 2000000);
    CHECK_EQ(p9_clunk(c, fid), 0);
    CHECK_EQ(p9_unlinkat(c, root, "attr.txt", 0), 0);

    CHECK_EQ(p9_statfs(c, root, &sf), 0);
    CHECK(sf.bsize > 0);
    CHECK(sf.blocks > 0);
    CHECK_EQ(sf.namelen, 255);
    CHECK_EQ(sf.type, V9FS_MAGIC);
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_large(struct kernel *k, struct p9_client *c, uint32_t root)
{
    uint8_t *src = rt_heap_alloc(k->shared, BIG_SIZE);
    uint8_t *dst = rt_heap_alloc(k->shared, BIG_SIZE + 100);
    uint8_t *host = rt_heap_alloc(k->shared, BIG_SIZE + 100);
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    uint32_t fid, iounit = 0;
    char path[512];

    CHECK(src && dst && host);
    if (!src || !dst || !host)
        return;
    for (size_t i = 0; i < BIG_SIZE; i++)
        src[i] = (uint8_t)rnd(&seed);
    CHECK_EQ(p9_walk(c, root, 0, NULL, &fid, NULL), 0);
    CHECK_EQ(p9_lcreate(c, fid, "big.bin", O_RDWR | O_CREAT, 0644, 0, NULL,
                        &iounit), 0);
    CHECK_EQ(p9_write(c, fid, 0, src, BIG_SIZE, iounit), BIG_SIZE);
    CHECK_EQ(p9_read(c, fid, 0, dst, BIG_SIZE + 100, iounit), BIG_SIZE);
    CHECK_MEM(src, dst, BIG_SIZE);
    /* Odd offsets and a small iounit force many small messages. */
    memset(dst, 0, BIG_SIZE);
    CHECK_EQ(p9_read(c, fid, 777, dst, 300000, 1000), 300000);
    CHECK_MEM(src + 777, dst, 300000);
    CHECK_EQ(p9_write(c, fid, 12345, src, 100000, 999), 100000);
    CHECK_EQ(p9_clunk(c, fid), 0);
    memmove(src + 12345, src, 100000);
    CHECK_EQ(p9c_host_read_file(host_path(path, sizeof(path), g_dir,
                                          "big.bin"), host, BIG_SIZE + 100),
             BIG_SIZE);
    CHECK_MEM(src, host, BIG_SIZE);
    CHECK_EQ(p9_unlinkat(c, root, "big.bin", 0), 0);
    rt_heap_free(k->shared, src);
    rt_heap_free(k->shared, dst);
    rt_heap_free(k->shared, host);
}

int main(void)
{
    struct kernel k;
    struct p9_client *c = NULL;
    struct p9_qid q;
    uint32_t root = P9_NOFID, fid;
    int fd, status;

    fd = p9c_diod_begin(&k, 256UL << 20, g_dir, sizeof(g_dir), "p9c-client",
                        &status);
    if (fd < 0)
        return status;

    CHECK_EQ(p9_client_connect(&k, LBOX_CHAN_FS, 65536, &c), 0);
    if (!c)
        goto out;
    CHECK(p9_client_msize(c) >= P9_MSIZE_MIN);
    CHECK(p9_client_msize(c) <= 65536);
    CHECK_EQ(p9_attach(c, "/nonexistent-export", 0, &fid, NULL) < 0, 1);
    CHECK_EQ(p9_attach(c, g_dir, 0, &root, &q), 0);
    CHECK(q.type & P9_QTDIR);
    CHECK_EQ(p9_client_fids_in_use(c), 1);

    test_read_known(c, root);
    test_walks(c, root);
    test_readdir(c, root);
    test_create_write(c, root);
    test_names(c, root);
    test_setattr_statfs(c, root);
    test_large(&k, c, root);

    CHECK_EQ(p9_client_fids_in_use(c), 1);
    CHECK(!p9_client_is_dead(c));

    /* The server goes away: calls fail with -EIO and the client stays
     * dead. */
    p9c_host_diod_stop(fd);
    fd = -1;
    CHECK_EQ(p9_getattr(c, root, P9_GETATTR_BASIC, &(struct p9_attr){0}),
             -EIO);
    CHECK(p9_client_is_dead(c));
    CHECK_EQ(p9_clunk(c, root), -EIO);
    CHECK_EQ(p9_client_fids_in_use(c), 0);
    p9_client_free(c);
out:
    if (fd >= 0)
        p9c_host_diod_stop(fd);
    p9c_host_cleanup(g_dir);
    return check_done("p9c-client");
}
