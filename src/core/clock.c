/* SPDX-License-Identifier: MIT */
/*
 * The guest's clocks (core, kernel image): host clocks shifted so that
 * the monotonic ones start at the sandbox's boot, and, where the platform
 * has a cycle counter, the clock page (vclock.h) that lets guest code
 * read MONOTONIC, BOOTTIME and REALTIME without a system call. Then every
 * reading of those three, here or in the guest, comes from the page, and
 * a reading the page cannot give re-bases it first. See clock.h.
 */
#include "core/clock.h"
#include "core/kernel.h"
#include "core/vclock.h"

#define SAMPLE_TRIES 4

/* Next to the page in the shared region: one writer at a time. */
struct clock_state {
    struct rt_lock lock;
    bool counter;               /* the platform has lbox_plat_cycles */
    uint64_t win_min;           /* narrowest counter window seen around a
                                   host clock read */
    struct vclock_cal cal;
};

static const int g_plat_id[VCLOCK_COUNT] = {
    [VCLOCK_MONOTONIC] = LBOX_CLOCK_MONOTONIC,
    [VCLOCK_BOOTTIME] = LBOX_CLOCK_BOOTTIME,
    [VCLOCK_REALTIME] = LBOX_CLOCK_REALTIME,
};

static int page_clock(int clock)
{
    switch (clock) {
    case LBOX_CLOCK_MONOTONIC: return VCLOCK_MONOTONIC;
    case LBOX_CLOCK_BOOTTIME:  return VCLOCK_BOOTTIME;
    case LBOX_CLOCK_REALTIME:  return VCLOCK_REALTIME;
    default:                   return -1;
    }
}

/*
 * Host clock (vc) with the counter read around it: its middle goes in
 * *(tsc). A host call that took much longer than the best seen (the
 * thread was preempted, caches were cold) is tried again: the window
 * is the sample's uncertainty.
 */
static int sample(struct clock_state *st, int vc, uint64_t *tsc, int64_t *ns)
{
    uint64_t best = UINT64_MAX, t0, t1;
    int64_t v;
    int err;

    for (int i = 0; i < SAMPLE_TRIES; i++) {
        if (!st->counter)
            return lbox_plat_clock_get(g_plat_id[vc], ns);
        lbox_plat_cycles(&t0);
        err = lbox_plat_clock_get(g_plat_id[vc], &v);
        lbox_plat_cycles(&t1);
        if (err < 0)
            return err;
        if (i == 0 || t1 - t0 < best) {
            best = t1 - t0;
            *tsc = t0 + best / 2;
            *ns = v;
        }
        if (best / 2 <= st->win_min)
            break;
    }
    st->win_min = MIN(st->win_min, best);
    return 0;
}

/* All three clocks, MONOTONIC last; the guest's values. */
static int sample_all(const struct kernel *k, struct vclock_sample *s)
{
    static const int order[] = {VCLOCK_REALTIME, VCLOCK_BOOTTIME,
                                VCLOCK_MONOTONIC};
    for (unsigned i = 0; i < ARRAY_SIZE(order); i++) {
        int err = sample(k->clock, order[i], &s->tsc[order[i]],
                         &s->ns[order[i]]);

        if (err < 0)
            return err;
    }
    s->ns[VCLOCK_MONOTONIC] -= k->boot_ns;
    s->ns[VCLOCK_BOOTTIME] -= k->boot_boottime_ns;
    return 0;
}

int lbox_clock_boot(struct kernel *k)
{
    struct vclock_sample s = {0};
    uint64_t tsc;
    int err;

    k->vclock = rt_heap_page_alloc(k->shared);
    k->clock = rt_heap_zalloc(k->shared, sizeof(*k->clock));
    if (!k->vclock || !k->clock)
        return -ENOMEM;
    k->clock->lock = (struct rt_lock)RT_LOCK_INIT;
    k->clock->counter = lbox_plat_cycles(&tsc) == 0;
    k->clock->win_min = UINT64_MAX;
    for (int c = 0; c < VCLOCK_COUNT; c++)
        if (lbox_plat_clock_res(g_plat_id[c], &k->vclock->res_ns[c]) < 0)
            k->vclock->res_ns[c] = 0;
    err = sample_all(k, &s);
    if (err < 0)
        return err;
    k->boot_ns = s.ns[VCLOCK_MONOTONIC];
    k->boot_boottime_ns = s.ns[VCLOCK_BOOTTIME];
    k->boot_realtime_ns = s.ns[VCLOCK_REALTIME];
    s.ns[VCLOCK_MONOTONIC] = s.ns[VCLOCK_BOOTTIME] = 0;
    if (k->clock->counter)
        vclock_update(&k->clock->cal, k->vclock, &s);   /* the anchor */
    return 0;
}

static bool page_read(const struct kernel *k, int vc, int64_t *ns)
{
    uint32_t seq = vclock_begin(k->vclock);
    uint64_t tsc;

    lbox_plat_cycles(&tsc);
    return vclock_at(k->vclock, seq, vc, tsc, ns);
}

int lbox_clock_get(const struct kernel *k, int clock, int64_t *ns)
{
    struct clock_state *st = k->clock;
    struct vclock_sample s;
    int vc = page_clock(clock), err = 0;

    if (vc >= 0 && st->counter) {
        if (page_read(k, vc, ns))
            return 0;
        rt_lock(&st->lock, /*shared=*/true);
        if (!page_read(k, vc, ns)) {    /* nobody re-based meanwhile */
            err = sample_all(k, &s);
            if (!err) {
                vclock_update(&st->cal, k->vclock, &s);
                *ns = k->vclock->base_ns[vc];
            }
        }
        rt_unlock(&st->lock, /*shared=*/true);
        return err;
    }
    err = lbox_plat_clock_get(clock, ns);
    if (err < 0)
        return err;
    if (clock == LBOX_CLOCK_MONOTONIC)
        *ns -= k->boot_ns;
    else if (clock == LBOX_CLOCK_BOOTTIME)
        *ns -= k->boot_boottime_ns;
    return 0;
}

struct vclock *lbox_clock_page(const struct kernel *k)
{
    return k->vclock;
}

int64_t lbox_clock_uptime(const struct kernel *k)
{
    int64_t ns = 0;

    if (lbox_clock_get(k, LBOX_CLOCK_BOOTTIME, &ns) < 0 || ns < 0)
        return 0;
    return ns;
}
