/* SPDX-License-Identifier: MIT */
/*
 * The guest's clocks (core, kernel image). REALTIME and the CPU clocks are
 * the host's. MONOTONIC and BOOTTIME count from the sandbox's boot, so a
 * guest never learns how long the host has been up, and both agree with
 * /proc/uptime and sysinfo(). Every guest-visible reading and every
 * absolute guest deadline goes through here.
 */
#ifndef LBOX_CORE_CLOCK_H
#define LBOX_CORE_CLOCK_H

#include <lbox/platform.h>

struct kernel;

/* Record the boot instant of each clock; once, at boot. */
void lbox_clock_boot(struct kernel *k);

/* (clock) is one of LBOX_CLOCK_*; 0 or -errno. */
int lbox_clock_get(const struct kernel *k, int clock, int64_t *ns);

/* Nanoseconds since the sandbox booted (BOOTTIME), never negative. */
int64_t lbox_clock_uptime(const struct kernel *k);

#endif /* LBOX_CORE_CLOCK_H */
