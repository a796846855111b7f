/* SPDX-License-Identifier: MIT */
/*
 * rt_lock for the kernel image: the three-state futex mutex (0 free, 1
 * locked, 2 locked and maybe contended), after Drepper's "Futexes Are
 * Tricky", mutex 2. Unlock makes a wake call only when someone may sleep.
 */
#include <lbox/platform.h>

#include "rt/rt.h"

static uint32_t cas(uint32_t *w, uint32_t expected, uint32_t desired)
{
    __atomic_compare_exchange_n(w, &expected, desired, false, __ATOMIC_ACQUIRE,
                                __ATOMIC_RELAXED);
    return expected;
}

void rt_lock(struct rt_lock *l, bool shared)
{
    uint32_t c = cas(&l->word, 0, 1);

    if (c == 0)
        return;
    /* Contended: mark the lock 2 and sleep until we take it as 2. */
    if (c != 2)
        c = __atomic_exchange_n(&l->word, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        lbox_plat_futex_wait(&l->word, 2, /*timeout_ns=*/-1,
                             shared ? LBOX_FUTEX_SHARED : 0);
        c = __atomic_exchange_n(&l->word, 2, __ATOMIC_ACQUIRE);
    }
}

void rt_unlock(struct rt_lock *l, bool shared)
{
    if (__atomic_fetch_sub(&l->word, 1, __ATOMIC_RELEASE) != 1) {
        __atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
        lbox_plat_futex_wake(&l->word, 1, shared);
    }
}
