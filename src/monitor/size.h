/* SPDX-License-Identifier: MIT */
/* Numbers on the command line (monitor, host side): sizes such as "512m",
 * durations such as "30s", CPU counts such as "1.5". */
#ifndef LBOX_MONITOR_SIZE_H
#define LBOX_MONITOR_SIZE_H

#include <stdint.h>

/*
 * Parse a byte count: decimal digits with an optional suffix k, m, g or t
 * (either case, powers of 1024, an optional trailing 'b' or 'B'). Returns 0
 * and the count in *(out), or -EINVAL for anything else, -ERANGE past
 * UINT64_MAX.
 */
int mon_parse_size(const char *s, uint64_t *out);

/*
 * Parse a duration into milliseconds: decimal digits with an optional
 * unit ms, s (the default), m or h. 0, -EINVAL or -ERANGE.
 */
int mon_parse_duration_ms(const char *s, uint64_t *out);

/*
 * Parse a CPU count ("1", "1.5", "0.25") into thousandths of a CPU: digits
 * with at most three after a point. 0, -EINVAL or -ERANGE.
 */
int mon_parse_cpus_milli(const char *s, uint64_t *out);

#endif /* LBOX_MONITOR_SIZE_H */
