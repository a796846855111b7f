/* SPDX-License-Identifier: MIT */
/*
 * Unit test of the hosted test platform (tests/unit/plat_hosted.c) that the
 * other unit tests stand on: a normal glibc program calling platform.h.
 * Also checks rt_log's output (rt is linked in), which goes to stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lbox/platform.h>

#include "../plat_hosted.h"

/* From src/rt/rt.h, which a glibc file cannot include. */
void rt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int g_checks, g_failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        g_checks++;                                                          \
        if (!(cond)) {                                                       \
            g_failed++;                                                      \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                    \
    } while (0)

#define PAGE LBOX_PAGE_SIZE
#define RW (LBOX_PROT_READ | LBOX_PROT_WRITE)

static void test_pages(void)
{
    void *a = NULL, *b, *c;
    char *p;

    CHECK(lbox_plat_page_map(&a, 4 * PAGE, RW, 0) == 0 && a != NULL);
    p = a;
    CHECK(p[0] == 0 && p[4 * PAGE - 1] == 0);
    memset(p, 0x11, 4 * PAGE);
    b = p + PAGE;
    CHECK(lbox_plat_page_map(&b, PAGE, RW, LBOX_MAP_NOREPLACE) == -EEXIST);
    b = p + PAGE;
    CHECK(lbox_plat_page_map(&b, PAGE, RW, LBOX_MAP_FIXED) == 0 && b == p + PAGE);
    CHECK(p[PAGE] == 0 && p[0] == 0x11);
    CHECK(lbox_plat_page_advise(p, PAGE, LBOX_ADVICE_DONTNEED) == 0);
    CHECK(p[0] == 0);
    CHECK(lbox_plat_page_advise(p, PAGE, 99) == -EINVAL);
    CHECK(lbox_plat_page_map(&b, PAGE, RW, 0x100) == -EINVAL);
    CHECK(lbox_plat_page_unmap(p + 3 * PAGE, PAGE) == 0);
    c = p + 3 * PAGE;
    CHECK(lbox_plat_page_map(&c, PAGE, RW, LBOX_MAP_NOREPLACE) == 0 && c == p + 3 * PAGE);
    CHECK(lbox_plat_page_remap(p, 4 * PAGE, 64 * PAGE, LBOX_REMAP_MAYMOVE, &c) == 0);
    p = c;
    CHECK(p[63 * PAGE] == 0 && p[2 * PAGE] == 0x11);
    CHECK(lbox_plat_page_protect(p, PAGE, LBOX_PROT_READ) == 0);
    CHECK(lbox_plat_page_unmap(p, 64 * PAGE) == 0);
    CHECK(lbox_plat_page_unmap((char *)p + 1, PAGE) == -EINVAL);
}

static void test_copy_safe(void)
{
    void *a = NULL;
    char *p, buf[64];

    CHECK(lbox_plat_page_map(&a, 3 * PAGE, RW, 0) == 0);
    p = a;
    CHECK(lbox_plat_page_protect(p + PAGE, PAGE, LBOX_PROT_NONE) == 0);
    CHECK(lbox_plat_page_protect(p + 2 * PAGE, PAGE, LBOX_PROT_READ) == 0);
    memcpy(p, "abc", 4);
    CHECK(lbox_plat_copy_safe(buf, p, 4) == 0 && strcmp(buf, "abc") == 0);
    CHECK(lbox_plat_copy_safe(buf, p, 0) == 0);
    CHECK(lbox_plat_copy_safe(buf, p + PAGE, 1) == -EFAULT);
    CHECK(lbox_plat_copy_safe(buf, p + PAGE - 8, 16) == -EFAULT);
    CHECK(lbox_plat_copy_safe(buf, (void *)16, 8) == -EFAULT);
    CHECK(lbox_plat_copy_safe(p + PAGE, "x", 1) == -EFAULT);
    CHECK(lbox_plat_copy_safe(p + 2 * PAGE, "x", 1) == -EFAULT); /* read-only */
    CHECK(lbox_plat_copy_safe(p + PAGE - 2, "xy", 2) == 0);

    /* A string that ends right before the hole is fine; one that runs
     * into it is a fault; one that is too long is -ENAMETOOLONG. */
    memcpy(p + PAGE - 4, "end", 4);
    CHECK(lbox_plat_strncpy_safe(buf, p + PAGE - 4, sizeof(buf)) == 3);
    CHECK(strcmp(buf, "end") == 0);
    memcpy(p + PAGE - 4, "endX", 4);
    CHECK(lbox_plat_strncpy_safe(buf, p + PAGE - 4, sizeof(buf)) == -EFAULT);
    CHECK(lbox_plat_strncpy_safe(buf, "0123456789", 10) == -ENAMETOOLONG);
    CHECK(lbox_plat_strncpy_safe(buf, "0123456789", 11) == 10);
    CHECK(lbox_plat_strncpy_safe(buf, "", 1) == 0);
    CHECK(lbox_plat_strncpy_safe(buf, "x", 0) == -ENAMETOOLONG);
    CHECK(lbox_plat_strncpy_safe(buf, NULL, 8) == -EFAULT);
    lbox_plat_page_unmap(p, 3 * PAGE);
}

static void test_futex_time_random(void)
{
    uint32_t w = 5;
    int64_t t0, t1, res;
    unsigned char r1[32] = { 0 }, r2[32] = { 0 };

    CHECK(lbox_plat_futex_wait(&w, 4, -1, false) == -EAGAIN);
    CHECK(lbox_plat_futex_wait(&w, 5, 1000000, false) == -ETIMEDOUT);
    CHECK(lbox_plat_futex_wait(&w, 5, 1000000, true) == -ETIMEDOUT);
    CHECK(lbox_plat_futex_wake(&w, 1, false) == 0);
    for (int c = LBOX_CLOCK_REALTIME; c <= LBOX_CLOCK_BOOTTIME; c++) {
        CHECK(lbox_plat_clock_get(c, &t0) == 0 && t0 >= 0);
        CHECK(lbox_plat_clock_res(c, &res) == 0 && res > 0);
    }
    CHECK(lbox_plat_clock_get(42, &t0) == -EINVAL);
    CHECK(lbox_plat_clock_get(LBOX_CLOCK_MONOTONIC, &t0) == 0);
    CHECK(lbox_plat_sleep(LBOX_CLOCK_MONOTONIC, 2000000) == 0);
    CHECK(lbox_plat_clock_get(LBOX_CLOCK_MONOTONIC, &t1) == 0);
    CHECK(t1 - t0 >= 2000000);
    CHECK(lbox_plat_sleep(LBOX_CLOCK_MONOTONIC, -1) == -EINVAL);
    CHECK(lbox_plat_random(r1, sizeof(r1)) == 0);
    CHECK(lbox_plat_random(r2, sizeof(r2)) == 0);
    CHECK(memcmp(r1, r2, sizeof(r1)) != 0);
}

static void test_chan_tls(void)
{
    int fds[2];
    char buf[16];

    CHECK(pipe(fds) == 0);
    CHECK(lbox_plat_chan_write(LBOX_CHAN_FS, "x", 1) == -ENODEV);
    CHECK(lbox_plat_chan_read(99, buf, 1) == -ENODEV);
    plat_hosted_set_chan(LBOX_CHAN_FS, fds[1]);
    CHECK(lbox_plat_chan_write(LBOX_CHAN_FS, "hello", 5) == 5);
    plat_hosted_set_chan(LBOX_CHAN_FS, fds[0]);
    CHECK(lbox_plat_chan_read(LBOX_CHAN_FS, buf, sizeof(buf)) == 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK(lbox_plat_chan_tty(LBOX_CHAN_FS, LBOX_TTY_GETATTR, buf) == -ENOTTY);
    CHECK(lbox_plat_chan_tty(LBOX_CHAN_FS, 77, buf) == -EINVAL);
    plat_hosted_set_chan(LBOX_CHAN_FS, -1);
    CHECK(lbox_plat_chan_read(LBOX_CHAN_FS, buf, 1) == -ENODEV);
    close(fds[0]);
    close(fds[1]);

    CHECK(lbox_plat_tls() == NULL);
    lbox_plat_set_tls(buf);
    CHECK(lbox_plat_tls() == buf);
    CHECK(lbox_plat_set_guest_tp(0x1234) == 0 && lbox_plat_guest_tp() == 0x1234);
}

/* rt_log's text as it reaches fd 2. */
static ssize_t capture_log(char *buf, size_t size, const char *s)
{
    int fds[2], saved = dup(2);
    ssize_t n;

    if (saved < 0 || pipe(fds))
        return -1;
    dup2(fds[1], 2);
    rt_log("[%s]\n", s);
    dup2(saved, 2);
    close(saved);
    close(fds[1]);
    n = read(fds[0], buf, size);
    close(fds[0]);
    return n;
}

static void test_log(void)
{
    static char big[2000], buf[4096];
    ssize_t n;

    n = capture_log(buf, sizeof(buf), "short");
    CHECK(n == 8 && memcmp(buf, "[short]\n", 8) == 0);
    memset(big, 'y', sizeof(big) - 1);
    n = capture_log(buf, sizeof(buf), big);
    CHECK(n == 511 && buf[0] == '[' && buf[506] == 'y');
    CHECK(n == 511 && memcmp(buf + 507, "...\n", 4) == 0);
}

int main(void)
{
    test_pages();
    test_copy_safe();
    test_futex_time_random();
    test_chan_tls();
    test_log();
    fprintf(stderr, "rt-plat-hosted: %d passed, %d failed\n", g_checks - g_failed, g_failed);
    return g_failed ? 1 : 0;
}
