// SPDX-License-Identifier: MIT
// Integration test (guest program): a signal handler gets the initial FP
// state (MXCSR 0x1f80, x87 control word 0x37f) and may clobber every
// x87, SSE, AVX and AVX-512 register; after it returns the interrupted
// code has its own values back, exactly, and whatever the handler wrote
// into the frame's saved state (uc_mcontext.fpregs) instead. Each check
// runs three times, so under lbox both ways a system call enters it (a
// host trap, then a rewritten call site) are covered.
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "check.h"

static uint8_t g_in[32][64] __attribute__((aligned(64)));
static uint8_t g_out[32][64] __attribute__((aligned(64)));
static uint64_t g_kin = 0x5a5a1234, g_kout;
static volatile uint32_t g_h_mxcsr, g_h_fcw;
static volatile int g_runs;
static long g_pid, g_tid;

__attribute__((target("avx512f"), noinline)) static void clobber_avx512(
    const uint8_t *junk)
{
    __asm__ volatile("vmovdqa64 (%0), %%zmm2\n\t"
                     "vmovdqa64 (%0), %%zmm31\n\t"
                     "kxnorw %%k0, %%k0, %%k1"
                     : : "r"(junk) : "xmm2", "xmm31", "k1", "memory");
}

static void clobber(void)
{
    static const uint8_t junk[64] __attribute__((aligned(64))) = {
        0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
    };
    uint32_t mx = 0x7f80 | 0x6000;      /* round toward zero */
    uint16_t cw = 0x27f;

    __asm__ volatile("movdqa %0, %%xmm0\n\t"
                     "movdqa %0, %%xmm7\n\t"
                     "movdqa %0, %%xmm15\n\t"
                     "ldmxcsr %1\n\t"
                     "fldcw %2\n\t"
                     "fldz\n\t"
                     "fstp %%st(0)"
                     : : "m"(junk), "m"(mx), "m"(cw)
                     : "xmm0", "xmm7", "xmm15");
    if (__builtin_cpu_supports("avx"))
        __asm__ volatile("vmovdqa %0, %%ymm1\n\t"
                         "vmovdqa %0, %%ymm14"
                         : : "m"(junk) : "xmm1", "xmm14");
    if (__builtin_cpu_supports("avx512f"))
        clobber_avx512(junk);
}

static void on_sig(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uint32_t mx;
    uint16_t cw;

    (void)sig, (void)si;
    __asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mx), "=m"(cw));
    g_h_mxcsr = mx;
    g_h_fcw = cw;
    g_runs++;
    clobber();
    /* Written into the frame: sigreturn must load it into xmm3. */
    uc->uc_mcontext.fpregs->_xmm[3].element[0] = 0xfeedf00d;
}

static uint32_t g_mx_after, g_mx_before = 0x1f80 | 0x2000 /* round down */;
static uint16_t g_cw_after, g_cw_before = 0x37f & ~0x300;   /* 24-bit */
static double g_pi_after, g_one_after;

/* Registers live across a raw tgkill whose handler clobbers them. */
static void run_sse(void)
{
    __asm__ volatile(
        "ldmxcsr %[mxb]\n\t"
        "fldcw %[cwb]\n\t"
        "fldpi\n\t"
        "fld1\n\t"
        "movdqa 0*64+%[in], %%xmm0\n\t"  "movdqa 1*64+%[in], %%xmm1\n\t"
        "movdqa 2*64+%[in], %%xmm2\n\t"  "movdqa 3*64+%[in], %%xmm3\n\t"
        "movdqa 4*64+%[in], %%xmm4\n\t"  "movdqa 5*64+%[in], %%xmm5\n\t"
        "movdqa 6*64+%[in], %%xmm6\n\t"  "movdqa 7*64+%[in], %%xmm7\n\t"
        "movdqa 8*64+%[in], %%xmm8\n\t"  "movdqa 9*64+%[in], %%xmm9\n\t"
        "movdqa 10*64+%[in], %%xmm10\n\t" "movdqa 11*64+%[in], %%xmm11\n\t"
        "movdqa 12*64+%[in], %%xmm12\n\t" "movdqa 13*64+%[in], %%xmm13\n\t"
        "movdqa 14*64+%[in], %%xmm14\n\t" "movdqa 15*64+%[in], %%xmm15\n\t"
        "mov %[pid], %%rdi\n\t"
        "mov %[tid], %%rsi\n\t"
        "mov $10, %%edx\n\t"
        "mov $234, %%eax\n\t"
        "syscall\n\t"
        "movdqa %%xmm0, 0*64+%[out]\n\t"  "movdqa %%xmm1, 1*64+%[out]\n\t"
        "movdqa %%xmm2, 2*64+%[out]\n\t"  "movdqa %%xmm3, 3*64+%[out]\n\t"
        "movdqa %%xmm4, 4*64+%[out]\n\t"  "movdqa %%xmm5, 5*64+%[out]\n\t"
        "movdqa %%xmm6, 6*64+%[out]\n\t"  "movdqa %%xmm7, 7*64+%[out]\n\t"
        "movdqa %%xmm8, 8*64+%[out]\n\t"  "movdqa %%xmm9, 9*64+%[out]\n\t"
        "movdqa %%xmm10, 10*64+%[out]\n\t" "movdqa %%xmm11, 11*64+%[out]\n\t"
        "movdqa %%xmm12, 12*64+%[out]\n\t" "movdqa %%xmm13, 13*64+%[out]\n\t"
        "movdqa %%xmm14, 14*64+%[out]\n\t" "movdqa %%xmm15, 15*64+%[out]\n\t"
        "fstpl %[one]\n\t"
        "fstpl %[pi]\n\t"
        "stmxcsr %[mxa]\n\t"
        "fnstcw %[cwa]\n\t"
        "ldmxcsr %[mxd]\n\t"
        "fldcw %[cwd]"
        : [out] "=m"(g_out), [mxa] "=m"(g_mx_after), [cwa] "=m"(g_cw_after),
          [one] "=m"(g_one_after), [pi] "=m"(g_pi_after)
        : [in] "m"(g_in), [mxb] "m"(g_mx_before), [cwb] "m"(g_cw_before),
          [mxd] "m"((uint32_t){0x1f80}), [cwd] "m"((uint16_t){0x37f}),
          [pid] "m"(g_pid), [tid] "m"(g_tid)
        : "rax", "rdi", "rsi", "rdx", "rcx", "r11", "memory", "xmm0", "xmm1",
          "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
          "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

__attribute__((target("avx512f"), noinline)) static void run_avx512(void)
{
    __asm__ volatile(
        "vmovdqa64 0*64+%[in], %%zmm0\n\t"   "vmovdqa64 1*64+%[in], %%zmm1\n\t"
        "vmovdqa64 2*64+%[in], %%zmm2\n\t"   "vmovdqa64 5*64+%[in], %%zmm5\n\t"
        "vmovdqa64 14*64+%[in], %%zmm14\n\t" "vmovdqa64 16*64+%[in], %%zmm16\n\t"
        "vmovdqa64 31*64+%[in], %%zmm31\n\t"
        "kmovq %[kin], %%k1\n\t"
        "mov %[pid], %%rdi\n\t"
        "mov %[tid], %%rsi\n\t"
        "mov $10, %%edx\n\t"
        "mov $234, %%eax\n\t"
        "syscall\n\t"
        "vmovdqa64 %%zmm0, 0*64+%[out]\n\t"   "vmovdqa64 %%zmm1, 1*64+%[out]\n\t"
        "vmovdqa64 %%zmm2, 2*64+%[out]\n\t"   "vmovdqa64 %%zmm5, 5*64+%[out]\n\t"
        "vmovdqa64 %%zmm14, 14*64+%[out]\n\t" "vmovdqa64 %%zmm16, 16*64+%[out]\n\t"
        "vmovdqa64 %%zmm31, 31*64+%[out]\n\t"
        "kmovq %%k1, %[kout]"
        : [out] "=m"(g_out), [kout] "=m"(g_kout)
        : [in] "m"(g_in), [kin] "m"(g_kin), [pid] "m"(g_pid), [tid] "m"(g_tid)
        : "rax", "rdi", "rsi", "rdx", "rcx", "r11", "memory", "xmm0", "xmm1",
          "xmm2", "xmm5", "xmm14", "xmm16", "xmm31", "k1");
}

static int same(int reg, size_t bytes)
{
    return !memcmp(g_in[reg], g_out[reg], bytes);
}

int main(void)
{
    struct sigaction sa;
    int ok;

    test_begin();
    g_pid = getpid();
    g_tid = gettid();
    for (int r = 0; r < 32; r++)
        for (int b = 0; b < 64; b++)
            g_in[r][b] = (uint8_t)(r * 7 + b * 13 + 1);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    for (int round = 0; round < 3; round++) {
        (void)round;
        int runs = g_runs;

        memset(g_out, 0, sizeof(g_out));
        run_sse();
        ok = g_runs == runs + 1;
        for (int r = 0; r < 16; r++)
            if (r != 3 && !same(r, 16))
                ok = 0;
        CHECK(ok, "xmm0-15 preserved across the handler");
        CHECK(g_out[3][0] == 0x0d && g_out[3][3] == 0xfe && !memcmp(
                  g_in[3] + 4, g_out[3] + 4, 12),
              "xmm3 as the handler wrote it into the frame");
        CHECK(g_mx_after == g_mx_before && g_cw_after == g_cw_before,
              "MXCSR and x87 control word preserved");
        CHECK(g_one_after == 1.0 && g_pi_after > 3.14 && g_pi_after < 3.15,
              "x87 stack preserved");
        CHECK(g_h_mxcsr == 0x1f80 && g_h_fcw == 0x37f,
              "handler starts with the initial FP state");
        if (__builtin_cpu_supports("avx512f")) {
            memset(g_out, 0, sizeof(g_out));
            run_avx512();
            ok = g_kout == g_kin;
            for (int r = 0; r < 32; r++)
                if ((r <= 2 || r == 5 || r == 14 || r == 16 || r == 31) &&
                    !same(r, 64))
                    ok = 0;
            CHECK(ok, "zmm and opmask registers preserved");
        }
    }
    return test_end();
}
