/* SPDX-License-Identifier: MIT */
/* str_starts_with for the kernel image. */
#include "rt/rt.h"

bool str_starts_with(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        if (*s != *prefix)
            return false;
    }
    return true;
}
