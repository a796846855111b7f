/* SPDX-License-Identifier: MIT */
/*
 * Unit test of rt_lock (kernel-side code): host threads bump a plain counter
 * under the lock, private and shared flavours; plus rt_log and the
 * platform's thread-start contract (a thread's own tls, thread exit).
 */
#include "../check.h"

#define ITERS 300000
#define NTHREADS 3

struct counter {
    struct rt_lock lock;
    bool shared;
    uint64_t value; /* only touched under lock */
    uint32_t go;    /* workers start together, so they do contend */
};

struct worker {
    struct counter *c;
    void *tls_start, *tls_seen;
    uint32_t exited;
};

static void worker_main(void *arg)
{
    struct worker *w = arg;

    w->tls_start = lbox_plat_tls();
    lbox_plat_set_tls(w);
    while (!__atomic_load_n(&w->c->go, __ATOMIC_ACQUIRE))
        ;
    for (int i = 0; i < ITERS; i++) {
        rt_lock(&w->c->lock, w->c->shared);
        /* A read-modify-write that races without the lock. */
        uint64_t v = __atomic_load_n(&w->c->value, __ATOMIC_RELAXED);
        __atomic_store_n(&w->c->value, v + 1, __ATOMIC_RELAXED);
        rt_unlock(&w->c->lock, w->c->shared);
    }
    w->tls_seen = lbox_plat_tls();
    __atomic_store_n(&w->exited, 1, __ATOMIC_RELEASE);
    lbox_plat_futex_wake(&w->exited, 1, false);
    lbox_plat_thread_exit();
}

static void run(bool shared)
{
    static struct counter c;
    struct worker w[NTHREADS];

    c = (struct counter){ .lock = RT_LOCK_INIT, .shared = shared, .value = 0 };
    for (int i = 0; i < NTHREADS; i++) {
        w[i] = (struct worker){ .c = &c };
        CHECK(lbox_plat_thread_create(worker_main, &w[i]) >= 0);
    }
    __atomic_store_n(&c.go, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < NTHREADS; i++) {
        while (!__atomic_load_n(&w[i].exited, __ATOMIC_ACQUIRE))
            lbox_plat_futex_wait(&w[i].exited, 0, -1, false);
        CHECK(w[i].tls_start == NULL);
        CHECK(w[i].tls_seen == &w[i]);
    }
    CHECK_EQ(c.value, (uint64_t)NTHREADS * ITERS);
    CHECK_EQ(c.lock.word, 0);
}

static void test_single(void)
{
    struct rt_lock l = RT_LOCK_INIT;

    rt_lock(&l, false);
    CHECK_EQ(l.word, 1);
    rt_unlock(&l, false);
    CHECK_EQ(l.word, 0);
    rt_lock(&l, true);
    rt_unlock(&l, true);
    CHECK_EQ(l.word, 0);
}

int main(void)
{
    test_single();
    run(false);
    run(true);
    rt_log("rt-lock: rt_log works: %d %s\n", 42, "ok");
    return check_done("rt-lock");
}
