/* SPDX-License-Identifier: MIT */
/*
 * Check helpers shared by the ELF tests (glibc test programs): CHECK with a
 * printf-style reason, and the closing summary line.
 */
#ifndef LBOX_TESTS_ELF_CHECK_H
#define LBOX_TESTS_ELF_CHECK_H

#include <stdio.h>

static int g_failures;

#define CHECK(cond, ...)                                            \
    do {                                                            \
        if (!(cond)) {                                              \
            g_failures++;                                           \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);             \
            printf(__VA_ARGS__);                                    \
            printf("\n");                                           \
        }                                                           \
    } while (0)

/* Print the summary line and give main's exit status. */
static inline int check_summary(void)
{
    printf("%s (%d failures)\n", g_failures ? "FAILED" : "ok", g_failures);
    return g_failures ? 1 : 0;
}

#endif /* LBOX_TESTS_ELF_CHECK_H */
