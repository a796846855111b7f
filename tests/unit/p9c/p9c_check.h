/* SPDX-License-Identifier: MIT */
/*
 * Set-up shared by the 9P client tests (kernel-side test code, no libc): the
 * unit tests' check helpers, and a kernel object with a shared heap made
 * from hosted-platform pages.
 */
#ifndef LBOX_TESTS_P9C_CHECK_H
#define LBOX_TESTS_P9C_CHECK_H

#include "core/kernel.h"

#include "../check.h"
#include "p9c_host.h"
#include "plat_hosted.h"

/* A kernel object whose shared heap is (size) bytes of fresh pages. */
static inline int test_kernel_init(struct kernel *k, size_t size)
{
    void *p = test_map(size, 0);

    memset(k, 0, sizeof(*k));
    if (!p)
        return -ENOMEM;
    k->shared = rt_heap_init(p, size, /*shared=*/false);
    return k->shared ? 0 : -ENOMEM;
}

/*
 * The start of test (name) against diod: a kernel (k) with a (heap)-byte
 * shared heap, the test tree in (dir), and diod serving it on LBOX_CHAN_FS.
 * Returns diod's fd, or -1 when the test ends now with exit status
 * *(status) (77: skipped, no diod).
 */
static inline int p9c_diod_begin(struct kernel *k, size_t heap, char *dir,
                                 size_t dir_size, const char *name,
                                 int *status)
{
    int fd;

    CHECK_EQ(test_kernel_init(k, heap), 0);
    if (!p9c_host_have_diod()) {
        say("%s: skipped, no diod\n", name);
        *status = 77;
        return -1;
    }
    CHECK_EQ(p9c_host_setup(dir, dir_size), 0);
    fd = p9c_host_diod_start(dir);
    CHECK(fd >= 0);
    if (fd < 0 || g_failed) {
        *status = check_done(name);
        return -1;
    }
    plat_hosted_set_chan(LBOX_CHAN_FS, fd);
    return fd;
}

/* "(dir)/(name)" into (buf). */
static inline const char *host_path(char *buf, size_t size, const char *dir,
                                    const char *name)
{
    rt_snprintf(buf, size, "%s/%s", dir, name);
    return buf;
}

#endif /* LBOX_TESTS_P9C_CHECK_H */
