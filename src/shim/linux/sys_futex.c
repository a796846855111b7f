/* SPDX-License-Identifier: MIT */
/*
 * Implements futex(2) for the Linux shim over lbox's own futexes
 * (core/ipc/futex.c): WAIT, WAKE, their BITSET forms, REQUEUE,
 * CMP_REQUEUE and WAKE_OP, private or not, with relative and absolute
 * timeouts. The PI operations are not served yet (-ENOSYS, logged).
 */
#include "core/clock.h"
#include "core/ipc/futex.h"
#include "core/mm.h"
#include "shim/linux/syscalls.h"

#define L_FUTEX_WAIT 0
#define L_FUTEX_WAKE 1
#define L_FUTEX_REQUEUE 3
#define L_FUTEX_CMP_REQUEUE 4
#define L_FUTEX_WAKE_OP 5
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

static bool word_ok(struct task *t, gaddr_t uaddr)
{
    return !(uaddr & 3) && mm_guest_range_ok(t->proc->mm, uaddr, 4);
}

/* FUTEX_WAKE_OP's operation on *uaddr2, atomically; the old value. */
static int wake_op_apply(gaddr_t uaddr2, uint32_t encoded, uint32_t *oldp)
{
    unsigned op = (encoded >> 28) & 7, shift = (encoded >> 28) & 8;
    int32_t oparg = (int32_t)(encoded << 8) >> 20;
    uint32_t old, new;
    int err;

    if (shift)
        oparg = (int32_t)(1u << (oparg & 31));  /* Linux masks it too */
    if (lbox_plat_copy_safe(&old, (const void *)uaddr2, 4) < 0)
        return -EFAULT;
    do {
        switch (op) {
        case 0: new = (uint32_t)oparg; break;           /* SET */
        case 1: new = old + (uint32_t)oparg; break;     /* ADD */
        case 2: new = old | (uint32_t)oparg; break;     /* OR */
        case 3: new = old & ~(uint32_t)oparg; break;    /* ANDN */
        case 4: new = old ^ (uint32_t)oparg; break;     /* XOR */
        default: return -ENOSYS;
        }
        err = lbox_plat_cmpxchg32_safe((uint32_t *)uaddr2, &old, new);
    } while (err == -EAGAIN);
    *oldp = old;
    return err;
}

static bool wake_op_cmp(uint32_t encoded, uint32_t old)
{
    int32_t cmparg = (int32_t)(encoded << 20) >> 20, o = (int32_t)old;

    switch ((encoded >> 24) & 15) {
    case 0: return o == cmparg;
    case 1: return o != cmparg;
    case 2: return o < cmparg;
    case 3: return o <= cmparg;
    case 4: return o > cmparg;
    case 5: return o >= cmparg;
    default: return false;
    }
}

static long futex_wait_call(struct task *t, gaddr_t uaddr, uint32_t val,
                            uint32_t bitset, int64_t timeout)
{
    int err = futex_wait(t, uaddr, val, bitset, timeout);

    /* Ended by a signal it will not act on: a spurious wake-up, which
     * callers of FUTEX_WAIT handle. Else restart or EINTR. */
    if (err == -EINTR)
        return shim_signal_pending(t) ? -ERESTARTSYS : 0;
    return err;
}

long sys_futex(struct task *t, const uint64_t a[6])
{
    gaddr_t uaddr = a[0], uaddr2 = a[4];
    int op = (int)a[1], cmd = op & ~(L_FUTEX_PRIVATE | L_FUTEX_CLOCK_REALTIME);
    uint32_t val = (uint32_t)a[2], cur, val3 = (uint32_t)a[5], old;
    int nr2 = (int)a[3];    /* val2: a count for REQUEUE and WAKE_OP */
    int64_t timeout;
    int err, woke;

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
        return futex_wait_call(t, uaddr, val,
                               cmd == L_FUTEX_WAIT ? FUTEX_BITSET_ANY : val3,
                               timeout);
    case L_FUTEX_WAKE:
    case L_FUTEX_WAKE_BITSET:
        if (cmd == L_FUTEX_WAKE_BITSET && val3 == 0)
            return -EINVAL;
        return futex_wake(t, uaddr, (int)MIN(val, 0x7fffffffu),
                          cmd == L_FUTEX_WAKE ? FUTEX_BITSET_ANY : val3);
    case L_FUTEX_CMP_REQUEUE:
    case L_FUTEX_REQUEUE:
        if ((int)val < 0 || nr2 < 0)
            return -EINVAL;
        if (!word_ok(t, uaddr2))
            return (uaddr2 & 3) ? -EINVAL : -EFAULT;
        if (cmd == L_FUTEX_CMP_REQUEUE) {
            if (copy_from_guest(t, &cur, uaddr, 4) < 0)
                return -EFAULT;
            if (cur != val3)
                return -EAGAIN;
        }
        return futex_requeue(t, uaddr, (int)val, uaddr2, nr2);
    case L_FUTEX_WAKE_OP:
        if (!word_ok(t, uaddr2))
            return (uaddr2 & 3) ? -EINVAL : -EFAULT;
        err = wake_op_apply(uaddr2, val3, &old);
        if (err < 0)
            return err;
        woke = futex_wake(t, uaddr, (int)MIN(val, 0x7fffffffu),
                          FUTEX_BITSET_ANY);
        if (wake_op_cmp(val3, old))
            woke += futex_wake(t, uaddr2, nr2 < 0 ? 0 : nr2,
                               FUTEX_BITSET_ANY);
        return woke;
    default:
        if (!shim_proc(t)->warned[202]) {
            shim_proc(t)->warned[202] = 1;
            rt_log("lbox: futex operation %d is not supported yet: "
                   "returning ENOSYS\n", cmd);
        }
        return -ENOSYS;
    }
}
