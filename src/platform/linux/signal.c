/* SPDX-License-Identifier: MIT */
/*
 * lbox's own host signal handlers (linux platform). SIGSYS carries every
 * guest system call the filter trapped into the North side's entry hook;
 * SIGSEGV/SIGBUS either end a fault-safe copy with -EFAULT or, like
 * SIGILL, SIGTRAP and SIGFPE, carry a fault of guest code into the fault
 * hook. Both hooks see the guest's extended state in the host's signal
 * frame (xstate.c), which the host loads back. Handlers run on an
 * lbox-owned alternate stack and return through the gate's restorer.
 */
#include "host_abi.h"
#include "plat.h"
#include "rt/rt.h"

extern char __executable_start[], etext[];

static void regs_from_uc(struct lbox_regs *r, const uint64_t *g)
{
    r->rax = g[HREG_RAX];
    r->rbx = g[HREG_RBX];
    r->rcx = g[HREG_RCX];
    r->rdx = g[HREG_RDX];
    r->rsi = g[HREG_RSI];
    r->rdi = g[HREG_RDI];
    r->rbp = g[HREG_RBP];
    r->rsp = g[HREG_RSP];
    r->r8 = g[HREG_R8];
    r->r9 = g[HREG_R9];
    r->r10 = g[HREG_R10];
    r->r11 = g[HREG_R11];
    r->r12 = g[HREG_R12];
    r->r13 = g[HREG_R13];
    r->r14 = g[HREG_R14];
    r->r15 = g[HREG_R15];
    r->rip = g[HREG_RIP];
    r->rflags = g[HREG_EFL];
}

static void regs_to_uc(uint64_t *g, const struct lbox_regs *r)
{
    g[HREG_RAX] = r->rax;
    g[HREG_RBX] = r->rbx;
    g[HREG_RCX] = r->rcx;
    g[HREG_RDX] = r->rdx;
    g[HREG_RSI] = r->rsi;
    g[HREG_RDI] = r->rdi;
    g[HREG_RBP] = r->rbp;
    g[HREG_RSP] = r->rsp;
    g[HREG_R8] = r->r8;
    g[HREG_R9] = r->r9;
    g[HREG_R10] = r->r10;
    g[HREG_R11] = r->r11;
    g[HREG_R12] = r->r12;
    g[HREG_R13] = r->r13;
    g[HREG_R14] = r->r14;
    g[HREG_R15] = r->r15;
    g[HREG_RIP] = r->rip;
    g[HREG_EFL] = r->rflags;
}

static void plat_sigsys(int sig, struct h_siginfo *si, void *ucv)
{
    struct h_ucontext *uc = ucv;
    struct plat_thread *pt = plat_self();
    struct plat_xstate xs, *prev = pt->entry;
    struct lbox_regs r;
    long nr = si->sys.syscall;

    (void)sig;
    regs_from_uc(&r, uc->gregs);
    /* The filter skipped the call; rax no longer holds its number. */
    r.rax = (uint64_t)(int64_t)nr;
    /* Before the call, while the site is surely the running image's (an
     * execve replaces it, a signal resumes elsewhere). */
    plat_fastcall_patch(r.rip, nr);
    plat_xstate_from_frame(&xs, uc->fpregs);
    pt->entry = &xs;
    lbox_syscall_entry(&r);
    pt->entry = prev;
    regs_to_uc(uc->gregs, &r);
}

static int set_handler(int sig, void *fn)
{
    struct h_sigaction sa = {
        .handler = fn,
        .flags = H_SA_SIGINFO | H_SA_ONSTACK | H_SA_RESTORER,
        .restorer = lbox_gate_restorer,
        .mask = 0,
    };

    return (int)hcall4(HNR_rt_sigaction, sig, &sa, 0, 8);
}

static void plat_sigfault(int sig, struct h_siginfo *si, void *ucv)
{
    struct h_ucontext *uc = ucv;
    struct plat_thread *pt = plat_self();
    struct plat_xstate xs, *prev = pt->entry;
    uint64_t rip = uc->gregs[HREG_RIP];
    struct lbox_fault f;
    struct lbox_regs r;

    if (rip >= (uint64_t)lbox_copy_safe_begin &&
        rip < (uint64_t)lbox_copy_safe_end) {
        uc->gregs[HREG_RIP] = (uint64_t)lbox_copy_fault;
        return;
    }
    if (rip >= (uint64_t)__executable_start && rip < (uint64_t)etext) {
        rt_log("lbox-kernel: internal fault (signal %d) at image offset "
               "%#lx, address %#lx\n", sig,
               (unsigned long)(rip - (uint64_t)__executable_start),
               (unsigned long)si->addr);
        lbox_plat_exit_signal(sig);
    }
    f = (struct lbox_fault){
        .kind = sig,
        .code = si->code,
        .addr = (uint64_t)si->addr,
        .trapno = uc->gregs[HREG_TRAPNO],
        .error = uc->gregs[HREG_ERR],
    };
    regs_from_uc(&r, uc->gregs);
    plat_xstate_from_frame(&xs, uc->fpregs);
    pt->entry = &xs;
    lbox_fault_entry(&r, &f);
    pt->entry = prev;
    regs_to_uc(uc->gregs, &r);
}

/* The host signals a guest instruction can raise. */
static const int g_faults[] = {
    H_SIGILL, H_SIGTRAP, H_SIGBUS, H_SIGFPE, H_SIGSEGV,
};

int plat_signals_init(struct plat_thread *pt)
{
    struct h_stack ss;
    void *stack = NULL;
    int err;

    err = lbox_plat_page_map(&stack, PLAT_ALTSTACK_SIZE,
                             LBOX_PROT_READ | LBOX_PROT_WRITE, 0);
    if (err < 0)
        return err;
    pt->altstack = stack;
    ss = (struct h_stack){.sp = stack, .flags = 0,
                          .size = PLAT_ALTSTACK_SIZE};
    err = (int)hcall2(HNR_sigaltstack, &ss, 0);
    if (err < 0)
        return err;
    err = set_handler(H_SIGSYS, (void *)plat_sigsys);
    for (unsigned i = 0; !err && i < sizeof(g_faults) / sizeof(*g_faults);
         i++)
        err = set_handler(g_faults[i], (void *)plat_sigfault);
    return err;
}
