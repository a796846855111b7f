// SPDX-License-Identifier: MIT
// Integration test (guest program): faults of the program's own code
// reach its handlers as on Linux, the way JITs and garbage collectors
// rely on: SIGSEGV (unmapped and write-protected, si_addr and si_code),
// SIGBUS past the end of a mapped host file, SIGFPE (integer division by
// zero), SIGILL (ud2), SIGTRAP (int3); a handler that fixes the cause and
// returns, one that skips the instruction by editing the context, one
// that siglongjmps out. Last, a fault while SIGSEGV is blocked kills the
// process (exit status 139 natively and under lbox).
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "check.h"

static sigjmp_buf g_jmp;
static volatile int g_sig, g_code;
static volatile uintptr_t g_addr, g_ip;
static char *g_page;
/* Through a variable, so the compiler sees no constant bad pointer. */
static volatile int *volatile g_bad = (volatile int *)16;

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;

    g_sig = sig;
    g_code = si->si_code;
    g_addr = (uintptr_t)si->si_addr;
    g_ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    siglongjmp(g_jmp, 1);
}

static void catch(int sig, void (*fn)(int, siginfo_t *, void *))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

static void test_segv(void)
{
    catch(SIGSEGV, on_fault);
    if (!sigsetjmp(g_jmp, 1))
        *g_bad = 1;
    CHECK(g_sig == SIGSEGV && g_code == SEGV_MAPERR && g_addr == 16,
          "SIGSEGV unmapped: MAPERR at the address");

    g_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_sig = 0;
    if (!sigsetjmp(g_jmp, 1))
        *(volatile char *)(g_page + 8) = 1;
    CHECK(g_sig == SIGSEGV && g_code == SEGV_ACCERR &&
          g_addr == (uintptr_t)g_page + 8, "SIGSEGV read-only: ACCERR");
}

/* Fix the cause and return: the instruction runs again and succeeds. */
static void on_fix(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    g_sig = sig;
    mprotect((void *)((uintptr_t)si->si_addr & ~4095UL), 4096,
             PROT_READ | PROT_WRITE);
}

static void test_fix_and_return(void)
{
    catch(SIGSEGV, on_fix);
    g_sig = 0;
    *(volatile char *)(g_page + 100) = 42;
    CHECK(g_sig == SIGSEGV && g_page[100] == 42,
          "handler unprotects, the write is retried");
}

/* Skip the faulting two-byte load and give it a result instead. */
static void on_skip(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;

    (void)si;
    g_sig = sig;
    uc->uc_mcontext.gregs[REG_RIP] += 2;
    uc->uc_mcontext.gregs[REG_RCX] = 77;
}

static void test_skip(void)
{
    long v = 0;

    catch(SIGSEGV, on_skip);
    __asm__ volatile("xor %%ecx, %%ecx\n\t"
                     "mov (%%rax), %%ecx\n\t"     /* 8b 08 */
                     "mov %%rcx, %0"
                     : "=r"(v) : "a"(8) : "rcx", "memory");
    CHECK(v == 77, "handler skips the instruction through the context");
}

/* A host file's page past its end (under lbox: the host's own mapping). */
static void test_bus(void)
{
    int fd = open("/etc/os-release", O_RDONLY);
    char *m;

    if (fd < 0) {
        CHECK(0, "SIGBUS file");
        return;
    }
    m = mmap(NULL, 1 << 20, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    catch(SIGBUS, on_fault);
    g_sig = 0;
    if (!sigsetjmp(g_jmp, 1))
        (void)*(volatile char *)(m + (1 << 19));
    CHECK(g_sig == SIGBUS && g_code == BUS_ADRERR &&
          g_addr == (uintptr_t)m + (1 << 19), "SIGBUS past the end of a file");
    munmap(m, 1 << 20);
}

static void test_fpe_ill_trap(void)
{
    uintptr_t at;

    catch(SIGFPE, on_fault);
    g_sig = 0;
    if (!sigsetjmp(g_jmp, 1)) {
        __asm__ volatile("lea 1f(%%rip), %0\n\t"
                         "mov %0, g_ip_expect(%%rip)\n\t"
                         "xor %%edx, %%edx\n\t"
                         "mov $1, %%eax\n\t"
                         "xor %%ecx, %%ecx\n"
                         "1: div %%ecx"
                         : "=r"(at) : : "rax", "rcx", "rdx");
    }
    CHECK(g_sig == SIGFPE && g_code == FPE_INTDIV, "SIGFPE divide by zero");
    extern uintptr_t g_ip_expect;
    CHECK(g_addr == g_ip_expect && g_ip == g_ip_expect,
          "SIGFPE at the div instruction");

    catch(SIGILL, on_fault);
    g_sig = 0;
    if (!sigsetjmp(g_jmp, 1))
        __asm__ volatile("lea 1f(%%rip), %%rax\n\t"
                         "mov %%rax, g_ip_expect(%%rip)\n"
                         "1: ud2" : : : "rax");
    CHECK(g_sig == SIGILL && g_code == ILL_ILLOPN &&
          g_addr == g_ip_expect, "SIGILL ud2");

    catch(SIGTRAP, on_fault);
    g_sig = 0;
    if (!sigsetjmp(g_jmp, 1))
        __asm__ volatile("lea 1f(%%rip), %%rax\n\t"
                         "mov %%rax, g_ip_expect(%%rip)\n\t"
                         "int3\n"
                         "1: nop" : : : "rax");
    CHECK(g_sig == SIGTRAP && g_code == SI_KERNEL && g_ip == g_ip_expect,
          "SIGTRAP int3, resuming after it");
}

uintptr_t g_ip_expect;

int main(void)
{
    sigset_t m;

    setvbuf(stdout, NULL, _IOLBF, 0);
    test_segv();
    test_fix_and_return();
    test_skip();
    test_bus();
    test_fpe_ill_trap();
    /* A fault with SIGSEGV blocked cannot be caught: it kills. */
    catch(SIGSEGV, on_fault);
    sigemptyset(&m);
    sigaddset(&m, SIGSEGV);
    sigprocmask(SIG_BLOCK, &m, NULL);
    printf("faulting with SIGSEGV blocked\n");
    *g_bad = 1;
    printf("FAIL: survived\n");
    return 1;
}
