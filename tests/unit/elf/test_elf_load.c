/* SPDX-License-Identifier: MIT */
/*
 * Loader test (host side): links the kernel-side src/shim/linux/elf_load.c
 * against small stand-ins for the VFS, mm, heap and platform calls it uses
 * (host files, host mmap), then loads real programs in a forked child and
 * jumps into them. Without lbox's syscall trap the program's syscalls go
 * straight to the host, so its output and exit status show whether the
 * image, stack, auxv and registers were right.
 * Usage: test-elf-load GEN-BAD-ELVES
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The kernel-side declarations this file stands in for. Built with the
 * lbox headers as system headers: their Linux-valued O_* and E* macros
 * repeat glibc's, which is harmless (same numbers) but would warn.
 */
#include "core/kernel.h"
#include "core/mm.h"
#include "shim/linux/elf_load.h"
#include "shim/linux/vdso.h"

#include "elf_check.h"

/* Host errno without <errno.h> (lbox/errno.h owns the E* names here). */
extern int *__errno_location(void);
#define HOST_ERR (-*__errno_location())

uintptr_t __stack_chk_guard = 0x5a17e1b0c0ffee00UL;

/* --- stand-ins: heap, rt, platform -------------------------------------- */

void *rt_heap_alloc(struct rt_heap *h, size_t size)
{
    (void)h;
    return malloc(size);
}

void *rt_heap_zalloc(struct rt_heap *h, size_t size)
{
    (void)h;
    return calloc(1, size);
}

void rt_heap_free(struct rt_heap *h, void *p)
{
    (void)h;
    free(p);
}

char *rt_heap_strdup(struct rt_heap *h, const char *s)
{
    (void)h;
    return strdup(s);
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);

    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = 0;
    }
    return n;
}

int lbox_plat_copy_safe(void *dst, const void *src, size_t size)
{
    memcpy(dst, src, size);
    return 0;
}

int lbox_plat_random(void *buf, size_t size)
{
    return getrandom(buf, size, 0) == (ssize_t)size ? 0 : -EIO;
}

/* --- stand-ins: VFS over host files ------------------------------------- */

/* A file and the host path it was opened at (for vfs_file_path). */
struct host_file {
    struct file f;
    char *path;
};

int vfs_open(struct task *t, const struct vfs_loc *at, const char *path,
             uint32_t oflags, uint32_t mode, struct file **out)
{
    struct host_file *hf = calloc(1, sizeof(*hf));
    struct file *f = &hf->f;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    (void)t, (void)at, (void)oflags, (void)mode;
    if (fd < 0) {
        int e = HOST_ERR;
        free(hf);
        return e;
    }
    fstat(fd, &st);
    f->inode = calloc(1, sizeof(*f->inode));
    f->inode->mode = st.st_mode;
    f->priv = (void *)(intptr_t)fd;
    hf->path = realpath(path, NULL);
    *out = f;
    return 0;
}

void vfs_file_put(struct file *f)
{
    struct host_file *hf = (struct host_file *)f;

    close((int)(intptr_t)f->priv);
    free(f->inode);
    free(hf->path);
    free(hf);
}

long vfs_file_path(struct file *f, const struct vfs_loc *root, char *buf,
                   size_t size)
{
    struct host_file *hf = (struct host_file *)f;
    size_t n = strlen(hf->path ? hf->path : "");

    (void)root;
    if (n + 1 > size)
        return -ENAMETOOLONG;
    memcpy(buf, hf->path ? hf->path : "", n + 1);
    return (long)n;
}

int vfs_fstat(struct task *t, struct file *f, struct vfs_stat *st)
{
    struct stat hs;

    (void)t;
    if (fstat((int)(intptr_t)f->priv, &hs) < 0)
        return HOST_ERR;
    memset(st, 0, sizeof(*st));
    st->mode = hs.st_mode;
    st->size = hs.st_size;
    return 0;
}

int vfs_permission(const struct cred *c, struct inode *ino, int mask)
{
    (void)c;
    return (mask & MAY_EXEC) && !(ino->mode & 0111) ? -EACCES : 0;
}

long vfs_pread(struct task *t, struct file *f, void *buf, size_t size,
               uint64_t off)
{
    ssize_t n = pread((int)(intptr_t)f->priv, buf, size, (off_t)off);

    (void)t;
    return n < 0 ? HOST_ERR : n;
}

/* --- stand-ins: mm over host mmap ---------------------------------------- */

static uint64_t g_brk;
static int g_maps;

static int host_prot(int prot)
{
    return ((prot & LBOX_PROT_READ) ? PROT_READ : 0) |
           ((prot & LBOX_PROT_WRITE) ? PROT_WRITE : 0) |
           ((prot & LBOX_PROT_EXEC) ? PROT_EXEC : 0);
}

long mm_map(struct task *t, uint64_t addr, uint64_t len, int prot,
            unsigned flags, struct file *f, uint64_t off, const char *name)
{
    int hf = MAP_PRIVATE | MAP_ANONYMOUS;
    void *p;

    (void)t, (void)name;
    if (flags & MM_FIXED)
        hf |= MAP_FIXED;
    else if (flags & MM_NOREPLACE)
        hf |= MAP_FIXED_NOREPLACE;
    p = mmap((void *)addr, len, f ? PROT_READ | PROT_WRITE : host_prot(prot),
             hf, -1, 0);
    if (p == MAP_FAILED)
        return HOST_ERR;
    if ((flags & MM_NOREPLACE) && (uint64_t)p != addr) {
        munmap(p, len);
        return -EEXIST;
    }
    if (f) {
        ssize_t n = pread((int)(intptr_t)f->priv, p, len, (off_t)off);
        if (n < 0 || mprotect(p, len, host_prot(prot)) < 0)
            return -EIO;
    }
    g_maps++;
    return (long)p;
}

int mm_unmap(struct task *t, uint64_t addr, uint64_t len)
{
    (void)t;
    return munmap((void *)addr, len) < 0 ? HOST_ERR : 0;
}

int mm_protect(struct task *t, uint64_t addr, uint64_t len, int prot)
{
    (void)t;
    return mprotect((void *)addr, len, host_prot(prot)) < 0 ? HOST_ERR : 0;
}

uint64_t mm_random_base(struct mm *mm, uint64_t len)
{
    void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
                   MAP_NORESERVE, -1, 0);

    (void)mm;
    if (p == MAP_FAILED)
        return 0;
    munmap(p, len);
    return (uint64_t)p;
}

void mm_set_brk_base(struct mm *mm, uint64_t base)
{
    (void)mm;
    g_brk = base;
}

bool mm_guest_range_ok(struct mm *mm, uint64_t addr, uint64_t len)
{
    (void)mm;
    return addr + len <= MM_USER_END && addr + len >= addr;
}

void mm_clear_guest(struct task *t)
{
    (void)t;
}

/* The programs run natively here, where lbox's vDSO has no clock page
 * behind it: load them without one (no AT_SYSINFO_EHDR). */
int vdso_map(struct task *t, uint64_t *ehdr)
{
    (void)t;
    *ehdr = 0;
    return 0;
}

/* --- the tests ---------------------------------------------------------- */

static struct process g_proc;
static struct task g_task = {.proc = &g_proc};

static __attribute__((noreturn)) void enter(const struct lbox_regs *r)
{
    __asm__ volatile("mov %0, %%rsp\n\t"
                     "xor %%edx, %%edx\n\t"
                     "jmp *%1\n\t"
                     :
                     : "a"(r->rsp), "c"(r->rip)
                     : "memory");
    __builtin_unreachable();
}

/*
 * Load (path) with (argv) in a child, run it, and return its exit status
 * (or 1000 + the loader's -errno, or 2000 + a signal); its stdout goes to
 * (out).
 */
static char *const *g_envp = (char *const[]){"LBOX_TEST=1",
                                             "PATH=/usr/bin:/bin", NULL};

static int run(const char *path, char *const argv[], char *out, size_t size)
{
    char *const *envp = g_envp;
    int pfd[2], st;
    ssize_t n, got = 0;
    pid_t pid;

    if (pipe(pfd) < 0)
        return -1;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct lbox_regs regs;
        char msg[160];
        int r;

        dup2(pfd[1], 1);
        r = elf_exec(&g_task, path, argv, envp, &regs, msg, sizeof(msg));
        if (r < 0) {
            fprintf(stderr, "  (%s: %d %s)\n", path, r, msg);
            _exit(r <= -1000 ? 255 : 100 + (-r % 100));
        }
        if (regs.rsp % 16 || regs.rflags != 0x202 || !g_proc.exe_path ||
            !g_brk || g_proc.comm[0] == 0)
            _exit(99);
        enter(&regs);
    }
    close(pfd[1]);
    while (size > 1 && (n = read(pfd[0], out + got, size - 1 - got)) > 0)
        got += n;
    out[got] = 0;
    close(pfd[0]);
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st))
        return 2000 + WTERMSIG(st);
    st = WEXITSTATUS(st);
    return st >= 100 && st < 199 ? 1000 + st - 100 : st;
}

static void expect_run(const char *path, char *const argv[], int status,
                       const char *output)
{
    char out[4096];
    int r = run(path, argv, out, sizeof(out));

    CHECK(r == status, "%s: status %d, want %d", path, r, status);
    CHECK(!output || strcmp(out, output) == 0, "%s: output '%s', want '%s'",
          path, out, output);
}

static void expect_auxv(void)
{
    static const char *want[] = {
        "AT_PAGESZ: 4096\n", "AT_CLKTCK: 100\n", "AT_PHENT: 56\n",
        "AT_FLAGS: 0x0\n", "AT_SECURE: 0\n", "AT_PLATFORM: x86_64\n",
        "AT_EXECFN: /bin/true\n", "AT_HWCAP2: 0x0\n", "AT_MINSIGSTKSZ: ",
        "AT_RANDOM: 0x7", "AT_BASE: 0x7", "AT_ENTRY: 0x", "AT_PHDR: 0x",
        "AT_UID: ", "AT_HWCAP: ",
    };
    char out[4096];
    int r = run("/bin/true", (char *[]){"true", NULL}, out, sizeof(out));

    CHECK(r == 0, "LD_SHOW_AUXV run: %d", r);
    /* Squeeze glibc's column padding to one blank. */
    for (char *src = out, *dst = out;; src++) {
        if (!(*src == ' ' && dst > out && dst[-1] == ' '))
            *dst++ = *src;
        if (!*src)
            break;
    }
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        CHECK(strstr(out, want[i]), "auxv lacks '%s':\n%s", want[i], out);
    CHECK(!strstr(out, "AT_SYSINFO_EHDR"), "auxv has a vDSO");
}

static void write_file(const char *path, const char *text, int mode)
{
    FILE *f = fopen(path, "w");

    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/lbox-elfload-XXXXXX", cmd[1024], p[256], p2[256];

    if (argc != 2) {
        fprintf(stderr, "usage: test-elf-load GEN-BAD-ELVES\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(cmd, sizeof(cmd), "python3 '%s' '%s'", argv[1], dir);
    CHECK(system(cmd) == 0, "generator");

    /* Dynamic PIE through ld.so, a static binary, tiny ET_EXEC ones. */
    expect_run("/bin/echo", (char *[]){"echo", "hello", "world", NULL}, 0,
               "hello world\n");
    expect_run("/usr/bin/env", (char *[]){"env", NULL}, 0,
               "LBOX_TEST=1\nPATH=/usr/bin:/bin\n");
    if (access("/bin/busybox", X_OK) == 0)
        expect_run("/bin/busybox", (char *[]){"echo", "static", NULL}, 0,
                   "static\n");
    snprintf(p, sizeof(p), "%s/ok-exit42.elf", dir);
    expect_run(p, (char *[]){"x", NULL}, 42, "");
    snprintf(p, sizeof(p), "%s/ok-shared-page.elf", dir);
    expect_run(p, (char *[]){"x", NULL}, 42, "");
    /* ld.so run directly (an ET_DYN with no PT_INTERP) loading a program. */
    expect_run("/lib64/ld-linux-x86-64.so.2",
               (char *[]){"ld.so", "/bin/echo", "via-ldso", NULL}, 0,
               "via-ldso\n");

    /* Scripts: argv becomes interp [arg] path argv[1..]; nested too. */
    snprintf(p, sizeof(p), "%s/s1.sh", dir);
    write_file(p, "#!/bin/sh -e\necho \"$0|$1|$2\"\n", 0755);
    snprintf(cmd, sizeof(cmd), "%s|a b|c\n", p);
    expect_run(p, (char *[]){"ignored", "a b", "c", NULL}, 0, cmd);
    snprintf(p2, sizeof(p2), "%s/s2", dir);
    snprintf(cmd, sizeof(cmd), "#!%s\n", p);
    write_file(p2, cmd, 0755);
    snprintf(cmd, sizeof(cmd), "%s|%s|z\n", p, p2);
    expect_run(p2, (char *[]){"s2", "z", NULL}, 0, cmd);

    /* Refusals, all before anything is mapped. */
    snprintf(p, sizeof(p), "%s/bad-script-loop.sh", dir);
    expect_run(p, (char *[]){"x", NULL}, 1000 + ELOOP, NULL);
    snprintf(p, sizeof(p), "%s/bad-interp-missing.elf", dir);
    expect_run(p, (char *[]){"x", NULL}, 1000 + ENOENT, NULL);
    snprintf(p, sizeof(p), "%s/bad-interp-is-script.elf", dir);
    expect_run(p, (char *[]){"x", NULL}, 1000 + ELIBBAD, NULL);
    snprintf(p, sizeof(p), "%s/bad-interp-has-interp.elf", dir);
    expect_run(p, (char *[]){"x", NULL}, 1000 + ELIBBAD, NULL);
    snprintf(p, sizeof(p), "%s/bad-dyn-no-entry.elf", dir);
    expect_run(p, (char *[]){"x", NULL}, 1000 + ENOEXEC, NULL);
    snprintf(p, sizeof(p), "%s/bad-magic.elf", dir);
    expect_run(p, (char *[]){"x", NULL}, 1000 + ENOEXEC, NULL);
    snprintf(p, sizeof(p), "%s/bad-memsz-huge.elf", dir);
    expect_run(p, (char *[]){"x", NULL}, 1000 + EINVAL, NULL);
    snprintf(p, sizeof(p), "%s/MANIFEST", dir);
    expect_run(p, (char *[]){"x", NULL}, 1000 + EACCES, NULL);
    expect_run("/tmp", (char *[]){"x", NULL}, 1000 + EACCES, NULL);
    expect_run("/nonexistent", (char *[]){"x", NULL}, 1000 + ENOENT, NULL);

    /* glibc prints the auxv it was given. */
    g_envp = (char *const[]){"LD_SHOW_AUXV=1", NULL};
    expect_auxv();
    g_envp = (char *const[]){NULL};
    {
        static char big[200 * 1024];

        memset(big, 'x', sizeof(big) - 1);
        expect_run("/bin/echo", (char *[]){"echo", big, NULL}, 1000 + E2BIG,
                   NULL);
    }

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("warning: could not remove %s\n", dir);
    return check_summary();
}
