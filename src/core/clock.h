/* SPDX-License-Identifier: MIT */
/*
 * The guest's clocks (core, kernel image). REALTIME and the CPU clocks are
 * the host's. MONOTONIC and BOOTTIME count from the sandbox's boot, so a
 * guest never learns how long the host has been up, and both agree with
 * /proc/uptime and sysinfo(). Every guest-visible reading and every
 * absolute guest deadline goes through here.
 *
 * With a cycle counter (lbox_plat_cycles) MONOTONIC, BOOTTIME and REALTIME
 * are read from the clock page (vclock.h), which a North shim may show to
 * its guests read-only so that they read the same clocks without a
 * system call; the page follows the host's clocks to within microseconds
 * and MONOTONIC and BOOTTIME never go back, whoever reads them.
 */
#ifndef LBOX_CORE_CLOCK_H
#define LBOX_CORE_CLOCK_H

#include <lbox/platform.h>

struct kernel;
struct vclock;

/* Record the boot instant of each clock and set up the clock page; once,
 * at boot, before any reading. 0 or -errno (-ENOMEM). */
int lbox_clock_boot(struct kernel *k);

/* (clock) is one of LBOX_CLOCK_*; 0 or -errno. */
int lbox_clock_get(const struct kernel *k, int clock, int64_t *ns);

/*
 * The clock page: one page-aligned page of the shared kernel region that
 * lbox writes. Show it to guests read-only (it is in VCLOCK_NONE mode for
 * good when the platform has no counter, so readers always ask lbox).
 */
struct vclock *lbox_clock_page(const struct kernel *k);

/* Nanoseconds since the sandbox booted (BOOTTIME), never negative. */
int64_t lbox_clock_uptime(const struct kernel *k);

#endif /* LBOX_CORE_CLOCK_H */
