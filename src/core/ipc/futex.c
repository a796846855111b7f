/* SPDX-License-Identifier: MIT */
/*
 * Guest futexes served in lbox (core, kernel image): see futex.h. The
 * waiters of a process are one list: programs wait on few words at a
 * time, and a wake walks only until it has woken enough.
 */
#include "core/ipc/futex.h"
#include "core/task.h"

static void unlink_waiter(struct process *p, struct futex_waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        p->futex_q = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->next = w->prev = NULL;
}

static void link_waiter(struct process *p, struct futex_waiter *w)
{
    struct futex_waiter **pp = &p->futex_q, *last = NULL;

    /* At the tail: waiters wake in the order they came. */
    while (*pp) {
        last = *pp;
        pp = &(*pp)->next;
    }
    w->prev = last;
    w->next = NULL;
    *pp = w;
}

/* Wake (w), which the caller has unlinked. The waiter cannot return
 * before the caller lets go of the process lock, so (w) is live. */
static void wake_one(struct futex_waiter *w)
{
    __atomic_store_n(&w->woken, 1, __ATOMIC_RELEASE);
    lbox_plat_futex_wake(&w->woken, 1, false);
}

int futex_wait(struct task *t, uint64_t uaddr, uint32_t val, uint32_t bitset,
               int64_t timeout_ns)
{
    struct process *p = t->proc;
    struct futex_waiter w = {.key = uaddr, .bitset = bitset, .t = t};
    uint32_t cur;
    int err;

    if (lbox_plat_copy_safe(&cur, (const void *)uaddr, sizeof(cur)) < 0)
        return -EFAULT;
    if (cur != val)
        return -EAGAIN;
    link_waiter(p, &w);
    task_wait_begin(t);
    err = lbox_plat_futex_wait(&w.woken, 0, timeout_ns, LBOX_FUTEX_INTR);
    task_wait_end(t);
    if (__atomic_load_n(&w.woken, __ATOMIC_ACQUIRE))
        return 0;
    unlink_waiter(p, &w);
    return err == -ETIMEDOUT || err == -EINTR ? err : 0;
}

int futex_wake(struct task *t, uint64_t uaddr, int n, uint32_t bitset)
{
    struct process *p = t->proc;
    struct futex_waiter *w = p->futex_q, *next;
    int woke = 0;

    for (; w && woke < n; w = next) {
        next = w->next;
        if (w->key != uaddr || !(w->bitset & bitset))
            continue;
        unlink_waiter(p, w);
        wake_one(w);
        woke++;
    }
    return woke;
}

int futex_requeue(struct task *t, uint64_t uaddr, int nwake, uint64_t uaddr2,
                  int nmove)
{
    struct process *p = t->proc;
    struct futex_waiter *w = p->futex_q, *next;
    int woke = 0, moved = 0;

    for (; w && (woke < nwake || moved < nmove); w = next) {
        next = w->next;
        if (w->key != uaddr)
            continue;
        if (woke < nwake) {
            unlink_waiter(p, w);
            wake_one(w);
            woke++;
        } else {
            w->key = uaddr2;
            moved++;
        }
    }
    return woke + moved;
}

void futex_task_gone(struct task *t)
{
    struct process *p = t->proc;
    struct futex_waiter *w = p->futex_q, *next;

    for (; w; w = next) {
        next = w->next;
        if (w->t == t)
            unlink_waiter(p, w);
    }
}
