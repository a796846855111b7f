// SPDX-License-Identifier: MIT
// Integration test (guest program): the minimal procfs: /proc/self/exe,
// fd, maps, status and /proc/cpuinfo, meminfo, mounts.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "check.h"

static char g_buf[1 << 20];

/* Reads a whole (proc) file into g_buf; returns its length or -1. */
static long slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long len = 0;
    ssize_t n;
    while ((n = read(fd, g_buf + len, sizeof(g_buf) - 1 - len)) > 0)
        len += n;
    close(fd);
    g_buf[len] = 0;
    return n < 0 ? -1 : len;
}

int main(int argc, char **argv)
{
    char buf[4096], name[64];
    (void)argc;
    test_begin();
    scratch_make();
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1
                                             : argv[0];

    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK(n > 0 && buf[0] == '/', "readlink /proc/self/exe absolute");
    const char *slash = strrchr(buf, '/');
    CHECK(slash && !strcmp(slash + 1, base), "/proc/self/exe names program");
    struct stat a, b;
    CHECK(stat("/proc/self/exe", &a) == 0 && stat(buf, &b) == 0 &&
              a.st_size == b.st_size,
          "stat /proc/self/exe is the program");

    int fd = open(sp("f"), O_CREAT | O_RDWR, 0600);
    DIR *d = opendir("/proc/self/fd");
    CHECK(d != NULL, "opendir /proc/self/fd");
    int seen[3] = {0}, seen_fd = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int v = atoi(e->d_name);
        if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && v < 3)
            seen[v] = 1;
        seen_fd |= e->d_name[0] != '.' && v == fd;
    }
    if (d)
        closedir(d);
    CHECK(seen[0] && seen[1] && seen[2], "/proc/self/fd lists 0 1 2");
    CHECK(seen_fd, "/proc/self/fd lists an opened file");
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK(!strcmp(buf, sp("f")), "/proc/self/fd/N names the file");
    close(fd);
    CHECK_ERR(readlink("/proc/self/fd/999", buf, sizeof(buf)), ENOENT,
              "/proc/self/fd/999 missing");

    CHECK(slurp("/proc/self/maps") > 0, "read /proc/self/maps");
    CHECK(strstr(g_buf, base) != NULL, "maps names the program");
    CHECK(strstr(g_buf, "r-xp") != NULL || strstr(g_buf, "r-xs") != NULL,
          "maps has an executable mapping");

    CHECK(slurp("/proc/self/status") > 0, "read /proc/self/status");
    char want[64];
    snprintf(want, sizeof(want), "Name:\t%.15s\n", base);
    CHECK(strstr(g_buf, want) != NULL, "status Name is comm");
    snprintf(want, sizeof(want), "\nPid:\t%d\n", (int)getpid());
    CHECK(strstr(g_buf, want) != NULL, "status Pid is getpid");

    CHECK(slurp("/proc/cpuinfo") > 0 && strstr(g_buf, "processor"),
          "cpuinfo has processor");
    CHECK(slurp("/proc/meminfo") > 0 && strstr(g_buf, "MemTotal:"),
          "meminfo has MemTotal");
    long len = slurp("/proc/mounts");
    CHECK(len > 0, "mounts non-empty");
    int fields = 0;
    for (char *p = strtok(g_buf, " \n"); p && fields < 6;
         p = strtok(NULL, " \n"))
        fields++;
    CHECK(fields == 6, "mounts line has 6 fields");
    snprintf(name, sizeof(name), "open missing proc file");
    CHECK_ERR(open("/proc/self/no-such-file", O_RDONLY), ENOENT, name);
    scratch_remove();
    return test_end();
}
