/* SPDX-License-Identifier: MIT */
/* Sizes on the command line (monitor, host side): "512m", "2G", "4096". */
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

#endif /* LBOX_MONITOR_SIZE_H */
