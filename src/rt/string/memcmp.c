/* SPDX-License-Identifier: MIT */
/* memcmp for the kernel image: bytes compared as unsigned char. */
#include "rt/rt.h"

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}
