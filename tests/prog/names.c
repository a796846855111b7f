// SPDX-License-Identifier: MIT
// Integration test (guest program): directory and name syscalls: mkdir/
// rmdir/unlink/rename/renameat2/link/symlink/chmod/chown/utimensat/
// truncate/ftruncate/fsync.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

static void put(const char *name, const char *text)
{
    int fd = open(sp(name), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        printf("FAIL: put %s\n", name), g_failed = 1;
    close(fd);
}

/* Returns the first bytes of a scratch file in a static buffer. */
static const char *get(const char *name)
{
    static char buf[64];
    memset(buf, 0, sizeof(buf));
    int fd = open(sp(name), O_RDONLY);
    if (fd < 0)
        return "<missing>";
    if (read(fd, buf, sizeof(buf) - 1) < 0)
        strcpy(buf, "<error>");
    close(fd);
    return buf;
}

static void dirs(void)
{
    struct stat st;
    CHECK_EQ(mkdir(sp("d"), 0755), 0, "mkdir");
    CHECK(stat(sp("d"), &st) == 0 && S_ISDIR(st.st_mode) &&
              (st.st_mode & 0777) == 0755,
          "mkdir mode");
    CHECK_ERR(mkdir(sp("d"), 0755), EEXIST, "mkdir existing");
    CHECK_ERR(mkdir(sp("nope/x"), 0755), ENOENT, "mkdir missing parent");
    put("d/file", "x");
    CHECK_ERR(rmdir(sp("d")), ENOTEMPTY, "rmdir non-empty");
    CHECK_ERR(rmdir(sp("d/file")), ENOTDIR, "rmdir file");
    CHECK_ERR(unlink(sp("d")), EISDIR, "unlink dir");
    CHECK_ERR(rmdir(sp("d/.")), EINVAL, "rmdir dot");
    CHECK_ERR(unlink(sp("nope")), ENOENT, "unlink missing");
    CHECK_EQ(unlink(sp("d/file")), 0, "unlink");
    CHECK_ERR(stat(sp("d/file"), &st), ENOENT, "unlinked is gone");
    CHECK_EQ(mkdirat(AT_FDCWD, sp("d/e"), 0700), 0, "mkdirat");
    CHECK_EQ(rmdir(sp("d/e")), 0, "rmdir nested");
    CHECK_EQ(rmdir(sp("d")), 0, "rmdir empty");
    CHECK_ERR(rmdir(sp("d")), ENOENT, "rmdir gone");

    /* An unlinked file stays readable through an open fd. */
    put("tmpf", "still here");
    int fd = open(sp("tmpf"), O_RDONLY);
    CHECK_EQ(unlink(sp("tmpf")), 0, "unlink open file");
    char buf[16] = {0};
    CHECK_EQ(read(fd, buf, 10), 10, "read unlinked open file");
    CHECK(!strcmp(buf, "still here"), "unlinked content");
    close(fd);
}

static void renames(void)
{
    struct stat st;
    put("a", "A");
    put("b", "B");
    CHECK_EQ(rename(sp("a"), sp("c")), 0, "rename");
    CHECK_ERR(stat(sp("a"), &st), ENOENT, "rename source gone");
    CHECK(!strcmp(get("c"), "A"), "rename target content");
    CHECK_EQ(rename(sp("c"), sp("b")), 0, "rename over file");
    CHECK(!strcmp(get("b"), "A"), "rename replaced content");
    CHECK_ERR(rename(sp("nope"), sp("x")), ENOENT, "rename missing");

    mkdir(sp("d1"), 0755);
    mkdir(sp("d2"), 0755);
    put("d2/x", "x");
    CHECK_ERR(rename(sp("d1"), sp("d2")), ENOTEMPTY,
              "rename dir over non-empty dir");
    CHECK_ERR(rename(sp("b"), sp("d1")), EISDIR, "rename file over dir");
    CHECK_ERR(rename(sp("d1"), sp("b")), ENOTDIR, "rename dir over file");
    CHECK_ERR(rename(sp("d2"), sp("d2/sub")), EINVAL,
              "rename dir into itself");
    CHECK_EQ(rename(sp("d1"), sp("d3")), 0, "rename dir");
    CHECK_EQ(rename(sp("d2/x"), sp("d3/x")), 0, "rename across dirs");
    CHECK(!strcmp(get("d3/x"), "x"), "moved file content");

    put("p", "P");
    put("q", "Q");
    CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, sp("p"), AT_FDCWD, sp("q"),
                      RENAME_NOREPLACE),
              EEXIST, "renameat2 NOREPLACE existing");
    CHECK_EQ(syscall(SYS_renameat2, AT_FDCWD, sp("p"), AT_FDCWD, sp("r"),
                     RENAME_NOREPLACE),
             0, "renameat2 NOREPLACE new");
    CHECK_EQ(syscall(SYS_renameat2, AT_FDCWD, sp("r"), AT_FDCWD, sp("q"),
                     RENAME_EXCHANGE),
             0, "renameat2 EXCHANGE");
    CHECK(!strcmp(get("r"), "Q") && !strcmp(get("q"), "P"),
          "EXCHANGE swapped contents");
    CHECK_EQ(syscall(SYS_renameat2, AT_FDCWD, sp("r"), AT_FDCWD, sp("d3"),
                     RENAME_EXCHANGE),
             0, "renameat2 EXCHANGE file and dir");
    CHECK(stat(sp("r"), &st) == 0 && S_ISDIR(st.st_mode), "exchanged dir");
    CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, sp("r"), AT_FDCWD,
                      sp("nope"), RENAME_EXCHANGE),
              ENOENT, "renameat2 EXCHANGE missing");
    CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, sp("q"), AT_FDCWD, sp("r"),
                      RENAME_EXCHANGE | RENAME_NOREPLACE),
              EINVAL, "renameat2 EXCHANGE|NOREPLACE");
    CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, sp("q"), AT_FDCWD, sp("s"),
                      0x80),
              EINVAL, "renameat2 bad flags");
}

static void links(void)
{
    struct stat st;
    char buf[64];
    put("f", "F");
    CHECK_EQ(link(sp("f"), sp("h")), 0, "link");
    CHECK(stat(sp("f"), &st) == 0 && st.st_nlink == 2, "nlink 2");
    CHECK(!strcmp(get("h"), "F"), "hard link content");
    CHECK_ERR(link(sp("f"), sp("h")), EEXIST, "link existing");
    CHECK_ERR(link(sp("nope"), sp("h2")), ENOENT, "link missing");
    CHECK_ERR(link(sp("r"), sp("h3")), EPERM, "link dir");
    CHECK_EQ(unlink(sp("h")), 0, "unlink link");
    CHECK(stat(sp("f"), &st) == 0 && st.st_nlink == 1, "nlink 1");

    CHECK_EQ(symlink("f", sp("s")), 0, "symlink");
    CHECK(!strcmp(get("s"), "F"), "read through symlink");
    CHECK_ERR(symlink("f", sp("s")), EEXIST, "symlink existing");
    CHECK_EQ(symlink("dangling", sp("dl")), 0, "dangling symlink");
    CHECK_ERR(open(sp("dl"), O_RDONLY), ENOENT, "open dangling");
    CHECK_ERR(open(sp("s"), O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW");
    CHECK_EQ(symlink("loop2", sp("loop1")), 0, "symlink loop1");
    CHECK_EQ(symlink("loop1", sp("loop2")), 0, "symlink loop2");
    CHECK_ERR(open(sp("loop1"), O_RDONLY), ELOOP, "symlink loop ELOOP");
    CHECK_EQ(symlink(g_scratch, sp("abs")), 0, "absolute symlink");
    CHECK(!strcmp(get("abs/f"), "F"), "walk through absolute symlink");
    CHECK_EQ(symlinkat("../f", AT_FDCWD, sp("r/up")), 0, "symlinkat");
    CHECK(!strcmp(get("r/up"), "F"), "walk through ../ symlink");
    CHECK_EQ(readlink(sp("r/up"), buf, sizeof(buf)), 4, "readlink ../f");
    CHECK_EQ(unlink(sp("s")), 0, "unlink symlink");
    CHECK(stat(sp("f"), &st) == 0, "target survives symlink unlink");
}

static void attrs(void)
{
    struct stat st;
    CHECK_EQ(chmod(sp("f"), 0600), 0, "chmod");
    CHECK(stat(sp("f"), &st) == 0 && (st.st_mode & 07777) == 0600,
          "chmod mode");
    int fd = open(sp("f"), O_RDWR);
    CHECK_EQ(fchmod(fd, 0640), 0, "fchmod");
    CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640,
          "fchmod mode");
    CHECK_EQ(fchmodat(AT_FDCWD, sp("f"), 0644, 0), 0, "fchmodat");
    CHECK_ERR(chmod(sp("nope"), 0600), ENOENT, "chmod missing");

    CHECK_EQ(chown(sp("f"), getuid(), getgid()), 0, "chown to self");
    CHECK_EQ(fchown(fd, -1, -1), 0, "fchown -1 -1");
    CHECK_EQ(lchown(sp("dl"), getuid(), getgid()), 0, "lchown symlink");
    CHECK(stat(sp("f"), &st) == 0 && st.st_uid == getuid() &&
              st.st_gid == getgid(),
          "owner unchanged");
    CHECK_ERR(chown(sp("nope"), getuid(), getgid()), ENOENT, "chown missing");

    struct timespec ts[2] = {{1000000000, 500}, {1100000000, 700}};
    CHECK_EQ(utimensat(AT_FDCWD, sp("f"), ts, 0), 0, "utimensat");
    CHECK(stat(sp("f"), &st) == 0, "stat after utimensat");
    CHECK_EQ(st.st_atim.tv_sec, 1000000000, "atime set");
    CHECK_EQ(st.st_mtim.tv_sec, 1100000000, "mtime set");
    CHECK_EQ(st.st_mtim.tv_nsec, 700, "mtime nsec set");
    struct timespec omit[2] = {{0, UTIME_OMIT}, {1200000000, 0}};
    CHECK_EQ(utimensat(AT_FDCWD, sp("f"), omit, 0), 0, "utimensat OMIT");
    CHECK(stat(sp("f"), &st) == 0 && st.st_atim.tv_sec == 1000000000 &&
              st.st_mtim.tv_sec == 1200000000,
          "UTIME_OMIT keeps atime");
    time_t now = time(NULL);
    CHECK_EQ(futimens(fd, NULL), 0, "futimens now");
    CHECK(fstat(fd, &st) == 0 && st.st_mtim.tv_sec >= now - 2 &&
              st.st_mtim.tv_sec <= now + 2,
          "mtime is now");
    struct timespec bad[2] = {{0, 2000000000}, {0, 0}};
    CHECK_ERR(utimensat(AT_FDCWD, sp("f"), bad, 0), EINVAL,
              "utimensat bad nsec");
    CHECK_ERR(utimensat(AT_FDCWD, sp("nope"), ts, 0), ENOENT,
              "utimensat missing");

    CHECK_EQ(truncate(sp("f"), 100), 0, "truncate grow");
    CHECK(stat(sp("f"), &st) == 0 && st.st_size == 100, "size 100");
    char buf[100];
    CHECK_EQ(pread(fd, buf, 100, 0), 100, "read grown file");
    int zero = 1;
    for (int i = 1; i < 100; i++)
        zero &= buf[i] == 0;
    CHECK(buf[0] == 'F' && zero, "grown tail is zero");
    CHECK_EQ(ftruncate(fd, 3), 0, "ftruncate shrink");
    CHECK(fstat(fd, &st) == 0 && st.st_size == 3, "size 3");
    CHECK_ERR(truncate(sp("f"), -1), EINVAL, "truncate negative");
    CHECK_ERR(truncate(sp("r"), 0), EISDIR, "truncate dir");
    CHECK_ERR(truncate(sp("nope"), 0), ENOENT, "truncate missing");
    CHECK_EQ(fsync(fd), 0, "fsync");
    close(fd);
    fd = open(sp("f"), O_RDONLY);
    CHECK_ERR(ftruncate(fd, 0), EINVAL, "ftruncate read-only fd");
    CHECK_EQ(fsync(fd), 0, "fsync read-only fd");
    close(fd);
    CHECK_ERR(fsync(999), EBADF, "fsync bad fd");
}

int main(void)
{
    test_begin();
    scratch_make();
    dirs();
    renames();
    links();
    attrs();
    scratch_remove();
    return test_end();
}
