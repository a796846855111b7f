/* SPDX-License-Identifier: MIT */
/* strlcpy and strlcat for the kernel image (BSD semantics). */
#include "rt/rt.h"

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = MIN(len, size - 1);

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

/*
 * Append (src) to (dst) within (size) bytes. If (dst) holds no NUL within
 * (size), nothing is written and size + strlen(src) is returned.
 */
size_t strlcat(char *dst, const char *src, size_t size)
{
    size_t dlen = strnlen(dst, size);

    if (dlen == size)
        return size + strlen(src);
    return dlen + strlcpy(dst + dlen, src, size - dlen);
}
