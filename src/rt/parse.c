/* SPDX-License-Identifier: MIT */
/* rt_parse_u64: decimal or 0x-hex unsigned numbers, overflow-checked. */
#include "rt/rt.h"

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

/*
 * The whole string must be the number: no sign, no spaces, no suffix;
 * junk anywhere wins over overflow.
 * (out) is written only on success.
 */
int rt_parse_u64(const char *s, uint64_t *out)
{
    unsigned base = 10;
    bool overflow = false;
    uint64_t v = 0;
    int d;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return -EINVAL;
    for (; *s; s++) {
        d = digit_value(*s);
        if ((unsigned)d >= base)
            return -EINVAL;
        if (__builtin_mul_overflow(v, base, &v) ||
            __builtin_add_overflow(v, (uint64_t)d, &v))
            overflow = true;
    }
    if (overflow)
        return -ERANGE;
    *out = v;
    return 0;
}
