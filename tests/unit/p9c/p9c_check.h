/* SPDX-License-Identifier: MIT */
/*
 * Check helpers and set-up shared by the 9P client tests (kernel-side test
 * code, no libc): failures are printed through lbox_plat_log, and a kernel
 * object with a shared heap is made from hosted-platform pages.
 */
#ifndef LBOX_TESTS_P9C_CHECK_H
#define LBOX_TESTS_P9C_CHECK_H

#include <lbox/platform.h>

#include "core/kernel.h"
#include "rt/rt.h"

static int g_checks, g_failed;

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
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

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

static inline int check_done(const char *name)
{
    say("%s: %d passed, %d failed\n", name, g_checks - g_failed, g_failed);
    return g_failed ? 1 : 0;
}

/* A kernel object whose shared heap is (size) bytes of fresh pages. */
static inline int test_kernel_init(struct kernel *k, size_t size)
{
    void *p = NULL;

    memset(k, 0, sizeof(*k));
    if (lbox_plat_page_map(&p, size, LBOX_PROT_READ | LBOX_PROT_WRITE,
                           LBOX_MAP_NORESERVE))
        return -ENOMEM;
    k->shared = rt_heap_init(p, size, /*shared=*/false);
    return k->shared ? 0 : -ENOMEM;
}

/* "(dir)/(name)" into (buf). */
static inline const char *host_path(char *buf, size_t size, const char *dir,
                             const char *name)
{
    rt_snprintf(buf, size, "%s/%s", dir, name);
    return buf;
}

#endif /* LBOX_TESTS_P9C_CHECK_H */
