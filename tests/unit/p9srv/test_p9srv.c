// SPDX-License-Identifier: MIT
/* Unit tests of the monitor's 9P2000.L server (host side): a raw client
 * drives it over a socketpair, with the server in a forked child, once
 * plain and once confined by mon_p9srv_sandbox(). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/p9srv.h"
#include "p9tc.h"

static int g_pass, g_fail;
static char g_top[256];
static bool g_sandboxed;

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (cond) {                                                         \
            g_pass++;                                                       \
        } else {                                                            \
            g_fail++;                                                       \
            printf("FAIL %s:%d%s: %s\n", __FILE__, __LINE__,                \
                   g_sandboxed ? " (sandboxed)" : "", #cond);               \
        }                                                                   \
    } while (0)

static char *path_of(const char *rel)
{
    static char buf[4][PATH_MAX];
    static int i;

    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s/%s", g_top, rel);
    return buf[i];
}

static void put_file(const char *rel, const char *text, mode_t mode)
{
    int fd = open(path_of(rel), O_WRONLY | O_CREAT | O_TRUNC, mode);

    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        perror(rel);
        exit(2);
    }
    fchmod(fd, mode);
    close(fd);
}

static char *host_read(const char *rel)
{
    static char buf[4096];
    int fd = open(path_of(rel), O_RDONLY);
    ssize_t n;

    buf[0] = '\0';
    if (fd < 0)
        return NULL;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static bool host_exists(const char *rel)
{
    struct stat st;

    return lstat(path_of(rel), &st) == 0;
}

static void setup_tree(void)
{
    strcpy(g_top, "/tmp/p9srv-test-XXXXXX");
    if (!mkdtemp(g_top)) {
        perror("mkdtemp");
        exit(2);
    }
    chmod(g_top, 0755);
    mkdir(path_of("rw"), 0777);
    chmod(path_of("rw"), 0777);
    mkdir(path_of("rw/sub"), 0777);
    chmod(path_of("rw/sub"), 0777);
    mkdir(path_of("ro"), 0755);
    mkdir(path_of("ro/dir"), 0755);
    mkdir(path_of("outside"), 0755);
    put_file("rw/hello.txt", "hello world\n", 0666);
    put_file("rw/sub/inner.txt", "inner\n", 0666);
    put_file("ro/file.txt", "readonly\n", 0644);
    put_file("outside/secret.txt", "SECRET\n", 0644);
    put_file("single.txt", "single file\n", 0644);
    symlink("/etc", path_of("rw/link_etc"));
    symlink("/etc/passwd", path_of("rw/link_abs"));
    symlink("../../..", path_of("rw/link_up"));
    symlink("../outside", path_of("rw/link_outside"));
    symlink("hello.txt", path_of("rw/link_rel"));
}

/* Start a server child on one end of a socketpair; returns the other. */
/* The identity the sandboxed server drops to. */
static uid_t server_uid(void)
{
    return geteuid() == 0 ? 65534 : geteuid();
}

static gid_t server_gid(void)
{
    return geteuid() == 0 ? 65534 : getegid();
}

static int start_server(bool sandbox, pid_t *pid)
{
    struct mon_mount mounts[3] = {
        { .host = path_of("rw"), .guest = "/rw", .rw = true },
        { .host = path_of("ro"), .guest = "/ro", .rw = false },
        { .host = path_of("single.txt"), .guest = "/single", .rw = false },
    };
    struct mon_p9srv_config cfg = {
        .mounts = mounts, .nmounts = 3,
        .uid = server_uid(),
        .gid = server_gid(),
    };
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        exit(2);
    *pid = fork();
    if (*pid == 0) {
        struct mon_p9srv *srv;
        int err;

        bool landlock = syscall(SYS_landlock_create_ruleset, NULL, 0, 1) > 0;

        close(sv[0]);
        err = mon_p9srv_new(&cfg, &srv);
        if (err)
            _exit(10);
        if (sandbox && (err = mon_p9srv_sandbox(srv))) {
            fprintf(stderr, "sandbox: %s\n", strerror(-err));
            _exit(11);
        }
        /* Landlock is in force: even a plain open outside fails. */
        if (sandbox && landlock && open("/etc/hostname", O_RDONLY) >= 0)
            _exit(13);
        err = mon_p9srv_serve(srv, sv[1]);
        mon_p9srv_free(srv);
        if (!sandbox)   /* let LeakSanitizer look at the server */
            exit(err == 0 ? 0 : err == -EPROTO ? 3 : 12);
        _exit(err == 0 ? 0 : err == -EPROTO ? 3 : 12);
    }
    close(sv[1]);
    return sv[0];
}

/* Close the connection and return the child's exit code (-1: signal). */
static int stop_server(int fd, pid_t pid)
{
    int status;

    close(fd);
    if (waitpid(pid, &status, 0) < 0)
        return -2;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void session(struct tc *c, uint32_t msize)
{
    char ver[32];
    uint32_t got;

    CHECK(tc_version(c, msize, "9P2000.L", &got, ver, sizeof(ver)) == 0);
    CHECK(!strcmp(ver, "9P2000.L"));
}

static void test_version_attach(struct tc *c)
{
    struct tc_qid q, q2;
    char ver[32];
    uint32_t got;

    CHECK(tc_version(c, 8192, "9P2000.u", &got, ver, sizeof(ver)) == 0);
    CHECK(!strcmp(ver, "unknown"));
    CHECK(tc_version(c, 64u << 20, "9P2000.L", &got, ver, sizeof(ver)) == 0);
    CHECK(got == MON_P9SRV_MAX_MSIZE);
    CHECK(tc_attach(c, 1, "/rw", &q) == 0);
    CHECK(q.type == 0x80);
    CHECK(tc_attach(c, 1, "/rw", &q2) == -EBADF);     /* fid in use */
    CHECK(tc_attach(c, 2, "/nope", &q2) == -ENOENT);
    tc_begin(c, 104);                                  /* afid set */
    tc_u32(c, 2);
    tc_u32(c, 7);
    tc_str(c, "");
    tc_str(c, "/rw");
    tc_u32(c, 0);
    CHECK(tc_rpc(c) < 0);
    CHECK(tc_attach(c, 2, "/ro", &q2) == 0);
    CHECK(tc_attach(c, 3, "/single", &q2) == 0 && q2.type == 0);
}

static void test_read_walk(struct tc *c)
{
    const char *two[] = { "sub", "inner.txt" };
    const char *partial[] = { "sub", "nope" };
    const char *many[17];
    struct tc_qid qs[17], root, q;
    struct tc_attr a;
    char buf[256];
    long n;

    CHECK(tc_walk(c, 1, 10, 0, NULL, NULL) == 0);      /* clone */
    CHECK(tc_getattr(c, 10, &a) == 0);
    root = a.qid;
    CHECK(tc_walk1(c, 1, 11, "hello.txt") == 0);
    CHECK(tc_getattr(c, 11, &a) == 0 && a.size == 12 && S_ISREG(a.mode));
    CHECK(a.valid & 0x7ff);
    CHECK(tc_lopen(c, 11, O_RDONLY, &q) == 0);
    n = tc_read(c, 11, 0, sizeof(buf), buf);
    CHECK(n == 12 && !memcmp(buf, "hello world\n", 12));
    n = tc_read(c, 11, 6, 3, buf);
    CHECK(n == 3 && !memcmp(buf, "wor", 3));
    CHECK(tc_read(c, 11, 100, 10, buf) == 0);
    CHECK(tc_walk(c, 11, 11, 0, NULL, NULL) == -EBUSY); /* opened fid */
    CHECK(tc_walk1(c, 11, 12, "x") == -ENOTDIR);
    CHECK(tc_lopen(c, 11, O_RDONLY, &q) == -EBUSY);
    CHECK(tc_clunk(c, 11) == 0);
    CHECK(tc_clunk(c, 11) == -EBADF);
    CHECK(tc_walk(c, 1, 12, 2, two, qs) == 2 && qs[0].type == 0x80);
    CHECK(tc_lopen(c, 12, O_RDONLY, NULL) == 0);
    CHECK(tc_read(c, 12, 0, sizeof(buf), buf) == 6);
    CHECK(tc_clunk(c, 12) == 0);
    /* A partial walk answers the qids it got and creates no fid. */
    CHECK(tc_walk(c, 1, 13, 2, partial, qs) == 1);
    CHECK(tc_clunk(c, 13) == -EBADF);
    CHECK(tc_walk1(c, 1, 13, "nope") == -ENOENT);
    CHECK(tc_walk1(c, 1, 13, "") == -EINVAL);
    CHECK(tc_walk1(c, 99, 13, "sub") == -EBADF);
    CHECK(tc_walk1(c, 1, 2, "sub") == -EBADF);         /* newfid taken */
    for (int i = 0; i < 17; i++)
        many[i] = "sub";
    CHECK(tc_walk(c, 1, 13, 17, many, qs) < 0);
    for (int i = 0; i < 16; i++)
        many[i] = i % 2 ? ".." : "sub";
    CHECK(tc_walk(c, 1, 13, 16, many, qs) == 16);
    CHECK(qs[15].path == root.path);
    CHECK(tc_clunk(c, 13) == 0);
    /* Walking in place replaces the fid. */
    CHECK(tc_walk(c, 10, 10, 1, two, qs) == 1);
    CHECK(tc_getattr(c, 10, &a) == 0 && a.qid.type == 0x80);
    CHECK(tc_clunk(c, 10) == 0);
    /* A file fid cannot be walked into. */
    CHECK(tc_walk(c, 3, 13, 1, two, qs) == -ENOTDIR);
    CHECK(tc_lopen(c, 3, O_RDONLY, NULL) == 0);        /* single file */
    n = tc_read(c, 3, 0, sizeof(buf), buf);
    CHECK(n == 12 && !memcmp(buf, "single file\n", 12));
}

static void test_readdir(struct tc *c)
{
    char names[2048];

    CHECK(tc_walk(c, 1, 20, 0, NULL, NULL) == 0);
    CHECK(tc_lopen(c, 20, O_RDONLY | O_DIRECTORY, NULL) == 0);
    CHECK(tc_readdir_names(c, 20, names, sizeof(names)) == 9);
    CHECK(!strcmp(names, "../ ./ hello.txt link_abs link_etc link_outside "
                         "link_rel link_up sub/"));
    CHECK(tc_readdir_names(c, 20, names, sizeof(names)) == 9);  /* again */
    /* Tlistdir: the same names, with attributes, from an unopened fid or
     * walked to from one; nothing is created on the server. */
    {
        const char *sub[] = {"sub"}, *file[] = {"hello.txt"};
        const char *up[] = {"..", "sub"}, *bad[] = {"a/b"};
        const char *many[17];
        struct tc_attr a, ga;
        char link[256];

        for (int i = 0; i < 17; i++)
            many[i] = "sub";
        CHECK(tc_listdir_names(c, 1, 0, NULL, names, sizeof(names),
                               "link_rel", &a, link, sizeof(link)) == 9);
        CHECK(!strcmp(names, "../ ./ hello.txt link_abs link_etc "
                             "link_outside link_rel link_up sub/"));
        CHECK(S_ISLNK(a.mode) && !strcmp(link, "hello.txt"));
        CHECK(tc_listdir_names(c, 1, 0, NULL, names, sizeof(names),
                               "hello.txt", &a, link, sizeof(link)) == 9);
        CHECK(tc_walk1(c, 1, 22, "hello.txt") == 0);
        CHECK(tc_getattr(c, 22, &ga) == 0 && ga.qid.path == a.qid.path &&
              ga.size == 12 && a.size == 12 && ga.mode == a.mode &&
              link[0] == '\0');
        CHECK(tc_clunk(c, 22) == 0);
        CHECK(tc_listdir_names(c, 1, 1, sub, names, sizeof(names),
                               NULL, NULL, NULL, 0) == 3);
        CHECK(!strcmp(names, "../ ./ inner.txt"));
        /* ".." at the mount root stays there, as Twalk does. */
        CHECK(tc_listdir_names(c, 1, 2, up, names, sizeof(names),
                               NULL, NULL, NULL, 0) == 3);
        CHECK(tc_listdir_names(c, 1, 1, file, names, sizeof(names),
                               NULL, NULL, NULL, 0) == -ENOTDIR);
        CHECK(tc_listdir_names(c, 1, 1, bad, names, sizeof(names),
                               NULL, NULL, NULL, 0) < 0);
        CHECK(tc_listdir_names(c, 1, 17, many, names, sizeof(names),
                               NULL, NULL, NULL, 0) == -EINVAL);
        CHECK(tc_listdir_names(c, 999, 0, NULL, names, sizeof(names),
                               NULL, NULL, NULL, 0) == -EBADF);
        CHECK(tc_clunk(c, 22) == -EBADF);
    }
    /* A walk from the opened directory to a new fid is allowed. */
    CHECK(tc_walk1(c, 20, 21, "hello.txt") == 0);
    CHECK(tc_lopen(c, 21, O_RDONLY, NULL) == 0 && tc_clunk(c, 21) == 0);
    CHECK(tc_clunk(c, 20) == 0);
    CHECK(tc_walk(c, 1, 20, 0, NULL, NULL) == 0);
    tc_begin(c, 40);                                   /* not opened */
    tc_u32(c, 20);
    tc_u64(c, 0);
    tc_u32(c, 1000);
    CHECK(tc_rpc(c) == -EBADF);
    CHECK(tc_clunk(c, 20) == 0);
}

static void test_modify(struct tc *c)
{
    struct tc_qid q;
    struct tc_attr a;
    struct stat st;
    char buf[256];

    CHECK(tc_walk(c, 1, 30, 0, NULL, NULL) == 0);
    CHECK(tc_lcreate(c, 30, "new.txt", O_RDWR, 0644, &q) == 0);
    CHECK(q.type == 0);
    CHECK(tc_write(c, 30, 0, "data", 4) == 4);
    CHECK(tc_write(c, 30, 4, "!", 1) == 1);
    CHECK(tc_fsync(c, 30) == 0);
    CHECK(tc_read(c, 30, 0, sizeof(buf), buf) == 5);
    CHECK(tc_clunk(c, 30) == 0);
    CHECK(host_read("rw/new.txt") && !strcmp(host_read("rw/new.txt"), "data!"));
    CHECK(tc_walk(c, 1, 30, 0, NULL, NULL) == 0);
    CHECK(tc_lcreate(c, 30, "new.txt", O_RDWR | O_EXCL, 0644, &q) == -EEXIST);
    CHECK(tc_lcreate(c, 30, "../x", O_RDWR, 0644, &q) == -EINVAL);
    CHECK(tc_lcreate(c, 30, "link_rel", O_RDWR, 0644, &q) == -ELOOP);
    /* No set-id bits reach the host. */
    CHECK(tc_lcreate(c, 30, "suid", O_RDWR, 06755, &q) == 0);
    CHECK(stat(path_of("rw/suid"), &st) == 0 && (st.st_mode & 07777) == 0755);
    CHECK(tc_clunk(c, 30) == 0);

    CHECK(tc_mkdir(c, 1, "newdir", 0755, &q) == 0 && q.type == 0x80);
    CHECK(stat(path_of("rw/newdir"), &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(tc_mkdir(c, 1, "newdir", 0755, &q) == -EEXIST);
    CHECK(tc_mkdir(c, 1, "..", 0755, &q) == -EINVAL);
    CHECK(tc_unlinkat(c, 1, "newdir", 0) == -EISDIR);
    CHECK(tc_unlinkat(c, 1, "newdir", 0x200) == 0);
    CHECK(!host_exists("rw/newdir"));
    CHECK(tc_unlinkat(c, 1, "suid", 0x1234) == -EINVAL);
    CHECK(tc_unlinkat(c, 1, "suid", 0) == 0);

    CHECK(tc_renameat(c, 1, "new.txt", 1, "renamed.txt") == 0);
    CHECK(!host_exists("rw/new.txt") && host_exists("rw/renamed.txt"));
    CHECK(tc_walk1(c, 1, 31, "sub") == 0);
    CHECK(tc_renameat(c, 1, "renamed.txt", 31, "moved.txt") == 0);
    CHECK(host_exists("rw/sub/moved.txt"));

    CHECK(tc_symlink(c, 1, "sl", "hello.txt", &q) == 0 && q.type == 2);
    CHECK(tc_walk1(c, 1, 32, "sl") == 0);
    CHECK(tc_readlink(c, 32, buf, sizeof(buf)) == 0 && !strcmp(buf, "hello.txt"));
    CHECK(tc_lopen(c, 32, O_RDONLY, NULL) == -ELOOP);
    CHECK(tc_clunk(c, 32) == 0);

    /* Twalkattr: the walk, the attributes and a symlink's target at once;
     * nothing is created when any of it fails. */
    {
        struct tc_attr wa, ga;

        CHECK(tc_walkattr(c, 1, 32, "sl", &wa, buf, sizeof(buf)) == 0);
        CHECK(S_ISLNK(wa.mode) && !strcmp(buf, "hello.txt"));
        CHECK(tc_clunk(c, 32) == 0);
        CHECK(tc_walkattr(c, 1, 32, "back-not-yet", &wa, buf, sizeof(buf)) == -ENOENT);
        CHECK(tc_clunk(c, 32) == -EBADF);
        CHECK(tc_walkattr(c, 1, 32, "hello.txt", &wa, buf, sizeof(buf)) == 0);
        CHECK(S_ISREG(wa.mode) && buf[0] == '\0' && wa.size == 12);
        CHECK(tc_getattr(c, 32, &ga) == 0 && ga.qid.path == wa.qid.path &&
              ga.mode == wa.mode && ga.size == wa.size);
        CHECK(tc_walkattr(c, 1, 32, "hello.txt", &wa, buf, sizeof(buf)) == -EBADF);
        CHECK(tc_walkattr(c, 1, 1, "hello.txt", &wa, buf, sizeof(buf)) == -EBADF);
        /* ".." at the root stays there, as Twalk does. */
        CHECK(tc_getattr(c, 1, &ga) == 0);
        CHECK(tc_walkattr(c, 1, 35, "..", &wa, buf, sizeof(buf)) == 0);
        CHECK(wa.qid.path == ga.qid.path && S_ISDIR(wa.mode));
        CHECK(tc_clunk(c, 35) == 0);
        CHECK(tc_walkattr(c, 1, 35, "a/b", &wa, buf, sizeof(buf)) < 0);
        CHECK(tc_walkattr(c, 1, 35, "link_outside", &wa, buf, sizeof(buf)) == 0);
        CHECK(S_ISLNK(wa.mode) && buf[0] != '\0');
        CHECK(tc_clunk(c, 35) == 0);
        CHECK(tc_walkattr(c, 999, 35, "hello.txt", &wa, buf, sizeof(buf)) == -EBADF);
        CHECK(tc_clunk(c, 35) == -EBADF);
        CHECK(tc_clunk(c, 32) == 0);
    }

    /* Trename by fid, then the fid still reads the file. */
    CHECK(tc_walk1(c, 31, 33, "moved.txt") == 0);
    CHECK(tc_rename(c, 33, 1, "back.txt") == 0);
    CHECK(host_exists("rw/back.txt") && !host_exists("rw/sub/moved.txt"));
    CHECK(tc_lopen(c, 33, O_RDONLY, NULL) == 0);
    CHECK(tc_read(c, 33, 0, sizeof(buf), buf) == 5);
    CHECK(tc_clunk(c, 33) == 0);
    /* A directory fid survives the rename of its parent. */
    CHECK(tc_mkdir(c, 31, "deep", 0755, &q) == 0);
    CHECK(tc_walk1(c, 31, 34, "deep") == 0);
    CHECK(tc_renameat(c, 1, "sub", 1, "sub2") == 0);
    CHECK(tc_lcreate(c, 34, "f", O_WRONLY, 0644, &q) == 0);
    CHECK(host_exists("rw/sub2/deep/f"));
    CHECK(tc_clunk(c, 34) == 0);
    CHECK(tc_walk1(c, 31, 34, "deep") == 0);
    CHECK(tc_unlinkat(c, 34, "f", 0) == 0);
    CHECK(tc_remove(c, 34) == 0);                     /* removes deep */
    CHECK(!host_exists("rw/sub2/deep"));
    CHECK(tc_renameat(c, 1, "sub2", 1, "sub") == 0);

    /* Tlink and Tremove. */
    CHECK(tc_walk1(c, 1, 35, "back.txt") == 0);
    CHECK(tc_link(c, 1, 35, "hard.txt") == 0);
    CHECK(stat(path_of("rw/hard.txt"), &st) == 0 && st.st_nlink == 2);
    CHECK(tc_remove(c, 35) == 0);
    CHECK(!host_exists("rw/back.txt") && host_exists("rw/hard.txt"));
    CHECK(tc_clunk(c, 35) == -EBADF);                  /* remove clunked */
    CHECK(tc_unlinkat(c, 1, "hard.txt", 0) == 0);

    /* Tsetattr, on a file the served identity owns. */
    CHECK(tc_walk(c, 1, 36, 0, NULL, NULL) == 0);
    CHECK(tc_lcreate(c, 36, "mine.txt", O_WRONLY, 0644, &q) == 0);
    CHECK(tc_write(c, 36, 0, "hello world\n", 12) == 12);
    CHECK(tc_clunk(c, 36) == 0);
    CHECK(tc_walk1(c, 1, 36, "mine.txt") == 0);
    CHECK(tc_setattr(c, 36, 0x1, 0600, 0, 0, 0, 0, 0) == 0);
    CHECK(stat(path_of("rw/mine.txt"), &st) == 0 &&
          (st.st_mode & 07777) == 0600);
    CHECK(tc_setattr(c, 36, 0x1, 04666, 0, 0, 0, 0, 0) == 0);
    CHECK(stat(path_of("rw/mine.txt"), &st) == 0 &&
          (st.st_mode & 07777) == 0666);
    CHECK(tc_setattr(c, 36, 0x8, 0, 0, 0, 5, 0, 0) == 0);
    CHECK(!strcmp(host_read("rw/mine.txt"), "hello"));
    CHECK(tc_setattr(c, 36, 0x10 | 0x20 | 0x80 | 0x100, 0, 0, 0, 0, 1000,
                     123456) == 0);
    CHECK(stat(path_of("rw/mine.txt"), &st) == 0 &&
          st.st_mtim.tv_sec == 123456 && st.st_atim.tv_sec == 1000);
    CHECK(tc_setattr(c, 36, 0x20, 0, 0, 0, 0, 0, 0) == 0);    /* now */
    CHECK(stat(path_of("rw/mine.txt"), &st) == 0 &&
          st.st_mtim.tv_sec > 123456);
    CHECK(tc_getattr(c, 36, &a) == 0 && a.size == 5);
    if (g_sandboxed)
        CHECK(tc_setattr(c, 36, 0x2, 0, 1234, 0, 0, 0, 0) == -EPERM);
    else
        CHECK(tc_setattr(c, 36, 0x2, 0, 1234, 0, 0, 0, 0) == 0);
    CHECK(tc_clunk(c, 36) == 0);
    CHECK(tc_unlinkat(c, 1, "mine.txt", 0) == 0);
    /* Someone else's file: the host's refusal is passed through. */
    CHECK(tc_walk1(c, 1, 36, "hello.txt") == 0);
    CHECK(tc_setattr(c, 36, 0x1, 0600, 0, 0, 0, 0, 0) ==
          (g_sandboxed ? -EPERM : 0));
    CHECK(tc_clunk(c, 36) == 0);
    put_file("rw/hello.txt", "hello world\n", 0666);

    /* Tmknod: regular files and socket nodes (a guest's bind(2)) only;
     * a socket node can't be opened. A FIFO the host planted is never
     * opened, however the guest reaches it: the single server would block
     * in open(). The alarm turns such a regression into a failure. */
    alarm(20);
    CHECK(tc_mknod(c, 1, "fifo", S_IFIFO | 0666, 0, 0) == -EPERM);
    CHECK(!host_exists("rw/fifo"));
    CHECK(tc_mknod(c, 1, "chr", S_IFCHR | 0666, 1, 3) == -EPERM);
    CHECK(!host_exists("rw/chr"));
    CHECK(tc_mknod(c, 1, "sock", S_IFSOCK | 0666, 0, 0) == 0);
    CHECK(tc_walk1(c, 1, 37, "sock") == 0);
    CHECK(tc_lopen(c, 37, O_RDWR, NULL) == -ENXIO);
    CHECK(tc_clunk(c, 37) == 0);
    CHECK(tc_unlinkat(c, 1, "sock", 0) == 0);
    CHECK(mkfifo(path_of("rw/fifo"), 0666) == 0);
    CHECK(tc_walk1(c, 1, 37, "fifo") == 0);
    CHECK(tc_lopen(c, 37, O_RDONLY, NULL) == -ENXIO);
    CHECK(tc_lopen(c, 37, O_WRONLY, NULL) == -ENXIO);
    CHECK(tc_clunk(c, 37) == 0);
    CHECK(tc_walk(c, 1, 37, 0, NULL, NULL) == 0);
    CHECK(tc_lcreate(c, 37, "fifo", O_WRONLY, 0644, NULL) < 0);
    CHECK(tc_clunk(c, 37) == 0);
    /* Walked to a regular file, then a FIFO renamed over it. */
    put_file("rw/victim", "v\n", 0666);
    CHECK(tc_walk1(c, 1, 37, "victim") == 0);
    CHECK(rename(path_of("rw/fifo"), path_of("rw/victim")) == 0);
    CHECK(tc_lopen(c, 37, O_RDONLY, NULL) < 0);
    CHECK(tc_lopen(c, 37, O_WRONLY, NULL) < 0);
    CHECK(tc_clunk(c, 37) == 0);
    CHECK(tc_unlinkat(c, 1, "victim", 0) == 0);
    alarm(0);
    CHECK(tc_clunk(c, 31) == 0);
}

static void test_statfs_lock(struct tc *c)
{
    uint32_t bsize = 0, namelen = 0;

    CHECK(tc_statfs(c, 1, &bsize, &namelen) == 0 && bsize > 0 && namelen > 0);
    CHECK(tc_walk1(c, 1, 40, "hello.txt") == 0);
    CHECK(tc_walk1(c, 1, 41, "hello.txt") == 0);
    CHECK(tc_lock(c, 40, 1, 0, 0) == -EBADF);          /* not opened */
    CHECK(tc_lopen(c, 40, O_RDWR, NULL) == 0);
    CHECK(tc_lopen(c, 41, O_RDWR, NULL) == 0);
    CHECK(tc_lock(c, 40, 1, 0, 0) == 0);
    CHECK(tc_lock(c, 41, 1, 0, 0) == 1);               /* blocked */
    CHECK(tc_lock(c, 41, 0, 0, 10) == 1);
    CHECK(tc_getlock(c, 41, 1, 0, 0) == 1);            /* WRLCK held */
    CHECK(tc_getlock(c, 40, 1, 0, 0) == 2);            /* own: none */
    CHECK(tc_lock(c, 40, 2, 0, 0) == 0);
    CHECK(tc_lock(c, 41, 1, 0, 0) == 0);
    CHECK(tc_lock(c, 41, 9, 0, 0) == -EINVAL);
    CHECK(tc_clunk(c, 40) == 0);
    CHECK(tc_clunk(c, 41) == 0);
    tc_begin(c, 30);                                   /* xattrwalk */
    tc_u32(c, 1);
    tc_u32(c, 42);
    tc_str(c, "user.x");
    CHECK(tc_rpc(c) == -EOPNOTSUPP);
    tc_begin(c, 108);                                  /* flush */
    tc_u16(c, 1);
    CHECK(tc_rpc(c) == 0);
}

static void test_escapes(struct tc *c)
{
    const char *up3[] = { "..", "..", ".." };
    const char *via_etc[] = { "link_etc", "passwd" };
    const char *via_out[] = { "link_outside", "secret.txt" };
    const char *up_out[] = { "..", "outside" };
    struct tc_qid qs[4], root;
    struct tc_attr a;
    char buf[256];

    CHECK(tc_getattr(c, 1, &a) == 0);
    root = a.qid;
    CHECK(tc_walk(c, 1, 50, 3, up3, qs) == 3);
    CHECK(qs[0].path == root.path && qs[2].path == root.path);
    CHECK(tc_getattr(c, 50, &a) == 0 && a.qid.path == root.path);
    CHECK(tc_clunk(c, 50) == 0);
    CHECK(tc_walk(c, 1, 50, 2, up_out, qs) == 1);      /* no "outside" */
    CHECK(tc_clunk(c, 50) == -EBADF);
    CHECK(tc_walk1(c, 1, 50, "../outside") == -EINVAL);
    CHECK(tc_walk1(c, 1, 50, "/etc") == -EINVAL);
    /* Symlinks are walked to, never through. */
    CHECK(tc_walk(c, 1, 50, 2, via_etc, qs) == 1 && qs[0].type == 2);
    CHECK(tc_walk(c, 1, 50, 2, via_out, qs) == 1);
    CHECK(tc_clunk(c, 50) == -EBADF);
    CHECK(tc_walk1(c, 1, 50, "link_etc") == 0);
    CHECK(tc_readlink(c, 50, buf, sizeof(buf)) == 0 && !strcmp(buf, "/etc"));
    CHECK(tc_lopen(c, 50, O_RDONLY | O_DIRECTORY, NULL) == -ELOOP);
    CHECK(tc_walk1(c, 50, 51, "..") == -ENOTDIR);
    CHECK(tc_clunk(c, 50) == 0);
    CHECK(tc_walk1(c, 1, 50, "link_abs") == 0);
    CHECK(tc_lopen(c, 50, O_RDONLY, NULL) == -ELOOP);
    CHECK(tc_read(c, 50, 0, 100, buf) == -EBADF);
    CHECK(tc_clunk(c, 50) == 0);
    CHECK(tc_walk1(c, 1, 50, "link_up") == 0);
    CHECK(tc_lopen(c, 50, O_RDONLY, NULL) == -ELOOP);
    CHECK(tc_clunk(c, 50) == 0);
    /* Creating through a symlinked directory fails too. */
    CHECK(tc_walk1(c, 1, 50, "link_outside") == 0);
    CHECK(tc_lcreate(c, 50, "evil", O_RDWR, 0644, NULL) == -ENOTDIR);
    CHECK(tc_mkdir(c, 50, "evil", 0755, NULL) == -ENOTDIR);
    CHECK(tc_clunk(c, 50) == 0);
    CHECK(!host_exists("outside/evil"));
    CHECK(tc_renameat(c, 1, "hello.txt", 1, "../outside/x") == -EINVAL);
    CHECK(tc_symlink(c, 1, "a/b", "x", NULL) == -EINVAL);

    /* A directory moved out of the export behind the server's back (a
     * rename race) must not become a way out: ".." from it is refused. */
    mkdir(path_of("rw/racer"), 0777);
    chmod(path_of("rw/racer"), 0777);
    CHECK(tc_walk1(c, 1, 52, "racer") == 0);
    CHECK(rename(path_of("rw/racer"), path_of("outside/racer")) == 0);
    CHECK(tc_walk1(c, 52, 53, "..") < 0);
    {
        const char *up_secret[] = { "..", "secret.txt" };

        CHECK(tc_walk(c, 52, 53, 2, up_secret, qs) < 0);
    }
    CHECK(tc_remove(c, 52) < 0 || !host_exists("outside/racer"));
    rmdir(path_of("outside/racer"));
    CHECK(!strcmp(host_read("outside/secret.txt"), "SECRET\n"));
}

/* Can a host process take a write lock on (rel) right now? */
static bool host_can_wrlock(const char *rel)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    bool ok;
    int fd;

    fd = open(path_of(rel), O_RDWR);
    if (fd < 0)
        return false;
    ok = fcntl(fd, F_OFD_SETLK, &fl) == 0;
    close(fd);
    return ok;
}

static mode_t host_mode(const char *rel)
{
    struct stat st;

    return lstat(path_of(rel), &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

/*
 * The host moves a directory and a file out of the rw export while the
 * guest holds fids on them (and on a file inside the directory): no
 * metadata change may reach them through those fids. Landlock covers
 * only some of these, so the server checks beneath-ness itself.
 */
static void test_moved_out(struct tc *c)
{
    const uint32_t fids[] = { 70, 71, 72 };
    const char *moved[] = { "outside/mv", "outside/mv/f.txt",
                            "outside/mvfile.txt" };
    const char *up[] = { "..", "..", "mv" };
    const char *owned[] = { "rw/mv", "rw/mv/f.txt", "rw/mvfile.txt",
                            "rw/stays.txt" };
    struct tc_qid qs[2];

    mkdir(path_of("rw/mv"), 0755);
    chmod(path_of("rw/mv"), 0755);
    put_file("rw/mv/f.txt", "moved\n", 0644);
    put_file("rw/mvfile.txt", "file\n", 0644);
    put_file("rw/stays.txt", "stays\n", 0644);
    /* Owned by the server's identity, so only the beneath check (not the
     * owner check) can refuse the changes below. */
    for (int i = 0; i < 4; i++)
        CHECK(lchown(path_of(owned[i]), server_uid(), server_gid()) == 0);
    CHECK(tc_walk1(c, 1, 70, "mv") == 0);
    CHECK(tc_walk(c, 1, 71, 2, (const char *[]){ "mv", "f.txt" }, qs) == 2);
    CHECK(tc_walk1(c, 1, 72, "mvfile.txt") == 0);
    CHECK(tc_walk1(c, 1, 73, "stays.txt") == 0);
    CHECK(rename(path_of("rw/mv"), path_of("outside/mv")) == 0);
    CHECK(rename(path_of("rw/mvfile.txt"), path_of("outside/mvfile.txt")) == 0);
    for (int i = 0; i < 3; i++) {
        CHECK(tc_setattr(c, fids[i], 0x1, 0777, 0, 0, 0, 0, 0) < 0);
        CHECK(tc_setattr(c, fids[i], 0x2 | 0x4, 0, 0, 0, 0, 0, 0) < 0);
        CHECK(tc_setattr(c, fids[i], 0x10 | 0x20 | 0x80 | 0x100, 0, 0, 0, 0,
                         1, 1) < 0);
        CHECK(tc_walk1(c, fids[i], 74, up[i]) < 0 || tc_clunk(c, 74) == 0);
    }
    CHECK(tc_setattr(c, 71, 0x8, 0, 0, 0, 0, 0, 0) < 0);
    CHECK(tc_rename(c, 71, 1, "back.txt") < 0);
    CHECK(tc_link(c, 1, 72, "back2.txt") < 0);
    CHECK(tc_remove(c, 72) < 0);        /* clunks fid 72 */
    CHECK(tc_remove(c, 70) < 0);        /* clunks fid 70 */
    CHECK(host_mode("outside/mv") == 0755);
    CHECK(host_mode("outside/mv/f.txt") == 0644);
    CHECK(host_mode("outside/mvfile.txt") == 0644);
    CHECK(host_read("outside/mv/f.txt") &&
          !strcmp(host_read("outside/mv/f.txt"), "moved\n"));
    CHECK(!host_exists("rw/back.txt") && !host_exists("rw/back2.txt"));
    for (int i = 0; i < 3; i++) {
        struct stat st;

        CHECK(lstat(path_of(moved[i]), &st) == 0 && st.st_mtime > 1);
    }
    /* What stays in the export is still changed as asked. */
    CHECK(tc_setattr(c, 73, 0x1, 0600, 0, 0, 0, 0, 0) == 0);
    CHECK(host_mode("rw/stays.txt") == 0600);
    CHECK(tc_clunk(c, 71) == 0);
    CHECK(tc_clunk(c, 73) == 0);
    unlink(path_of("outside/mv/f.txt"));
    rmdir(path_of("outside/mv"));
    unlink(path_of("outside/mvfile.txt"));
    unlink(path_of("rw/stays.txt"));
    unlink(path_of("rw/back.txt"));
    unlink(path_of("rw/back2.txt"));
}

static void test_readonly(struct tc *c)
{
    struct tc_qid q;
    char buf[64];

    CHECK(tc_walk1(c, 2, 60, "file.txt") == 0);
    CHECK(tc_lopen(c, 60, O_WRONLY, &q) == -EROFS);
    CHECK(tc_lopen(c, 60, O_RDWR, &q) == -EROFS);
    CHECK(tc_lopen(c, 60, O_RDONLY | O_TRUNC, &q) == -EROFS);
    CHECK(tc_setattr(c, 60, 0x8, 0, 0, 0, 0, 0, 0) == -EROFS);
    CHECK(tc_setattr(c, 60, 0x1, 0777, 0, 0, 0, 0, 0) == -EROFS);
    CHECK(tc_lopen(c, 60, O_RDONLY, &q) == 0);
    CHECK(tc_write(c, 60, 0, "x", 1) == -EROFS);
    CHECK(tc_read(c, 60, 0, sizeof(buf), buf) == 9);
    /* No host lock through a read-only mount: a host writer still locks. */
    CHECK(tc_lock(c, 60, 0, 0, 0) == -EROFS);
    CHECK(tc_lock(c, 60, 1, 0, 0) == -EROFS);
    CHECK(tc_getlock(c, 60, 1, 0, 0) == -EROFS);
    CHECK(host_can_wrlock("ro/file.txt"));
    CHECK(tc_clunk(c, 60) == 0);
    CHECK(tc_walk(c, 2, 61, 0, NULL, NULL) == 0);
    CHECK(tc_lcreate(c, 61, "new", O_RDWR, 0644, &q) == -EROFS);
    CHECK(tc_clunk(c, 61) == 0);
    CHECK(tc_mkdir(c, 2, "d2", 0755, &q) == -EROFS);
    CHECK(tc_mknod(c, 2, "f2", S_IFREG | 0644, 0, 0) == -EROFS);
    CHECK(tc_symlink(c, 2, "s2", "x", &q) == -EROFS);
    CHECK(tc_unlinkat(c, 2, "file.txt", 0) == -EROFS);
    CHECK(tc_unlinkat(c, 2, "dir", 0x200) == -EROFS);
    CHECK(tc_renameat(c, 2, "file.txt", 2, "moved") == -EROFS);
    CHECK(tc_renameat(c, 1, "hello.txt", 2, "stolen") == -EROFS);
    CHECK(tc_walk1(c, 2, 62, "file.txt") == 0);
    CHECK(tc_link(c, 1, 62, "ln") == -EROFS);
    CHECK(tc_rename(c, 62, 1, "moved") == -EROFS);
    CHECK(tc_remove(c, 62) == -EROFS);
    CHECK(tc_clunk(c, 3) == 0);
    CHECK(tc_attach(c, 3, "/single", NULL) == 0);
    CHECK(tc_lopen(c, 3, O_RDWR, NULL) == -EROFS);
    CHECK(!strcmp(host_read("ro/file.txt"), "readonly\n"));
    CHECK(host_exists("ro/dir") && !host_exists("ro/d2") &&
          !host_exists("ro/new"));
    CHECK(!strcmp(host_read("single.txt"), "single file\n"));
}

static void test_malformed(struct tc *c)
{
    uint8_t msg[64];
    char names[1024];

    tc_begin(c, 200);                                  /* unknown type */
    tc_u32(c, 1);
    CHECK(tc_rpc(c) == -EOPNOTSUPP);
    tc_begin(c, 105);                                  /* an R-message */
    CHECK(tc_rpc(c) == -EOPNOTSUPP);
    tc_begin(c, 104);                                  /* truncated string */
    tc_u32(c, 70);
    tc_u32(c, TC_NOFID);
    tc_u16(c, 500);
    tc_raw(c, "abc", 3);
    CHECK(tc_rpc(c) == -EPROTO);
    tc_begin(c, 110);                                  /* truncated walk */
    tc_u32(c, 1);
    tc_u32(c, 71);
    tc_u16(c, 3);
    tc_str(c, "sub");
    CHECK(tc_rpc(c) == -EPROTO);
    CHECK(tc_clunk(c, 71) == -EBADF);
    tc_begin(c, 110);                                  /* NUL in a name */
    tc_u32(c, 1);
    tc_u32(c, 71);
    tc_u16(c, 1);
    tc_u16(c, 5);
    tc_raw(c, "sub\0x", 5);
    CHECK(tc_rpc(c) == -EINVAL);
    tc_begin(c, 118);                                  /* count > data */
    tc_u32(c, 1);
    tc_u64(c, 0);
    tc_u32(c, 1000);
    tc_raw(c, "abc", 3);
    CHECK(tc_rpc(c) == -EPROTO);
    tc_begin(c, 120);                                  /* empty clunk */
    CHECK(tc_rpc(c) == -EPROTO);
    CHECK(tc_getattr(c, 12345, NULL) == -EBADF);
    CHECK(tc_clunk(c, TC_NOFID) == -EBADF);
    CHECK(tc_attach(c, TC_NOFID, "/rw", NULL) == -EBADF);
    /* A huge read count is capped to msize. */
    CHECK(tc_walk1(c, 1, 72, "hello.txt") == 0);
    CHECK(tc_lopen(c, 72, O_RDONLY, NULL) == 0);
    tc_begin(c, 116);
    tc_u32(c, 72);
    tc_u64(c, 0);
    tc_u32(c, 0xffffffffu);
    CHECK(tc_rpc(c) == 0 && tc_r32(c) == 12);
    tc_begin(c, 116);
    tc_u32(c, 72);
    tc_u64(c, 1ull << 63);
    tc_u32(c, 10);
    CHECK(tc_rpc(c) == -EINVAL);
    CHECK(tc_clunk(c, 72) == 0);
    CHECK(tc_readdir_names(c, 1, names, sizeof(names)) == -EBADF);
    /* Still serving after all that. */
    CHECK(tc_walk1(c, 1, 73, "sub") == 0 && tc_clunk(c, 73) == 0);
    (void)msg;
}

/* Framing errors close the connection without a crash. */
static void test_framing(bool sandbox)
{
    static const uint8_t tiny[] = { 5, 0, 0, 0, 100 };
    uint8_t big[8] = { 0xff, 0xff, 0xff, 0x7f, 100, 0, 0 };
    struct tc c;
    pid_t pid;
    int fd;

    fd = start_server(sandbox, &pid);
    tc_init(&c, fd);
    CHECK(tc_attach(&c, 1, "/rw", NULL) == -EPROTO);   /* before Tversion */
    CHECK(tc_send_raw(&c, tiny, sizeof(tiny)) == -EPIPE);
    CHECK(stop_server(fd, pid) == 3);
    tc_fini(&c);

    fd = start_server(sandbox, &pid);
    tc_init(&c, fd);
    session(&c, 8192);
    CHECK(tc_send_raw(&c, big, sizeof(big)) == -EPIPE);
    CHECK(stop_server(fd, pid) == 3);
    tc_fini(&c);

    fd = start_server(sandbox, &pid);                  /* EOF mid-message */
    tc_init(&c, fd);
    session(&c, 8192);
    CHECK(write(fd, "\x20\0\0\0\x78\1", 6) == 6);
    shutdown(fd, SHUT_WR);
    CHECK(stop_server(fd, pid) == 3);
    tc_fini(&c);

    fd = start_server(sandbox, &pid);                  /* clean EOF */
    tc_init(&c, fd);
    session(&c, 8192);
    CHECK(stop_server(fd, pid) == 0);
    tc_fini(&c);
}

/* Random bodies for every message type: only replies or a clean close. */
static void test_fuzz(bool sandbox)
{
    static const uint8_t types[] = { 8, 12, 14, 16, 18, 20, 22, 24, 26, 30,
                                     32, 40, 50, 52, 54, 70, 72, 74, 76,
                                     104, 108, 110, 116, 118, 120, 122 };
    uint8_t body[96];
    struct tc c;
    pid_t pid;
    int fd, code, replies = 0;

    srand(1234);
    fd = start_server(sandbox, &pid);
    tc_init(&c, fd);
    session(&c, 65536);
    CHECK(tc_attach(&c, 1, "/rw", NULL) == 0);
    CHECK(tc_attach(&c, 2, "/ro", NULL) == 0);
    for (int i = 0; i < 5000 && !c.closed; i++) {
        size_t n = (size_t)rand() % sizeof(body);

        for (size_t k = 0; k < n; k++)
            body[k] = (uint8_t)rand();
        /* Small fids and names so that some requests get somewhere. */
        if (n >= 4 && rand() % 2) {
            body[0] = (uint8_t)(rand() % 4);
            body[1] = body[2] = body[3] = 0;
        }
        if (n >= 12 && rand() % 2) {
            body[4] = (uint8_t)(rand() % 6);
            body[5] = body[6] = body[7] = 0;
            body[8] = 2;
            body[9] = 0;
            body[10] = 'f';
            body[11] = (uint8_t)('a' + rand() % 3);
        }
        tc_begin(&c, types[(size_t)rand() % sizeof(types)]);
        tc_raw(&c, body, n);
        if (tc_rpc(&c) != -EPIPE)
            replies++;
    }
    CHECK(replies == 5000);
    code = stop_server(fd, pid);
    CHECK(code == 0);
    tc_fini(&c);
}

/* Open one mount the way a server starts; the error it gives. */
static int try_mount(const char *host, bool pinned, const struct stat *st)
{
    struct mon_mount m = {
        .host = host, .guest = "/m", .pinned = pinned,
        .dev = st->st_dev, .ino = st->st_ino,
    };
    struct mon_p9srv_config cfg = {
        .mounts = &m, .nmounts = 1,
        .uid = server_uid(), .gid = server_gid(),
    };
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        struct mon_p9srv *srv;
        int err = mon_p9srv_new(&cfg, &srv);

        if (!err)
            err = mon_p9srv_sandbox(srv);
        _exit(-err);
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
        return -1000;
    return -WEXITSTATUS(status);
}

/* A pinned mount (the user's -v, the cwd) follows no symlink to its root
 * and must be the object the monitor pinned: a guest of an earlier run may
 * have planted work/out -> /victim, or swap one in while lbox starts. */
static void test_pinned(void)
{
    struct stat rw, ro, single;

    CHECK(stat(path_of("rw"), &rw) == 0);
    CHECK(stat(path_of("ro"), &ro) == 0);
    CHECK(stat(path_of("single.txt"), &single) == 0);
    CHECK(symlink("rw", path_of("to_rw")) == 0);
    CHECK(symlink("single.txt", path_of("to_single")) == 0);
    CHECK(try_mount(path_of("rw"), true, &rw) == 0);
    CHECK(try_mount(path_of("single.txt"), true, &single) == 0);
    CHECK(try_mount(path_of("rw"), true, &ro) == -ESTALE);
    CHECK(try_mount(path_of("single.txt"), true, &rw) == -ESTALE);
    CHECK(try_mount(path_of("to_rw"), true, &rw) == -ELOOP);
    CHECK(try_mount(path_of("to_rw/sub"), true, &rw) == -ELOOP);
    CHECK(try_mount(path_of("to_single"), true, &single) == -ELOOP);
    /* The system view's own paths are trusted and followed. */
    CHECK(try_mount(path_of("to_rw"), false, &ro) == 0);
    unlink(path_of("to_rw"));
    unlink(path_of("to_single"));
}

/* The confined server is in a network and IPC namespace of its own and
 * under its seccomp allowlist: a socket() kills it. */
static void test_confined(void)
{
    struct mon_mount m = { .host = path_of("ro"), .guest = "/ro" };
    struct mon_p9srv_config cfg = {
        .mounts = &m, .nmounts = 1,
        .uid = server_uid(), .gid = server_gid(),
    };
    char path[64], mine[64] = "", its[64] = "", status[4096];
    int ready[2], go[2], st = 0, fd;
    ssize_t n;
    pid_t pid;

    CHECK(pipe(ready) == 0 && pipe(go) == 0);
    pid = fork();
    if (pid == 0) {
        struct mon_p9srv *srv;
        char c;

        if (mon_p9srv_new(&cfg, &srv) || mon_p9srv_sandbox(srv))
            _exit(10);
        if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(11);
        socket(AF_INET, SOCK_STREAM, 0);
        _exit(12);
    }
    close(ready[1]);
    close(go[0]);
    CHECK(read(ready[0], status, 1) == 1);
    CHECK(readlink("/proc/self/ns/net", mine, sizeof(mine) - 1) > 0);
    snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
    CHECK(readlink(path, its, sizeof(its) - 1) > 0);
    CHECK(strcmp(mine, its) != 0);
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    fd = open(path, O_RDONLY);
    n = fd >= 0 ? read(fd, status, sizeof(status) - 1) : -1;
    status[n > 0 ? n : 0] = 0;
    close(fd);
    CHECK(strstr(status, "Seccomp:\t2") != NULL);
    CHECK(write(go[1], "g", 1) == 1);
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
    close(ready[0]);
    close(go[1]);
}

static void run_all(bool sandbox)
{
    struct tc c;
    pid_t pid;
    int fd;

    g_sandboxed = sandbox;
    fd = start_server(sandbox, &pid);
    tc_init(&c, fd);
    test_version_attach(&c);
    test_read_walk(&c);
    test_readdir(&c);
    test_modify(&c);
    test_statfs_lock(&c);
    test_escapes(&c);
    test_moved_out(&c);
    test_readonly(&c);
    test_malformed(&c);
    CHECK(stop_server(fd, pid) == 0);
    tc_fini(&c);
    test_framing(sandbox);
    test_fuzz(sandbox);
    if (sandbox) {
        test_pinned();
        test_confined();
    }
}

int main(void)
{
    char cmd[PATH_MAX + 16];

    setvbuf(stdout, NULL, _IONBF, 0);
    for (int sandbox = 0; sandbox < 2; sandbox++) {
        setup_tree();
        run_all(sandbox);
        snprintf(cmd, sizeof(cmd), "rm -rf %s", g_top);
        if (system(cmd) != 0)
            printf("warning: could not remove %s\n", g_top);
    }
    printf("p9srv: %d passed, %d failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}
