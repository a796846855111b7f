/* SPDX-License-Identifier: MIT */
/*
 * Unit test of rt_lock (kernel-side code): host threads bump a plain counter
 * under the lock, private and shared flavours; plus rt_log and the
 * platform's thread-start contract (tls, exited word, the given stack).
 */
#include "../check.h"

#define ITERS 300000
#define NTHREADS 3
#define STACK_SIZE (128 * 1024)

struct counter {
    struct rt_lock lock;
    bool shared;
    uint64_t value; /* only touched under lock */
    uint32_t go;    /* workers start together, so they do contend */
};

struct worker {
    struct counter *c;
    void *tls_seen;
    void *stack_lo, *stack_hi;
    bool on_stack;
    uint32_t exited;
};

static void worker_main(void *arg)
{
    struct worker *w = arg;
    char here;

    w->tls_seen = lbox_plat_tls();
    w->on_stack = (void *)&here >= w->stack_lo && (void *)&here < w->stack_hi;
    while (!__atomic_load_n(&w->c->go, __ATOMIC_ACQUIRE))
        ;
    for (int i = 0; i < ITERS; i++) {
        rt_lock(&w->c->lock, w->c->shared);
        /* A read-modify-write that races without the lock. */
        uint64_t v = __atomic_load_n(&w->c->value, __ATOMIC_RELAXED);
        __atomic_store_n(&w->c->value, v + 1, __ATOMIC_RELAXED);
        rt_unlock(&w->c->lock, w->c->shared);
    }
}

static void run(bool shared)
{
    static struct counter c;
    struct worker w[NTHREADS];
    void *stacks[NTHREADS];

    c = (struct counter){ .lock = RT_LOCK_INIT, .shared = shared, .value = 0 };
    for (int i = 0; i < NTHREADS; i++) {
        stacks[i] = NULL;
        CHECK_EQ(lbox_plat_page_map(&stacks[i], STACK_SIZE,
                                    LBOX_PROT_READ | LBOX_PROT_WRITE, 0), 0);
        w[i] = (struct worker){ .c = &c, .stack_lo = stacks[i],
                                .stack_hi = (char *)stacks[i] + STACK_SIZE };
        CHECK(lbox_plat_thread_create(worker_main, &w[i], stacks[i], STACK_SIZE,
                                      &w[i], &w[i].exited) > 0);
    }
    __atomic_store_n(&c.go, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < NTHREADS; i++) {
        while (!__atomic_load_n(&w[i].exited, __ATOMIC_ACQUIRE))
            lbox_plat_futex_wait(&w[i].exited, 0, -1, false);
        CHECK(w[i].tls_seen == &w[i]);
        CHECK(w[i].on_stack);
        lbox_plat_page_unmap(stacks[i], STACK_SIZE);
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
