// SPDX-License-Identifier: MIT
// Integration test (guest program): exit status passthrough. Exits with
// argv[2] (default 42) through exit_group (default) or argv[1] "sys_exit"
// (the exit syscall of the last thread), "exit_group" or "return".
#include <sys/syscall.h>

#include "check.h"

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "exit_group";
    int code = argc > 2 ? atoi(argv[2]) : 42;
    printf("exiting with %d via %s\n", code, how);
    fflush(stdout);
    if (!strcmp(how, "sys_exit"))
        syscall(SYS_exit, code);
    else if (!strcmp(how, "exit_group"))
        syscall(SYS_exit_group, code);
    else if (!strcmp(how, "return"))
        return code;
    printf("FAIL: still running\n");
    return 1;
}
