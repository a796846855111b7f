// SPDX-License-Identifier: MIT
// Integration test (guest program): file I/O syscalls: read/write/readv/
// writev/pread/pwrite/lseek/openat/close/dup/dup2/dup3/fcntl and errnos.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "check.h"

static void basic_rw(void)
{
    char buf[64];
    int fd = open(sp("f"), O_CREAT | O_RDWR | O_EXCL, 0644);
    CHECK(fd >= 0, "open O_CREAT|O_EXCL");
    CHECK_ERR(open(sp("f"), O_CREAT | O_RDWR | O_EXCL, 0644), EEXIST,
              "open O_EXCL existing");
    CHECK_EQ(write(fd, "hello world\n", 12), 12, "write 12");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12, "lseek SEEK_CUR");
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0, "lseek SEEK_SET");
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(read(fd, buf, 5), 5, "read 5");
    CHECK(memcmp(buf, "hello", 5) == 0, "read content");
    CHECK_EQ(lseek(fd, -6, SEEK_END), 6, "lseek SEEK_END");
    CHECK_EQ(read(fd, buf, sizeof(buf)), 6, "read rest");
    CHECK(memcmp(buf, "world\n", 6) == 0, "read rest content");
    CHECK_EQ(read(fd, buf, sizeof(buf)), 0, "read at EOF");
    CHECK_ERR(lseek(fd, -100, SEEK_SET), EINVAL, "lseek negative");
    CHECK_ERR(lseek(fd, 0, 99), EINVAL, "lseek bad whence");
    CHECK_EQ(lseek(fd, 100, SEEK_SET), 100, "lseek past EOF");
    CHECK_EQ(read(fd, buf, 4), 0, "read past EOF");

    memset(buf, 0, sizeof(buf));
    CHECK_EQ(pread(fd, buf, 5, 6), 5, "pread");
    CHECK(memcmp(buf, "world", 5) == 0, "pread content");
    CHECK_EQ(pwrite(fd, "W", 1, 6), 1, "pwrite");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 100, "pread/pwrite keep offset");
    CHECK_EQ(pread(fd, buf, 12, 0), 12, "pread all");
    CHECK(memcmp(buf, "hello World\n", 12) == 0, "pwrite content");
    CHECK_ERR(pread(fd, buf, 1, -1), EINVAL, "pread negative offset");
    CHECK_ERR(syscall(SYS_pread64, fd, (void *)1, 10, 0), EFAULT, "read bad buffer");
    CHECK_ERR(syscall(SYS_write, fd, (void *)1, 10), EFAULT, "write bad buffer");

    /* Holes read back as zeros. */
    CHECK_EQ(pwrite(fd, "Z", 1, 20), 1, "pwrite past EOF");
    CHECK_EQ(pread(fd, buf, 9, 12), 9, "pread hole");
    CHECK(memcmp(buf, "\0\0\0\0\0\0\0\0Z", 9) == 0, "hole is zero");
    CHECK_EQ(ftruncate(fd, 12), 0, "ftruncate back");
    CHECK_EQ(close(fd), 0, "close");
    CHECK_ERR(close(fd), EBADF, "close twice");
    CHECK_ERR(read(fd, buf, 1), EBADF, "read closed fd");
    CHECK_ERR(write(-1, buf, 1), EBADF, "write fd -1");
}

static void vectors(void)
{
    char a[4], b[8];
    struct iovec wv[3] = {
        {"abc", 3}, {"", 0}, {"defghij", 7},
    };
    struct iovec rv[2] = {{a, sizeof(a)}, {b, sizeof(b)}};
    int fd = open(sp("v"), O_CREAT | O_RDWR | O_TRUNC, 0600);
    CHECK(fd >= 0, "open for vectors");
    CHECK_EQ(writev(fd, wv, 3), 10, "writev");
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0, "rewind");
    memset(b, 0, sizeof(b));
    CHECK_EQ(readv(fd, rv, 2), 10, "readv");
    CHECK(memcmp(a, "abcd", 4) == 0 && memcmp(b, "efghij", 6) == 0,
          "readv content");
    CHECK_ERR(syscall(SYS_writev, fd, wv, -1), EINVAL, "writev negative count");
    close(fd);
}

static void append_trunc(void)
{
    struct stat st;
    int fd = open(sp("f"), O_WRONLY | O_APPEND);
    CHECK(fd >= 0, "open O_APPEND");
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0, "lseek on append fd");
    CHECK_EQ(write(fd, "tail", 4), 4, "append write");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 16, "append offset at end");
    CHECK(fstat(fd, &st) == 0 && st.st_size == 16, "append size 16");
    char buf[4];
    CHECK_ERR(read(fd, buf, 1), EBADF, "read on O_WRONLY");
    close(fd);

    fd = open(sp("f"), O_RDONLY);
    CHECK_ERR(write(fd, "x", 1), EBADF, "write on O_RDONLY");
    close(fd);

    fd = open(sp("f"), O_RDWR | O_TRUNC);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC");
    CHECK_EQ(write(fd, "0123456789", 10), 10, "refill");
    close(fd);
}

static void opens(void)
{
    int dfd = open(g_scratch, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0, "open O_DIRECTORY dir");
    int fd = openat(dfd, "f", O_RDONLY);
    CHECK(fd >= 0, "openat relative to dirfd");
    char buf[4];
    CHECK_EQ(read(fd, buf, 4), 4, "read via openat");
    close(fd);
    fd = (int)syscall(SYS_openat, dfd, sp("f"), O_RDONLY, 0);
    CHECK(fd >= 0, "openat absolute ignores dirfd");
    close(fd);
    CHECK_ERR(openat(12345, "f", O_RDONLY), EBADF, "openat bad dirfd");
    CHECK_ERR(openat(fd, "f", O_RDONLY), EBADF, "openat closed dirfd");
    int ffd = open(sp("f"), O_RDONLY);
    CHECK_ERR(openat(ffd, "x", O_RDONLY), ENOTDIR, "openat file as dirfd");
    close(ffd);
    CHECK_ERR(open(sp("f"), O_RDONLY | O_DIRECTORY), ENOTDIR,
              "O_DIRECTORY on file");
    CHECK_ERR(open(sp("nope"), O_RDONLY), ENOENT, "open missing");
    CHECK_ERR(open(sp("nope/x"), O_CREAT | O_RDWR, 0600), ENOENT,
              "create in missing dir");
    CHECK_ERR(open(sp("f/x"), O_RDONLY), ENOTDIR, "path through file");
    CHECK_ERR(open(g_scratch, O_WRONLY), EISDIR, "open dir O_WRONLY");
    CHECK_ERR(syscall(SYS_openat, AT_FDCWD, (char *)1, O_RDONLY, 0), EFAULT, "open bad path pointer");
    close(dfd);
}

static void dups(void)
{
    int fd = open(sp("f"), O_RDWR);
    CHECK(fd >= 0, "open for dup");
    int d = dup(fd);
    CHECK(d >= 0 && d != fd, "dup");
    CHECK_EQ(lseek(fd, 3, SEEK_SET), 3, "seek original");
    CHECK_EQ(lseek(d, 0, SEEK_CUR), 3, "dup shares offset");
    CHECK_EQ(fcntl(d, F_GETFD), 0, "dup clears cloexec");
    CHECK_EQ(dup2(fd, 50), 50, "dup2 to 50");
    CHECK_EQ(dup2(fd, fd), fd, "dup2 same fd");
    CHECK_ERR(dup2(777, 51), EBADF, "dup2 bad old");
    CHECK_ERR(dup(777), EBADF, "dup bad");
    CHECK_EQ(dup2(d, 50), 50, "dup2 over open fd");
    CHECK_EQ(dup3(fd, 52, O_CLOEXEC), 52, "dup3 O_CLOEXEC");
    CHECK_EQ(fcntl(52, F_GETFD), FD_CLOEXEC, "dup3 sets cloexec");
    CHECK_ERR(dup3(fd, fd, 0), EINVAL, "dup3 same fd");
    CHECK_ERR(dup3(fd, 53, 0x4), EINVAL, "dup3 bad flags");

    int f = fcntl(fd, F_DUPFD, 100);
    CHECK(f >= 100, "F_DUPFD >= 100");
    int g = fcntl(fd, F_DUPFD, 100);
    CHECK(g > f, "F_DUPFD picks next free");
    int h = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    CHECK(h >= 0 && fcntl(h, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC");
    CHECK_EQ(fcntl(fd, F_GETFD), 0, "F_GETFD 0");
    CHECK_EQ(fcntl(fd, F_SETFD, FD_CLOEXEC), 0, "F_SETFD");
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC, "F_GETFD cloexec");
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR, "F_GETFL O_RDWR");
    CHECK_EQ(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK), 0, "F_SETFL");
    CHECK(fcntl(fd, F_GETFL) & O_APPEND, "F_GETFL has O_APPEND");
    CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK, "F_GETFL has O_NONBLOCK");
    CHECK(fcntl(d, F_GETFL) & O_APPEND, "status flags shared with dup");
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR, "F_SETFL keeps mode");
    CHECK_ERR(fcntl(777, F_GETFD), EBADF, "fcntl bad fd");
    CHECK_ERR(fcntl(fd, 9999), EINVAL, "fcntl bad cmd");
    CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL, "F_DUPFD negative");
    int r = close(fd) | close(d) | close(50) | close(52) | close(f) |
            close(g) | close(h);
    CHECK_EQ(r, 0, "close all dups");
}

int main(void)
{
    test_begin();
    scratch_make();
    basic_rw();
    vectors();
    append_trunc();
    opens();
    dups();
    scratch_remove();
    return test_end();
}
