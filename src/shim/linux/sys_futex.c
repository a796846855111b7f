/* SPDX-License-Identifier: MIT */
/*
 * Implements futex(2) for the Linux shim: waits and wakes on guest words
 * through the platform's futex calls. Requeue is served as a wake of
 * everyone (a spurious wakeup futex users must tolerate anyway), and
 * bitsets are honoured only as "any bit" for the same reason.
 */
#include "core/clock.h"
#include "core/mm.h"
#include "shim/linux/syscalls.h"

#define L_FUTEX_WAIT 0
#define L_FUTEX_WAKE 1
#define L_FUTEX_REQUEUE 3
#define L_FUTEX_CMP_REQUEUE 4
#define L_FUTEX_WAIT_BITSET 9
#define L_FUTEX_WAKE_BITSET 10
#define L_FUTEX_PRIVATE 128
#define L_FUTEX_CLOCK_REALTIME 256

static int futex_timeout(struct task *t, gaddr_t ts_addr, bool absolute,
                         bool realtime, int64_t *out)
{
    int64_t ns, now;
    int err;

    *out = -1;
    if (!ts_addr)
        return 0;
    err = timespec_from_guest(t, ts_addr, &ns);
    if (err < 0)
        return err;
    if (absolute) {
        if (lbox_clock_get(t->k, realtime ? LBOX_CLOCK_REALTIME
                                          : LBOX_CLOCK_MONOTONIC, &now) < 0)
            return -EINVAL;
        ns = ns > now ? ns - now : 0;
    }
    *out = ns;
    return 0;
}

long sys_futex(struct task *t, const uint64_t a[6])
{
    gaddr_t uaddr = a[0];
    int op = (int)a[1], cmd = op & ~(L_FUTEX_PRIVATE | L_FUTEX_CLOCK_REALTIME);
    uint32_t val = (uint32_t)a[2], cur, val3 = (uint32_t)a[5];
    bool shared = !(op & L_FUTEX_PRIVATE);
    int64_t timeout;
    int err;

    if (uaddr & 3)
        return -EINVAL;
    if (!mm_guest_range_ok(t->proc->mm, uaddr, 4))
        return -EFAULT;
    if ((op & L_FUTEX_CLOCK_REALTIME) && cmd != L_FUTEX_WAIT_BITSET &&
        cmd != L_FUTEX_WAIT)
        return -ENOSYS;
    switch (cmd) {
    case L_FUTEX_WAIT:
    case L_FUTEX_WAIT_BITSET:
        if (cmd == L_FUTEX_WAIT_BITSET && val3 == 0)
            return -EINVAL;
        err = futex_timeout(t, a[3], cmd == L_FUTEX_WAIT_BITSET,
                            op & L_FUTEX_CLOCK_REALTIME, &timeout);
        if (err < 0)
            return err;
        if (copy_from_guest(t, &cur, uaddr, 4) < 0)
            return -EFAULT;
        if (cur != val)
            return -EAGAIN;
        err = lbox_plat_futex_wait((uint32_t *)uaddr, val, timeout,
                                   (shared ? LBOX_FUTEX_SHARED : 0) |
                                       LBOX_FUTEX_INTR);
        /* Woken by a signal it will not act on: a spurious wake-up,
         * which callers of FUTEX_WAIT handle. Else restart or EINTR. */
        if (err == -EINTR)
            return shim_signal_pending(t) ? -ERESTARTSYS : 0;
        return err;
    case L_FUTEX_WAKE:
    case L_FUTEX_WAKE_BITSET:
        if (cmd == L_FUTEX_WAKE_BITSET && val3 == 0)
            return -EINVAL;
        return lbox_plat_futex_wake((uint32_t *)uaddr,
                                    (int)MIN(val, 0x7fffffffu), shared);
    case L_FUTEX_CMP_REQUEUE:
        if (copy_from_guest(t, &cur, uaddr, 4) < 0)
            return -EFAULT;
        if (cur != val3)
            return -EAGAIN;
        /* fall through */
    case L_FUTEX_REQUEUE:
        if ((int)val < 0 || (int)a[3] < 0)
            return -EINVAL;
        return lbox_plat_futex_wake((uint32_t *)uaddr, 0x7fffffff, shared);
    default:
        return -ENOSYS;
    }
}
