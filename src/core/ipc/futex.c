/* SPDX-License-Identifier: MIT */
/*
 * Guest futexes served in lbox (core, kernel image): see futex.h. A
 * process's waiters hang in buckets by key, oldest first, so a wake
 * walks only the waiters of words that share its bucket.
 */
#include "core/clock.h"
#include "core/ipc/futex.h"
#include "core/task.h"

_Static_assert(FUTEX_BUCKETS == 64, "bucket() takes the top 6 bits");

static unsigned bucket(uint64_t key)
{
    return (unsigned)((key >> 2) * 0x9e3779b97f4a7c15ull >> 58);
}

static void unlink_waiter(struct futex_queue *q, struct futex_waiter *w)
{
    unsigned b = bucket(w->key);

    if (w->prev)
        w->prev->next = w->next;
    else
        q->head[b] = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        q->tail[b] = w->prev;
    w->next = w->prev = NULL;
    w->queued = false;
}

static void link_waiter(struct futex_queue *q, struct futex_waiter *w)
{
    unsigned b = bucket(w->key);

    w->prev = q->tail[b];
    w->next = NULL;
    if (q->tail[b])
        q->tail[b]->next = w;
    else
        q->head[b] = w;
    q->tail[b] = w;
    w->queued = true;
}

/* Unlink and wake (w). The waiter cannot return before the caller lets
 * go of the process lock, so (w) is live. */
static void wake_one(struct futex_queue *q, struct futex_waiter *w)
{
    unlink_waiter(q, w);
    __atomic_store_n(w->wake, w->index + 1, __ATOMIC_RELEASE);
    lbox_plat_futex_wake(w->wake, 1, false);
}

static struct futex_waiter *first_on(struct futex_queue *q, uint64_t key)
{
    struct futex_waiter *w = q->head[bucket(key)];

    while (w && w->key != key)
        w = w->next;
    return w;
}

static struct futex_waiter *first_pi(struct futex_queue *q, uint64_t key)
{
    struct futex_waiter *w = first_on(q, key);

    while (w && (w->key != key || !w->pi))
        w = w->next;
    return w;
}

static int read_word(uint64_t uaddr, uint32_t *out)
{
    return lbox_plat_copy_safe(out, (const void *)uaddr, 4) < 0 ? -EFAULT : 0;
}

/* A deadline (timeout_ns) from now, and what is left of one: < 0 for
 * none. */
static int64_t deadline_of(struct task *t, int64_t timeout_ns)
{
    int64_t now;

    if (timeout_ns < 0 || lbox_clock_get(t->k, LBOX_CLOCK_MONOTONIC, &now))
        return -1;
    return now + timeout_ns;
}

static int64_t left_of(struct task *t, int64_t deadline)
{
    int64_t now;

    if (deadline < 0 || lbox_clock_get(t->k, LBOX_CLOCK_MONOTONIC, &now))
        return -1;
    return deadline > now ? deadline - now : 0;
}

/* Sleep until (*word) is set, (timeout_ns) passes or a kick comes, with
 * the process lock let go. */
static int sleep_on(struct task *t, uint32_t *word, int64_t timeout_ns)
{
    int err;

    task_wait_begin(t);
    err = lbox_plat_futex_wait(word, 0, timeout_ns, LBOX_FUTEX_INTR);
    task_wait_end(t);
    return err;
}

int futex_wait(struct task *t, uint64_t uaddr, uint32_t val, uint32_t bitset,
               int64_t timeout_ns)
{
    struct futex_queue *q = &t->proc->futex_q;
    uint32_t woken = 0, cur;
    struct futex_waiter w = {.key = uaddr, .bitset = bitset, .wake = &woken,
                             .t = t};
    int err;

    if (read_word(uaddr, &cur) < 0)
        return -EFAULT;
    if (cur != val)
        return -EAGAIN;
    link_waiter(q, &w);
    err = sleep_on(t, &woken, timeout_ns);
    if (__atomic_load_n(&woken, __ATOMIC_ACQUIRE))
        return 0;
    unlink_waiter(q, &w);
    return err == -ETIMEDOUT || err == -EINTR ? err : 0;
}

int futex_waitv(struct task *t, const uint64_t *uaddrs, const uint32_t *vals,
                uint32_t n, int64_t timeout_ns)
{
    struct futex_queue *q = &t->proc->futex_q;
    struct futex_waiter *ws;
    uint32_t woken = 0, cur;
    int err = 0;

    if (n == 0 || n > FUTEX_WAITV_MAX)
        return -EINVAL;
    for (uint32_t i = 0; i < n; i++) {
        if (read_word(uaddrs[i], &cur) < 0)
            return -EFAULT;
        if (cur != vals[i])
            return -EAGAIN;
    }
    ws = rt_heap_zalloc(task_heap(t), n * sizeof(*ws));
    if (!ws)
        return -ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        ws[i] = (struct futex_waiter){.key = uaddrs[i], .index = i,
                                      .bitset = FUTEX_BITSET_ANY,
                                      .wake = &woken, .t = t};
        link_waiter(q, &ws[i]);
    }
    err = sleep_on(t, &woken, timeout_ns);
    for (uint32_t i = 0; i < n; i++)
        if (ws[i].queued)
            unlink_waiter(q, &ws[i]);
    rt_heap_free(task_heap(t), ws);
    woken = __atomic_load_n(&woken, __ATOMIC_ACQUIRE);
    if (woken)
        return (int)woken - 1;
    return err == -ETIMEDOUT || err == -EINTR ? err : -EAGAIN;
}

int futex_wake(struct task *t, uint64_t uaddr, int n, uint32_t bitset)
{
    struct futex_queue *q = &t->proc->futex_q;
    struct futex_waiter *w = q->head[bucket(uaddr)], *next;
    int woke = 0;

    for (; w && woke < n; w = next) {
        next = w->next;
        if (w->key != uaddr)
            continue;
        if (w->pi || w->pi_target)
            return -EINVAL;
        if (!(w->bitset & bitset))
            continue;
        wake_one(q, w);
        woke++;
    }
    return woke;
}

/* Move (w) to wait on (key), at the tail there. */
static void move_waiter(struct futex_queue *q, struct futex_waiter *w,
                        uint64_t key)
{
    unlink_waiter(q, w);
    w->key = key;
    link_waiter(q, w);
}

int futex_requeue(struct task *t, uint64_t uaddr, int nwake, uint64_t uaddr2,
                  int nmove)
{
    struct futex_queue *q = &t->proc->futex_q;
    struct futex_waiter *w = q->head[bucket(uaddr)], *next, *moving = NULL;
    struct futex_waiter **tail = &moving;
    int woke = 0, moved = 0;

    for (; w && (woke < nwake || moved < nmove); w = next) {
        next = w->next;
        if (w->key != uaddr || w->pi || w->pi_target)
            continue;
        if (woke < nwake) {
            wake_one(q, w);
            woke++;
        } else if (uaddr != uaddr2) {
            /* Set aside, so the walk does not meet it again. */
            unlink_waiter(q, w);
            *tail = w;
            tail = &w->next;
            moved++;
        } else {
            moved++;
        }
    }
    for (w = moving; w; w = next) {
        next = w->next;
        w->key = uaddr2;
        link_waiter(q, w);
    }
    return woke + moved;
}

/* --- priority-inheritance locks ------------------------------------------ */

/* Set bits (set) in the lock word at (uaddr), whatever else changes. */
static int word_or(uint64_t uaddr, uint32_t set)
{
    uint32_t cur;
    int err;

    if (read_word(uaddr, &cur) < 0)
        return -EFAULT;
    do {
        if ((cur & set) == set)
            return 0;
        err = lbox_plat_cmpxchg32_safe((uint32_t *)uaddr, &cur, cur | set);
    } while (err == -EAGAIN);
    return err;
}

/* Make (w)'s thread the owner of the lock at (uaddr), which holds
 * (cur) (its FUTEX_OWNER_DIED kept when (keep_died)), and wake it:
 * -EAGAIN when the word changed meanwhile. */
static int hand_to(struct futex_queue *q, struct futex_waiter *w,
                   uint64_t uaddr, uint32_t cur, bool keep_died)
{
    uint32_t new = (uint32_t)w->t->tid | FUTEX_WAITERS |
                   (keep_died ? cur & FUTEX_OWNER_DIED : 0);
    int err = lbox_plat_cmpxchg32_safe((uint32_t *)uaddr, &cur, new);

    if (err == 0)
        wake_one(q, w);
    return err;
}

int futex_lock_pi(struct task *t, uint64_t uaddr, int64_t timeout_ns,
                  bool trylock)
{
    struct futex_queue *q = &t->proc->futex_q;
    int64_t deadline = deadline_of(t, timeout_ns);
    uint32_t me = (uint32_t)t->tid;

    for (;;) {
        uint32_t cur, owner, woken = 0;
        struct futex_waiter w = {.key = uaddr, .pi = true, .wake = &woken,
                                 .bitset = FUTEX_BITSET_ANY, .t = t};
        int64_t left;
        int err;

        if (read_word(uaddr, &cur) < 0)
            return -EFAULT;
        owner = cur & FUTEX_TID_MASK;
        if (owner == me)
            return -EDEADLK;
        if (owner == 0) {
            /* Free (perhaps left by a dead owner): take it, saying so
             * to the next unlock if others wait. */
            uint32_t new = me | (cur & FUTEX_OWNER_DIED) |
                           (first_pi(q, uaddr) ? FUTEX_WAITERS : 0);

            err = lbox_plat_cmpxchg32_safe((uint32_t *)uaddr, &cur, new);
            if (err != -EAGAIN)
                return err;
            continue;
        }
        if (trylock)
            return -EAGAIN;
        if (!task_find(t->proc, (int)owner))
            return -ESRCH;
        if (!(cur & FUTEX_WAITERS)) {
            err = lbox_plat_cmpxchg32_safe((uint32_t *)uaddr, &cur,
                                           cur | FUTEX_WAITERS);
            if (err == -EFAULT)
                return err;
            if (err)
                continue;
        }
        left = left_of(t, deadline);
        if (left == 0)
            return -ETIMEDOUT;
        link_waiter(q, &w);
        err = sleep_on(t, &woken, left);
        if (__atomic_load_n(&woken, __ATOMIC_ACQUIRE))
            return 0;       /* the unlock made it ours */
        unlink_waiter(q, &w);
        if (err == -ETIMEDOUT || err == -EINTR)
            return err;
    }
}

int futex_unlock_pi(struct task *t, uint64_t uaddr)
{
    struct futex_queue *q = &t->proc->futex_q;

    for (;;) {
        struct futex_waiter *w;
        uint32_t cur;
        int err;

        if (read_word(uaddr, &cur) < 0)
            return -EFAULT;
        if ((cur & FUTEX_TID_MASK) != (uint32_t)t->tid)
            return -EPERM;
        w = first_pi(q, uaddr);
        if (w)
            err = hand_to(q, w, uaddr, cur, false);
        else
            err = lbox_plat_cmpxchg32_safe((uint32_t *)uaddr, &cur, 0);
        if (err != -EAGAIN)
            return err;
    }
}

int futex_wait_requeue_pi(struct task *t, uint64_t uaddr, uint32_t val,
                          uint64_t uaddr2, int64_t timeout_ns)
{
    struct futex_queue *q = &t->proc->futex_q;
    int64_t deadline = deadline_of(t, timeout_ns);
    uint32_t woken = 0, cur;
    struct futex_waiter w = {.key = uaddr, .pi_target = uaddr2,
                             .bitset = FUTEX_BITSET_ANY, .wake = &woken,
                             .t = t};
    int err;

    if (uaddr == uaddr2)
        return -EINVAL;
    if (read_word(uaddr, &cur) < 0)
        return -EFAULT;
    if (cur != val)
        return -EAGAIN;
    link_waiter(q, &w);
    for (;;) {
        int64_t left = left_of(t, deadline);

        err = left == 0 ? -ETIMEDOUT : sleep_on(t, &woken, left);
        if (__atomic_load_n(&woken, __ATOMIC_ACQUIRE))
            return 0;       /* given the lock, directly or by an unlock */
        if (err == -ETIMEDOUT || err == -EINTR)
            break;
        if (!w.pi)
            break;          /* a spurious wake before the requeue */
    }
    unlink_waiter(q, &w);
    /* Moved to the lock already, the call cannot start over: Linux says
     * EAGAIN then, as a restart would find the word changed. */
    if (w.pi && err == -EINTR)
        return -EAGAIN;
    return err == -ETIMEDOUT || err == -EINTR ? err : -EAGAIN;
}

int futex_requeue_pi(struct task *t, uint64_t uaddr, uint64_t uaddr2,
                     int nmove)
{
    struct futex_queue *q = &t->proc->futex_q;
    struct futex_waiter *w = first_on(q, uaddr), *next;
    int done = 0;
    uint32_t cur;
    int err;

    if (uaddr == uaddr2)
        return -EINVAL;
    if (!w)
        return 0;
    if (w->pi_target != uaddr2)
        return -EINVAL;
    /* The oldest takes the lock if nobody holds it. */
    do {
        if (read_word(uaddr2, &cur) < 0)
            return -EFAULT;
        err = cur & FUTEX_TID_MASK ? 1 : hand_to(q, w, uaddr2, cur, true);
    } while (err == -EAGAIN);
    if (err < 0)
        return err;
    if (err == 0)
        done++;
    for (w = first_on(q, uaddr); w && done < nmove + 1; w = next) {
        next = w->next;
        if (w->key != uaddr)
            continue;
        if (w->pi_target != uaddr2)
            return done ? done : -EINVAL;
        w->pi = true;
        move_waiter(q, w, uaddr2);
        done++;
    }
    if (done && word_or(uaddr2, FUTEX_WAITERS) < 0)
        return -EFAULT;
    return done;
}

void futex_task_gone(struct task *t)
{
    struct futex_queue *q = &t->proc->futex_q;

    for (unsigned b = 0; b < FUTEX_BUCKETS; b++) {
        struct futex_waiter *w, *next;

        for (w = q->head[b]; w; w = next) {
            next = w->next;
            if (w->t == t)
                unlink_waiter(q, w);
        }
    }
    /* A lock (t) held, or its robust list left with no owner, goes to
     * its oldest waiter, FUTEX_OWNER_DIED kept, as Linux's exit does. */
    for (unsigned b = 0; b < FUTEX_BUCKETS; b++) {
        struct futex_waiter *w, *next;

        for (w = q->head[b]; w; w = next) {
            next = w->next;
            if (!w->pi || first_pi(q, w->key) != w)
                continue;
            for (int tries = 0; tries < 16; tries++) {
                uint32_t cur, owner;

                if (read_word(w->key, &cur) < 0)
                    break;
                owner = cur & FUTEX_TID_MASK;
                if ((owner != (uint32_t)t->tid && owner != 0) ||
                    hand_to(q, w, w->key, cur, true) != -EAGAIN)
                    break;
            }
        }
    }
}
