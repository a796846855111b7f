/* SPDX-License-Identifier: MIT */
/*
 * Unit test of the clock page (kernel-side code): the fixed-point
 * arithmetic, the seqlock reader's refusals, re-basing against a
 * simulated host (a 2.096 GHz counter, clocks read with noise, the host
 * setting REALTIME, changing its rate, a counter that goes back) with
 * readers that ask "lbox" whenever the page says no, exactly as the vDSO
 * does; and lbox_clock_get on the real host through the hosted platform.
 */
#include "../check.h"
#include "core/clock.h"
#include "core/kernel.h"
#include "core/vclock.h"

#define MS  1000000LL
#define SEC 1000000000LL
#define HZ  2096000000ULL       /* counts per second */

static uint64_t g_rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

static int64_t iabs(int64_t v)
{
    return v < 0 ? -v : v;
}

/* --- arithmetic and the reader ----------------------------------------- */

static void test_math(void)
{
    uint64_t m = vclock_mult(SEC, HZ);
    int64_t hour = 3600 * SEC;

    /* 2^32 / 2.096 */
    CHECK_EQ(m, ((uint64_t)1 << 32) * 1000 / 2096);
    CHECK(iabs(vclock_scale(HZ, m) - SEC) <= 1);
    CHECK(iabs(vclock_scale(3600 * HZ, m) - hour) < hour / 1000000);
    /* Long spans lose bits, not accuracy: one hour measured, 1 ppb. */
    m = vclock_mult(hour, 3600 * HZ);
    CHECK(iabs(vclock_scale(HZ, m) - SEC) <= 2);
    CHECK_EQ(vclock_mult(0, HZ), 0);
    CHECK_EQ(vclock_mult(-5, HZ), 0);
    CHECK_EQ(vclock_mult(SEC, 0), 0);
    /* A slow counter: 1 MHz, 1000 ns a count. */
    CHECK_EQ(vclock_scale(1000000, vclock_mult(SEC, 1000000)), SEC);
    /* Products past 64 bits: a second's counts at a large mult. */
    CHECK_EQ(vclock_scale(1ULL << 40, 1ULL << 40), 1LL << 48);
}

static void test_reader(void)
{
    struct vclock v = {.seq = 2, .mode = VCLOCK_TSC, .tsc_base = 1000,
                       .tsc_max = 500, .mult = 2ULL << 32,
                       .base_ns = {10, 20, 30}};
    int64_t ns = -1;

    CHECK(vclock_at(&v, vclock_begin(&v), VCLOCK_BOOTTIME, 1100, &ns));
    CHECK_EQ(ns, 220);
    CHECK(vclock_at(&v, vclock_begin(&v), VCLOCK_MONOTONIC, 1000, &ns));
    CHECK_EQ(ns, 10);
    CHECK(vclock_at(&v, vclock_begin(&v), VCLOCK_REALTIME, 1499, &ns));
    CHECK_EQ(ns, 30 + 998);
    ns = -1;
    CHECK(!vclock_at(&v, vclock_begin(&v), VCLOCK_MONOTONIC, 1500, &ns));
    CHECK(!vclock_at(&v, vclock_begin(&v), VCLOCK_MONOTONIC, 999, &ns));
    CHECK(!vclock_at(&v, 1, VCLOCK_MONOTONIC, 1100, &ns));  /* odd: writing */
    CHECK(!vclock_at(&v, 0, VCLOCK_MONOTONIC, 1100, &ns));  /* seq moved */
    v.mode = VCLOCK_NONE;
    CHECK(!vclock_at(&v, vclock_begin(&v), VCLOCK_MONOTONIC, 1100, &ns));
    CHECK_EQ(ns, -1);
}

/* --- a simulated host ---------------------------------------------------- */

/*
 * Time is counted in counts of a perfect 2.096 GHz clock ("now"); the
 * guest's counter is now + off, and the host's MONOTONIC is now in ns
 * plus ppm parts per million since ppm_at. BOOTTIME = MONOTONIC + 5 s,
 * REALTIME = MONOTONIC + real_off. Each host clock read takes 2400 counts
 * and is off by up to +-noise ns.
 */
struct host {
    uint64_t now, off;
    uint64_t ppm_at;
    int64_t ppm, real_off, noise;
    struct vclock page;
    struct vclock_cal cal;
    long reads, traps;
};

static int64_t truth(const struct host *h, int c)
{
    int64_t ns = (int64_t)((unsigned __int128)h->now * 1000 / 2096);

    if (h->now > h->ppm_at)
        ns += (ns - (int64_t)((unsigned __int128)h->ppm_at * 1000 / 2096)) *
              h->ppm / 1000000;
    return ns + (c == VCLOCK_BOOTTIME ? 5 * SEC : 0) +
           (c == VCLOCK_REALTIME ? h->real_off : 0);
}

static void trap(struct host *h)
{
    static const int order[] = {VCLOCK_REALTIME, VCLOCK_BOOTTIME,
                                VCLOCK_MONOTONIC};
    struct vclock_sample s;

    h->traps++;
    for (int i = 0; i < 3; i++) {
        int c = order[i];

        h->now += 1200;
        s.tsc[c] = h->now + h->off;
        s.ns[c] = truth(h, c) +
                  (h->noise ? (int64_t)(rnd() % (2 * h->noise + 1)) - h->noise
                            : 0);
        h->now += 1200;
    }
    vclock_update(&h->cal, &h->page, &s);
}

/* What a guest reads, page first; *(trapped) if lbox answered. */
static int64_t guest_read(struct host *h, int c, bool *trapped)
{
    uint32_t seq = vclock_begin(&h->page);
    int64_t ns;

    h->reads++;
    *trapped = !vclock_at(&h->page, seq, c, h->now + h->off, &ns);
    if (!*trapped)
        return ns;
    trap(h);
    return h->page.base_ns[c];
}

static int64_t read1(struct host *h, int c)
{
    bool trapped;

    return guest_read(h, c, &trapped);
}

struct run {
    int64_t max_err[VCLOCK_COUNT];  /* |reading - host| from `from` on */
    int64_t page_err[VCLOCK_COUNT]; /* the same for readings off the page
                                       (a trap's answer is from the
                                       sample, a few us before) */
    bool backwards[VCLOCK_COUNT];
    bool tsc_at_end;                /* the page in TSC mode at the end */
};

/*
 * Read random clocks at random intervals (mostly short, sometimes up to
 * 100 ms) from (start) for (secs) seconds, with (event) run once at
 * (event_at) seconds. Errors count from (from) seconds.
 */
static void simulate(struct host *h, uint64_t secs, void (*event)(struct host *),
                     uint64_t event_at, uint64_t from, struct run *r)
{
    int64_t last[VCLOCK_COUNT] = {0};
    uint64_t end = h->now + secs * HZ;
    bool fired = !event;

    memset(r, 0, sizeof(*r));
    while (h->now < end) {
        int c = (int)(rnd() % VCLOCK_COUNT);
        int64_t v, err;
        bool trapped;

        h->now += rnd() % 16 ? 200 + rnd() % 100000 : rnd() % (HZ / 10);
        if (!fired && h->now >= event_at * HZ) {
            event(h);
            fired = true;
        }
        v = guest_read(h, c, &trapped);
        if (c != VCLOCK_REALTIME && v < last[c])
            r->backwards[c] = true;
        last[c] = v;
        err = iabs(v - truth(h, c));
        if (h->now >= from * HZ) {
            r->max_err[c] = MAX(r->max_err[c], err);
            if (!trapped)
                r->page_err[c] = MAX(r->page_err[c], err);
        }
    }
    r->tsc_at_end = h->page.mode == VCLOCK_TSC;
}

static void boot(struct host *h, int64_t noise)
{
    memset(h, 0, sizeof(*h));
    h->off = 123456789012345ULL;    /* the counter did not start with us */
    h->real_off = 1796000000LL * SEC;
    h->noise = noise;
    h->ppm_at = ~0ULL;
    trap(h);                        /* lbox_clock_boot */
}

static void test_early(void)
{
    struct host h;
    int64_t a, b;

    boot(&h, 500);
    CHECK_EQ(h.page.mode, VCLOCK_NONE);
    /* Before the rate is known every reading asks lbox, and still moves
     * forward with the host. */
    h.now += HZ / 10000;
    a = read1(&h, VCLOCK_MONOTONIC);
    h.now += HZ / 10000;
    b = read1(&h, VCLOCK_MONOTONIC);
    CHECK_EQ(h.traps, 3);
    CHECK(b > a && iabs(b - truth(&h, VCLOCK_MONOTONIC)) < 10000);
    CHECK_EQ(h.page.mode, VCLOCK_NONE);
    h.now += HZ / 500;  /* 2 ms: measured over more than CAL_MIN */
    read1(&h, VCLOCK_MONOTONIC);
    CHECK_EQ(h.page.mode, VCLOCK_TSC);
    CHECK_EQ(h.traps, 4);
    read1(&h, VCLOCK_MONOTONIC);
    CHECK_EQ(h.traps, 4);
}

static void test_steady(void)
{
    struct host h;
    struct run r;

    boot(&h, 500);
    simulate(&h, 300, NULL, 0, 0, &r);
    for (int c = 0; c < VCLOCK_COUNT; c++) {
        CHECK(!r.backwards[c]);
        CHECK(r.max_err[c] < 10000);
    }
    /* About one re-basing a second, plus the first seconds'. */
    CHECK(h.traps < 300 + 100);
    CHECK(h.reads > 50 * h.traps);
    CHECK(r.tsc_at_end);
    say("clock-vclock: steady 300 s: %ld reads, %ld traps, max error "
        "%lld/%lld/%lld ns\n", h.reads, h.traps, (long long)r.max_err[0],
        (long long)r.max_err[1], (long long)r.max_err[2]);
}

static void set_back(struct host *h)
{
    h->real_off -= 10 * SEC;
}

static void set_ahead(struct host *h)
{
    h->real_off += 3600 * SEC;
}

static void test_realtime_set(void)
{
    void (*const events[])(struct host *) = {set_back, set_ahead};
    struct host h;
    struct run r;

    for (unsigned i = 0; i < ARRAY_SIZE(events); i++) {
        boot(&h, 500);
        simulate(&h, 100, NULL, 0, 0, &r);
        /* Seen within AGE_MAX (1 s), MONOTONIC untouched. */
        simulate(&h, 10, events[i], 101, 102, &r);
        CHECK(r.max_err[VCLOCK_REALTIME] < 10000);
        CHECK(!r.backwards[VCLOCK_MONOTONIC]);
        CHECK(r.max_err[VCLOCK_MONOTONIC] < 10000);
        CHECK(r.tsc_at_end);
    }
}

static void faster(struct host *h)
{
    h->ppm_at = h->now;
    h->ppm = 50;
}

static void test_rate_change(void)
{
    struct host h;
    struct run r;

    boot(&h, 500);
    simulate(&h, 100, faster, 50, 0, &r);
    /* Off by the rate error for at most a page's life, never back. */
    CHECK(r.max_err[VCLOCK_MONOTONIC] < 100000);
    for (int c = 0; c < VCLOCK_COUNT; c++)
        CHECK(!r.backwards[c]);
    /* Once the anchors are past the change, as good as before. */
    simulate(&h, 400, NULL, 0, 450, &r);
    CHECK(r.max_err[VCLOCK_MONOTONIC] < 10000);
    CHECK(r.tsc_at_end);
}

/* Below the page's base: a counter that is not one for all CPUs. */
static void counter_back(struct host *h)
{
    h->off -= 2 * HZ;
}

static void test_counter_back(void)
{
    struct host h;
    struct run r;
    long reads, traps;

    boot(&h, 500);
    simulate(&h, 60, counter_back, 30, 0, &r);
    CHECK(!r.backwards[VCLOCK_MONOTONIC] && !r.backwards[VCLOCK_BOOTTIME]);
    /* Never trusted again; the clocks follow the host through lbox, held
     * at most a page's life (1 s) where the page may have been ahead. */
    CHECK(!r.tsc_at_end && h.cal.broken);
    reads = h.reads;
    traps = h.traps;
    simulate(&h, 10, NULL, 0, 62, &r);
    CHECK(!r.backwards[VCLOCK_MONOTONIC]);
    CHECK(r.max_err[VCLOCK_MONOTONIC] < 10000);
    CHECK_EQ(h.reads - reads, h.traps - traps);
}

/* A counter that ran on while the host's clock did not (or the reverse). */
static void counter_ahead(struct host *h)
{
    h->off += HZ / 100;
}

static void counter_behind(struct host *h)
{
    h->off -= HZ / 100;
}

static void test_counter_jump(void)
{
    void (*const events[])(struct host *) = {counter_ahead, counter_behind};
    struct host h;
    struct run r;

    for (unsigned i = 0; i < ARRAY_SIZE(events); i++) {
        boot(&h, 500);
        simulate(&h, 30, NULL, 0, 0, &r);
        /* Readers before the next re-basing see the jump (10 ms): the
         * page cannot know. Afterwards lbox measures again. */
        h.now += HZ;
        events[i](&h);
        read1(&h, VCLOCK_MONOTONIC);
        simulate(&h, 30, NULL, 0, 0, &r);
        CHECK(!r.backwards[VCLOCK_MONOTONIC]);
        simulate(&h, 10, NULL, 0, 0, &r);
        CHECK(!r.backwards[VCLOCK_MONOTONIC]);
        CHECK(r.max_err[VCLOCK_MONOTONIC] < 10000);
        CHECK(r.tsc_at_end && !h.cal.broken);
    }
}

static void test_exact(void)
{
    struct host h;
    struct run r;

    /* A noiseless host: the page's line is the host's to a few ns. */
    boot(&h, 0);
    simulate(&h, 100, NULL, 0, 10, &r);
    for (int c = 0; c < VCLOCK_COUNT; c++)
        CHECK(r.page_err[c] < 50);
}

/* --- lbox_clock_get on the host, through the hosted platform ------------ */

static void test_hosted(void)
{
    size_t size = 4u << 20;
    struct kernel k = {.shared = rt_heap_init(test_map(size, 0), size, true)};
    int64_t last = -1, v, h0, h1, ahead = 0, behind = 0, t0;
    uint64_t c;
    long n = 0;

    CHECK(k.shared && lbox_clock_boot(&k) == 0);
    if (lbox_plat_cycles(&c) < 0) {
        say("clock-vclock: no invariant TSC here: host part skipped\n");
        return;
    }
    CHECK(lbox_clock_get(&k, LBOX_CLOCK_MONOTONIC, &t0) == 0);
    do {
        /* Between two host readings (preemption only widens the gap). */
        CHECK(lbox_plat_clock_get(LBOX_CLOCK_MONOTONIC, &h0) == 0);
        CHECK(lbox_clock_get(&k, LBOX_CLOCK_MONOTONIC, &v) == 0);
        CHECK(lbox_plat_clock_get(LBOX_CLOCK_MONOTONIC, &h1) == 0);
        if (v < last)
            CHECK(!"MONOTONIC went back");
        last = v;
        ahead = MAX(ahead, v - (h1 - k.boot_ns));
        behind = MAX(behind, (h0 - k.boot_ns) - v);
        n++;
    } while (v - t0 < 300 * MS);
    CHECK(ahead < MS / 10 && behind < MS / 10);
    CHECK(lbox_clock_page(&k)->mode == VCLOCK_TSC);
    CHECK(lbox_plat_clock_get(LBOX_CLOCK_REALTIME, &h0) == 0);
    CHECK(lbox_clock_get(&k, LBOX_CLOCK_REALTIME, &v) == 0);
    CHECK(lbox_plat_clock_get(LBOX_CLOCK_REALTIME, &h1) == 0);
    CHECK(v > h0 - MS / 10 && v < h1 + MS / 10);
    CHECK(lbox_clock_get(&k, LBOX_CLOCK_PROCESS, &v) == 0 && v > 0);
    say("clock-vclock: host 300 ms: %ld readings, at most %lld ns ahead, "
        "%lld ns behind\n", n, (long long)ahead, (long long)behind);
}

int main(void)
{
    test_math();
    test_reader();
    test_early();
    test_steady();
    test_realtime_set();
    test_rate_change();
    test_counter_back();
    test_counter_jump();
    test_exact();
    test_hosted();
    return check_done("clock-vclock");
}
