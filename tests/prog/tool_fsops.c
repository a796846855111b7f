// SPDX-License-Identifier: MIT
// Integration test helper (guest program, not compared natively): runs the
// file operations named on its command line, one after another, and prints
// "<op> <args>: ok", the data read, or the errno name, so shell cases can
// check sandbox file behaviour without needing fork in the guest.
//
// Ops: read P | write P TEXT | append P TEXT | mkdir P | rmdir P |
//      unlink P | rename A B | link A B | symlink TARGET P | readlink P |
//      chmod P OCTAL | truncate P LEN | stat P | ls P | chdir P
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "check.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void report(const char *op, const char *a, const char *b, int r)
{
    int e = errno;
    printf("%s %s%s%s: ", op, a, b ? " " : "", b ? b : "");
    if (r < 0)
        printf("%s\n", strerrorname_np(e) ? strerrorname_np(e) : "E?");
    else
        printf("ok\n");
}

static int put(const char *path, const char *text, int flags)
{
    int fd = open(path, O_WRONLY | O_CREAT | flags, 0666);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    int e = errno;
    close(fd);
    errno = e;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void do_read(const char *path)
{
    char buf[4096];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
    if (n < 0) {
        report("read", path, NULL, -1);
    } else {
        buf[n] = 0;
        while (n > 0 && buf[n - 1] == '\n')
            buf[--n] = 0;
        printf("read %s: data=%s\n", path, buf);
    }
    if (fd >= 0)
        close(fd);
}

static void do_ls(const char *path)
{
    char *names[8192];
    int n = 0;
    DIR *d = opendir(path);
    if (!d) {
        report("ls", path, NULL, -1);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) && n < 8192)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof(names[0]), cmp_str);
    printf("ls %s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void do_stat(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        report("stat", path, NULL, -1);
        return;
    }
    const char *t = S_ISREG(st.st_mode)   ? "file"
                    : S_ISDIR(st.st_mode) ? "dir"
                    : S_ISLNK(st.st_mode) ? "symlink"
                                          : "other";
    printf("stat %s: %s mode=%o size=%lld\n", path, t, st.st_mode & 07777,
           S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL);
}

static void do_readlink(const char *path)
{
    char buf[4096];
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);
    if (n < 0) {
        report("readlink", path, NULL, -1);
        return;
    }
    buf[n] = 0;
    printf("readlink %s: %s\n", path, buf);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc;) {
        const char *op = argv[i];
        const char *a = i + 1 < argc ? argv[i + 1] : NULL;
        const char *b = i + 2 < argc ? argv[i + 2] : NULL;
        int two = !strcmp(op, "write") || !strcmp(op, "append") ||
                  !strcmp(op, "rename") || !strcmp(op, "link") ||
                  !strcmp(op, "symlink") || !strcmp(op, "chmod") ||
                  !strcmp(op, "truncate");
        if (!a || (two && !b)) {
            fprintf(stderr, "fsops: missing argument for %s\n", op);
            return 2;
        }
        errno = 0;
        if (!strcmp(op, "read"))
            do_read(a);
        else if (!strcmp(op, "write"))
            report(op, a, NULL, put(a, b, O_TRUNC));
        else if (!strcmp(op, "append"))
            report(op, a, NULL, put(a, b, O_APPEND));
        else if (!strcmp(op, "mkdir"))
            report(op, a, NULL, mkdir(a, 0777));
        else if (!strcmp(op, "rmdir"))
            report(op, a, NULL, rmdir(a));
        else if (!strcmp(op, "unlink"))
            report(op, a, NULL, unlink(a));
        else if (!strcmp(op, "rename"))
            report(op, a, b, rename(a, b));
        else if (!strcmp(op, "link"))
            report(op, a, b, link(a, b));
        else if (!strcmp(op, "symlink"))
            report(op, a, b, symlink(a, b));
        else if (!strcmp(op, "readlink"))
            do_readlink(a);
        else if (!strcmp(op, "chmod"))
            report(op, a, b, chmod(a, (mode_t)strtol(b, NULL, 8)));
        else if (!strcmp(op, "truncate"))
            report(op, a, b, truncate(a, atol(b)));
        else if (!strcmp(op, "stat"))
            do_stat(a);
        else if (!strcmp(op, "ls"))
            do_ls(a);
        else if (!strcmp(op, "chdir"))
            report(op, a, NULL, chdir(a));
        else {
            fprintf(stderr, "fsops: unknown op %s\n", op);
            return 2;
        }
        i += two ? 3 : 2;
    }
    return 0;
}
