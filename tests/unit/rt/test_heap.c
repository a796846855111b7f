/* SPDX-License-Identifier: MIT */
/*
 * Unit test of rt_heap (kernel-side code): basic calls, reuse, exhaustion,
 * bad frees, a random alloc/free/realloc stress with content checks, and
 * two threads sharing one heap.
 */
#include "../check.h"

#define MIB (1024UL * 1024)

/* xorshift64; each thread has its own state. */
static uint64_t rnd_next(uint64_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 7;
    *st ^= *st << 17;
    return *st;
}
#define rnd() rnd_next(rng)

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *c = p;

    for (size_t i = 0; i < n; i++) {
        if (c[i])
            return false;
    }
    return true;
}

static void test_basic(void)
{
    void *range = test_map(64 * MIB, 0);
    struct rt_heap *h;
    char *a, *b, *c, *s;
    void *prev;

    CHECK(range != NULL);
    CHECK(rt_heap_init(range, 4096, false) == NULL);
    CHECK(rt_heap_init((char *)range + 8, 64 * MIB - 8, false) == NULL);
    h = rt_heap_init(range, 64 * MIB, false);
    CHECK(h != NULL);
    CHECK_EQ(rt_heap_used(h), 0);

    for (size_t n = 0; n < 10000; n += 1 + n / 3) {
        a = rt_heap_alloc(h, n);
        CHECK(a != NULL && (uintptr_t)a % 16 == 0);
        memset(a, 0x5a, n);
        rt_heap_free(h, a);
    }
    CHECK_EQ(rt_heap_used(h), 0);

    a = rt_heap_zalloc(h, 100);
    CHECK(a && all_zero(a, 100));
    memset(a, 1, 100);
    rt_heap_free(h, a);
    a = rt_heap_zalloc(h, 100); /* reuses the dirty block, still zero */
    CHECK(a && all_zero(a, 100));
    rt_heap_free(h, a);
    a = rt_heap_zalloc(h, 3 * MIB);
    CHECK(a && all_zero(a, 3 * MIB));
    rt_heap_free(h, a);

    s = rt_heap_strdup(h, "hello heap");
    CHECK(s != NULL);
    CHECK_STR(s, "hello heap");
    rt_heap_free(h, s);

    /* realloc: NULL allocates, grows keep content, zero frees. */
    a = rt_heap_realloc(h, NULL, 10);
    CHECK(a != NULL);
    memcpy(a, "0123456789", 10);
    b = rt_heap_realloc(h, a, 12);
    CHECK(b == a); /* same class */
    b = rt_heap_realloc(h, b, 5000);
    CHECK(b && memcmp(b, "0123456789", 10) == 0);
    memset(b + 10, 'x', 4990);
    c = rt_heap_realloc(h, b, 2 * MIB);
    CHECK(c && memcmp(c, "0123456789", 10) == 0 && c[4999] == 'x');
    c = rt_heap_realloc(h, c, 100); /* shrinks in place */
    CHECK(c && memcmp(c, "0123456789", 10) == 0);
    CHECK(rt_heap_realloc(h, c, 0) == NULL);
    CHECK_EQ(rt_heap_used(h), 0);

    /* Too big for the range: NULL, and huge sizes do not wrap. */
    CHECK(rt_heap_alloc(h, 65 * MIB) == NULL);
    CHECK(rt_heap_alloc(h, SIZE_MAX) == NULL);
    CHECK(rt_heap_alloc(h, SIZE_MAX - 8) == NULL);
    CHECK(rt_heap_zalloc(h, SIZE_MAX / 2) == NULL);
    a = rt_heap_alloc(h, 100);
    CHECK(rt_heap_realloc(h, a, SIZE_MAX) == NULL);
    CHECK(a[0] == a[0]); /* a still valid */
    rt_heap_free(h, a);

    /* A freed large run is found again (first fit) and coalesces; on a
     * fresh heap, so that no earlier free run comes first. */
    h = rt_heap_init(range, 64 * MIB, false);
    CHECK(h != NULL);
    a = rt_heap_alloc(h, 40000);
    b = rt_heap_alloc(h, 40000);
    c = rt_heap_alloc(h, 100000);
    s = rt_heap_alloc(h, 16); /* keeps c away from the bump end */
    rt_heap_free(h, a);
    prev = a;
    a = rt_heap_alloc(h, 40000);
    CHECK(a == prev);
    memset(b, 7, 40000);
    rt_heap_free(h, b);
    /* A small run keeps its pages: no host call on the free path. */
    CHECK(b[4096] == 7 && b[39999] == 7);
    rt_heap_free(h, a);
    rt_heap_free(h, c);
    a = rt_heap_alloc(h, 150000); /* fits only in a + b + c merged */
    CHECK(a >= (char *)prev && a < c + 100000);
    rt_heap_free(h, a);
    rt_heap_free(h, s);
    CHECK_EQ(rt_heap_used(h), 0);
    CHECK(rt_heap_resident_free(h) <= 512 * 4096);

    /* Past the high-water mark a free gives runs back to the host: a
     * private mapping then reads zero past each run's first page. */
    a = rt_heap_alloc(h, 8 * MIB);
    CHECK(a != NULL);
    memset(a, 9, 8 * MIB);
    rt_heap_free(h, a);
    CHECK(all_zero(a + 4096, 8 * MIB - 4096));
    CHECK(rt_heap_resident_free(h) <= 128 * 4096);

    /* Pages: aligned, zeroed, no header, reused, counted. */
    {
        char *p1 = rt_heap_page_alloc(h), *p2 = rt_heap_page_alloc(h);

        CHECK(p1 && p2 && (uintptr_t)p1 % 4096 == 0 && (uintptr_t)p2 % 4096 == 0);
        CHECK(p1 != p2 && all_zero(p1, 4096) && all_zero(p2, 4096));
        CHECK_EQ(rt_heap_used(h), 8192);
        memset(p1, 0xaa, 4096);
        rt_heap_page_free(h, p1);
        p1 = rt_heap_page_alloc(h);
        CHECK(p1 && all_zero(p1, 4096));
        rt_heap_page_free(h, p1);
        rt_heap_page_free(h, p2);
        CHECK_EQ(rt_heap_used(h), 0);
    }

    /* Bad and double frees are ignored (logged once: one "ignoring free"
     * line on stderr is expected). */
    {
        char stack_buf[64];

        a = rt_heap_alloc(h, 64);
        b = rt_heap_alloc(h, 8192);
        rt_heap_free(h, a);
        rt_heap_free(h, a);
        rt_heap_free(h, b);
        rt_heap_free(h, b);
        rt_heap_free(h, stack_buf + 16);
        rt_heap_free(h, (char *)h + 32);
        rt_heap_free(h, NULL);
        CHECK_EQ(rt_heap_used(h), 0);
        a = rt_heap_alloc(h, 64);
        c = rt_heap_alloc(h, 64);
        CHECK(a != NULL && c != NULL && a != c);
        rt_heap_free(h, a);
        rt_heap_free(h, c);
    }
    CHECK_EQ(rt_heap_used(h), 0);
    CHECK_EQ(lbox_plat_page_unmap(range, 64 * MIB), 0);
}

/* Fill until NULL, free all, and do it again: the heap comes back whole. */
static void test_exhaust(void)
{
    static void *ptrs[4096];
    size_t size = 2 * MIB;
    void *range = test_map(size, 0);
    struct rt_heap *h = rt_heap_init(range, size, false);
    int round_count[2] = { 0, 0 };

    CHECK(h != NULL);
    for (int round = 0; round < 2; round++) {
        int n = 0;

        while (n < (int)ARRAY_SIZE(ptrs)) {
            size_t sz = (n % 3 == 0) ? 5000 : 700;

            ptrs[n] = rt_heap_alloc(h, sz);
            if (!ptrs[n])
                break;
            memset(ptrs[n], n, sz);
            n++;
        }
        CHECK(n > 100 && n < (int)ARRAY_SIZE(ptrs));
        round_count[round] = n;
        for (int i = n - 1; i >= 0; i--)
            rt_heap_free(h, ptrs[i]);
        CHECK_EQ(rt_heap_used(h), 0);
    }
    CHECK_EQ(round_count[0], round_count[1]);
    lbox_plat_page_unmap(range, size);
}

#define SLOTS 1500

struct slot {
    unsigned char *p;
    size_t size;
    unsigned char tag;
};

static size_t pick_size(uint64_t *rng)
{
    uint64_t r = rnd() % 1000;

    if (r < 700)
        return rnd() % 300;
    if (r < 950)
        return rnd() % 5000;
    if (r < 995)
        return rnd() % 200000;
    return MIB + rnd() % (4 * MIB);
}

static bool intact(const struct slot *s)
{
    for (size_t i = 0; i < s->size; i += 1 + i / 64) {
        if (s->p[i] != (unsigned char)(s->tag + i))
            return false;
    }
    return !s->size || s->p[s->size - 1] == (unsigned char)(s->tag + s->size - 1);
}

static void stamp(struct slot *s, size_t from)
{
    for (size_t i = from; i < s->size; i++)
        s->p[i] = (unsigned char)(s->tag + i);
}

static void stress(struct rt_heap *h, struct slot *slots, int ops, int *bad, uint64_t seed)
{
    uint64_t st = seed | 1, *rng = &st;

    for (int op = 0; op < ops; op++) {
        struct slot *s = &slots[rnd() % SLOTS];
        uint64_t what = rnd() % 10;

        if (s->p && !intact(s))
            (*bad)++;
        if (!s->p) {
            s->size = pick_size(rng);
            s->p = rt_heap_alloc(h, s->size);
            s->tag = (unsigned char)rnd();
            if (!s->p || (uintptr_t)s->p % 16)
                (*bad)++;
            if (s->p)
                stamp(s, 0);
        } else if (what < 6) {
            rt_heap_free(h, s->p);
            s->p = NULL;
        } else {
            size_t n = pick_size(rng) + 1;
            unsigned char *q = rt_heap_realloc(h, s->p, n);

            if (!q) {
                (*bad)++;
                continue;
            }
            s->p = q;
            if (n < s->size)
                s->size = n;
            if (!intact(s))
                (*bad)++;
            s->size = n;
            stamp(s, 0);
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].p && !intact(&slots[i]))
            (*bad)++;
        rt_heap_free(h, slots[i].p);
        slots[i].p = NULL;
    }
}

static struct slot g_slots[3][SLOTS];

static void test_stress(void)
{
    size_t size = 1024 * MIB;
    void *range = test_map(size, 0);
    struct rt_heap *h = rt_heap_init(range, size, false);
    int bad = 0;

    CHECK(h != NULL);
    stress(h, g_slots[0], 40000, &bad, 0x9e3779b97f4a7c15ULL);
    CHECK_EQ(bad, 0);
    CHECK_EQ(rt_heap_used(h), 0);
    lbox_plat_page_unmap(range, size);
}

/* Two host threads and the main one on one shared heap. */
struct worker {
    struct rt_heap *h;
    struct slot *slots;
    uint64_t seed;
    int bad;
    uint32_t exited;
};

static void worker_main(void *arg)
{
    struct worker *w = arg;

    stress(w->h, w->slots, 15000, &w->bad, w->seed);
    __atomic_store_n(&w->exited, 1, __ATOMIC_RELEASE);
    lbox_plat_futex_wake(&w->exited, 1, false);
    lbox_plat_thread_exit();
}

static void test_threads(void)
{
    size_t size = 512 * MIB;
    void *range = test_map(size, LBOX_MAP_SHARED);
    struct rt_heap *h = rt_heap_init(range, size, true);
    struct worker w[2];
    int bad = 0;

    CHECK(h != NULL);
    for (int i = 0; i < 2; i++) {
        w[i] = (struct worker){ .h = h, .slots = g_slots[i + 1], .seed = 777 + (uint64_t)i };
        CHECK(lbox_plat_thread_create(worker_main, &w[i]) >= 0);
    }
    stress(h, g_slots[0], 15000, &bad, 12345);
    for (int i = 0; i < 2; i++) {
        while (!__atomic_load_n(&w[i].exited, __ATOMIC_ACQUIRE))
            lbox_plat_futex_wait(&w[i].exited, 0, -1, false);
        bad += w[i].bad;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(rt_heap_used(h), 0);
    lbox_plat_page_unmap(range, size);
}

int main(void)
{
    test_basic();
    test_exhaust();
    test_stress();
    test_threads();
    return check_done("rt-heap");
}
