/* SPDX-License-Identifier: MIT */
/*
 * p9fs against a real peer (kernel-side test code): diod serves a temp
 * tree, and every inode and file operation of p9fs is called directly (as
 * the VFS would) and checked against the host tree.
 */
#include "core/p9/p9_client.h"
#include "core/p9/p9fs.h"
#include "core/fs/vfs_internal.h"
#include "p9c_check.h"
#include "p9c_host.h"
#include "plat_hosted.h"

static char g_dir[256];
static const struct cred g_cred = {.fsgid = 0};

static struct inode *lookup(struct inode *dir, const char *name, int *err)
{
    struct inode *ino = NULL;

    *err = dir->ops->lookup(dir, name, &ino);
    return *err ? NULL : ino;
}

/* A file description as the VFS makes it, opened through ops->open. */
static int open_file(struct inode *ino, uint32_t flags, struct file *f)
{
    memset(f, 0, sizeof(*f));
    f->refs = 1;
    f->flags = flags;
    f->inode = ino;
    return ino->ops->open(ino, f, NULL);
}

static void close_file(struct file *f)
{
    if (f->ops && f->ops->release)
        f->ops->release(f);
}

/* getdents through iterate, at most (per_call) entries per call. */
struct lister {
    const char *const *names;
    int nnames, per_call, taken;
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
    if (l->taken == l->per_call)
        return 1;
    l->taken++;
    for (i = 0; i < l->nnames; i++)
        if (strlen(l->names[i]) == len && memcmp(l->names[i], name, len) == 0)
            break;
    if (i == l->nnames || (l->seen & (1L << i)))
        l->seen = -1;
    else if (l->seen >= 0)
        l->seen |= 1L << i;
    return 0;
}

static long list(struct inode *dir, int per_call, const char *const *names,
                 int nnames)
{
    struct lister l = {names, nnames, per_call, 0, 0};
    struct file f;
    int rounds = 0;
    long seen;

    if (open_file(dir, O_RDONLY | O_DIRECTORY, &f))
        return -2;
    do {
        l.taken = 0;
        if (f.ops->iterate(&f, fill, &l) < 0)
            l.seen = -3;
    } while (l.taken > 0 && l.seen >= 0 && ++rounds < 100);
    /* Rewind: the listing starts over. */
    seen = l.seen;
    f.pos = 0;
    l.seen = 0;
    l.taken = 0;
    l.per_call = 1;
    if (seen >= 0 && (f.ops->iterate(&f, fill, &l) < 0 || l.taken != 1 ||
                      l.seen <= 0))
        seen = -4;
    close_file(&f);
    return seen;
}

static void test_read(struct inode *root)
{
    static const char *const names[] = {".", "..", "hello.txt", "sub",
                                        "link", "deep"};
    struct vfs_stat st;
    struct inode *ino;
    struct file f;
    uint64_t pos = 0;
    char buf[64];
    int err;

    ino = lookup(root, "hello.txt", &err);
    CHECK_EQ(err, 0);
    if (!ino)
        return;
    CHECK(S_ISREG(ino->mode));
    CHECK_EQ(ino->ops->getattr(ino, &st), 0);
    CHECK_EQ(st.size, 10);
    CHECK_EQ(st.ino, ino->ino);
    CHECK_EQ(st.dev, root->sb->dev);
    CHECK_EQ(st.nlink, 1);
    CHECK_EQ(open_file(ino, O_RDONLY, &f), 0);
    CHECK_EQ(f.ops->read(&f, buf, sizeof(buf), &pos), 10);
    CHECK_EQ(pos, 10);
    CHECK_MEM(buf, "hello, 9p\n", 10);
    CHECK_EQ(f.ops->read(&f, buf, sizeof(buf), &pos), 0);
    pos = 7;
    CHECK_EQ(f.ops->read(&f, buf, 2, &pos), 2);
    CHECK_MEM(buf, "9p", 2);
    CHECK_EQ(f.ops->write(&f, "x", 1, &pos), -EBADF);
    CHECK_EQ(f.ops->iterate(&f, fill, NULL), -ENOTDIR);
    close_file(&f);
    vfs_inode_put(ino);

    ino = lookup(root, "link", &err);
    CHECK_EQ(err, 0);
    if (ino) {
        CHECK(S_ISLNK(ino->mode));
        CHECK_EQ(ino->ops->readlink(ino, buf, sizeof(buf)), 9);
        CHECK_MEM(buf, "hello.txt", 9);
        vfs_inode_put(ino);
    }
    CHECK(lookup(root, "missing", &err) == NULL);
    CHECK_EQ(err, -ENOENT);
    CHECK(lookup(root, "..", &err) == NULL);
    CHECK_EQ(err, -ENOENT);

    CHECK_EQ(list(root, 1000, names, 6), 0x3f);
    CHECK_EQ(list(root, 1, names, 6), 0x3f);
    CHECK_EQ(list(root, 4, names, 6), 0x3f);
}

static void test_write(struct inode *root)
{
    static const char *const sub_names[] = {".", "..", "inner.txt", "nd",
                                            "sl"};
    struct vfs_setattr sa = {0};
    struct vfs_statfs sf;
    struct vfs_stat st;
    struct inode *ino = NULL, *sub, *i2;
    char path[512], buf[64];
    struct file f;
    uint64_t pos = 0;
    int err;

    CHECK_EQ(root->ops->create(root, "pf.txt", S_IFREG | 0640, &g_cred,
                               &ino), 0);
    if (!ino)
        return;
    CHECK_EQ(ino->mode, S_IFREG | 0640);
    CHECK_EQ(root->ops->create(root, "pf.txt", S_IFREG | 0640, &g_cred, &i2),
             -EEXIST);
    CHECK_EQ(open_file(ino, O_RDWR, &f), 0);
    CHECK_EQ(f.ops->write(&f, "some data", 9, &pos), 9);
    CHECK_EQ(pos, 9);
    pos = 5;
    CHECK_EQ(f.ops->read(&f, buf, sizeof(buf), &pos), 4);
    CHECK_MEM(buf, "data", 4);
    CHECK_EQ(f.ops->fsync(&f), 0);
    close_file(&f);
    CHECK_EQ(p9c_host_read_file(host_path(path, sizeof(path), g_dir,
                                          "pf.txt"), buf, sizeof(buf)), 9);
    CHECK_MEM(buf, "some data", 9);

    /* O_TRUNC open, then setattr size and mode, times. */
    CHECK_EQ(open_file(ino, O_WRONLY | O_TRUNC, &f), 0);
    close_file(&f);
    CHECK_EQ(ino->ops->getattr(ino, &st), 0);
    CHECK_EQ(st.size, 0);
    sa.valid = VFS_ATTR_SIZE | VFS_ATTR_MODE | VFS_ATTR_MTIME;
    sa.size = 12345;
    sa.mode = 0604;
    sa.mtime.sec = 1234567;
    sa.mtime.nsec = 89;
    CHECK_EQ(ino->ops->setattr(ino, &sa), 0);
    CHECK_EQ(ino->ops->getattr(ino, &st), 0);
    CHECK_EQ(st.size, 12345);
    CHECK_EQ(st.mode, S_IFREG | 0604);
    CHECK_EQ(ino->mode, S_IFREG | 0604);
    CHECK_EQ(st.mtime.sec, 1234567);
    CHECK_EQ(st.mtime.nsec, 89);
    sa.size = -1;
    sa.valid = VFS_ATTR_SIZE;
    CHECK_EQ(ino->ops->setattr(ino, &sa), -EINVAL);

    /* link, rename, unlink */
    CHECK_EQ(root->ops->link(root, "pf2.txt", ino), 0);
    CHECK_EQ(ino->ops->getattr(ino, &st), 0);
    CHECK_EQ(st.nlink, 2);
    CHECK_EQ(root->ops->rename(root, "pf2.txt", root, "pf3.txt", 0), 0);
    CHECK(p9c_host_exists(host_path(path, sizeof(path), g_dir, "pf3.txt")));
    CHECK_EQ(root->ops->rename(root, "pf3.txt", root, "pf4.txt",
                               VFS_RENAME_NOREPLACE), -EINVAL);
    CHECK_EQ(root->ops->unlink(root, "pf3.txt"), 0);
    CHECK_EQ(root->ops->unlink(root, "pf3.txt"), -ENOENT);
    CHECK_EQ(root->ops->unlink(root, "pf.txt"), 0);
    CHECK(!p9c_host_exists(host_path(path, sizeof(path), g_dir, "pf.txt")));
    vfs_inode_put(ino);

    /* mkdir, symlink, rmdir, in a subdirectory */
    sub = lookup(root, "sub", &err);
    CHECK_EQ(err, 0);
    if (!sub)
        return;
    CHECK_EQ(sub->ops->mkdir(sub, "nd", S_IFDIR | 0700, &g_cred), 0);
    CHECK_EQ(sub->ops->mkdir(sub, "nd", S_IFDIR | 0700, &g_cred), -EEXIST);
    CHECK_EQ(sub->ops->symlink(sub, "sl", "../hello.txt", &g_cred), 0);
    CHECK_EQ(list(sub, 2, sub_names, 5), 0x1f);
    ino = lookup(sub, "nd", &err);
    CHECK_EQ(err, 0);
    if (ino) {
        CHECK_EQ(ino->mode, S_IFDIR | 0700);
        CHECK_EQ(open_file(ino, O_RDONLY, &f), 0);
        pos = 0;
        CHECK_EQ(f.ops->read(&f, buf, 1, &pos), -EISDIR);
        close_file(&f);
        vfs_inode_put(ino);
    }
    ino = lookup(sub, "sl", &err);
    if (ino) {
        CHECK_EQ(ino->ops->readlink(ino, buf, sizeof(buf)), 12);
        CHECK_MEM(buf, "../hello.txt", 12);
        CHECK_EQ(open_file(ino, O_RDONLY, &f), -ELOOP);
        vfs_inode_put(ino);
    }
    CHECK_EQ(sub->ops->rmdir(sub, "inner.txt"), -ENOTDIR);
    CHECK_EQ(sub->ops->unlink(sub, "nd"), -EISDIR);
    CHECK_EQ(sub->ops->rmdir(sub, "nd"), 0);
    CHECK_EQ(sub->ops->unlink(sub, "sl"), 0);
    CHECK_EQ(root->ops->rename(sub, "inner.txt", root, "moved.txt", 0), 0);
    CHECK_EQ(root->ops->rename(root, "moved.txt", sub, "inner.txt", 0), 0);
    vfs_inode_put(sub);

    CHECK_EQ(root->ops->statfs(root, &sf), 0);
    CHECK_EQ(sf.type, V9FS_MAGIC);
    CHECK(sf.bsize > 0);
    CHECK_EQ(sf.namelen, 255);
    CHECK_EQ(sf.flags, 0);
}

static void test_read_only(struct inode *ro)
{
    struct vfs_setattr sa = {.valid = VFS_ATTR_MODE, .mode = 0777};
    struct vfs_statfs sf;
    struct inode *ino, *out = NULL;
    struct file f;
    uint64_t pos = 0;
    char buf[16];
    int err;

    CHECK(ro->sb->read_only);
    CHECK_EQ(ro->ops->create(ro, "no.txt", S_IFREG | 0644, &g_cred, &out),
             -EROFS);
    CHECK_EQ(ro->ops->mkdir(ro, "no", S_IFDIR | 0755, &g_cred), -EROFS);
    CHECK_EQ(ro->ops->symlink(ro, "no", "x", &g_cred), -EROFS);
    CHECK_EQ(ro->ops->unlink(ro, "hello.txt"), -EROFS);
    CHECK_EQ(ro->ops->rmdir(ro, "sub"), -EROFS);
    CHECK_EQ(ro->ops->rename(ro, "hello.txt", ro, "x", 0), -EROFS);
    CHECK_EQ(ro->ops->setattr(ro, &sa), -EROFS);
    ino = lookup(ro, "hello.txt", &err);
    CHECK_EQ(err, 0);
    if (ino) {
        CHECK_EQ(ro->ops->link(ro, "x", ino), -EROFS);
        CHECK_EQ(open_file(ino, O_WRONLY, &f), -EROFS);
        CHECK_EQ(open_file(ino, O_RDONLY | O_TRUNC, &f), -EROFS);
        CHECK_EQ(open_file(ino, O_RDONLY, &f), 0);
        CHECK_EQ(f.ops->read(&f, buf, sizeof(buf), &pos), 10);
        f.flags = O_RDWR; /* even if the VFS got it wrong */
        CHECK_EQ(f.ops->write(&f, "x", 1, &pos), -EROFS);
        close_file(&f);
        vfs_inode_put(ino);
    }
    CHECK_EQ(ro->ops->statfs(ro, &sf), 0);
    CHECK_EQ(sf.flags, ST_RDONLY);
}

int main(void)
{
    struct kernel k;
    struct p9_client *c = NULL;
    struct inode *root = NULL, *ro = NULL;
    int fd, status;

    fd = p9c_diod_begin(&k, 64UL << 20, g_dir, sizeof(g_dir), "p9c-p9fs",
                        &status);
    if (fd < 0)
        return status;
    CHECK_EQ(p9_client_connect(&k, LBOX_CHAN_FS, 32768, &c), 0);
    if (!c)
        goto out;
    CHECK_EQ(p9fs_mount(&k, c, "/nonexistent", "x", false, 0, &root) < 0, 1);
    CHECK_EQ(p9fs_mount(&k, c, g_dir, "hostsrc", false, 0, &root), 0);
    CHECK_EQ(p9fs_mount(&k, c, g_dir, "hostsrc-ro", true, 0, &ro), 0);
    if (!root || !ro)
        goto out;
    CHECK(S_ISDIR(root->mode));
    CHECK_EQ(root->sb->magic, V9FS_MAGIC);
    CHECK(strcmp(root->sb->name, "9p") == 0);
    CHECK(strcmp(root->sb->source, "hostsrc") == 0);
    CHECK(root->sb->dev != ro->sb->dev);
    CHECK_EQ(p9_client_fids_in_use(c), 2);

    test_read(root);
    test_write(root);
    test_read_only(ro);

    /* Every inode and open file gave its fid back. */
    CHECK_EQ(p9_client_fids_in_use(c), 2);
    vfs_inode_put(root);
    vfs_inode_put(ro);
    CHECK_EQ(p9_client_fids_in_use(c), 0);
    CHECK(!p9_client_is_dead(c));
    p9_client_free(c);
out:
    p9c_host_diod_stop(fd);
    p9c_host_cleanup(g_dir);
    return check_done("p9c-p9fs");
}
