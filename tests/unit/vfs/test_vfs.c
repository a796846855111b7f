/* SPDX-License-Identifier: MIT */
/*
 * VFS + tmpfs unit test (kernel-side test code): file I/O, directories,
 * rename, links, symlinks, "..", read-only mounts, permissions and
 * getdents, run against the hosted platform.
 */
#include "vfs_harness.h"

static int stat_of(const char *path, struct vfs_stat *st)
{
    return vfs_stat(&g_t, NULL, path, 0, st);
}

static int lstat_of(const char *path, struct vfs_stat *st)
{
    return vfs_stat(&g_t, NULL, path, AT_SYMLINK_NOFOLLOW, st);
}

static int create(const char *path, uint32_t mode)
{
    struct file *f;
    int err = vfs_open(&g_t, NULL, path, O_CREAT | O_WRONLY, mode, &f);
    if (err == 0)
        vfs_file_put(f);
    return err;
}

static void test_file_io(void)
{
    struct file *f;
    struct vfs_stat st;
    char buf[64];

    f = xopen("/a", O_CREAT | O_RDWR | O_EXCL, 0666);
    if (!f)
        return;
    CHECK_EQ(vfs_write(&g_t, f, "hello world", 11), 11);
    CHECK_EQ(vfs_lseek(&g_t, f, 0, SEEK_CUR), 11);
    CHECK_EQ(vfs_lseek(&g_t, f, 6, SEEK_SET), 6);
    CHECK_EQ(vfs_read(&g_t, f, buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "world", 5) == 0);
    CHECK_EQ(vfs_read(&g_t, f, buf, sizeof(buf)), 0);
    CHECK_EQ(vfs_pwrite(&g_t, f, "W", 1, 6), 1);
    CHECK_EQ(vfs_pread(&g_t, f, buf, 5, 6), 5);
    CHECK(memcmp(buf, "World", 5) == 0);
    CHECK_EQ(vfs_lseek(&g_t, f, 0, SEEK_CUR), 11);
    CHECK_EQ(vfs_lseek(&g_t, f, -1, SEEK_SET), -EINVAL);
    CHECK_EQ(vfs_lseek(&g_t, f, -2, SEEK_END), 9);
    CHECK_EQ(vfs_fstat(&g_t, f, &st), 0);
    CHECK_EQ(st.mode, S_IFREG | 0644); /* umask 022 */
    CHECK_EQ(st.size, 11);
    CHECK_EQ(st.nlink, 1);

    /* Sparse: a write far away leaves a hole of zeros. */
    CHECK_EQ(vfs_pwrite(&g_t, f, "end", 3, 1 << 20), 3);
    CHECK_EQ(vfs_fstat(&g_t, f, &st), 0);
    CHECK_EQ(st.size, (1 << 20) + 3);
    CHECK(st.blocks <= 16);
    memset(buf, 'x', sizeof(buf));
    CHECK_EQ(vfs_pread(&g_t, f, buf, 8, 5000), 8);
    CHECK(memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0);

    /* ftruncate shrinks and zero-extends. */
    struct vfs_setattr sa = {.valid = VFS_ATTR_SIZE, .size = 3};
    CHECK_EQ(vfs_fsetattr(&g_t, f, &sa), 0);
    sa.size = 10;
    CHECK_EQ(vfs_fsetattr(&g_t, f, &sa), 0);
    CHECK_EQ(vfs_pread(&g_t, f, buf, sizeof(buf), 0), 10);
    CHECK(memcmp(buf, "hel\0\0\0\0\0\0\0", 10) == 0);
    sa.size = -1;
    CHECK_EQ(vfs_fsetattr(&g_t, f, &sa), -EINVAL);
    vfs_file_put(f);

    CHECK_EQ(create("/a", 0644), 0);
    CHECK_EQ(vfs_open(&g_t, NULL, "/a", O_CREAT | O_EXCL | O_RDWR, 0644, &f),
             -EEXIST);
    /* O_APPEND writes at the end whatever the position. */
    f = xopen("/a", O_WRONLY | O_APPEND, 0);
    if (f) {
        CHECK_EQ(vfs_write(&g_t, f, "++", 2), 2);
        CHECK_EQ(vfs_read(&g_t, f, buf, 1), -EBADF);
        vfs_file_put(f);
    }
    CHECK_EQ(stat_of("/a", &st), 0);
    CHECK_EQ(st.size, 12);
    /* O_TRUNC empties it. */
    f = xopen("/a", O_RDWR | O_TRUNC, 0);
    if (f) {
        CHECK_EQ(vfs_fstat(&g_t, f, &st), 0);
        CHECK_EQ(st.size, 0);
        vfs_file_put(f);
    }
    /* ftruncate needs a writable file. */
    f = xopen("/a", O_RDONLY, 0);
    if (f) {
        sa.size = 0;
        CHECK_EQ(vfs_fsetattr(&g_t, f, &sa), -EINVAL);
        CHECK_EQ(vfs_write(&g_t, f, "x", 1), -EBADF);
        vfs_file_put(f);
    }
    /* O_PATH files do no I/O. */
    f = xopen("/a", O_PATH, 0);
    if (f) {
        CHECK_EQ(vfs_read(&g_t, f, buf, 1), -EBADF);
        CHECK_EQ(vfs_fstat(&g_t, f, &st), 0);
        vfs_file_put(f);
    }
    CHECK_EQ(vfs_open(&g_t, NULL, "/a", O_RDWR | O_TMPFILE, 0600, &f),
             -EOPNOTSUPP);
    CHECK_EQ(vfs_open(&g_t, NULL, "/nonexistent", O_RDONLY, 0, &f), -ENOENT);
    CHECK_EQ(vfs_open(&g_t, NULL, "/a/x", O_RDONLY, 0, &f), -ENOTDIR);
    CHECK_EQ(vfs_open(&g_t, NULL, "/a", O_RDONLY | O_DIRECTORY, 0, &f),
             -ENOTDIR);
    /* A big write spanning blocks reads back. */
    f = xopen("/big", O_CREAT | O_RDWR, 0600);
    if (f) {
        static char big[20000], back[20000];
        for (size_t i = 0; i < sizeof(big); i++)
            big[i] = (char)(i * 7);
        CHECK_EQ(vfs_pwrite(&g_t, f, big, sizeof(big), 100), sizeof(big));
        CHECK_EQ(vfs_pread(&g_t, f, back, sizeof(back), 100), sizeof(back));
        CHECK(memcmp(big, back, sizeof(big)) == 0);
        vfs_file_put(f);
    }
}

static void test_dirs(void)
{
    struct file *f;
    struct vfs_stat st;
    char buf[8];

    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/d", 0777), 0);
    CHECK_EQ(stat_of("/d", &st), 0);
    CHECK_EQ(st.mode, S_IFDIR | 0755);
    CHECK_EQ(st.nlink, 2);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/d", 0777), -EEXIST);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/d/sub/", 0777), 0);
    CHECK_EQ(stat_of("/d", &st), 0);
    CHECK_EQ(st.nlink, 3);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/missing/x", 0777), -ENOENT);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/a/x", 0777), -ENOTDIR);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/", 0777), -EEXIST);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/d", AT_REMOVEDIR), -ENOTEMPTY);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/d", 0), -EISDIR);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/a", AT_REMOVEDIR), -ENOTDIR);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/a/", 0), -ENOTDIR);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/d/sub/.", AT_REMOVEDIR), -EINVAL);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/d/sub/", AT_REMOVEDIR), 0);
    CHECK_EQ(stat_of("/d", &st), 0);
    CHECK_EQ(st.nlink, 2);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/dev", AT_REMOVEDIR), -EBUSY);
    CHECK_EQ(vfs_open(&g_t, NULL, "/d", O_WRONLY, 0, &f), -EISDIR);
    CHECK_EQ(vfs_open(&g_t, NULL, "/d", O_CREAT | O_RDONLY, 0, &f), -EISDIR);
    CHECK_EQ(vfs_open(&g_t, NULL, "/newfile/", O_CREAT | O_RDWR, 0, &f),
             -EISDIR);
    f = xopen("/d", O_RDONLY | O_DIRECTORY, 0);
    if (f) {
        CHECK_EQ(vfs_read(&g_t, f, buf, 1), -EISDIR);
        vfs_file_put(f);
    }
    f = xopen("/a", O_RDONLY, 0);
    if (f) {
        CHECK_EQ(vfs_iterate(&g_t, f, NULL, NULL), -ENOTDIR);
        vfs_file_put(f);
    }
    CHECK_EQ(vfs_mknod(&g_t, NULL, "/d/node", S_IFREG | 0600, 0), 0);
    CHECK_EQ(stat_of("/d/node", &st), 0);
    CHECK_EQ(st.mode, S_IFREG | 0600);
    CHECK_EQ(vfs_mknod(&g_t, NULL, "/d/fifo", S_IFIFO | 0600, 0), -EOPNOTSUPP);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/d/node", 0), 0);
}

static void test_rename(void)
{
    struct vfs_stat st, st2;

    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/r", 0755), 0);
    CHECK_EQ(create("/r/f1", 0644), 0);
    CHECK_EQ(create("/r/f2", 0644), 0);
    CHECK_EQ(stat_of("/r/f1", &st), 0);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/f1", NULL, "/r/f2", 0), 0);
    CHECK_EQ(stat_of("/r/f2", &st2), 0);
    CHECK_EQ(st.ino, st2.ino);
    CHECK_EQ(stat_of("/r/f1", &st), -ENOENT);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/r/d1", 0755), 0);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/r/d2", 0755), 0);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/f2", NULL, "/r/d1", 0), -EISDIR);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/d1", NULL, "/r/f2", 0), -ENOTDIR);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/f2", NULL, "/r/f3/", 0), -ENOTDIR);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/d1", NULL, "/r/d1/in", 0), -EINVAL);
    CHECK_EQ(create("/r/d2/x", 0644), 0);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/d1", NULL, "/r/d2", 0), -ENOTEMPTY);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/d2", NULL, "/r/d1", 0), 0);
    CHECK_EQ(stat_of("/r/d1/x", &st), 0);
    CHECK_EQ(stat_of("/r", &st), 0);
    CHECK_EQ(st.nlink, 3);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/r/d3", 0755), 0);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/d1", NULL, "/r/d3/moved", 0), 0);
    CHECK_EQ(stat_of("/r/d3", &st), 0);
    CHECK_EQ(st.nlink, 3);
    CHECK_EQ(stat_of("/r", &st), 0);
    CHECK_EQ(st.nlink, 3);
    CHECK_EQ(create("/r/g", 0644), 0);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/g", NULL, "/r/f2",
                        VFS_RENAME_NOREPLACE), -EEXIST);
    /* Exchange a file and a directory. */
    CHECK_EQ(stat_of("/r/g", &st), 0);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/g", NULL, "/r/d3",
                        VFS_RENAME_EXCHANGE), 0);
    CHECK_EQ(stat_of("/r/d3", &st2), 0);
    CHECK_EQ(st.ino, st2.ino);
    CHECK(S_ISREG(st2.mode));
    CHECK_EQ(stat_of("/r/g/moved/x", &st), 0);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/g", NULL, "/r/none",
                        VFS_RENAME_EXCHANGE), -ENOENT);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/.", NULL, "/r/z", 0), -EBUSY);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/f2", NULL, "/ro/f2", 0), -EXDEV);
    /* Two links to one file: rename is a no-op. */
    CHECK_EQ(vfs_link(&g_t, NULL, "/r/f2", NULL, "/r/f2link", 0), 0);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/r/f2", NULL, "/r/f2link", 0), 0);
    CHECK_EQ(stat_of("/r/f2", &st), 0);
    CHECK_EQ(st.nlink, 2);
}

static void test_links(void)
{
    struct vfs_stat st;
    struct file *f;
    char buf[16];

    f = xopen("/l1", O_CREAT | O_RDWR, 0644);
    if (!f)
        return;
    CHECK_EQ(vfs_write(&g_t, f, "keep", 4), 4);
    CHECK_EQ(vfs_link(&g_t, NULL, "/l1", NULL, "/l2", 0), 0);
    CHECK_EQ(stat_of("/l2", &st), 0);
    CHECK_EQ(st.nlink, 2);
    CHECK_EQ(vfs_link(&g_t, NULL, "/l1", NULL, "/l2", 0), -EEXIST);
    CHECK_EQ(vfs_link(&g_t, NULL, "/d", NULL, "/dlink", 0), -EPERM);
    CHECK_EQ(vfs_link(&g_t, NULL, "/l1", NULL, "/ro/l", 0), -EROFS);
    CHECK_EQ(vfs_link(&g_t, NULL, "/ro/file", NULL, "/rol", 0), -EXDEV);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/l1", 0), 0);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/l2", 0), 0);
    /* Open but unlinked: still readable. */
    CHECK_EQ(vfs_fstat(&g_t, f, &st), 0);
    CHECK_EQ(st.nlink, 0);
    CHECK_EQ(vfs_pread(&g_t, f, buf, sizeof(buf), 0), 4);
    CHECK(memcmp(buf, "keep", 4) == 0);
    vfs_file_put(f);
}

static void test_symlinks(void)
{
    struct vfs_stat st, st2;
    struct file *f;
    char buf[64];

    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/s", 0755), 0);
    CHECK_EQ(create("/s/target", 0644), 0);
    CHECK_EQ(vfs_symlink(&g_t, "target", NULL, "/s/rel"), 0);
    CHECK_EQ(vfs_symlink(&g_t, "/s", NULL, "/s/abs"), 0);
    CHECK_EQ(vfs_symlink(&g_t, "loop2", NULL, "/s/loop1"), 0);
    CHECK_EQ(vfs_symlink(&g_t, "loop1", NULL, "/s/loop2"), 0);
    CHECK_EQ(vfs_symlink(&g_t, "nothing", NULL, "/s/dangling"), 0);
    CHECK_EQ(vfs_symlink(&g_t, "", NULL, "/s/empty"), -ENOENT);
    CHECK_EQ(vfs_symlink(&g_t, "x", NULL, "/s/rel"), -EEXIST);
    CHECK_EQ(stat_of("/s/rel", &st), 0);
    CHECK_EQ(stat_of("/s/target", &st2), 0);
    CHECK_EQ(st.ino, st2.ino);
    CHECK_EQ(lstat_of("/s/rel", &st), 0);
    CHECK(S_ISLNK(st.mode));
    CHECK_EQ(st.size, 6);
    CHECK_EQ(stat_of("/s/abs/abs/abs/rel", &st), 0);
    CHECK_EQ(st.ino, st2.ino);
    CHECK_EQ(stat_of("/s/loop1", &st), -ELOOP);
    CHECK_EQ(lstat_of("/s/loop1", &st), 0);
    CHECK_EQ(stat_of("/s/dangling", &st), -ENOENT);
    CHECK_EQ(vfs_readlink(&g_t, NULL, "/s/rel", buf, sizeof(buf)), 6);
    CHECK(memcmp(buf, "target", 6) == 0);
    CHECK_EQ(vfs_readlink(&g_t, NULL, "/s/target", buf, sizeof(buf)), -EINVAL);
    /* Trailing slash: a symlink to a directory is followed. */
    CHECK_EQ(lstat_of("/s/abs/", &st), 0);
    CHECK(S_ISDIR(st.mode));
    CHECK_EQ(stat_of("/s/rel/", &st), -ENOTDIR);
    CHECK_EQ(vfs_open(&g_t, NULL, "/s/rel", O_RDONLY | O_NOFOLLOW, 0, &f),
             -ELOOP);
    f = xopen("/s/rel", O_PATH | O_NOFOLLOW, 0);
    if (f) {
        CHECK(S_ISLNK(f->inode->mode));
        vfs_file_put(f);
    }
    /* O_CREAT through a dangling link creates its target; O_EXCL refuses. */
    CHECK_EQ(vfs_open(&g_t, NULL, "/s/dangling", O_CREAT | O_EXCL | O_RDWR,
                      0644, &f), -EEXIST);
    f = xopen("/s/dangling", O_CREAT | O_RDWR, 0644);
    if (f) {
        CHECK_STR(fpath(f), "/s/nothing");
        vfs_file_put(f);
    }
    CHECK_EQ(stat_of("/s/nothing", &st), 0);
    /* Long chains are cut at 40 links. */
    char name[16], target[16];
    for (int i = 0; i < 41; i++) {
        rt_snprintf(name, sizeof(name), "/s/c%d", i);
        rt_snprintf(target, sizeof(target), "c%d", i + 1);
        CHECK_EQ(vfs_symlink(&g_t, i == 40 ? "target" : target, NULL, name), 0);
    }
    CHECK_EQ(stat_of("/s/c1", &st), 0);
    CHECK_EQ(stat_of("/s/c0", &st), -ELOOP);
    /* Canonical paths of what was opened through links. */
    f = xopen("/s/abs/abs/./rel", O_RDONLY, 0);
    if (f) {
        CHECK_STR(fpath(f), "/s/target");
        vfs_file_put(f);
    }
}

static void test_dotdot(void)
{
    struct vfs_stat st, root;
    struct vfs_loc loc;
    struct file *f;

    CHECK_EQ(stat_of("/", &root), 0);
    CHECK_EQ(stat_of("/..", &st), 0);
    CHECK_EQ(st.ino, root.ino);
    CHECK_EQ(st.dev, root.dev);
    CHECK_EQ(stat_of("/../../dev/..", &st), 0);
    CHECK_EQ(st.ino, root.ino);
    CHECK_EQ(st.dev, root.dev);
    CHECK_EQ(stat_of("/dev/../proc/../ro/..", &st), 0);
    CHECK_EQ(st.dev, root.dev);
    /* ".." after a symlink is lexical on the resolved path. */
    CHECK_EQ(vfs_symlink(&g_t, "/ro/dir", NULL, "/todir"), 0);
    f = xopen("/todir/../file", O_RDONLY, 0);
    if (f) {
        CHECK_STR(fpath(f), "/ro/file");
        vfs_file_put(f);
    }
    /* Relative walks from a place, crossing out of a mount. */
    CHECK_EQ(vfs_resolve_dir(&g_t, NULL, "/ro/dir", &loc), 0);
    CHECK_STR(lpath(&loc), "/ro/dir");
    CHECK_EQ(vfs_stat(&g_t, &loc, "../../s/target", 0, &st), 0);
    CHECK_EQ(vfs_stat(&g_t, &loc, "", 0, &st), -ENOENT);
    CHECK_EQ(vfs_stat(&g_t, &loc, "", AT_EMPTY_PATH, &st), 0);
    CHECK(S_ISDIR(st.mode));
    f = xopen("/ro/dir", O_RDONLY, 0);
    if (f) {
        struct vfs_loc l2;
        CHECK_EQ(vfs_file_loc(&g_t, f, &l2), 0);
        CHECK_STR(lpath(&l2), "/ro/dir");
        vfs_loc_put(&l2);
        vfs_file_put(f);
    }
    vfs_loc_put(&loc);
    CHECK_EQ(vfs_resolve_dir(&g_t, NULL, "/a", &loc), -ENOTDIR);
    char longp[5000];
    memset(longp, 'a', sizeof(longp));
    longp[0] = '/';
    longp[sizeof(longp) - 1] = '\0';
    CHECK_EQ(stat_of(longp, &st), -ENAMETOOLONG);
    longp[300] = '\0';
    CHECK_EQ(stat_of(longp, &st), -ENAMETOOLONG);
}

static void test_readonly(void)
{
    struct file *f;
    struct vfs_statfs sfs;
    struct vfs_setattr sa = {.valid = VFS_ATTR_MODE, .mode = 0600};
    char buf[16];

    CHECK_EQ(read_all("/ro/file", buf, sizeof(buf)), 7);
    CHECK_EQ(vfs_open(&g_t, NULL, "/ro/file", O_WRONLY, 0, &f), -EROFS);
    CHECK_EQ(vfs_open(&g_t, NULL, "/ro/file", O_RDONLY | O_TRUNC, 0, &f),
             -EROFS);
    CHECK_EQ(vfs_open(&g_t, NULL, "/ro/new", O_CREAT | O_WRONLY, 0644, &f),
             -EROFS);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/ro/nd", 0755), -EROFS);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/ro/dir", 0755), -EEXIST);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/ro/file", 0), -EROFS);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/ro/dir", AT_REMOVEDIR), -EROFS);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/ro/file", NULL, "/ro/f2", 0), -EROFS);
    CHECK_EQ(vfs_symlink(&g_t, "x", NULL, "/ro/sl"), -EROFS);
    CHECK_EQ(vfs_setattr(&g_t, NULL, "/ro/file", 0, &sa), -EROFS);
    CHECK_EQ(vfs_access(&g_t, NULL, "/ro/file", W_OK, 0), -EROFS);
    CHECK_EQ(vfs_access(&g_t, NULL, "/ro/file", R_OK, 0), 0);
    CHECK_EQ(vfs_statfs(&g_t, NULL, "/ro", &sfs), 0);
    CHECK_EQ(sfs.type, TMPFS_MAGIC);
    CHECK(sfs.flags & ST_RDONLY);
    CHECK_EQ(vfs_statfs(&g_t, NULL, "/", &sfs), 0);
    CHECK(!(sfs.flags & ST_RDONLY));
    CHECK(sfs.bfree <= sfs.blocks);
    /* Devices on a read-write devfs stay writable. */
    f = xopen("/dev/null", O_WRONLY, 0);
    if (f)
        vfs_file_put(f);
}

static void test_permissions(void)
{
    struct file *f;
    struct vfs_setattr sa = {0};

    CHECK_EQ(create("/secret", 0600), 0);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/priv", 0700), 0);
    CHECK_EQ(create("/priv/in", 0644), 0);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/tmp", 0777), 0);
    sa.valid = VFS_ATTR_MODE;
    sa.mode = 01777;
    CHECK_EQ(vfs_setattr(&g_t, NULL, "/tmp", 0, &sa), 0);
    CHECK_EQ(create("/pub", 0644), 0);

    set_cred(1000, 1000);
    CHECK_EQ(vfs_open(&g_t, NULL, "/secret", O_RDONLY, 0, &f), -EACCES);
    CHECK_EQ(vfs_open(&g_t, NULL, "/priv/in", O_RDONLY, 0, &f), -EACCES);
    CHECK_EQ(vfs_open(&g_t, NULL, "/pub", O_WRONLY, 0, &f), -EACCES);
    f = xopen("/pub", O_RDONLY, 0);
    if (f)
        vfs_file_put(f);
    CHECK_EQ(vfs_access(&g_t, NULL, "/pub", R_OK, 0), 0);
    CHECK_EQ(vfs_access(&g_t, NULL, "/pub", W_OK, 0), -EACCES);
    CHECK_EQ(vfs_access(&g_t, NULL, "/pub", 8, 0), -EINVAL);
    CHECK_EQ(create("/nope", 0644), -EACCES);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/pub", 0), -EACCES);
    sa.mode = 0666;
    CHECK_EQ(vfs_setattr(&g_t, NULL, "/pub", 0, &sa), -EPERM);
    sa.valid = VFS_ATTR_UID;
    sa.uid = 1000;
    CHECK_EQ(vfs_setattr(&g_t, NULL, "/pub", 0, &sa), -EPERM);
    /* Sticky /tmp: only the owner removes. */
    CHECK_EQ(create("/tmp/mine", 0644), 0);
    struct vfs_stat st;
    CHECK_EQ(stat_of("/tmp/mine", &st), 0);
    CHECK_EQ(st.uid, 1000);
    CHECK_EQ(st.gid, 1000);
    set_cred(1001, 1001);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/tmp/mine", 0), -EPERM);
    CHECK_EQ(vfs_rename(&g_t, NULL, "/tmp/mine", NULL, "/tmp/theirs", 0),
             -EPERM);
    /* access(2) uses the real uid: a set-uid root program still fails. */
    g_p.cred.euid = g_p.cred.fsuid = 0;
    CHECK_EQ(vfs_access(&g_t, NULL, "/secret", R_OK, 0), -EACCES);
    CHECK_EQ(vfs_access(&g_t, NULL, "/secret", R_OK, AT_EACCESS), 0);
    set_cred(1000, 1000);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/tmp/mine", 0), 0);
    set_cred(0, 0);
    /* Root reads anything and executes only what someone may. */
    CHECK_EQ(vfs_access(&g_t, NULL, "/secret", R_OK | W_OK, 0), 0);
    CHECK_EQ(vfs_access(&g_t, NULL, "/secret", X_OK, 0), -EACCES);
    CHECK_EQ(vfs_access(&g_t, NULL, "/priv", X_OK, 0), 0);
}

/* --- getdents --------------------------------------------------------- */

struct dents {
    char names[64][32];
    int count;
    int limit;  /* stop after this many per call */
    int taken;
};

static int collect(void *ctx, const char *name, size_t len, uint64_t ino,
                   uint64_t next, unsigned type)
{
    struct dents *d = ctx;

    (void)ino;
    (void)next;
    (void)type;
    if (d->taken == d->limit || d->count == 64)
        return 1;
    memcpy(d->names[d->count], name, MIN(len, 31u));
    d->names[d->count][MIN(len, 31u)] = '\0';
    d->count++;
    d->taken++;
    return 0;
}

static int seen(struct dents *d, const char *name)
{
    int n = 0;
    for (int i = 0; i < d->count; i++)
        n += strcmp(d->names[i], name) == 0;
    return n;
}

static void test_getdents(void)
{
    struct dents d = {.limit = 3};
    struct file *f;
    char name[32];

    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/g", 0755), 0);
    for (int i = 0; i < 10; i++) {
        rt_snprintf(name, sizeof(name), "/g/e%d", i);
        CHECK_EQ(create(name, 0644), 0);
    }
    f = xopen("/g", O_RDONLY | O_DIRECTORY, 0);
    if (!f)
        return;
    d.taken = 0;
    CHECK_EQ(vfs_iterate(&g_t, f, collect, &d), 0);
    CHECK_EQ(d.count, 3); /* ".", "..", "e0" */
    /* Remove one already seen and some not yet seen, add one. */
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/g/e0", 0), 0);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/g/e1", 0), 0);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/g/e5", 0), 0);
    CHECK_EQ(create("/g/late", 0644), 0);
    uint64_t before = f->pos;
    for (int guard = 0; guard < 20; guard++) {
        int c = d.count;
        d.taken = 0;
        CHECK_EQ(vfs_iterate(&g_t, f, collect, &d), 0);
        if (d.count == c)
            break;
    }
    CHECK_EQ(seen(&d, "."), 1);
    CHECK_EQ(seen(&d, ".."), 1);
    CHECK_EQ(seen(&d, "e0"), 1);
    CHECK_EQ(seen(&d, "e1"), 0);
    CHECK_EQ(seen(&d, "e5"), 0);
    CHECK_EQ(seen(&d, "e9"), 1);
    CHECK_EQ(seen(&d, "late"), 1);
    CHECK_EQ(d.count, 2 + 1 + 8);
    /* Seek back to a remembered position and to the start. */
    CHECK_EQ(vfs_lseek(&g_t, f, (int64_t)before, SEEK_SET), (long)before);
    struct dents d2 = {.limit = 64};
    CHECK_EQ(vfs_iterate(&g_t, f, collect, &d2), 0);
    CHECK_EQ(d2.count, 8);
    CHECK_EQ(vfs_lseek(&g_t, f, 0, SEEK_SET), 0);
    struct dents d3 = {.limit = 64};
    CHECK_EQ(vfs_iterate(&g_t, f, collect, &d3), 0);
    CHECK_EQ(d3.count, 2 + 8);
    CHECK_EQ(vfs_lseek(&g_t, f, 0, SEEK_END), -EINVAL);
    vfs_file_put(f);
}

static void test_times(void)
{
    struct vfs_stat a, b;
    struct file *f;

    CHECK_EQ(create("/t", 0644), 0);
    CHECK_EQ(stat_of("/t", &a), 0);
    lbox_plat_sleep(LBOX_CLOCK_MONOTONIC, 2000000);
    f = xopen("/t", O_WRONLY, 0);
    if (f) {
        CHECK_EQ(vfs_write(&g_t, f, "x", 1), 1);
        vfs_file_put(f);
    }
    CHECK_EQ(stat_of("/t", &b), 0);
    CHECK(b.mtime.sec > a.mtime.sec ||
          (b.mtime.sec == a.mtime.sec && b.mtime.nsec > a.mtime.nsec));
    CHECK(b.ctime.sec == b.mtime.sec && b.ctime.nsec == b.mtime.nsec);
    struct vfs_setattr sa = {.valid = VFS_ATTR_MTIME | VFS_ATTR_ATIME};
    sa.mtime.sec = 1000;
    sa.atime.sec = 2000;
    CHECK_EQ(vfs_setattr(&g_t, NULL, "/t", 0, &sa), 0);
    CHECK_EQ(stat_of("/t", &b), 0);
    CHECK_EQ(b.mtime.sec, 1000);
    CHECK_EQ(b.atime.sec, 2000);
}

int main(void)
{
    int err = harness_init();

    if (err < 0) {
        say("harness: %d\n", err);
        return 1;
    }
    test_file_io();
    test_dirs();
    test_rename();
    test_links();
    test_symlinks();
    test_dotdot();
    test_readonly();
    test_permissions();
    test_getdents();
    test_times();
    return check_done("vfs");
}
