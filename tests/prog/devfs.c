// SPDX-License-Identifier: MIT
// Integration test (guest program): device files: /dev/null, /dev/zero,
// /dev/full, /dev/random, /dev/urandom and the /dev/std* links.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "check.h"

static void node(const char *path, unsigned maj, unsigned min)
{
    struct stat st;
    char name[64];
    snprintf(name, sizeof(name), "%s is char %u:%u", path, maj, min);
    CHECK(stat(path, &st) == 0 && S_ISCHR(st.st_mode) &&
              major(st.st_rdev) == maj && minor(st.st_rdev) == min,
          name);
}

int main(void)
{
    char buf[256];
    test_begin();

    node("/dev/null", 1, 3);
    node("/dev/zero", 1, 5);
    node("/dev/full", 1, 7);
    node("/dev/random", 1, 8);
    node("/dev/urandom", 1, 9);

    int fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0, "open /dev/null");
    CHECK_EQ(write(fd, "discard", 7), 7, "write /dev/null");
    CHECK_EQ(read(fd, buf, sizeof(buf)), 0, "read /dev/null EOF");
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0, "lseek /dev/null");
    close(fd);

    fd = open("/dev/zero", O_RDWR);
    CHECK(fd >= 0, "open /dev/zero");
    memset(buf, 0xff, sizeof(buf));
    CHECK_EQ(read(fd, buf, sizeof(buf)), sizeof(buf), "read /dev/zero");
    int zero = 1;
    for (size_t i = 0; i < sizeof(buf); i++)
        zero &= buf[i] == 0;
    CHECK(zero, "/dev/zero gives zeros");
    CHECK_EQ(write(fd, "x", 1), 1, "write /dev/zero");
    close(fd);

    fd = open("/dev/full", O_RDWR);
    CHECK(fd >= 0, "open /dev/full");
    CHECK_ERR(write(fd, "x", 1), ENOSPC, "write /dev/full");
    memset(buf, 0xff, 16);
    CHECK(read(fd, buf, 16) == 16 && buf[0] == 0 && buf[15] == 0,
          "read /dev/full gives zeros");
    close(fd);

    static const char *rnd[] = {"/dev/urandom", "/dev/random"};
    for (int k = 0; k < 2; k++) {
        unsigned char a[64], b[64];
        char name[64];
        fd = open(rnd[k], O_RDONLY);
        snprintf(name, sizeof(name), "read %s twice", rnd[k]);
        CHECK(fd >= 0 && read(fd, a, 64) == 64 && read(fd, b, 64) == 64,
              name);
        snprintf(name, sizeof(name), "%s reads differ", rnd[k]);
        CHECK(memcmp(a, b, 64) != 0, name);
        close(fd);
    }

    /* /dev/std* are links to /proc/self/fd/N, as on Linux. */
    static const char *std[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
    for (int k = 0; k < 3; k++) {
        char want[32], name[64];
        ssize_t n = readlink(std[k], buf, sizeof(buf) - 1);
        buf[n > 0 ? n : 0] = 0;
        snprintf(want, sizeof(want), "/proc/self/fd/%d", k);
        snprintf(name, sizeof(name), "%s -> %s", std[k], want);
        CHECK(!strcmp(buf, want), name);
    }
    fd = open("/dev/stdout", O_WRONLY);
    CHECK(fd >= 0, "open /dev/stdout");
    close(fd);
    CHECK_ERR(open("/dev/nonexistent-device", O_RDONLY), ENOENT,
              "open missing device");
    CHECK_ERR(open("/dev/null/x", O_RDONLY), ENOTDIR, "path through device");
    return test_end();
}
