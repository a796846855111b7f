/* SPDX-License-Identifier: MIT */
/* glibc's vsnprintf for test_format.c to compare rt_snprintf against. */
#include <stdarg.h>
#include <stdio.h>

int host_snprintf(char *buf, size_t size, const char *fmt, ...);

int host_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
