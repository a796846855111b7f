/* SPDX-License-Identifier: MIT */
/*
 * Escape test (guest side): find lbox's host syscall gate in the kernel
 * image the way an attacker in the sandbox would (from /proc/self/maps and
 * the gate's instruction bytes) and jump to it with a call that is not on
 * the allowlist. The seccomp filter must kill the whole sandbox with
 * SIGSYS. Modes (argv[1]):
 *   execve    a call not on the list at all
 *   badfd     write(2) on a descriptor the list does not allow
 *   pgrp      ioctl(0, TIOCGPGRP): a host process group is a host pid
 *   pwrite    pwrite64 on descriptor 8, the first a server may lend: on
 *             the list, except in a sandbox with a disk budget
 *   fork      clone(2) with the flags of a new process (SIGCHLD): only
 *             the exact flags of a thread are on the list
 *   clonens   clone(2) with the thread flags and CLONE_NEWUSER added
 *   tgkill    tgkill(2) to a pid that is not the sandbox process's
 *   tgsig     tgkill(2) to the sandbox process with SIGKILL, not the
 *             kick signal
 *   allowed   getrandom(2), which is on the list: it must work, proving
 *             the jump itself reaches the gate
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* mov 8(%rsp),%r9; syscall; ret */
static const unsigned char g_sig[] = {0x4c, 0x8b, 0x4c, 0x24, 0x08,
                                      0x0f, 0x05, 0xc3};

static unsigned char *find_gate(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    unsigned long lo, hi;

    if (!f)
        return NULL;
    while (fgets(line, sizeof(line), f)) {
        if (!strstr(line, "[lbox-kernel]"))
            continue;
        if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
            break;
        fclose(f);
        for (unsigned char *p = (unsigned char *)lo;
             p + sizeof(g_sig) <= (unsigned char *)hi; p++)
            if (!memcmp(p, g_sig, sizeof(g_sig)))
                return p + 5;   /* the syscall instruction */
        return NULL;
    }
    fclose(f);
    return NULL;
}

static long gate_call(unsigned char *gate, long nr, long a, long b, long c)
{
    long ret;

    __asm__ volatile("call *%[g]"
                     : "=a"(ret)
                     : [g] "r"(gate), "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

int main(int argc, char **argv)
{
    unsigned char *gate = find_gate();
    char buf[16];

    if (!gate) {
        printf("gate not found\n");
        return 1;
    }
    printf("gate found\n");
    fflush(stdout);
    if (argc > 1 && !strcmp(argv[1], "allowed")) {
        long r = gate_call(gate, 318, (long)buf, sizeof(buf), 0);

        printf("getrandom through the gate: %ld\n", r);
        return r == sizeof(buf) ? 0 : 1;
    }
    if (argc > 1 && !strcmp(argv[1], "badfd"))
        gate_call(gate, 1, 7, (long)"x", 1);
    else if (argc > 1 && !strcmp(argv[1], "pgrp"))
        gate_call(gate, 16, 0, 0x540f, (long)buf);
    else if (argc > 1 && !strcmp(argv[1], "fork"))
        gate_call(gate, 56, 17 /* SIGCHLD */, 0, 0);
    else if (argc > 1 && !strcmp(argv[1], "clonens"))
        gate_call(gate, 56, 0x350f00 | 0x10000000 /* CLONE_NEWUSER */,
                  (long)(buf + sizeof(buf)), 0);
    else if (argc > 1 && !strcmp(argv[1], "tgkill"))
        gate_call(gate, 234, 0x7ffffff0, 1, 33);
    else if (argc > 1 && !strcmp(argv[1], "tgsig"))
        gate_call(gate, 234, getpid(), getpid(), 9);
    else if (argc > 1 && !strcmp(argv[1], "pwrite"))
        printf("pwrite64 through the gate: %ld\n",
               gate_call(gate, 18, 8, (long)"x", 1));
    else
        gate_call(gate, 59, (long)"/bin/sh", 0, 0);
    printf("still alive: the filter let it through\n");
    return 1;
}
