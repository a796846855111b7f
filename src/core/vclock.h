/* SPDX-License-Identifier: MIT */
/*
 * The clock page (core, kernel image and the Linux shim's vDSO): the
 * guest's MONOTONIC, BOOTTIME and REALTIME as a line over the CPU's
 * cycle counter, which lbox writes (clock.c, vclock.c) and guest code
 * only reads, so a clock read needs no system call. Both sides are built
 * from this one header in one build: the layout is no ABI beyond it.
 *
 * A reading is good while the page is stable (seq even and unchanged
 * across it), in VCLOCK_TSC mode, and no older than tsc_max counts; in
 * any other case the reader makes the system call, which lbox answers by
 * re-basing the page. Freestanding: <stdbool.h> and <stdint.h> only.
 */
#ifndef LBOX_CORE_VCLOCK_H
#define LBOX_CORE_VCLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* The clocks on the page (indexes of base_ns and res_ns). */
#define VCLOCK_MONOTONIC 0
#define VCLOCK_BOOTTIME  1
#define VCLOCK_REALTIME  2
#define VCLOCK_COUNT     3

#define VCLOCK_NONE 0   /* readers make the system call */
#define VCLOCK_TSC  1   /* readers compute from the counter */

struct vclock {
    uint32_t seq;                  /* odd while lbox writes */
    uint32_t mode;                 /* VCLOCK_NONE or VCLOCK_TSC */
    uint64_t tsc_base;             /* the counter at the base instant */
    uint64_t tsc_max;              /* good while counter - tsc_base < this */
    uint64_t mult;                 /* nanoseconds per count, << 32 */
    int64_t base_ns[VCLOCK_COUNT]; /* the guest's clocks at tsc_base */
    int64_t res_ns[VCLOCK_COUNT];  /* clock_getres; 0: ask lbox. Set once. */
};

#define VCLOCK_SHIFT 32

/* (d) counts in nanoseconds at (mult); exact to the truncated ns. */
static inline int64_t vclock_scale(uint64_t d, uint64_t mult)
{
    return (int64_t)(((unsigned __int128)d * mult) >> VCLOCK_SHIFT);
}

/*
 * The seqlock read, in three steps so that each side reads the counter
 * its own way between them: begin, then the counter, then vclock_at.
 * x86-64 keeps loads in order and lbox's stores in order, so compiler
 * barriers are all the ordering the page needs.
 */
static inline uint32_t vclock_begin(const volatile struct vclock *v)
{
    uint32_t seq = v->seq;

    __asm__ volatile("" ::: "memory");
    return seq;
}

/*
 * Clock (clock) at counter (tsc) from the page read since vclock_begin
 * returned (seq): true and *(ns), or false when the reader must ask lbox
 * (a writer was busy, no counter mode, or the data is stale; a counter
 * below tsc_base counts as stale, so a reading never goes below the base).
 */
static inline bool vclock_at(const volatile struct vclock *v, uint32_t seq,
                             int clock, uint64_t tsc, int64_t *ns)
{
    uint64_t d = tsc - v->tsc_base;
    int64_t val;

    if ((seq & 1) || v->mode != VCLOCK_TSC || d >= v->tsc_max)
        return false;
    val = v->base_ns[clock] + vclock_scale(d, v->mult);
    __asm__ volatile("" ::: "memory");
    if (v->seq != seq)
        return false;
    *ns = val;
    return true;
}

/* --- lbox's side: re-basing the page (vclock.c) --------------------------- */

/* The host's clocks read once each: the guest's value of each clock and
 * the counter in the middle of its host call. */
struct vclock_sample {
    uint64_t tsc[VCLOCK_COUNT];
    int64_t ns[VCLOCK_COUNT];
};

/* What lbox keeps next to the page to write it (never guest-visible). */
struct vclock_cal {
    bool anchored;
    bool broken;                   /* the counter went back: no TSC mode */
    uint64_t a_tsc, n_tsc;         /* the anchor, and the next one */
    int64_t a_ns, n_ns;            /* MONOTONIC at each */
    uint64_t rate;                 /* ns per count << 32 since the anchor;
                                      0 until measured over CAL_MIN */
    int64_t floor[VCLOCK_COUNT];   /* the highest reading given so far */
};

/*
 * Re-base (page) on sample (s), MONOTONIC being read last (its counter
 * is the new base): refine the rate, raise no clock below a reading the
 * page may have given (REALTIME excepted when the host set it back), and
 * publish. Afterwards page->base_ns holds each clock's value now. Called
 * with the writers' lock held; (cal) starts zeroed.
 */
void vclock_update(struct vclock_cal *cal, struct vclock *page,
                   const struct vclock_sample *s);

/* ns per count << 32 from (ns) nanoseconds over (counts); 0 if either is
 * not positive. */
uint64_t vclock_mult(int64_t ns, uint64_t counts);

#endif /* LBOX_CORE_VCLOCK_H */
