// SPDX-License-Identifier: MIT
/*
 * System call sites as the CPU sees them, called often enough that lbox
 * rewrites them (the first call traps, later ones take the fast path):
 * the registers the syscall instruction promises to keep (all but rax,
 * rcx and r11, the vector registers, the flags, the red zone below the
 * stack pointer) are kept; rcx holds the return address and r11 the
 * flags, as Linux leaves them; code that jumps straight to a syscall
 * instruction with its own rax, and code the program writes and
 * rewrites itself, call what they ask for. The output is the same
 * natively and under lbox.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "check.h"

#define ROUNDS 4

/* mov $39 (getpid), %eax; syscall; ret, with a second entry at the
 * syscall instruction itself. */
__asm__(".text\n"
        ".globl site_getpid, site_bare\n"
        "site_getpid:\n"
        "    mov $39, %eax\n"
        "site_bare:\n"
        "    syscall\n"
        "    ret\n");
long site_getpid(void);

static long bare(long nr)
{
    long ret;

    __asm__ volatile("call site_bare"
                     : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
    return ret;
}

/* One uname (lbox copies a structure out: its own code uses the vector
 * registers) with every register the call must keep set to a pattern,
 * the red zone filled (below the word pushfq takes), DF set; 0 if all
 * came back. */
static int kept(void)
{
    uint64_t bad = 0, rcx, r11, ret_ip, flags;
    uint8_t in[256], out[256];
    struct utsname u;

    for (int i = 0; i < 256; i++)
        in[i] = (uint8_t)(i * 7 + 1);
    memset(out, 0, sizeof(out));
    __asm__ volatile(
        "movdqu 0(%[in]), %%xmm0\n"
        "movdqu 16(%[in]), %%xmm1\n"
        "movdqu 32(%[in]), %%xmm7\n"
        "movdqu 48(%[in]), %%xmm15\n"
        "mov $0x1111111111111111, %%rbx\n"
        "mov $0x2222222222222222, %%r12\n"
        "mov $0x3333333333333333, %%r15\n"
        "mov $0x4444444444444444, %%r8\n"
        "mov $0x5555555555555555, %%r10\n"
        "mov %%rsp, %%r9\n"
        "mov $0x6666666666666666, %%rdx\n"
        "mov %%rdx, -16(%%rsp)\n"
        "mov $0x7777777777777777, %%rdx\n"
        "mov %%rdx, -128(%%rsp)\n"
        "std\n"
        "mov %[u], %%rdi\n"
        "lea 1f(%%rip), %%rdx\n"
        "mov $63, %%eax\n"
        "syscall\n"
        "1:\n"
        "pushfq\n"
        "cld\n"
        "popq %[flags]\n"
        "mov %%rcx, %[rcx]\n"
        "mov %%r11, %[r11]\n"
        "mov %%rdx, %[ret_ip]\n"
        "movdqu %%xmm0, 0(%[out])\n"
        "movdqu %%xmm1, 16(%[out])\n"
        "movdqu %%xmm7, 32(%[out])\n"
        "movdqu %%xmm15, 48(%[out])\n"
        "xor %%eax, %%eax\n"
        "mov $0x1111111111111111, %%rdx\n"
        "cmp %%rdx, %%rbx\n"
        "setne %%al\n"
        "or %%rax, %[bad]\n"
        "mov $0x2222222222222222, %%rdx\n"
        "cmp %%rdx, %%r12\n"
        "setne %%al\n"
        "or %%rax, %[bad]\n"
        "mov $0x3333333333333333, %%rdx\n"
        "cmp %%rdx, %%r15\n"
        "setne %%al\n"
        "or %%rax, %[bad]\n"
        "mov $0x4444444444444444, %%rdx\n"
        "cmp %%rdx, %%r8\n"
        "setne %%al\n"
        "or %%rax, %[bad]\n"
        "mov $0x5555555555555555, %%rdx\n"
        "cmp %%rdx, %%r10\n"
        "setne %%al\n"
        "or %%rax, %[bad]\n"
        "cmp %%rsp, %%r9\n"
        "setne %%al\n"
        "or %%rax, %[bad]\n"
        "mov $0x6666666666666666, %%rdx\n"
        "cmp %%rdx, -16(%%rsp)\n"
        "setne %%al\n"
        "or %%rax, %[bad]\n"
        "mov $0x7777777777777777, %%rdx\n"
        "cmp %%rdx, -128(%%rsp)\n"
        "setne %%al\n"
        "or %%rax, %[bad]\n"
        : [bad] "+r"(bad), [rcx] "=m"(rcx), [ret_ip] "=m"(ret_ip),
          [r11] "=m"(r11), [flags] "=r"(flags)
        : [in] "r"(in), [out] "r"(out), [u] "m"(*(struct utsname *[]){&u})
        : "rax", "rbx", "rcx", "rdx", "rdi", "r8", "r9", "r10", "r11", "r12",
          "r15", "xmm0", "xmm1", "xmm7", "xmm15", "memory", "cc");
    if (bad)
        return 1;
    if (memcmp(in, out, 64))
        return 2;
    if (rcx != ret_ip)
        return 3;
    if (!(flags & 0x400))
        return 4;   /* DF */
    if ((r11 & ~0x10000ull) != (flags & ~0x10000ull))
        return 5;   /* r11: the flags at the call (RF aside) */
    if (strcmp(u.sysname, "Linux"))
        return 6;
    return 0;
}

/* A page the program writes code into: getpid; ret, then gettid. */
static int jit(void)
{
    static const uint8_t pid[] = {0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xc3};
    static const uint8_t tid[] = {0xb8, 186, 0, 0, 0, 0x0f, 0x05, 0xc3};
    uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long (*fn)(void) = (long (*)(void))p;

    if (p == MAP_FAILED)
        return 1;
    memcpy(p, pid, sizeof(pid));
    for (int i = 0; i < ROUNDS; i++)
        if (fn() != getpid())
            return 2;
    /* Still writable: the program rewrites its code, lbox follows. */
    memcpy(p, tid, sizeof(tid));
    for (int i = 0; i < ROUNDS; i++)
        if (fn() != syscall(SYS_gettid))
            return 3;
    munmap(p, 4096);
    return 0;
}

int main(void)
{
    int r = 0;

    for (int i = 0; i < ROUNDS; i++)
        CHECK(site_getpid() == getpid(), "mov+syscall site");
    /* Straight to the syscall instruction of a rewritten site. */
    for (int i = 0; i < ROUNDS; i++)
        CHECK(bare(SYS_getppid) == getppid(), "jump to the syscall instruction");
    for (int i = 0; i < ROUNDS && !r; i++)
        r = kept();
    CHECK(r == 0, "registers, vectors, flags, red zone kept");
    if (r)
        printf("kept: case %d\n", r);
    for (int i = 0; i < ROUNDS; i++)
        CHECK(syscall(SYS_getuid) == (long)getuid(), "syscall()");
    r = jit();
    CHECK(r == 0, "code written at run time");
    if (r)
        printf("jit: case %d\n", r);
    return g_failed;
}
