// SPDX-License-Identifier: MIT
// Integration test (guest program): metadata syscalls: fstat/newfstatat/
// statx/statfs/access/faccessat2/readlink/getdents64/getcwd/chdir/fchdir/
// umask.
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "check.h"

struct dent64 {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void stats(void)
{
    struct stat st, st2;
    CHECK_EQ(umask(022), umask(022), "umask stable");
    CHECK_EQ(umask(027), 022, "umask returns old");
    int fd = open(sp("f"), O_CREAT | O_RDWR, 0666);
    CHECK(fd >= 0, "create with umask 027");
    CHECK_EQ(write(fd, "0123456789", 10), 10, "write 10");
    CHECK(fstat(fd, &st) == 0, "fstat");
    CHECK(S_ISREG(st.st_mode), "fstat S_ISREG");
    CHECK_EQ(st.st_mode & 07777, 0640, "mode 0640 after umask");
    CHECK_EQ(st.st_size, 10, "fstat size");
    CHECK_EQ(st.st_nlink, 1, "fstat nlink");
    CHECK_EQ(st.st_uid, geteuid(), "owner is euid");
    CHECK(st.st_blksize > 0, "st_blksize > 0");
    CHECK_EQ(umask(022), 027, "umask restore");

    CHECK(symlink("f", sp("l")) == 0, "symlink");
    CHECK(fstatat(AT_FDCWD, sp("l"), &st2, 0) == 0 && S_ISREG(st2.st_mode),
          "newfstatat follows");
    CHECK_EQ(st2.st_ino, st.st_ino, "same inode via symlink");
    CHECK(fstatat(AT_FDCWD, sp("l"), &st2, AT_SYMLINK_NOFOLLOW) == 0 &&
              S_ISLNK(st2.st_mode),
          "newfstatat NOFOLLOW S_ISLNK");
    CHECK_EQ(st2.st_size, 1, "symlink size is target length");
    CHECK(fstatat(fd, "", &st2, AT_EMPTY_PATH) == 0 &&
              st2.st_ino == st.st_ino,
          "newfstatat AT_EMPTY_PATH");
    int dfd = open(g_scratch, O_RDONLY | O_DIRECTORY);
    CHECK(fstatat(dfd, "f", &st2, 0) == 0 && st2.st_ino == st.st_ino,
          "newfstatat dirfd relative");
    CHECK_ERR(fstatat(AT_FDCWD, sp("nope"), &st2, 0), ENOENT, "stat missing");
    CHECK_ERR(fstatat(AT_FDCWD, sp("f/x"), &st2, 0), ENOTDIR,
              "stat through file");
    CHECK_ERR(fstatat(AT_FDCWD, sp("f"), &st2, 0x40000), EINVAL,
              "newfstatat bad flags");
    CHECK_ERR(syscall(SYS_fstat, 999, &st2), EBADF, "fstat bad fd");
    CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, sp("f"), (void *)1, 0),
              EFAULT, "newfstatat bad buffer");
    CHECK(stat("/", &st2) == 0 && S_ISDIR(st2.st_mode), "stat / dir");
    CHECK(stat("/usr/bin", &st2) == 0 && S_ISDIR(st2.st_mode),
          "stat /usr/bin dir");
    CHECK(stat("/etc/passwd", &st2) == 0 && S_ISREG(st2.st_mode) &&
              st2.st_size > 0,
          "stat /etc/passwd");

    struct statx sx;
    memset(&sx, 0, sizeof(sx));
    CHECK_EQ(syscall(SYS_statx, AT_FDCWD, sp("f"), 0, STATX_BASIC_STATS, &sx),
             0, "statx");
    CHECK((sx.stx_mask & (STATX_SIZE | STATX_MODE | STATX_INO)) ==
              (STATX_SIZE | STATX_MODE | STATX_INO),
          "statx mask");
    CHECK_EQ(sx.stx_size, 10, "statx size");
    CHECK_EQ(sx.stx_ino, st.st_ino, "statx ino");
    CHECK_EQ(sx.stx_mode & 07777, 0640, "statx mode");
    CHECK(S_ISREG(sx.stx_mode), "statx S_ISREG");
    CHECK_EQ(sx.stx_mtime.tv_sec, st.st_mtim.tv_sec, "statx mtime");
    CHECK_EQ(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx), 0,
             "statx AT_EMPTY_PATH");
    CHECK_EQ(syscall(SYS_statx, AT_FDCWD, sp("l"), AT_SYMLINK_NOFOLLOW,
                     STATX_BASIC_STATS, &sx),
             0, "statx NOFOLLOW");
    CHECK(S_ISLNK(sx.stx_mode), "statx symlink S_ISLNK");
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, sp("nope"), 0, STATX_BASIC_STATS,
                      &sx),
              ENOENT, "statx missing");
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, sp("f"), 0x80000000, STATX_SIZE,
                      &sx),
              EINVAL, "statx bad flags");
    CHECK_ERR(syscall(SYS_statx, AT_FDCWD, sp("f"), 0, 0x80000000u, &sx),
              EINVAL, "statx reserved mask bit");

    struct statfs sf;
    CHECK(statfs("/tmp", &sf) == 0 && sf.f_bsize > 0, "statfs /tmp");
    CHECK(fstatfs(fd, &sf) == 0 && sf.f_bsize > 0, "fstatfs");
    CHECK(statfs("/usr", &sf) == 0 && sf.f_bsize > 0, "statfs /usr");
    CHECK_ERR(statfs(sp("nope"), &sf), ENOENT, "statfs missing");
    close(dfd);
    close(fd);
}

static void accesses(void)
{
    CHECK_EQ(access(sp("f"), R_OK | W_OK), 0, "access R_OK|W_OK");
    CHECK_EQ(access(sp("f"), F_OK), 0, "access F_OK");
    /* 0640 has no x bit for anyone, so even root gets EACCES. */
    CHECK_ERR(access(sp("f"), X_OK), EACCES, "access X_OK no x bit");
    CHECK_ERR(access(sp("nope"), F_OK), ENOENT, "access missing");
    CHECK_ERR(access(sp("f"), 0x100), EINVAL, "access bad mode");
    CHECK_EQ(access("/bin/sh", X_OK), 0, "access /bin/sh X_OK");
    CHECK_EQ(syscall(SYS_faccessat2, AT_FDCWD, sp("f"), R_OK, AT_EACCESS), 0,
             "faccessat2 AT_EACCESS");
    CHECK_EQ(syscall(SYS_faccessat2, AT_FDCWD, sp("l"), F_OK,
                     AT_SYMLINK_NOFOLLOW),
             0, "faccessat2 NOFOLLOW");
    CHECK_ERR(syscall(SYS_faccessat2, AT_FDCWD, sp("f"), R_OK, 0x1),
              EINVAL, "faccessat2 bad flags");
    CHECK_ERR(syscall(SYS_faccessat, AT_FDCWD, sp("nope"), R_OK), ENOENT,
              "faccessat missing");
}

static void links(void)
{
    char buf[64];
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(readlink(sp("l"), buf, sizeof(buf)), 1, "readlink length");
    CHECK(strcmp(buf, "f") == 0, "readlink content");
    CHECK(symlink("a-much-longer-target", sp("l2")) == 0, "symlink long");
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(readlink(sp("l2"), buf, 4), 4, "readlink truncates");
    CHECK(strcmp(buf, "a-mu") == 0, "readlink truncated content");
    int dfd = open(g_scratch, O_RDONLY | O_DIRECTORY);
    CHECK_EQ(readlinkat(dfd, "l", buf, sizeof(buf)), 1, "readlinkat");
    close(dfd);
    CHECK_ERR(readlink(sp("f"), buf, sizeof(buf)), EINVAL,
              "readlink regular file");
    CHECK_ERR(readlink(sp("nope"), buf, sizeof(buf)), ENOENT,
              "readlink missing");
    CHECK_ERR(syscall(SYS_readlink, sp("l"), buf, 0), EINVAL,
              "readlink size 0");
}

static void dents(void)
{
    char buf[4096];
    char *names[16];
    int n = 0;
    CHECK(mkdir(sp("d"), 0755) == 0, "mkdir d");
    const char *files[] = {"c", "a", "b"};
    for (int i = 0; i < 3; i++) {
        char p[64];
        snprintf(p, sizeof(p), "d/%s", files[i]);
        int fd = open(sp(p), O_CREAT | O_WRONLY, 0600);
        close(fd);
    }
    CHECK(mkdir(sp("d/sub"), 0755) == 0, "mkdir d/sub");
    int dfd = open(sp("d"), O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0, "open dir");
    int seen_a_reg = 0, seen_sub_dir = 0;
    for (;;) {
        long r = syscall(SYS_getdents64, dfd, buf, sizeof(buf));
        if (r <= 0) {
            CHECK_EQ(r, 0, "getdents64 end");
            break;
        }
        for (long off = 0; off < r;) {
            struct dent64 *d = (struct dent64 *)(buf + off);
            if (n < 16)
                names[n++] = strdup(d->name);
            if (!strcmp(d->name, "a") && d->type == DT_REG)
                seen_a_reg = 1;
            if (!strcmp(d->name, "sub") && d->type == DT_DIR)
                seen_sub_dir = 1;
            off += d->reclen;
        }
    }
    qsort(names, n, sizeof(names[0]), cmp_str);
    printf("getdents64:");
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
    CHECK(seen_a_reg, "d_type DT_REG");
    CHECK(seen_sub_dir, "d_type DT_DIR");
    CHECK_EQ(lseek(dfd, 0, SEEK_SET), 0, "rewind dir");
    CHECK(syscall(SYS_getdents64, dfd, buf, sizeof(buf)) > 0,
          "getdents64 after rewind");
    lseek(dfd, 0, SEEK_SET);
    CHECK_ERR(syscall(SYS_getdents64, dfd, buf, 1), EINVAL,
              "getdents64 tiny buffer");
    close(dfd);
    int fd = open(sp("f"), O_RDONLY);
    CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR,
              "getdents64 on file");
    close(fd);
    CHECK_ERR(syscall(SYS_getdents64, 999, buf, sizeof(buf)), EBADF,
              "getdents64 bad fd");

    /* A host directory, through the read-only mounts inside lbox. */
    dfd = open("/usr", O_RDONLY | O_DIRECTORY);
    int seen_bin = 0;
    long r;
    while ((r = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0)
        for (long off = 0; off < r;) {
            struct dent64 *d = (struct dent64 *)(buf + off);
            seen_bin |= !strcmp(d->name, "bin");
            off += d->reclen;
        }
    CHECK(seen_bin, "getdents64 /usr has bin");
    close(dfd);
}

static void cwds(void)
{
    char buf[512], start[512];
    CHECK(getcwd(start, sizeof(start)) != NULL, "getcwd");
    CHECK_EQ(chdir(g_scratch), 0, "chdir scratch");
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, g_scratch),
          "getcwd is scratch");
    CHECK_EQ(chdir("d/sub"), 0, "chdir relative");
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, sp("d/sub")),
          "getcwd after relative chdir");
    CHECK_EQ(chdir("../.."), 0, "chdir ..");
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, g_scratch),
          "getcwd after ..");
    CHECK(access("f", R_OK) == 0, "relative access after chdir");
    CHECK_ERR(chdir("nope"), ENOENT, "chdir missing");
    CHECK_ERR(chdir("f"), ENOTDIR, "chdir file");
    int dfd = open("/usr", O_RDONLY | O_DIRECTORY);
    CHECK_EQ(fchdir(dfd), 0, "fchdir /usr");
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, "/usr"), "getcwd /usr");
    close(dfd);
    int fd = open(sp("f"), O_RDONLY);
    CHECK_ERR(fchdir(fd), ENOTDIR, "fchdir file");
    close(fd);
    CHECK_ERR(fchdir(999), EBADF, "fchdir bad fd");
    CHECK_ERR(syscall(SYS_getcwd, buf, 1), ERANGE, "getcwd small buffer");
    long len = syscall(SYS_getcwd, buf, sizeof(buf));
    CHECK_EQ(len, 5, "raw getcwd returns length with NUL");
    CHECK_EQ(chdir("/"), 0, "chdir /");
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, "/"), "getcwd /");
    CHECK_EQ(chdir(start), 0, "chdir back to start");
}

int main(void)
{
    test_begin();
    scratch_make();
    stats();
    accesses();
    links();
    dents();
    cwds();
    scratch_remove();
    return test_end();
}
