/* SPDX-License-Identifier: MIT */
/*
 * Unit test of the Linux shim's ELF and "#!" parser (host side: a glibc
 * program that compiles src/shim/linux/elf_parse.c directly). Checks that
 * every real executable and shared object on this machine parses, that
 * every crafted bad file from gen-bad-elves fails with the expected error,
 * and the "#!" line rules. Usage: test-elf-parse GEN-BAD-ELVES
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lbox/errno.h>

#include "shim/linux/elf_parse.h"

#include "elf_check.h"

/* Read up to (size) bytes at offset 0 into an exactly sized buffer, so an
 * ASan build catches any read past what the parser was given. */
static unsigned char *read_prefix(int fd, size_t size, size_t *got)
{
    unsigned char *b = malloc(size ? size : 1);
    ssize_t n = b ? pread(fd, b, size, 0) : -1;

    if (n < 0) {
        free(b);
        return NULL;
    }
    *got = (size_t)n;
    return realloc(b, n ? (size_t)n : 1);
}

/* The PT_INTERP path lies beyond the header buffer: read and check it. */
static int parse_interp(int fd, struct elf_info *info)
{
    char *b = malloc(info->interp_size);
    int r = -EIO;

    if (b && pread(fd, b, info->interp_size, (off_t)info->interp_off) ==
                 (ssize_t)info->interp_size)
        r = elf_parse_interp(b, info);
    free(b);
    return r;
}

/* Parse a file the way the loader does: 4 KiB first, more on -EAGAIN. */
static int parse_fd(int fd, uint64_t file_size, struct elf_info *info)
{
    size_t want = 4096, got;
    int r = -EIO;

    for (int round = 0; round < 3; round++) {
        unsigned char *b = read_prefix(fd, want, &got);

        if (!b)
            return -EIO;
        r = elf_parse(b, got, file_size, info);
        free(b);
        if (r == 0 && info->interp_size && !info->interp_len)
            return parse_interp(fd, info);
        if (r != -EAGAIN)
            return r;
        CHECK(info->need > got && info->need <= ELF_PREFIX_MAX &&
              info->need <= file_size, "bad need %llu",
              (unsigned long long)info->need);
        want = info->need;
    }
    CHECK(0, "parser asked for more bytes twice");
    return r;
}

struct counts {
    int elf_ok, elf_fail, scripts, script_fail, foreign, other;
};

/* Is this an ELF64 x86-64 ET_EXEC/ET_DYN file (what the loader takes)? */
static bool is_native_exe(const unsigned char *b, size_t n)
{
    if (n < 20 || memcmp(b, "\x7f" "ELF", 4) != 0)
        return false;
    return b[4] == 2 && b[5] == 1 && (b[16] == 2 || b[16] == 3) &&
           b[17] == 0 && b[18] == 62 && b[19] == 0;
}

static void check_real(const char *path, struct counts *c)
{
    unsigned char head[SHEBANG_BUF];
    struct elf_info info;
    struct shebang sb;
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return;
    }
    n = pread(fd, head, sizeof(head), 0);
    if (n >= 2 && head[0] == '#' && head[1] == '!') {
        c->scripts++;
        if (shebang_parse(head, (size_t)n, &sb) < 0) {
            c->script_fail++;
            printf("FAIL script %s\n", path);
        }
    } else if (n > 0 && is_native_exe(head, (size_t)n)) {
        int r = parse_fd(fd, (uint64_t)st.st_size, &info);

        if (r == 0) {
            c->elf_ok++;
        } else {
            c->elf_fail++;
            printf("FAIL %s: %d %s\n", path, r, info.error);
        }
    } else if (n >= 4 && memcmp(head, "\x7f" "ELF", 4) == 0) {
        c->foreign++;
    } else {
        c->other++;
    }
    close(fd);
}

static void scan_dir(const char *dir, const char *must_contain,
                     struct counts *c)
{
    char path[4096];
    struct dirent *de;
    DIR *d = opendir(dir);

    if (!d)
        return;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (must_contain && !strstr(de->d_name, must_contain))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        check_real(path, c);
    }
    closedir(d);
}

static void test_real_files(void)
{
    struct counts c = {0};

    scan_dir("/usr/bin", NULL, &c);
    scan_dir("/usr/sbin", NULL, &c);
    scan_dir("/usr/lib/x86_64-linux-gnu", ".so", &c);
    scan_dir("/usr/libexec", NULL, &c);
    check_real("/bin/busybox", &c);
    printf("real files: %d ELF ok, %d ELF failed, %d scripts (%d failed), "
           "%d foreign ELF skipped, %d other skipped\n", c.elf_ok,
           c.elf_fail, c.scripts, c.script_fail, c.foreign, c.other);
    CHECK(c.elf_ok > 100, "too few real ELF files found (%d)", c.elf_ok);
    CHECK(c.elf_fail == 0 && c.script_fail == 0, "real files failed");
}

static int errno_by_name(const char *name)
{
    static const struct { const char *n; int v; } tab[] = {
        {"OK", 0}, {"ENOEXEC", -ENOEXEC}, {"EINVAL", -EINVAL},
    };

    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
        if (strcmp(tab[i].n, name) == 0)
            return tab[i].v;
    return 1; /* never a parser result */
}

/* One MANIFEST line at level "parse". */
static void check_bad(const char *dir, const char *name, const char *expect,
                      const char *reason)
{
    char path[4096];
    unsigned char head[SHEBANG_BUF];
    struct elf_info info;
    struct shebang sb;
    struct stat st;
    int want = errno_by_name(expect), r;
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0 && fstat(fd, &st) == 0, "open %s", path);
    if (fd < 0)
        return;
    if (strstr(name, ".sh")) {
        ssize_t n = pread(fd, head, sizeof(head), 0);
        r = shebang_parse(head, n > 0 ? (size_t)n : 0, &sb);
        CHECK(r == want, "%s: shebang got %d want %s", name, r, expect);
    } else {
        r = parse_fd(fd, (uint64_t)st.st_size, &info);
        CHECK(r == want, "%s: got %d (%s) want %s", name, r,
              r ? info.error : "ok", expect);
        CHECK(r == 0 || strcmp(reason, "-") == 0 ||
              (info.error && strstr(info.error, reason)),
              "%s: reason '%s' lacks '%s'", name, info.error, reason);
    }
    close(fd);
}

static void test_bad_files(const char *gen)
{
    char dir[] = "/tmp/lbox-elf-XXXXXX", cmd[8192], line[512];
    char name[256], level[32], expect[32], reason[256];
    int checked = 0;
    FILE *man;

    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(cmd, sizeof(cmd), "python3 '%s' '%s'", gen, dir);
    CHECK(system(cmd) == 0, "generator failed: %s", cmd);
    snprintf(cmd, sizeof(cmd), "%s/MANIFEST", dir);
    man = fopen(cmd, "r");
    CHECK(man != NULL, "no MANIFEST");
    while (man && fgets(line, sizeof(line), man)) {
        if (sscanf(line, "%255s %31s %31s %255[^\n]", name, level, expect,
                   reason) != 4)
            continue;
        if (strcmp(level, "parse") == 0) {
            check_bad(dir, name, expect, reason);
            checked++;
        }
    }
    if (man)
        fclose(man);
    printf("crafted files: %d checked\n", checked);
    CHECK(checked >= 35, "too few crafted files (%d)", checked);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("warning: could not remove %s\n", dir);
}

/* Every prefix of a real binary parses, asks for more, or is truncated. */
static void test_prefixes(void)
{
    struct elf_info info;
    struct stat st;
    size_t got;
    int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
    unsigned char *b;

    CHECK(fd >= 0 && fstat(fd, &st) == 0, "open /bin/true");
    b = read_prefix(fd, 4096, &got);
    close(fd);
    for (size_t n = 0; b && n <= got; n++) {
        unsigned char *p = malloc(n ? n : 1);
        int r;

        memcpy(p, b, n);
        r = elf_parse(p, n, (uint64_t)st.st_size, &info);
        free(p);
        CHECK(r == 0 || r == -EAGAIN || (r == -ENOEXEC && n < 64),
              "prefix %zu: %d %s", n, r, info.error);
        CHECK(r != -EAGAIN || info.need > n, "prefix %zu: need %llu", n,
              (unsigned long long)info.need);
    }
    /* The same bytes claiming a file shorter than the segments: refused. */
    CHECK(b && elf_parse(b, got, 600, &info) == -ENOEXEC,
          "short file_size accepted");
    free(b);
}

static void shebang_ok(const char *line, size_t size, const char *name,
                       const char *arg)
{
    struct shebang sb;
    int r = shebang_parse(line, size, &sb);

    CHECK(r == 0, "'%s': %d", line, r);
    if (r)
        return;
    CHECK(sb.name_len == strlen(name) &&
          memcmp(line + sb.name_off, name, sb.name_len) == 0,
          "'%s': name '%.*s'", line, (int)sb.name_len, line + sb.name_off);
    CHECK(sb.has_arg == (arg != NULL), "'%s': has_arg %d", line, sb.has_arg);
    if (arg)
        CHECK(sb.arg_len == strlen(arg) &&
              memcmp(line + sb.arg_off, arg, sb.arg_len) == 0,
              "'%s': arg '%.*s'", line, (int)sb.arg_len, line + sb.arg_off);
}

static void test_shebang(void)
{
    char big[400];
    struct shebang sb;

#define OK(s, n, a) shebang_ok(s, sizeof(s) - 1, n, a)
    OK("#!/bin/sh\n", "/bin/sh", NULL);
    OK("#!/bin/sh", "/bin/sh", NULL);
    OK("#! /usr/bin/env  python3 -u \nprint()\n", "/usr/bin/env",
       "python3 -u");
    OK("#!/bin/sh -e\t\n", "/bin/sh", "-e");
    OK("#!\t/bin/sh\t-x y\r\n", "/bin/sh", "-x y\r");
    OK("#!/bin/sh\0junk\n", "/bin/sh", NULL);
    OK("#!/bin/sh \0 x\n", "/bin/sh", "");
#undef OK
    CHECK(shebang_parse("#!\n", 3, &sb) == -ENOEXEC, "empty");
    CHECK(shebang_parse("#!  \t\n", 6, &sb) == -ENOEXEC, "blank");
    CHECK(shebang_parse("#", 1, &sb) == -ENOEXEC, "short");
    CHECK(shebang_parse("ab/bin/sh\n", 10, &sb) == -ENOEXEC, "no #!");
    CHECK(shebang_parse("#!\0/bin/sh\n", 11, &sb) == -ENOEXEC, "NUL name");
    memset(big, 'a', sizeof(big));
    memcpy(big, "#!/", 3);
    CHECK(shebang_parse(big, sizeof(big), &sb) == -ENOEXEC, "long name");
    /* A long argument is cut at Linux's limit, not refused. */
    memcpy(big, "#!/bin/sh ", 10);
    CHECK(shebang_parse(big, sizeof(big), &sb) == 0 && sb.has_arg &&
          sb.arg_off == 10 && sb.arg_len == SHEBANG_BUF - 1 - 10,
          "long arg: off %zu len %zu", sb.arg_off, sb.arg_len);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test-elf-parse GEN-BAD-ELVES\n");
        return 2;
    }
    test_shebang();
    test_prefixes();
    test_bad_files(argv[1]);
    test_real_files();
    return check_summary();
}
