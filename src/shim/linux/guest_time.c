/* SPDX-License-Identifier: MIT */
/*
 * Guest struct timespec in and out (Linux shim, kernel image), shared by
 * the time, sleep, poll and futex calls.
 */
#include "shim/linux/shim.h"

#define NSEC 1000000000LL

struct l_timespec {
    int64_t sec, nsec;
};

int timespec_from_guest(struct task *t, gaddr_t src, int64_t *ns)
{
    struct l_timespec ts;

    if (copy_from_guest(t, &ts, src, sizeof(ts)) < 0)
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= NSEC)
        return -EINVAL;
    /* Past 292 years a wait is as good as for ever: saturate. */
    *ns = ts.sec > INT64_MAX / NSEC - 1 ? INT64_MAX : ts.sec * NSEC + ts.nsec;
    return 0;
}

int timespec_to_guest(struct task *t, gaddr_t dst, int64_t ns)
{
    struct l_timespec ts = {ns / NSEC, ns % NSEC};

    return copy_to_guest(t, dst, &ts, sizeof(ts));
}
