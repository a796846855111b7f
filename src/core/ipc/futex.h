/* SPDX-License-Identifier: MIT */
/*
 * Guest futexes served in lbox (core, kernel image). A guest word is
 * compared and its waiters queued under the process lock (task.h), and
 * a waiter sleeps on a word of its own, so a wake with nobody waiting
 * costs no host call and the host futex only ever sees lbox's words.
 * Keys are guest addresses: every futex of a process is private to it
 * until processes share memory (fork), FUTEX_PRIVATE or not.
 *
 * Priority-inheritance futexes follow Linux's protocol on the word (the
 * owner's tid, FUTEX_WAITERS, FUTEX_OWNER_DIED; an unlock hands the lock
 * to the oldest waiter by writing its tid), without the priority
 * boosting: the host schedules lbox's threads.
 */
#ifndef LBOX_CORE_IPC_FUTEX_H
#define LBOX_CORE_IPC_FUTEX_H

#include <stdbool.h>
#include <stdint.h>

#define FUTEX_BITSET_ANY 0xffffffffu
#define FUTEX_WAITERS    0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK   0x3fffffffu
#define FUTEX_BUCKETS    64
#define FUTEX_WAITV_MAX  128

struct task;

struct futex_waiter {
    struct futex_waiter *next, *prev;
    uint64_t key;
    uint64_t pi_target;     /* FUTEX_WAIT_REQUEUE_PI: the lock it goes to */
    uint32_t bitset;
    uint32_t index;         /* which word of a futex_waitv */
    uint32_t *wake;         /* the host futex word it sleeps on: set to
                             * (index) + 1 when woken */
    bool queued;
    bool pi;                /* waits to own the PI lock at (key) */
    struct task *t;
};

/* A process's waiters, by key, oldest first in each bucket. */
struct futex_queue {
    struct futex_waiter *head[FUTEX_BUCKETS], *tail[FUTEX_BUCKETS];
};

/*
 * Sleep while the guest word at (uaddr) holds (val), for at most
 * (timeout_ns) (< 0: no limit), until a wake whose bitset meets
 * (bitset). 0 when woken (or spuriously, which futex users allow),
 * -EAGAIN if the word differed, -EFAULT, -ETIMEDOUT, -EINTR when an
 * event or a kick ended the wait.
 */
int futex_wait(struct task *t, uint64_t uaddr, uint32_t val, uint32_t bitset,
               int64_t timeout_ns);
/* futex_waitv(2): sleep while each of (n) words holds its value; the
 * index of a word woken, or futex_wait's errors. */
int futex_waitv(struct task *t, const uint64_t *uaddrs, const uint32_t *vals,
                uint32_t n, int64_t timeout_ns);
/* Wake at most (n) waiters on (uaddr) whose bitset meets (bitset);
 * -EINVAL if the next is a PI waiter, as Linux refuses. */
int futex_wake(struct task *t, uint64_t uaddr, int n, uint32_t bitset);
/* Wake at most (nwake) on (uaddr), move at most (nmove) of the rest to
 * (uaddr2). Returns how many it woke plus how many it moved. */
int futex_requeue(struct task *t, uint64_t uaddr, int nwake, uint64_t uaddr2,
                  int nmove);

/*
 * FUTEX_LOCK_PI and FUTEX_TRYLOCK_PI ((trylock): -EAGAIN instead of
 * waiting): 0 when (t) owns the lock, -EDEADLK when it did already,
 * -ESRCH when the owner's tid names no thread, -ETIMEDOUT, -EINTR.
 * FUTEX_UNLOCK_PI: -EPERM unless (t) owns it.
 */
int futex_lock_pi(struct task *t, uint64_t uaddr, int64_t timeout_ns,
                  bool trylock);
int futex_unlock_pi(struct task *t, uint64_t uaddr);
/* FUTEX_WAIT_REQUEUE_PI: futex_wait on (uaddr) that ends owning the PI
 * lock at (uaddr2) once FUTEX_CMP_REQUEUE_PI moved it there. */
int futex_wait_requeue_pi(struct task *t, uint64_t uaddr, uint32_t val,
                          uint64_t uaddr2, int64_t timeout_ns);
/* FUTEX_CMP_REQUEUE_PI (the caller compared the word): give the lock at
 * (uaddr2) to the oldest waiter on (uaddr) if it is free, move up to
 * (nmove) others to wait for it. How many it woke plus moved. */
int futex_requeue_pi(struct task *t, uint64_t uaddr, uint64_t uaddr2,
                     int nmove);

/* (t) leaves: drop its waits, and hand the PI locks it held (or that
 * its robust list left ownerless) to their waiters. */
void futex_task_gone(struct task *t);

#endif /* LBOX_CORE_IPC_FUTEX_H */
