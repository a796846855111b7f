// SPDX-License-Identifier: MIT
// Integration test (guest program): memory syscalls: mmap (anonymous and
// file-backed private), munmap, mprotect, mremap, brk, madvise.
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "check.h"

#define PG 4096L

/* Is [p, p+len) unmapped? Probed by mapping it with MAP_FIXED_NOREPLACE. */
static int is_free(void *p, long len)
{
    void *q = mmap(p, len, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (q == MAP_FAILED)
        return 0;
    munmap(q, len);
    return q == p;
}

static void anon(void)
{
    char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap anon");
    CHECK(((uintptr_t)p & (PG - 1)) == 0, "mmap page aligned");
    int zero = 1;
    for (long i = 0; i < 4 * PG; i++)
        zero &= p[i] == 0;
    CHECK(zero, "anon pages are zero");
    memset(p, 0x5a, 4 * PG);
    CHECK(p[4 * PG - 1] == 0x5a, "anon write/read");

    CHECK_EQ(madvise(p, 2 * PG, MADV_DONTNEED), 0, "madvise DONTNEED");
    CHECK(p[0] == 0 && p[2 * PG - 1] == 0 && p[2 * PG] == 0x5a,
          "DONTNEED zeroes only its range");
    CHECK_EQ(madvise(p, PG, MADV_WILLNEED), 0, "madvise WILLNEED");
    CHECK_EQ(madvise(p, PG, MADV_NORMAL), 0, "madvise NORMAL");
    CHECK_ERR(madvise(p + 1, PG, MADV_DONTNEED), EINVAL, "madvise unaligned");
    CHECK_ERR(madvise(p, PG, 12345), EINVAL, "madvise bad advice");

    CHECK_EQ(mprotect(p, PG, PROT_READ), 0, "mprotect PROT_READ");
    CHECK(p[0] == 0, "read PROT_READ page");
    CHECK_EQ(mprotect(p, PG, PROT_NONE), 0, "mprotect PROT_NONE");
    CHECK_EQ(mprotect(p, PG, PROT_READ | PROT_WRITE), 0, "mprotect back RW");
    p[0] = 7;
    CHECK(p[0] == 7, "write after PROT_NONE->RW");
    CHECK_ERR(mprotect(p + 1, PG, PROT_READ), EINVAL, "mprotect unaligned");
    CHECK_ERR(mprotect(p, PG, 0x1000), EINVAL, "mprotect bad prot");

    CHECK_EQ(munmap(p + PG, PG), 0, "munmap middle page");
    CHECK(is_free(p + PG, PG), "middle page freed");
    CHECK(p[2 * PG] == 0x5a, "neighbour survives partial munmap");
    CHECK_ERR(mprotect(p, 2 * PG, PROT_READ), ENOMEM, "mprotect over hole");
    CHECK_EQ(munmap(p, 4 * PG), 0, "munmap range with hole");
    CHECK(is_free(p, 4 * PG), "whole range freed");
    CHECK_EQ(munmap(p, 4 * PG), 0, "munmap unmapped range");
    CHECK_ERR(munmap(p + 1, PG), EINVAL, "munmap unaligned");
    CHECK_ERR(munmap(p, 0), EINVAL, "munmap length 0");

    CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              EINVAL, "mmap length 0");
    CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL,
              "mmap no PRIVATE/SHARED");
    CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0), EBADF,
              "mmap bad fd");
    CHECK_ERR(mmap((void *)(PG + 1), PG, PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
              EINVAL, "mmap MAP_FIXED unaligned");

    /* MAP_FIXED replaces, MAP_FIXED_NOREPLACE refuses. */
    p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 1;
    char *q = mmap(p, PG, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(q == p && p[0] == 0, "MAP_FIXED replaces with zero page");
    CHECK_ERR(mmap(p, PG, PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
              EEXIST, "MAP_FIXED_NOREPLACE over mapping");
    munmap(p, 2 * PG);
}

static void remap(void)
{
    char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 0x11, PG);
    char *q = mremap(p, PG, 8 * PG, MREMAP_MAYMOVE);
    CHECK(q != MAP_FAILED, "mremap grow MAYMOVE");
    CHECK(q[0] == 0x11 && q[PG - 1] == 0x11, "mremap keeps content");
    CHECK(q[PG] == 0 && q[8 * PG - 1] == 0, "mremap grown part zero");
    q[8 * PG - 1] = 3;
    char *r = mremap(q, 8 * PG, 2 * PG, 0);
    CHECK(r == q, "mremap shrink in place");
    CHECK(is_free(q + 2 * PG, 6 * PG), "shrunk tail freed");

    /* Growing into our own next page without MAYMOVE must fail. */
    char *two = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_ERR(mremap(two, PG, 2 * PG, 0), ENOMEM, "mremap grow blocked");

    /* Move to a fixed address that was reserved first. */
    char *dst = mmap(NULL, 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                     0);
    r = mremap(q, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
    CHECK(r == dst, "mremap MREMAP_FIXED");
    CHECK(r[0] == 0x11 && r[PG] == 0, "moved content");
    CHECK(is_free(q, 2 * PG), "old range freed after move");
    CHECK_ERR(mremap(r, PG, 2 * PG, 0x80), EINVAL, "mremap bad flags");
    CHECK_ERR(mremap(r + 1, PG, PG, 0), EINVAL, "mremap unaligned");
    CHECK_ERR(mremap(r, PG, 0, MREMAP_MAYMOVE), EINVAL, "mremap new size 0");
    munmap(r, 2 * PG);
    munmap(two, 2 * PG);
}

static void filemap(void)
{
    char buf[3 * PG];
    for (long i = 0; i < 3 * PG; i++)
        buf[i] = (char)('a' + i % 26 + (i / PG));
    int fd = open(sp("f"), O_CREAT | O_RDWR, 0600);
    CHECK_EQ(write(fd, buf, 2 * PG + 100), 2 * PG + 100, "write file");

    char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PG);
    CHECK(p != MAP_FAILED, "mmap file private at offset");
    CHECK(memcmp(p, buf + PG, PG) == 0, "file mapping content");
    p[0] = '#';
    char c = 0;
    CHECK(pread(fd, &c, 1, PG) == 1 && c == buf[PG],
          "private write not in file");
    munmap(p, PG);

    p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
    CHECK(p != MAP_FAILED, "mmap file tail");
    int zero = 1;
    for (long i = 100; i < PG; i++)
        zero &= p[i] == 0;
    CHECK(memcmp(p, buf + 2 * PG, 100) == 0 && zero,
          "partial page zero past EOF");
    munmap(p, 2 * PG);

    /* Later writes to the file are seen by a fresh private mapping. */
    CHECK_EQ(pwrite(fd, "XYZ", 3, 0), 3, "pwrite file");
    p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED && memcmp(p, "XYZ", 3) == 0, "remap sees write");
    munmap(p, PG);

    CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL,
              "mmap unaligned offset");
    close(fd);
    fd = open(sp("f"), O_WRONLY);
    CHECK_ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0), EACCES,
              "mmap write-only fd");
    close(fd);

    /* A host file through the read-only mounts. */
    fd = open("/etc/passwd", O_RDONLY);
    char head[8] = {0};
    CHECK_EQ(read(fd, head, 4), 4, "read /etc/passwd");
    p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED && memcmp(p, head, 4) == 0, "mmap /etc/passwd");
    munmap(p, PG);
    close(fd);
}

/* No printing between brk calls: stdio may itself allocate with brk. */
static void brks(void)
{
    long r[8];
    long cur = syscall(SYS_brk, 0);
    r[0] = cur;
    r[1] = syscall(SYS_brk, cur + 16 * PG);
    char *p = (char *)cur;
    memset(p, 0x33, 16 * PG);
    r[2] = p[16 * PG - 1] == 0x33;
    r[3] = syscall(SYS_brk, cur + 4 * PG);
    r[4] = syscall(SYS_brk, cur + 8 * PG);
    r[5] = ((char *)cur)[5 * PG] == 0; /* re-grown area is fresh */
    r[6] = syscall(SYS_brk, 4096);     /* far below start: refused */
    r[7] = syscall(SYS_brk, cur);

    CHECK(r[0] > 0, "brk(0) returns break");
    CHECK_EQ(r[1], cur + 16 * PG, "brk grow");
    CHECK(r[2], "brk memory writable");
    CHECK_EQ(r[3], cur + 4 * PG, "brk shrink");
    CHECK_EQ(r[4], cur + 8 * PG, "brk regrow");
    CHECK(r[5], "regrown brk memory zero");
    CHECK_EQ(r[6], cur + 8 * PG, "brk below start unchanged");
    CHECK_EQ(r[7], cur, "brk restore");
}

int main(void)
{
    test_begin();
    scratch_make();
    brks();
    anon();
    remap();
    filemap();
    void *m = malloc(1 << 20);
    CHECK(m != NULL, "malloc 1 MiB");
    free(m);
    scratch_remove();
    return test_end();
}
