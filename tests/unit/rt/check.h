/* SPDX-License-Identifier: MIT */
/*
 * Tiny check helpers for the rt unit tests: kernel-side code (no libc), so
 * failures are reported with rt_snprintf through lbox_plat_log.
 */
#ifndef LBOX_TESTS_RT_CHECK_H
#define LBOX_TESTS_RT_CHECK_H

#include <lbox/platform.h>

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

/* Print the summary line and give main's exit status. */
static int check_done(const char *name)
{
    say("%s: %d passed, %d failed\n", name, g_checks - g_failed, g_failed);
    return g_failed ? 1 : 0;
}

#endif /* LBOX_TESTS_RT_CHECK_H */
