/* SPDX-License-Identifier: MIT */
/*
 * Escape test (guest side): the signal frame is guest memory, and at
 * rt_sigreturn lbox must take nothing from it that could crash lbox or
 * reach its memory. One mode per attack (argv[1]):
 *
 *   xstate   the frame's XSAVE area with every reserved bit set (MXCSR,
 *            XSTATE_BV, XCOMP_BV, the header's reserved bytes), its
 *            description intact; the CPU would fault loading it.
 *            Survives (lbox cleans it), three times over.
 *   xsize    the description claims a 4 GiB area. Survives.
 *   eflags   IOPL, NT, VM, VIF and VIP set: they stay the CPU's.
 *   fpptr    the FP state pointer aimed at lbox's own memory: the
 *            sandbox dies of SIGSEGV (139), lbox reads nothing there.
 *   stack    a signal raised with the stack pointer inside lbox's
 *            memory: the frame is not written there; SIGSEGV (139).
 *
 * Linux kills the first two at sigreturn; the differences are written in
 * docs/linux-compat.md.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static const char *g_mode;
static uint64_t g_lbox;     /* an address of lbox's writable memory */

static void on_sig(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;

    (void)sig, (void)si;
    if (!strcmp(g_mode, "xstate")) {
        memset(fp + 24, 0xff, 4);           /* MXCSR */
        memset(fp + 512, 0xff, 64);         /* the whole XSAVE header */
        memset(fp + 416, 0xff, 48);         /* reserved legacy bytes */
    } else if (!strcmp(g_mode, "xsize")) {
        uint32_t huge = 0xfffffff0;

        memcpy(fp + 464 + 16, &huge, 4);    /* xstate_size */
        huge += 4;
        memcpy(fp + 464 + 4, &huge, 4);     /* extended_size */
    } else if (!strcmp(g_mode, "eflags")) {
        uc->uc_mcontext.gregs[REG_EFL] |= 0x3000 | 0x4000 | 0x20000 |
                                          0x180000;
    } else if (!strcmp(g_mode, "fpptr")) {
        uc->uc_mcontext.fpregs = (void *)g_lbox;
    }
}

/* lbox's memory, as an attacker finds it in /proc/self/maps (shown
 * without access rights, but there). */
static uint64_t find_lbox(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    uint64_t lo = 0, hi;

    while (f && fgets(line, sizeof(line), f))
        if (strstr(line, "[lbox]") &&
            sscanf(line, "%lx-%lx", &lo, &hi) == 2)
            break;
    if (f)
        fclose(f);
    return lo ? lo + 64 * 4096 : 0;
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    uint64_t fl;

    if (argc < 2)
        return 2;
    g_mode = argv[1];
    g_lbox = find_lbox();
    printf("lbox memory %s\n", g_lbox ? "found" : "not found");
    fflush(stdout);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    if (!strcmp(g_mode, "stack")) {
        if (!g_lbox)
            return 3;
        __asm__ volatile("mov %%rsp, %%r12\n\t"
                         "mov %0, %%rsp\n\t"
                         "syscall\n\t"
                         "mov %%r12, %%rsp"
                         : : "r"(g_lbox + 4096 * 4), "a"(SYS_tgkill),
                           "D"(getpid()), "S"(gettid()), "d"(SIGUSR1)
                         : "r12", "rcx", "r11", "memory");
        printf("still alive\n");
        return 1;
    }
    for (int i = 0; i < 3; i++) {
        uint8_t fx[512] __attribute__((aligned(16)));
        uint32_t mx, mask;

        syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
        __asm__ volatile("stmxcsr %0\n\tfxsave64 %1" : "=m"(mx), "=m"(fx));
        memcpy(&mask, fx + 28, 4);
        printf("round %d: mxcsr %s\n", i,
               mx & ~(mask ? mask : 0xffbf) ? "has reserved bits" : "valid");
    }
    __asm__ volatile("pushfq\n\tpop %0" : "=r"(fl));
    printf("iopl %lu\n", (unsigned long)((fl >> 12) & 3));
    printf("survived\n");
    return 0;
}
