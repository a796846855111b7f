/* SPDX-License-Identifier: MIT */
/*
 * Microbenchmarks for bench/run: `micro OP COUNT [PATH]` does OP COUNT
 * times and prints the nanoseconds one took, timed inside the process
 * (natively or in a sandbox alike) so start-up does not count.
 *
 *   getpid, clock_gettime     a trivial syscall, a clock read
 *   open PATH                 open+close
 *   open-tmp PATH             open+close of a file it creates first as
 *                             PATH.PID (so runs do not collide) and
 *                             unlinks at the end: PATH may be in a fresh
 *                             tmpfs, such as a sandbox's own /tmp
 *   stat PATH                 stat
 *   read PATH                 read the whole file in 1 MiB reads, COUNT
 *                             times (prints ns per pass)
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int one(const char *op, const char *path, char *buf)
{
    struct timespec ts;
    struct stat st;
    ssize_t n;
    int fd;

    if (!strcmp(op, "getpid"))
        return syscall(SYS_getpid) > 0 ? 0 : -1;
    if (!strcmp(op, "clock_gettime"))
        return clock_gettime(CLOCK_MONOTONIC, &ts);
    if (!strcmp(op, "stat"))
        return stat(path, &st);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (!strcmp(op, "read"))
        while ((n = read(fd, buf, 1 << 20)) > 0)
            ;
    return close(fd);
}

int main(int argc, char **argv)
{
    static const char *const ops[] = {"getpid", "clock_gettime", "open",
                                      "open-tmp", "stat", "read"};
    const char *op = argc > 2 ? argv[1] : "";
    const char *path = argc > 3 ? argv[3] : NULL;
    char tmp[4096];
    long count = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    char *buf = malloc(1 << 20);
    bool known = false;
    long long t0;

    for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++)
        known |= !strcmp(op, ops[i]);
    if (!known || count <= 0 || !buf || (!path && strcmp(op, "getpid") &&
                                         strcmp(op, "clock_gettime"))) {
        fprintf(stderr, "usage: micro getpid|clock_gettime|open|open-tmp|"
                "stat|read COUNT [PATH]\n");
        return 2;
    }
    if (!strcmp(op, "open-tmp")) {
        int fd;

        snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
        path = tmp;
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 || close(fd) < 0) {
            perror(path);
            return 1;
        }
    }
    if (one(op, path, buf) < 0) {   /* and warm */
        perror(op);
        return 1;
    }
    t0 = now_ns();
    for (long i = 0; i < count; i++)
        one(op, path, buf);
    printf("%lld\n", (now_ns() - t0) / count);
    free(buf);
    if (path == tmp && unlink(tmp) < 0) {
        perror(tmp);
        return 1;
    }
    return 0;
}
