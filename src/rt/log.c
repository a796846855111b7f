/* SPDX-License-Identifier: MIT */
/* rt_log for the kernel image: format on the stack, hand to the platform log. */
#include <lbox/platform.h>

#include "rt/rt.h"

#define LOG_BUF_SIZE 512

/* Output longer than the buffer is cut, with "...\n" marking the cut. */
void rt_log(const char *fmt, ...)
{
    char buf[LOG_BUF_SIZE];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = rt_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf)) {
        memcpy(buf + sizeof(buf) - 5, "...\n", 4);
        n = sizeof(buf) - 1;
    }
    lbox_plat_log(buf, (size_t)n);
}
