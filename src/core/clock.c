/* SPDX-License-Identifier: MIT */
/*
 * The guest's clocks (core, kernel image): host clocks shifted so that
 * the monotonic ones start at the sandbox's boot. See clock.h.
 */
#include "core/clock.h"
#include "core/kernel.h"

void lbox_clock_boot(struct kernel *k)
{
    lbox_plat_clock_get(LBOX_CLOCK_MONOTONIC, &k->boot_ns);
    lbox_plat_clock_get(LBOX_CLOCK_BOOTTIME, &k->boot_boottime_ns);
    lbox_plat_clock_get(LBOX_CLOCK_REALTIME, &k->boot_realtime_ns);
}

int lbox_clock_get(const struct kernel *k, int clock, int64_t *ns)
{
    int err = lbox_plat_clock_get(clock, ns);

    if (err < 0)
        return err;
    if (clock == LBOX_CLOCK_MONOTONIC)
        *ns -= k->boot_ns;
    else if (clock == LBOX_CLOCK_BOOTTIME)
        *ns -= k->boot_boottime_ns;
    return 0;
}

int64_t lbox_clock_uptime(const struct kernel *k)
{
    int64_t ns = 0;

    if (lbox_clock_get(k, LBOX_CLOCK_BOOTTIME, &ns) < 0 || ns < 0)
        return 0;
    return ns;
}
