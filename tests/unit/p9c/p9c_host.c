/* SPDX-License-Identifier: MIT */
/*
 * Host side of the 9P client tests (glibc, test-only): builds temp trees,
 * runs Debian's diod as the real 9P2000.L peer on a socketpair, and forks a
 * fake server that answers with deliberately malformed replies.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "p9c_host.h"

#define DIOD_PATH "/usr/sbin/diod"

static pid_t g_child = -1;

/* Write all of (buf) to (fd) (to_fd) or fill it from (fd); 0, or -1 on an
 * error or end of file. */
static int io_all(int fd, void *buf, size_t size, bool to_fd)
{
    char *p = buf;

    while (size > 0) {
        ssize_t n = to_fd ? write(fd, p, size) : read(fd, p, size);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

static int write_all(int fd, const void *buf, size_t size)
{
    return io_all(fd, (void *)buf, size, true);
}

static int read_all(int fd, void *buf, size_t size)
{
    return io_all(fd, buf, size, false);
}

int p9c_host_write_file(const char *path, const void *buf, unsigned long size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ret;

    if (fd < 0)
        return -1;
    ret = write_all(fd, buf, size);
    close(fd);
    return ret;
}

long p9c_host_read_file(const char *path, void *buf, unsigned long size)
{
    int fd = open(path, O_RDONLY);
    unsigned long total = 0;

    if (fd < 0)
        return -1;
    while (total < size) {
        ssize_t n = read(fd, (char *)buf + total, size - total);

        if (n <= 0)
            break;
        total += (unsigned long)n;
    }
    close(fd);
    return (long)total;
}

int p9c_host_exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

int p9c_host_setup(char *dir, unsigned long size)
{
    char path[4096];
    size_t len;

    signal(SIGPIPE, SIG_IGN);
    if (snprintf(dir, size, "/tmp/p9c-XXXXXX") >= (int)size || !mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/hello.txt", dir);
    if (p9c_host_write_file(path, "hello, 9p\n", 10))
        return -1;
    snprintf(path, sizeof(path), "%s/sub", dir);
    if (mkdir(path, 0755))
        return -1;
    snprintf(path, sizeof(path), "%s/sub/inner.txt", dir);
    if (p9c_host_write_file(path, "inner\n", 6))
        return -1;
    snprintf(path, sizeof(path), "%s/link", dir);
    if (symlink("hello.txt", path))
        return -1;
    snprintf(path, sizeof(path), "%s/deep", dir);
    if (mkdir(path, 0755))
        return -1;
    len = strlen(path);
    for (int i = 0; i < 20; i++) {
        snprintf(path + len, sizeof(path) - len, "/d");
        len += 2;
        if (mkdir(path, 0755))
            return -1;
    }
    return 0;
}

void p9c_host_cleanup(const char *dir)
{
    pid_t pid;

    if (strncmp(dir, "/tmp/p9c-", 9) != 0)
        return;
    pid = fork();
    if (pid == 0) {
        execl("/bin/rm", "rm", "-rf", "--", dir, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

int p9c_host_have_diod(void)
{
    return access(DIOD_PATH, X_OK) == 0;
}

/*
 * Fork a peer on a fresh socketpair, like fork(): 0 in the child with the
 * peer's end in *(fd); 1 in the parent with its own end in *(fd), the child
 * left for reap(); or -1.
 */
static int fork_peer(int *fd)
{
    int sv[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(sv[0]);
        *fd = sv[1];
        return 0;
    }
    close(sv[1]);
    g_child = pid;
    *fd = sv[0];
    return 1;
}

int p9c_host_diod_start(const char *dir)
{
    char fdarg[16];
    int fd, ret = fork_peer(&fd);

    if (ret == 0) {
        fd = dup(fd); /* without CLOEXEC */
        snprintf(fdarg, sizeof(fdarg), "%d", fd);
        /* P9C_DIOD_DEBUG=1 makes diod log every message to stderr. */
        execl(DIOD_PATH, "diod", "-f", "-n", "-N", "-c", "/dev/null",
              "-L", "stderr", "-r", fdarg, "-w", fdarg, "-e", dir,
              "-d", getenv("P9C_DIOD_DEBUG") ? "1" : "0", (char *)NULL);
        _exit(127);
    }
    return ret < 0 ? -1 : fd;
}

static void reap(int fd)
{
    close(fd);
    if (g_child > 0) {
        int st;

        if (waitpid(g_child, &st, WNOHANG) == 0) {
            usleep(100000);
            if (waitpid(g_child, &st, WNOHANG) == 0) {
                kill(g_child, SIGTERM);
                waitpid(g_child, &st, 0);
            }
        }
    }
    g_child = -1;
}

void p9c_host_diod_stop(int fd)
{
    reap(fd);
}

/* --- the fake server ------------------------------------------------------ */

struct msg {
    uint8_t b[70000];
    size_t n;
};

static void put8(struct msg *m, uint8_t v) { m->b[m->n++] = v; }
static void put16(struct msg *m, uint16_t v)
{
    put8(m, (uint8_t)v);
    put8(m, (uint8_t)(v >> 8));
}
static void put32(struct msg *m, uint32_t v)
{
    put16(m, (uint16_t)v);
    put16(m, (uint16_t)(v >> 16));
}
static void put64(struct msg *m, uint64_t v)
{
    put32(m, (uint32_t)v);
    put32(m, (uint32_t)(v >> 32));
}
static void putraw(struct msg *m, const void *data, size_t size)
{
    memcpy(m->b + m->n, data, size);
    m->n += size;
}
static void putfill(struct msg *m, uint8_t c, size_t size)
{
    memset(m->b + m->n, c, size);
    m->n += size;
}
static void putstr(struct msg *m, const char *s)
{
    size_t len = strlen(s);

    put16(m, (uint16_t)len);
    putraw(m, s, len);
}
static void putqid(struct msg *m, uint8_t type, uint64_t path)
{
    put8(m, type);
    put32(m, 0);
    put64(m, path);
}
/* One Rreaddir entry: qid[13] offset[8] type[1] name[s]. */
static void putdirent(struct msg *m, uint8_t qtype, uint64_t path,
                      uint64_t off, uint8_t dtype, const char *name)
{
    putqid(m, qtype, path);
    put64(m, off);
    put8(m, dtype);
    putstr(m, name);
}
/* count[4] data[count] with the bytes of (e). */
static void putdata(struct msg *m, const struct msg *e)
{
    put32(m, (uint32_t)e->n);
    putraw(m, e->b, e->n);
}
static void begin(struct msg *m, uint8_t type, uint16_t tag)
{
    m->n = 0;
    put32(m, 0);
    put8(m, type);
    put16(m, tag);
}
static void finish(struct msg *m)
{
    uint32_t size = (uint32_t)m->n;

    memcpy(m->b, &size, 4);
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static void rversion(struct msg *m, uint16_t tag, uint32_t msize,
                     const char *version)
{
    begin(m, 101, tag);
    put32(m, msize);
    putstr(m, version);
}

/* An Rgetattr body of (mode), size 4096. */
static void put_attr(struct msg *m, uint32_t mode, uint8_t qtype)
{
    put64(m, 0x7ff);
    putqid(m, qtype, 1);
    put32(m, mode);
    put32(m, 0);
    put32(m, 0);
    for (int i = 0; i < 15; i++) /* nlink .. data_version */
        put64(m, i == 2 ? 4096 : 1);
}

/* One Rlistdir entry: a dirent, attributes of (mode) (0: none, valid 0)
 * and (link). */
static void put_listent(struct msg *e, uint8_t qtype, uint64_t off,
                        uint8_t dtype, const char *name, uint32_t mode,
                        const char *link)
{
    putdirent(e, qtype, 2, off, dtype, name);
    if (mode) {
        put_attr(e, mode, qtype);
    } else {
        for (int i = 0; i < 153; i++)
            put8(e, 0);
    }
    putstr(e, link);
}

/* Build the well-formed reply to request (req) into (m). */
static void good_reply(struct msg *m, const uint8_t *req, uint32_t msize,
                       int *readdir_calls)
{
    uint8_t type = req[4];
    uint16_t tag = (uint16_t)(req[5] | req[6] << 8);

    switch (type) {
    case 100: /* Tversion */
        rversion(m, tag, get32(req + 7) < msize ? get32(req + 7) : msize,
                 "9P2000.L");
        break;
    case 104: /* Tattach */
        begin(m, 105, tag);
        putqid(m, 0x80, 1);
        break;
    case 110: { /* Twalk */
        uint16_t nw = (uint16_t)(req[15] | req[16] << 8);

        begin(m, 111, tag);
        put16(m, nw);
        for (uint16_t i = 0; i < nw; i++)
            putqid(m, 0, 100 + i);
        break;
    }
    case 116: { /* Tread */
        uint32_t count = get32(req + 19);

        if (count > 10)
            count = 10;
        begin(m, 117, tag);
        put32(m, count);
        putraw(m, "0123456789", count);
        break;
    }
    case 22: /* Treadlink */
        begin(m, 23, tag);
        putstr(m, "target");
        break;
    case 40: /* Treaddir */
        begin(m, 41, tag);
        if ((*readdir_calls)++ == 0) {
            struct msg e = {.n = 0};

            putdirent(&e, 0x80, 1, 1, 4, ".");
            putdirent(&e, 0, 2, 2, 8, "file");
            putdata(m, &e);
        } else {
            put32(m, 0);
        }
        break;
    case 24: /* Tgetattr */
        begin(m, 25, tag);
        put_attr(m, 040755, 0x80);
        break;
    case 134: { /* Tlistdir (lbox's own): ".", then a symlink, at once */
        struct msg e = {.n = 0};

        begin(m, 135, tag);
        put8(m, 1);
        put_listent(&e, 0x80, 1, 4, ".", 0, "");
        put_listent(&e, 0x02, 2, 10, "l", 0120777, "target");
        putdata(m, &e);
        break;
    }
    case 132: /* Twalkattr (lbox's own): a symlink */
        begin(m, 133, tag);
        put_attr(m, 0120777, 0x02);
        putstr(m, "target");
        break;
    case 120: /* Tclunk */
        begin(m, 121, tag);
        break;
    default:
        begin(m, 7, tag);
        put32(m, 38); /* ENOSYS */
        break;
    }
    finish(m);
}

/* The request type each scenario breaks the reply to (0: none). */
static const uint8_t g_broken_type[FAKE_COUNT] = {
    [FAKE_VERSION_STRING] = 100, [FAKE_VERSION_BIG_MSIZE] = 100,
    [FAKE_VERSION_TINY] = 100, [FAKE_VERSION_LERROR] = 100,
    [FAKE_ATTACH_TAG] = 104, [FAKE_ATTACH_TYPE] = 104,
    [FAKE_ATTACH_OVERSIZE] = 104, [FAKE_ATTACH_UNDERSIZE] = 104,
    [FAKE_ATTACH_TRUNC] = 104, [FAKE_ATTACH_EOF] = 104,
    [FAKE_ATTACH_HALF] = 104, [FAKE_LERROR_SHORT] = 104,
    [FAKE_LERROR_HUGE] = 24, [FAKE_LERROR_ZERO] = 24,
    [FAKE_WALK_NWQID] = 110, [FAKE_WALK_SHORT] = 110,
    [FAKE_READ_BEYOND] = 116, [FAKE_READ_TOO_MUCH] = 116,
    [FAKE_READLINK_TRUNC] = 22,
    [FAKE_READDIR_SLASH] = 40, [FAKE_READDIR_TOO_MUCH] = 40,
    [FAKE_GETATTR_SHORT] = 24,
    [FAKE_WALKATTR_FILE_LINK] = 132, [FAKE_WALKATTR_LINK_EMPTY] = 132,
    [FAKE_LISTDIR_FILE_LINK] = 134, [FAKE_LISTDIR_TYPE] = 134,
    [FAKE_LISTDIR_TOO_MUCH] = 134,
};

/* Replace (m) with the broken reply for (scenario), if this request is the
 * one it breaks. Returns 1 to close the connection right after. */
static int break_reply(int scenario, struct msg *m, const uint8_t *req,
                       int *lerror_done)
{
    uint8_t type = req[4];
    uint16_t tag = (uint16_t)(req[5] | req[6] << 8);

    if (scenario < 0 || scenario >= FAKE_COUNT ||
        !g_broken_type[scenario] || type != g_broken_type[scenario])
        return 0;
    switch (scenario) {
    case FAKE_VERSION_STRING:
        rversion(m, tag, 8192, "9P2000.u");
        break;
    case FAKE_VERSION_BIG_MSIZE:
        rversion(m, tag, get32(req + 7) + 1000, "9P2000.L");
        break;
    case FAKE_VERSION_TINY:
        rversion(m, tag, 512, "9P2000.L");
        break;
    case FAKE_VERSION_LERROR:
        begin(m, 7, tag);
        put32(m, 5);
        break;
    case FAKE_ATTACH_TAG:
        begin(m, 105, (uint16_t)(tag + 6));
        putqid(m, 0x80, 1);
        break;
    case FAKE_ATTACH_TYPE:
        begin(m, 111, tag);
        put16(m, 0);
        break;
    case FAKE_ATTACH_OVERSIZE:
        begin(m, 105, tag);
        putqid(m, 0x80, 1);
        finish(m);
        put32(m, 0);
        memcpy(m->b, &(uint32_t){1U << 24}, 4);
        return 1;
    case FAKE_ATTACH_UNDERSIZE:
        begin(m, 105, tag);
        memcpy(m->b, &(uint32_t){5}, 4);
        return 1;
    case FAKE_ATTACH_TRUNC:
        begin(m, 105, tag);
        put8(m, 0x80);
        put32(m, 0);
        put8(m, 1);
        break;
    case FAKE_ATTACH_EOF:
        m->n = 0;
        return 1;
    case FAKE_ATTACH_HALF:
        m->n = 3;
        return 1;
    case FAKE_LERROR_SHORT:
        begin(m, 7, tag);
        break;
    case FAKE_LERROR_HUGE:
    case FAKE_LERROR_ZERO:
        if ((*lerror_done)++)
            return 0;
        begin(m, 7, tag);
        put32(m, scenario == FAKE_LERROR_HUGE ? 1000000 : 0);
        break;
    case FAKE_WALK_NWQID:
        begin(m, 111, tag);
        put16(m, 3);
        for (int i = 0; i < 3; i++)
            putqid(m, 0, 100 + (uint64_t)i);
        break;
    case FAKE_WALK_SHORT:
        begin(m, 111, tag);
        put16(m, 2);
        putqid(m, 0, 100);
        break;
    case FAKE_READ_BEYOND:
        begin(m, 117, tag);
        put32(m, 1000);
        putraw(m, "0123456789", 10);
        break;
    case FAKE_READ_TOO_MUCH:
        begin(m, 117, tag);
        put32(m, get32(req + 19) + 10);
        putfill(m, 'x', get32(req + 19) + 10);
        break;
    case FAKE_READLINK_TRUNC:
        begin(m, 23, tag);
        put16(m, 100);
        putraw(m, "abc", 3);
        break;
    case FAKE_READDIR_SLASH: {
        struct msg e = {.n = 0};

        begin(m, 41, tag);
        putdirent(&e, 0, 2, 1, 8, "a/b");
        putdata(m, &e);
        break;
    }
    case FAKE_READDIR_TOO_MUCH:
        begin(m, 41, tag);
        put32(m, get32(req + 19) + 1);
        putfill(m, 0, get32(req + 19) + 1);
        break;
    case FAKE_GETATTR_SHORT:
        begin(m, 25, tag);
        put64(m, 0x7ff);
        putqid(m, 0x80, 1);
        break;
    case FAKE_WALKATTR_FILE_LINK:
        begin(m, 133, tag);
        put_attr(m, 0100644, 0);
        putstr(m, "target");
        break;
    case FAKE_LISTDIR_FILE_LINK:
    case FAKE_LISTDIR_TYPE: {
        struct msg e = {.n = 0};

        begin(m, 135, tag);
        put8(m, 1);
        if (scenario == FAKE_LISTDIR_TYPE)
            put_listent(&e, 0x80, 1, 4, "d", 0100644, "");
        else
            put_listent(&e, 0, 1, 8, "f", 0100644, "target");
        putdata(m, &e);
        break;
    }
    case FAKE_LISTDIR_TOO_MUCH:
        begin(m, 135, tag);
        put8(m, 1);
        put32(m, get32(req + 21) + 1);  /* the count asked, nwname 0 */
        break;
    case FAKE_WALKATTR_LINK_EMPTY:
        begin(m, 133, tag);
        put_attr(m, 0120777, 0x02);
        putstr(m, "");
        break;
    default:
        return 0;
    }
    finish(m);
    return 0;
}

static void fake_serve(int fd, int scenario)
{
    static struct msg req, rep;
    int readdir_calls = 0, lerror_done = 0;

    for (;;) {
        uint32_t size;
        int close_after;

        if (read_all(fd, req.b, 4))
            _exit(0);
        size = get32(req.b);
        if (size < 7 || size > sizeof(req.b) || read_all(fd, req.b + 4,
                                                         size - 4))
            _exit(1);
        good_reply(&rep, req.b, 8192, &readdir_calls);
        close_after = break_reply(scenario, &rep, req.b, &lerror_done);
        if (scenario == FAKE_GOOD) {
            for (size_t i = 0; i < rep.n; i++)
                if (write_all(fd, rep.b + i, 1))
                    _exit(0);
        } else if (write_all(fd, rep.b, rep.n)) {
            _exit(0);
        }
        if (close_after)
            _exit(0);
    }
}

int p9c_host_fake_start(int scenario)
{
    int fd, ret = fork_peer(&fd);

    if (ret == 0) {
        fake_serve(fd, scenario);
        _exit(0);
    }
    return ret < 0 ? -1 : fd;
}

void p9c_host_fake_stop(int fd)
{
    reap(fd);
}
