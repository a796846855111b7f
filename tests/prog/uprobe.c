// SPDX-License-Identifier: MIT
// Integration test (guest program): makes the uprobe (336) and uretprobe
// (335) calls from outside a uprobe trampoline. Linux >= 6.16 (6.11 for
// uretprobe) lets both past seccomp without running the filter: uretprobe
// kills the caller with SIGILL and uprobe returns ENXIO (seen on 6.18);
// older kernels leave them to the filter, and lbox answers ENOSYS as
// Linux does. Under lbox the
// outcome must be the native one, whatever the host kernel: the call
// reaches no service of the host and takes nothing with it but the caller.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void probe(long nr, const char *name)
{
    long r;

    printf("calling %s (%ld)\n", name, nr);
    fflush(stdout);
    r = syscall(nr);
    printf("%s returned %ld (%s)\n", name, r, r < 0 ? strerror(errno) : "-");
    fflush(stdout);
}

int main(void)
{
    probe(336, "uprobe");
    probe(335, "uretprobe");
    return 0;
}
