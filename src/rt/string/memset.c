/* SPDX-License-Identifier: MIT */
/* memset for the kernel image: one rep stosb. */
#include "rt/rt.h"

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;

    __asm__ volatile("rep stosb"
                     : "+D"(d), "+c"(n)
                     : "a"(c)
                     : "memory");
    return dst;
}
