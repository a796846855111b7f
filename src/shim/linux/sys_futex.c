/* SPDX-License-Identifier: MIT */
/*
 * Implements futex(2) for the Linux shim over lbox's own futexes
 * (core/ipc/futex.c): WAIT, WAKE, their BITSET forms, REQUEUE,
 * CMP_REQUEUE, WAKE_OP and the priority-inheritance operations (LOCK_PI,
 * LOCK_PI2, TRYLOCK_PI, UNLOCK_PI, WAIT_REQUEUE_PI, CMP_REQUEUE_PI),
 * private or not, with relative and absolute timeouts; and the futex2
 * calls futex_waitv(2), futex_wait(2), futex_wake(2), futex_requeue(2).
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
#define L_FUTEX_LOCK_PI 6
#define L_FUTEX_UNLOCK_PI 7
#define L_FUTEX_TRYLOCK_PI 8
#define L_FUTEX_WAIT_BITSET 9
#define L_FUTEX_WAKE_BITSET 10
#define L_FUTEX_WAIT_REQUEUE_PI 11
#define L_FUTEX_CMP_REQUEUE_PI 12
#define L_FUTEX_LOCK_PI2 13
#define L_FUTEX_PRIVATE 128
#define L_FUTEX_CLOCK_REALTIME 256
#define L_FUTEX2_SIZE_U32 0x02
#define L_FUTEX2_SIZE_MASK 0x03
#define L_FUTEX2_PRIVATE 128
#define L_CLOCK_REALTIME 0
#define L_CLOCK_MONOTONIC 1

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
        cmd != L_FUTEX_WAIT_REQUEUE_PI && cmd != L_FUTEX_LOCK_PI2)
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
    case L_FUTEX_LOCK_PI:
    case L_FUTEX_LOCK_PI2:
    case L_FUTEX_TRYLOCK_PI:
        /* Absolute; LOCK_PI's on CLOCK_REALTIME always. */
        err = futex_timeout(t, cmd == L_FUTEX_TRYLOCK_PI ? 0 : a[3], true,
                            cmd == L_FUTEX_LOCK_PI ||
                            (op & L_FUTEX_CLOCK_REALTIME), &timeout);
        if (err < 0)
            return err;
        err = futex_lock_pi(t, uaddr, timeout, cmd == L_FUTEX_TRYLOCK_PI);
        return err == -EINTR ? -ERESTARTNOINTR : err;
    case L_FUTEX_UNLOCK_PI:
        return futex_unlock_pi(t, uaddr);
    case L_FUTEX_WAIT_REQUEUE_PI:
        if (!word_ok(t, uaddr2))
            return (uaddr2 & 3) ? -EINVAL : -EFAULT;
        /* Linux takes no bitset here: (val3) is not looked at. */
        err = futex_timeout(t, a[3], true, op & L_FUTEX_CLOCK_REALTIME,
                            &timeout);
        if (err < 0)
            return err;
        err = futex_wait_requeue_pi(t, uaddr, val, uaddr2, timeout);
        if (err == -EINTR)
            return shim_signal_pending(t) ? -ERESTARTNOINTR : -EAGAIN;
        return err;
    case L_FUTEX_CMP_REQUEUE_PI:
        if (val != 1 || nr2 < 0)
            return -EINVAL;
        if (!word_ok(t, uaddr2))
            return (uaddr2 & 3) ? -EINVAL : -EFAULT;
        if (copy_from_guest(t, &cur, uaddr, 4) < 0)
            return -EFAULT;
        if (cur != val3)
            return -EAGAIN;
        return futex_requeue_pi(t, uaddr, uaddr2, nr2);
    default:
        return -ENOSYS;     /* FUTEX_FD and unknown: Linux's answer */
    }
}

/* futex2 flags for a 32-bit word: FUTEX2_SIZE_U32 and maybe
 * FUTEX2_PRIVATE, nothing else (NUMA, other sizes: -EINVAL). */
static bool futex2_flags_ok(uint64_t flags)
{
    return (flags & L_FUTEX2_SIZE_MASK) == L_FUTEX2_SIZE_U32 &&
           !(flags & ~(uint64_t)(L_FUTEX2_SIZE_MASK | L_FUTEX2_PRIVATE));
}

/* A futex2 absolute timeout on (clockid): monotonic or realtime. */
static int futex2_timeout(struct task *t, gaddr_t ts, uint64_t clockid,
                          int64_t *out)
{
    *out = -1;
    if (!ts)
        return 0;
    if (clockid != L_CLOCK_MONOTONIC && clockid != L_CLOCK_REALTIME)
        return -EINVAL;
    return futex_timeout(t, ts, true, clockid == L_CLOCK_REALTIME, out);
}

struct l_futex_waitv {
    uint64_t val, uaddr;
    uint32_t flags, reserved;
};

/* (n) struct futex_waitv from the guest, checked as Linux does. */
static long get_waitv(struct task *t, gaddr_t uwaiters, uint32_t n,
                      uint64_t *uaddrs, uint32_t *vals)
{
    struct l_futex_waitv w;

    for (uint32_t i = 0; i < n; i++) {
        if (copy_from_guest(t, &w, uwaiters + i * sizeof(w), sizeof(w)) < 0)
            return -EFAULT;
        if (!futex2_flags_ok(w.flags) || w.reserved || w.val > UINT32_MAX ||
            (w.uaddr & 3))
            return -EINVAL;
        if (!mm_guest_range_ok(t->proc->mm, w.uaddr, 4))
            return -EFAULT;
        uaddrs[i] = w.uaddr;
        vals[i] = (uint32_t)w.val;
    }
    return 0;
}

long sys_futex_waitv(struct task *t, const uint64_t a[6])
{
    uint32_t n = (uint32_t)a[1], vals[FUTEX_WAITV_MAX];
    uint64_t uaddrs[FUTEX_WAITV_MAX];
    int64_t timeout;
    long err;

    if (a[2] || !a[0] || n == 0 || n > FUTEX_WAITV_MAX)
        return -EINVAL;
    err = futex2_timeout(t, a[3], a[4], &timeout);
    if (err == 0)
        err = get_waitv(t, a[0], n, uaddrs, vals);
    if (err == 0)
        err = futex_waitv(t, uaddrs, vals, n, timeout);
    return err == -EINTR ? -ERESTARTSYS : err;
}

/* futex_wait(uaddr, val, mask, flags, timeout, clockid) */
long sys_futex_wait(struct task *t, const uint64_t a[6])
{
    int64_t timeout;
    long err;

    if (!futex2_flags_ok(a[3]) || a[1] > UINT32_MAX || !(uint32_t)a[2])
        return -EINVAL;
    if (!word_ok(t, a[0]))
        return (a[0] & 3) ? -EINVAL : -EFAULT;
    err = futex2_timeout(t, a[4], a[5], &timeout);
    if (err < 0)
        return err;
    return futex_wait_call(t, a[0], (uint32_t)a[1], (uint32_t)a[2], timeout);
}

/* futex_wake(uaddr, mask, nr, flags) */
long sys_futex_wake(struct task *t, const uint64_t a[6])
{
    if (!futex2_flags_ok(a[3]) || !(uint32_t)a[1])
        return -EINVAL;
    if (!word_ok(t, a[0]))
        return (a[0] & 3) ? -EINVAL : -EFAULT;
    return futex_wake(t, a[0], (int)MIN(a[2], 0x7fffffffu), (uint32_t)a[1]);
}

/* futex_requeue(waiters[2], flags, nr_wake, nr_requeue): waiters[0]'s
 * value compared, as FUTEX_CMP_REQUEUE does. */
long sys_futex_requeue(struct task *t, const uint64_t a[6])
{
    uint64_t uaddrs[2];
    uint32_t vals[2], cur;
    long err;

    if (a[1] || (int)a[2] < 0 || (int)a[3] < 0)
        return -EINVAL;
    err = get_waitv(t, a[0], 2, uaddrs, vals);
    if (err < 0)
        return err;
    if (copy_from_guest(t, &cur, uaddrs[0], 4) < 0)
        return -EFAULT;
    if (cur != vals[0])
        return -EAGAIN;
    return futex_requeue(t, uaddrs[0], (int)a[2], uaddrs[1], (int)a[3]);
}
