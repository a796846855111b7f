/* SPDX-License-Identifier: MIT */
/* Byte counts from the command line (monitor, host side). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "monitor/size.h"

/* The decimal digits at *(p), advancing it; -ERANGE past UINT64_MAX. */
static int parse_digits(const char **p, uint64_t *v)
{
    for (; **p >= '0' && **p <= '9'; (*p)++) {
        unsigned d = (unsigned)(**p - '0');

        if (*v > (UINT64_MAX - d) / 10)
            return -ERANGE;
        *v = *v * 10 + d;
    }
    return 0;
}

int mon_parse_size(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    unsigned shift = 0;
    const char *p = s;

    if (!s || *s < '0' || *s > '9')
        return -EINVAL;
    if (parse_digits(&p, &v) < 0)
        return -ERANGE;
    switch (*p) {
    case 'k': case 'K': shift = 10; p++; break;
    case 'm': case 'M': shift = 20; p++; break;
    case 'g': case 'G': shift = 30; p++; break;
    case 't': case 'T': shift = 40; p++; break;
    default: break;
    }
    if (*p == 'b' || *p == 'B')
        p++;
    if (*p)
        return -EINVAL;
    if (shift && v > UINT64_MAX >> shift)
        return -ERANGE;
    *out = v << shift;
    return 0;
}

int mon_parse_duration_ms(const char *s, uint64_t *out)
{
    static const struct {
        const char *suffix;
        uint64_t ms;
    } units[] = {
        {"", 1000}, {"s", 1000}, {"ms", 1}, {"m", 60000}, {"h", 3600000},
    };
    uint64_t v = 0;
    const char *p = s;

    if (!s || *s < '0' || *s > '9')
        return -EINVAL;
    if (parse_digits(&p, &v) < 0)
        return -ERANGE;
    for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++) {
        if (strcmp(p, units[i].suffix))
            continue;
        if (v > UINT64_MAX / units[i].ms)
            return -ERANGE;
        *out = v * units[i].ms;
        return 0;
    }
    return -EINVAL;
}

int mon_parse_cpus_milli(const char *s, uint64_t *out)
{
    uint64_t v = 0, frac = 0;
    const char *p = s;
    int digits = 0;

    if (!s || *s < '0' || *s > '9')
        return -EINVAL;
    if (parse_digits(&p, &v) < 0 || v > UINT64_MAX / 1000 - 1)
        return -ERANGE;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits >= 3)
                return -EINVAL;     /* finer than a thousandth */
            else
                frac = frac * 10 + (uint64_t)(*p - '0');
        if (!digits)
            return -EINVAL;
        for (; digits < 3; digits++)
            frac *= 10;
    }
    if (*p)
        return -EINVAL;
    *out = v * 1000 + frac;
    return 0;
}
