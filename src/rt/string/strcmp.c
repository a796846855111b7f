/* SPDX-License-Identifier: MIT */
/* strcmp and strncmp for the kernel image: bytes compared as unsigned char. */
#include "rt/rt.h"

int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x && *x == *y) {
        x++;
        y++;
    }
    return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    if (n == 0)
        return 0;
    while (--n && *x && *x == *y) {
        x++;
        y++;
    }
    return *x - *y;
}
