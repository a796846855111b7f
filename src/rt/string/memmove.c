/* SPDX-License-Identifier: MIT */
/* memmove for the kernel image: forward rep movsb, or backward from the end. */
#include "rt/rt.h"

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    size_t gap = (uintptr_t)d - (uintptr_t)s;

    /* Forward is safe unless dst starts inside (src, src+n). */
    if (gap == 0 || gap >= n)
        return memcpy(dst, src, n);
    /* Far enough apart: copy gap-sized blocks from the top down, each a
     * memcpy whose source nothing has written yet. */
    if (gap >= 64) {
        while (n > gap) {
            n -= gap;
            memcpy(d + n, s + n, gap);
        }
        return memcpy(dst, src, n);
    }
    /* Close: a backward string copy (the direction flag is ours to restore). */
    d += n - 1;
    s += n - 1;
    __asm__ volatile("std\n\t"
                     "rep movsb\n\t"
                     "cld"
                     : "+D"(d), "+S"(s), "+c"(n)
                     :
                     : "memory", "cc");
    return dst;
}
