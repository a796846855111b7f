/* SPDX-License-Identifier: MIT */
/*
 * Guest futexes served in lbox (core, kernel image). A guest word is
 * compared and its waiters queued under the process lock (task.h), and
 * a waiter sleeps on a word of its own, so a wake with nobody waiting
 * costs no host call and the host futex only ever sees lbox's words.
 * Keys are guest addresses: every futex of a process is private to it
 * until processes share memory (fork), FUTEX_PRIVATE or not.
 */
#ifndef LBOX_CORE_IPC_FUTEX_H
#define LBOX_CORE_IPC_FUTEX_H

#include <stdint.h>

#include "core/kernel.h"

#define FUTEX_BITSET_ANY 0xffffffffu

struct futex_waiter {
    struct futex_waiter *next, *prev;
    uint64_t key;
    uint32_t bitset;
    uint32_t woken;     /* 0 while queued; the host futex word it sleeps on */
    struct task *t;
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
/* Wake at most (n) waiters on (uaddr) whose bitset meets (bitset). */
int futex_wake(struct task *t, uint64_t uaddr, int n, uint32_t bitset);
/* Wake at most (nwake) on (uaddr), move at most (nmove) of the rest to
 * (uaddr2). Returns how many it woke plus how many it moved. */
int futex_requeue(struct task *t, uint64_t uaddr, int nwake, uint64_t uaddr2,
                  int nmove);
/* Drop (t)'s waits: a thread that leaves. */
void futex_task_gone(struct task *t);

#endif /* LBOX_CORE_IPC_FUTEX_H */
