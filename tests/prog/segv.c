// SPDX-License-Identifier: MIT
// Integration test (guest program): dies of SIGSEGV by writing through a
// NULL pointer; the expected exit status is 139 (128 + SIGSEGV), natively
// and under lbox.
#include <stdio.h>

int main(void)
{
    printf("about to fault\n");
    fflush(stdout);
    *(volatile int *)0 = 1;
    printf("FAIL: survived a NULL write\n");
    return 1;
}
