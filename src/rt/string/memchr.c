/* SPDX-License-Identifier: MIT */
/* memchr for the kernel image. */
#include "rt/rt.h"

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    unsigned char ch = (unsigned char)c;

    for (; n; n--, p++) {
        if (*p == ch)
            return (void *)p;
    }
    return NULL;
}
