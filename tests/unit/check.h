/* SPDX-License-Identifier: MIT */
/*
 * Check helpers shared by the kernel-side unit tests (rt, vfs, p9c, shimfs;
 * no libc): failures are reported with rt_snprintf through lbox_plat_log,
 * and test memory comes from hosted-platform pages.
 */
#ifndef LBOX_TESTS_UNIT_CHECK_H
#define LBOX_TESTS_UNIT_CHECK_H

#include <lbox/platform.h>

#include "rt/rt.h"

static int g_checks, g_failed;

__attribute__((format(printf, 1, 2)))
static inline void say(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = rt_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    lbox_plat_log(buf, MIN((size_t)n, sizeof(buf) - 1));
}

#define CHECK(cond)                                                          \
    do {                                                                     \
        g_checks++;                                                          \
        if (!(cond)) {                                                       \
            g_failed++;                                                      \
            say("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);              \
        }                                                                    \
    } while (0)

#define CHECK_EQ(a, b)                                                       \
    do {                                                                     \
        long long va_ = (long long)(a), vb_ = (long long)(b);                \
        g_checks++;                                                          \
        if (va_ != vb_) {                                                    \
            g_failed++;                                                      \
            say("FAIL %s:%d: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, \
                #a, #b, va_, vb_);                                           \
        }                                                                    \
    } while (0)

#define CHECK_STR(a, b)                                                      \
    do {                                                                     \
        const char *sa_ = (a), *sb_ = (b);                                   \
        g_checks++;                                                          \
        if (strcmp(sa_, sb_) != 0) {                                         \
            g_failed++;                                                      \
            say("FAIL %s:%d: %s: \"%s\" != \"%s\"\n", __FILE__, __LINE__,    \
                #a, sa_, sb_);                                               \
        }                                                                    \
    } while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

/* Print the summary line and give main's exit status. */
static inline int check_done(const char *name)
{
    say("%s: %d passed, %d failed\n", name, g_checks - g_failed, g_failed);
    return g_failed ? 1 : 0;
}

/* (size) bytes of fresh read-write pages, mapped with LBOX_MAP_NORESERVE
 * and (flags); NULL on failure. */
static inline void *test_map(size_t size, unsigned flags)
{
    void *p = NULL;

    if (lbox_plat_page_map(&p, size, LBOX_PROT_READ | LBOX_PROT_WRITE,
                           LBOX_MAP_NORESERVE | flags))
        return NULL;
    return p;
}

#endif /* LBOX_TESTS_UNIT_CHECK_H */
