// SPDX-License-Identifier: MIT
// Priority-inheritance futexes (glibc's PTHREAD_PRIO_INHERIT mutexes,
// robust ones, and the raw LOCK_PI, TRYLOCK_PI, UNLOCK_PI, WAIT_REQUEUE_PI
// and CMP_REQUEUE_PI operations with their errors), futex_waitv and the
// futex2 futex_wait/futex_wake calls. Compared line by line with a
// native run.
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#define NR_futex_wake 454
#define NR_futex_wait 455
#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32 0x02
#endif
#ifndef FUTEX2_PRIVATE
#define FUTEX2_PRIVATE 128
#endif

struct waitv {
    uint64_t val, uaddr;
    uint32_t flags, reserved;
};

static long futex(uint32_t *w, int op, uint32_t val, const void *ts,
                  uint32_t *w2, uint32_t val3)
{
    return syscall(SYS_futex, w, op, val, ts, w2, val3);
}

static uint32_t load(uint32_t *w)
{
    return __atomic_load_n(w, __ATOMIC_ACQUIRE);
}

/* Wait until (*w) has (bits) set: a thread reached its wait in the
 * kernel (the WAITERS bit is set there). */
static void until_set(uint32_t *w, uint32_t bits)
{
    while ((load(w) & bits) != bits)
        usleep(1000);
}

static uint32_t g_lock, g_cond;
static long g_ret;
static uint32_t g_tid;

static void *locker(void *arg)
{
    (void)arg;
    g_tid = (uint32_t)gettid();
    g_ret = futex(&g_lock, FUTEX_LOCK_PI, 0, NULL, NULL, 0);
    if (g_ret == 0)
        g_ret = (load(&g_lock) & FUTEX_TID_MASK) == g_tid ? 0 : -2;
    if (g_ret == 0)
        futex(&g_lock, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0);
    return NULL;
}

static void *unlocker(void *arg)
{
    (void)arg;
    g_ret = futex(&g_lock, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0) < 0 ? errno : 0;
    return NULL;
}

static void *trylocker(void *arg)
{
    (void)arg;
    g_ret = futex(&g_lock, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0) < 0 ? errno : 0;
    return NULL;
}

static uint32_t g_phase;

static void *exiter(void *arg)
{
    (void)arg;
    futex(&g_lock, FUTEX_LOCK_PI, 0, NULL, NULL, 0);
    until_set(&g_phase, 1);
    usleep(100000);     /* the main thread waits for the lock by then */
    return NULL;        /* leaves holding it */
}

static void test_raw(void)
{
    pthread_t th;
    uint32_t me = (uint32_t)gettid();
    struct timespec ts;

    g_lock = 0;
    CHECK(futex(&g_lock, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0) == 0 &&
          g_lock == me, "TRYLOCK_PI on a free lock");
    CHECK_ERR(futex(&g_lock, FUTEX_LOCK_PI, 0, NULL, NULL, 0), EDEADLK,
              "LOCK_PI by its owner");
    pthread_create(&th, NULL, unlocker, NULL);
    pthread_join(th, NULL);
    CHECK_EQ(g_ret, EPERM, "UNLOCK_PI by another thread");
    pthread_create(&th, NULL, trylocker, NULL);
    pthread_join(th, NULL);
    CHECK_EQ(g_ret, EAGAIN, "TRYLOCK_PI of a held lock");
    CHECK(futex(&g_lock, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0) == 0 &&
          g_lock == 0, "UNLOCK_PI with no waiter frees it");
    CHECK_ERR(futex(&g_lock, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), EPERM,
              "UNLOCK_PI of a free lock");

    g_lock = 0x3ffffff0;        /* a tid nobody has */
    CHECK_ERR(futex(&g_lock, FUTEX_LOCK_PI, 0, NULL, NULL, 0), ESRCH,
              "LOCK_PI held by no thread");
    g_lock = FUTEX_OWNER_DIED;
    CHECK(futex(&g_lock, FUTEX_LOCK_PI, 0, NULL, NULL, 0) == 0 &&
          g_lock == (me | FUTEX_OWNER_DIED),
          "LOCK_PI of a dead owner's lock keeps OWNER_DIED");
    futex(&g_lock, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0);
    CHECK_EQ(g_lock, 0, "and UNLOCK_PI clears it");

    /* Hand-off: the unlock writes the waiter's tid. */
    futex(&g_lock, FUTEX_LOCK_PI, 0, NULL, NULL, 0);
    g_ret = -1;
    pthread_create(&th, NULL, locker, NULL);
    until_set(&g_lock, FUTEX_WAITERS);
    CHECK(futex(&g_lock, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0) == 0,
          "UNLOCK_PI with a waiter");
    pthread_join(th, NULL);
    CHECK_EQ(g_ret, 0, "the waiter got it from the unlock");
    CHECK_EQ(g_lock, 0, "and freed it");

    /* A timeout: absolute, on CLOCK_REALTIME for LOCK_PI. */
    g_lock = 0;
    pthread_create(&th, NULL, exiter, NULL);
    while (!load(&g_lock))
        usleep(1000);
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 30 * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    CHECK_ERR(futex(&g_lock, FUTEX_LOCK_PI, 0, &ts, NULL, 0), ETIMEDOUT,
              "LOCK_PI times out");
    CHECK(load(&g_lock) & FUTEX_WAITERS, "leaving FUTEX_WAITERS set");
    /* Its owner leaves while this thread waits: the lock comes here. */
    __atomic_store_n(&g_phase, 1, __ATOMIC_RELEASE);
    CHECK(futex(&g_lock, FUTEX_LOCK_PI, 0, NULL, NULL, 0) == 0 &&
          (g_lock & FUTEX_TID_MASK) == me,
          "an owner that leaves hands the lock to its waiter");
    pthread_join(th, NULL);
    futex(&g_lock, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0);
    CHECK_EQ(g_lock, 0, "unlocked after");

    CHECK_ERR(futex(&g_lock, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, NULL, NULL,
                    0), ENOSYS, "FUTEX_WAIT with FUTEX_CLOCK_REALTIME");
    CHECK_ERR(futex(&g_lock, 2, 0, NULL, NULL, 0), ENOSYS, "FUTEX_FD");
}

/* glibc's PI mutexes under contention. */
static pthread_mutex_t g_pi;
static long g_count;

static void *bump(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_mutex_lock(&g_pi);
        g_count++;
        pthread_mutex_unlock(&g_pi);
    }
    return NULL;
}

static pthread_mutex_t g_robust;

static void *die_holding(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&g_robust);
    return NULL;
}

static void *die_with_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&g_robust);
    until_set((uint32_t *)&g_robust.__data.__lock, FUTEX_WAITERS);
    return NULL;
}

static void test_mutexes(void)
{
    pthread_mutexattr_t at;
    pthread_t th[4];

    pthread_mutexattr_init(&at);
    pthread_mutexattr_setprotocol(&at, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&g_pi, &at);
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, bump, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ(g_count, 80000, "four threads count under a PI mutex");

    pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&g_robust, &at);
    pthread_create(&th[0], NULL, die_holding, NULL);
    pthread_join(th[0], NULL);
    CHECK_EQ(pthread_mutex_lock(&g_robust), EOWNERDEAD,
             "robust PI mutex of a thread gone: EOWNERDEAD");
    CHECK(pthread_mutex_consistent(&g_robust) == 0 &&
          pthread_mutex_unlock(&g_robust) == 0, "made consistent");
    pthread_create(&th[0], NULL, die_with_waiter, NULL);
    while (!load((uint32_t *)&g_robust.__data.__lock))
        usleep(1000);
    CHECK_EQ(pthread_mutex_lock(&g_robust), EOWNERDEAD,
             "a waiter gets it with EOWNERDEAD when the owner leaves");
    pthread_join(th[0], NULL);
    pthread_mutex_consistent(&g_robust);
    pthread_mutex_unlock(&g_robust);
    CHECK(pthread_mutex_trylock(&g_robust) == 0 &&
          pthread_mutex_unlock(&g_robust) == 0, "usable after");
}

/* WAIT_REQUEUE_PI on a condition word, CMP_REQUEUE_PI onto the lock. */
static void *cond_waiter(void *arg)
{
    (void)arg;
    g_tid = (uint32_t)gettid();
    g_ret = futex(&g_cond, FUTEX_WAIT_REQUEUE_PI, 0, NULL, &g_lock, 0);
    if (g_ret == 0)
        g_ret = (load(&g_lock) & FUTEX_TID_MASK) == g_tid ? 0 : -2;
    futex(&g_lock, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0);
    return NULL;
}

/* Requeue until the waiter is there to be requeued. */
static long requeue_pi(void)
{
    long r;

    while ((r = futex(&g_cond, FUTEX_CMP_REQUEUE_PI, 1, (void *)1, &g_lock,
                      0)) == 0 && __atomic_load_n(&g_ret, __ATOMIC_ACQUIRE) == -1)
        usleep(1000);
    return r;
}

static void test_requeue_pi(void)
{
    pthread_t th;

    g_lock = g_cond = 0;
    g_ret = -1;
    pthread_create(&th, NULL, cond_waiter, NULL);
    CHECK_EQ(requeue_pi(), 1, "CMP_REQUEUE_PI gives a free lock");
    pthread_join(th, NULL);
    CHECK_EQ(g_ret, 0, "the waiter owns it on waking");

    g_ret = -1;
    futex(&g_lock, FUTEX_LOCK_PI, 0, NULL, NULL, 0);
    pthread_create(&th, NULL, cond_waiter, NULL);
    usleep(1000);
    {
        long r;
        int e;

        while ((r = futex(&g_cond, FUTEX_WAKE, 1, NULL, NULL, 0)) == 0 &&
               __atomic_load_n(&g_ret, __ATOMIC_ACQUIRE) == -1)
            usleep(1000);
        e = errno;
        CHECK(r == -1 && e == EINVAL,
              "FUTEX_WAKE on a requeue-PI waiter: EINVAL");
    }
    CHECK_EQ(requeue_pi(), 1, "CMP_REQUEUE_PI moves it to a held lock");
    CHECK(load(&g_lock) & FUTEX_WAITERS, "the lock says it has waiters");
    CHECK(futex(&g_lock, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0) == 0,
          "the owner unlocks");
    pthread_join(th, NULL);
    CHECK_EQ(g_ret, 0, "the waiter owns it");
    CHECK_EQ(g_lock, 0, "and let it go");
    CHECK_ERR(futex(&g_cond, FUTEX_CMP_REQUEUE_PI, 2, (void *)1, &g_lock, 0),
              EINVAL, "CMP_REQUEUE_PI waking two");
    CHECK_ERR(futex(&g_cond, FUTEX_CMP_REQUEUE_PI, 1, (void *)1, &g_lock, 7),
              EAGAIN, "CMP_REQUEUE_PI with a stale value");
}

/* futex_waitv and the futex2 calls. */
static uint32_t g_w[2];

static void *waker(void *arg)
{
    (void)arg;
    usleep(20000);
    g_w[1] = 1;
    syscall(NR_futex_wake, &g_w[1], FUTEX_BITSET_MATCH_ANY, 1,
            FUTEX2_SIZE_U32 | FUTEX2_PRIVATE);
    return NULL;
}

static void test_futex2(void)
{
    struct waitv wv[2] = {
        {0, (uintptr_t)&g_w[0], FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0},
        {0, (uintptr_t)&g_w[1], FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0},
    };
    struct timespec ts;
    pthread_t th;
    long r;
    int e;

    pthread_create(&th, NULL, waker, NULL);
    r = syscall(SYS_futex_waitv, wv, 2, 0, NULL, 0);
    e = errno;
    /* EAGAIN only if the waker came first and changed the word. */
    CHECK(r == 1 || (r == -1 && e == EAGAIN && load(&g_w[1])),
          "futex_waitv wakes on the second word");
    pthread_join(th, NULL);
    CHECK_ERR(syscall(SYS_futex_waitv, wv, 2, 0, NULL, 0), EAGAIN,
              "futex_waitv with a word changed");
    g_w[1] = 0;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += 10 * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    CHECK_ERR(syscall(SYS_futex_waitv, wv, 2, 0, &ts, CLOCK_MONOTONIC),
              ETIMEDOUT, "futex_waitv times out");
    CHECK_ERR(syscall(SYS_futex_waitv, wv, 2, 0, &ts, CLOCK_BOOTTIME),
              EINVAL, "futex_waitv on another clock");
    wv[0].flags = 0;
    CHECK_ERR(syscall(SYS_futex_waitv, wv, 2, 0, NULL, 0), EINVAL,
              "futex_waitv without a size");
    wv[0].flags = FUTEX2_SIZE_U32;
    wv[0].reserved = 1;
    CHECK_ERR(syscall(SYS_futex_waitv, wv, 2, 0, NULL, 0), EINVAL,
              "futex_waitv with reserved bits");
    CHECK_ERR(syscall(SYS_futex_waitv, wv, 0, 0, NULL, 0), EINVAL,
              "futex_waitv of none");

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += 10 * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    CHECK_ERR(syscall(NR_futex_wait, &g_w[0], 0, 1, FUTEX2_SIZE_U32, &ts,
                      CLOCK_MONOTONIC), ETIMEDOUT, "futex_wait times out");
    CHECK_ERR(syscall(NR_futex_wait, &g_w[0], 5, 1, FUTEX2_SIZE_U32, NULL, 0),
              EAGAIN, "futex_wait on another value");
    CHECK_ERR(syscall(NR_futex_wait, &g_w[0], 0, 0, FUTEX2_SIZE_U32, NULL, 0),
              EINVAL, "futex_wait with an empty mask");
    CHECK_EQ(syscall(NR_futex_wake, &g_w[0], 1, 1, FUTEX2_SIZE_U32), 0,
             "futex_wake with nobody waiting");
    CHECK_ERR(syscall(NR_futex_wake, &g_w[0], 1, 1, 0), EINVAL,
              "futex_wake without a size");
}

int main(void)
{
    test_begin();
    test_raw();
    test_mutexes();
    test_requeue_pi();
    test_futex2();
    return test_end();
}
