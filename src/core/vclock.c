/* SPDX-License-Identifier: MIT */
/*
 * Writing the clock page (core, kernel image): the counter's rate is
 * measured against the host's MONOTONIC from an anchor sample, and each
 * re-basing puts the page's line through the host's clocks again, so a
 * reading stays within a few microseconds of what the host would say.
 * Pure arithmetic on the samples clock.c takes; see vclock.h.
 *
 * Monotonic: a new base is never below the highest reading the old page
 * can have given (its line at the sample, or at its end if stale). When
 * the page ran ahead of the host, the next page keeps the old value and
 * runs slower (at most 1/2048) until the lines meet, as NTP slews.
 *
 * How long a page is good: a quarter of the time the rate has been
 * measured over, at most AGE_MAX. With samples good to about a
 * microsecond that bounds the error by the rate to a fraction of one,
 * and it makes a host clock step visible within AGE_MAX.
 */
#include "core/vclock.h"
#include "rt/rt.h"

#define MS          1000000LL
#define CAL_MIN     (1 * MS)        /* rate measured over less: not used */
#define AGE_MAX     (1000 * MS)     /* a page is good this long at most */
#define STEP        (1 * MS)        /* more than sample noise can explain */
#define ROTATE      (64000 * MS)    /* anchors older than this move up */
#define ROTATE_MIN  (32000 * MS)    /* to one at least this old */

uint64_t vclock_mult(int64_t ns, uint64_t counts)
{
    uint64_t n = (uint64_t)ns;

    if (ns <= 0 || !counts)
        return 0;
    /* Both below 2^32 so that n << 32 fits; the quotient keeps 31 bits. */
    while (n >> 32 || counts >> 32) {
        n >>= 1;
        counts >>= 1;
    }
    return counts ? (n << VCLOCK_SHIFT) / counts : 0;
}

static int64_t iabs(int64_t v)
{
    return v < 0 ? -v : v;
}

static void anchor(struct vclock_cal *cal, uint64_t tsc, int64_t ns)
{
    cal->anchored = true;
    cal->a_tsc = cal->n_tsc = tsc;
    cal->a_ns = cal->n_ns = ns;
    cal->rate = 0;
}

/* The highest reading the page (cur) can have given by counter (tsc). */
static void raise_floor(struct vclock_cal *cal, const struct vclock *cur,
                        uint64_t tsc)
{
    uint64_t d = tsc - cur->tsc_base;

    if (cur->mode != VCLOCK_TSC)
        return;
    /* A counter below the base: readers on another CPU may have had
     * anything up to the page's end. */
    if ((int64_t)d < 0 || d > cur->tsc_max)
        d = cur->tsc_max;
    for (int c = 0; c < VCLOCK_COUNT; c++)
        cal->floor[c] = MAX(cal->floor[c],
                            cur->base_ns[c] + vclock_scale(d, cur->mult));
}

/* Measure the rate from the anchor to MONOTONIC (ns) at (tsc). */
static void calibrate(struct vclock_cal *cal, uint64_t tsc, int64_t ns)
{
    int64_t span = ns - cal->a_ns;
    uint64_t r, tol;

    if (span < CAL_MIN)
        return;
    r = vclock_mult(span, tsc - cal->a_tsc);
    tol = cal->rate >> 8;
    if (!r || (cal->rate && (r > cal->rate + tol || r < cal->rate - tol))) {
        /* The counter changed pace (a VM moved?): measure again. */
        anchor(cal, tsc, ns);
        return;
    }
    cal->rate = r;
    /* Follow slow changes of the host's rate: keep the span in
     * [ROTATE_MIN, 2 * ROTATE) once it is that long. */
    if (span > ROTATE && ns - cal->n_ns >= ROTATE_MIN) {
        cal->a_tsc = cal->n_tsc;
        cal->a_ns = cal->n_ns;
        cal->n_tsc = tsc;
        cal->n_ns = ns;
    }
}

/*
 * Seqlock write: odd while the fields change. x86-64 keeps stores in
 * order, so a compiler barrier between the steps is enough.
 */
static void publish(struct vclock *page, const struct vclock *next)
{
    volatile struct vclock *p = page;
    uint32_t seq = p->seq;

    p->seq = seq + 1;
    __asm__ volatile("" ::: "memory");
    p->mode = next->mode;
    p->tsc_base = next->tsc_base;
    p->tsc_max = next->tsc_max;
    p->mult = next->mult;
    for (int c = 0; c < VCLOCK_COUNT; c++)
        p->base_ns[c] = next->base_ns[c];
    __asm__ volatile("" ::: "memory");
    p->seq = seq + 2;
}

void vclock_update(struct vclock_cal *cal, struct vclock *page,
                   const struct vclock_sample *s)
{
    const int m = VCLOCK_MONOTONIC;
    uint64_t tsc = s->tsc[m];
    struct vclock next = *page;
    int64_t lag = 0, age;

    if (page->mode == VCLOCK_TSC && (int64_t)(tsc - page->tsc_base) < 0)
        cal->broken = true;     /* not one counter for all CPUs */
    raise_floor(cal, page, tsc);
    if (!cal->anchored || (int64_t)(tsc - cal->a_tsc) <= 0)
        anchor(cal, tsc, s->ns[m]);
    /* The old line, stale or not, should still meet the host's (to the
     * slew and the rate's error): if not, the counter jumped or stopped
     * (a VM paused?), so measure again. */
    if (page->mode == VCLOCK_TSC && !cal->broken &&
        iabs(page->base_ns[m] + vclock_scale(tsc - page->tsc_base, cal->rate) -
             s->ns[m]) > STEP)
        anchor(cal, tsc, s->ns[m]);
    calibrate(cal, tsc, s->ns[m]);
    for (int c = 0; c < VCLOCK_COUNT; c++) {
        int64_t v = s->ns[c], d;

        /* Each clock was read before MONOTONIC: carry it to the base. */
        if (c != m && cal->rate && tsc > s->tsc[c])
            v += vclock_scale(tsc - s->tsc[c], cal->rate);
        d = cal->floor[c] - v;
        if (d > 0 && !(c == VCLOCK_REALTIME && d > STEP)) {
            if (d > STEP)       /* the page ran far ahead: re-measure */
                anchor(cal, tsc, s->ns[m]);
            lag = MAX(lag, d);
            v = cal->floor[c];
        }
        next.base_ns[c] = cal->floor[c] = v;
    }
    next.tsc_base = tsc;
    age = MIN((s->ns[m] - cal->a_ns) / 4, AGE_MAX);
    if (cal->broken || !cal->rate || age <= 0) {
        next.mode = VCLOCK_NONE;
        next.mult = 0;
        next.tsc_max = 0;
    } else {
        lag = MIN(lag, age >> 11);
        next.mode = VCLOCK_TSC;
        next.mult = cal->rate - cal->rate * (uint64_t)lag / (uint64_t)age;
        next.tsc_max = ((uint64_t)age << VCLOCK_SHIFT) / next.mult;
    }
    publish(page, &next);
}
