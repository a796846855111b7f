/* SPDX-License-Identifier: MIT */
/*
 * Assertion and scratch-directory helpers shared by the integration test
 * programs (ordinary glibc programs, run natively and under lbox).
 *
 * Every check prints one deterministic line: "<name> ok" on success, or
 * "FAIL: <name> ..." and marks the program failed. Output must not depend
 * on addresses, pids or times so native and lbox runs compare equal.
 */
#ifndef LBOX_TEST_PROG_CHECK_H
#define LBOX_TEST_PROG_CHECK_H

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int g_failed;

static inline void check_(int ok, const char *name, int line, int err)
{
    if (ok) {
        printf("%s ok\n", name);
        return;
    }
    printf("FAIL: %s (line %d, errno %d %s)\n", name, line, err,
           strerrorname_np(err) ? strerrorname_np(err) : "?");
    g_failed = 1;
}

/* CHECK(cond, name): cond must hold. */
#define CHECK(cond, name)                                                      \
    do {                                                                       \
        errno = 0;                                                             \
        int ok_ = !!(cond);                                                    \
        check_(ok_, (name), __LINE__, errno);                                  \
    } while (0)

/* CHECK_ERR(expr, E, name): expr must return -1 with errno E. */
#define CHECK_ERR(expr, E, name)                                               \
    do {                                                                       \
        errno = 0;                                                             \
        long r_ = (long)(expr);                                                \
        int e_ = errno;                                                        \
        if (r_ == -1 && e_ == (E)) {                                           \
            printf("%s %s ok\n", (name), #E);                                  \
        } else {                                                               \
            printf("FAIL: %s: want -1/%s, got %ld/%s (line %d)\n", (name),     \
                   #E, r_, strerrorname_np(e_) ? strerrorname_np(e_) : "0",    \
                   __LINE__);                                                  \
            g_failed = 1;                                                      \
        }                                                                      \
    } while (0)

/* CHECK_EQ(got, want, name): two integer values must be equal. */
#define CHECK_EQ(got, want, name)                                              \
    do {                                                                       \
        errno = 0;                                                             \
        long long g_ = (long long)(got), w_ = (long long)(want);               \
        int e_ = errno;                                                        \
        if (g_ == w_) {                                                        \
            printf("%s ok\n", (name));                                         \
        } else {                                                               \
            printf("FAIL: %s: got %lld want %lld (line %d, errno %s)\n",       \
                   (name), g_, w_, __LINE__,                                   \
                   strerrorname_np(e_) ? strerrorname_np(e_) : "0");           \
            g_failed = 1;                                                      \
        }                                                                      \
    } while (0)

static inline void test_begin(void)
{
    /* Line buffering keeps output that precedes a crash. */
    setvbuf(stdout, NULL, _IOLBF, 0);
}

static inline int test_end(void)
{
    printf("%s\n", g_failed ? "RESULT: FAIL" : "RESULT: PASS");
    fflush(stdout);
    return g_failed ? 1 : 0;
}

static char g_scratch[64];

/* Makes a fresh scratch directory under /tmp (the tmpfs inside lbox). */
static inline const char *scratch_make(void)
{
    strcpy(g_scratch, "/tmp/lbox-prog-XXXXXX");
    if (!mkdtemp(g_scratch)) {
        printf("FAIL: mkdtemp: %s\n", strerror(errno));
        exit(1);
    }
    return g_scratch;
}

static inline int rm_one(const char *path, const struct stat *st, int type,
                  struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        return rmdir(path);
    return unlink(path);
}

/* Removes the scratch directory and everything in it. */
static inline void scratch_remove(void)
{
    if (g_scratch[0] && nftw(g_scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS))
        printf("FAIL: scratch cleanup: %s\n", strerror(errno));
}

/* Builds "<scratch>/<name>" into a static rotating buffer. */
static inline const char *sp(const char *name)
{
    static char bufs[8][256];
    static int i;
    char *b = bufs[i++ & 7];
    snprintf(b, sizeof(bufs[0]), "%s/%s", g_scratch, name);
    return b;
}

#endif /* LBOX_TEST_PROG_CHECK_H */
