/* SPDX-License-Identifier: MIT */
/*
 * lbox's own host signal handlers (linux platform), all installed before
 * the seal. SIGSYS carries every guest system call the filter trapped
 * into the North side's entry hook; SIGSEGV/SIGBUS either end a
 * fault-safe copy with -EFAULT or, like SIGILL, SIGTRAP and SIGFPE, carry
 * a fault of guest code into the fault hook. The signals that come from
 * outside (a terminal, the monitor passing one on) are events: recorded
 * for lbox_plat_events_take, and handed to the event hook at once when
 * they interrupt guest code. The hooks see the guest's extended state in
 * the host's signal frame (xstate.c), which the host loads back. SIGPIPE
 * is ignored: a write to a closed pipe fails with -EPIPE and the North
 * side decides. Handlers run on an lbox-owned alternate stack and return
 * through the gate's restorer.
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

/*
 * The handler's own thread, found by the stack it runs on (its alternate
 * stack, or for a thread in its first instructions its start stack: both
 * in its slot), and GS made to point at it: a new thread's GS is its
 * creator's until thread_start sets it.
 */
static struct plat_thread *handler_self(void)
{
    struct plat_thread *pt =
        plat_thread_of_sp((uint64_t)__builtin_frame_address(0));
    struct plat_thread *gs = plat_self();

    if (!pt)
        return gs;
    if (pt != gs)
        plat_set_gs(pt);
    return pt;
}

/*
 * The end of an entry run in a host handler: events that came after the
 * core last looked are taken now, until none is left; from then on only
 * the sigreturn remains, and plat_sigevent defers to it (exiting).
 */
static void entry_end(struct plat_thread *pt, struct lbox_regs *r)
{
    for (;;) {
        __atomic_store_n(&pt->exiting, 1, __ATOMIC_SEQ_CST);
        if (!__atomic_load_n(&pt->events, __ATOMIC_SEQ_CST))
            return;
        __atomic_store_n(&pt->exiting, 0, __ATOMIC_SEQ_CST);
        lbox_event_entry(r);
    }
}

static void plat_sigsys(int sig, struct h_siginfo *si, void *ucv)
{
    struct h_ucontext *uc = ucv;
    struct plat_thread *pt = handler_self();
    struct plat_xstate xs, *prev = pt->entry;
    struct lbox_regs r;
    long nr = si->sys.syscall;

    (void)sig;
    pt->exiting = 0;
    regs_from_uc(&r, uc->gregs);
    /* The filter skipped the call; rax no longer holds its number. */
    r.rax = (uint64_t)(int64_t)nr;
    /* Before the call, while the site is surely the running image's (an
     * execve replaces it, a signal resumes elsewhere). */
    plat_fastcall_patch(r.rip, nr);
    plat_xstate_from_frame(&xs, uc->fpregs);
    pt->entry = &xs;
    lbox_syscall_entry(&r);
    entry_end(pt, &r);
    pt->entry = prev;
    regs_to_uc(uc->gregs, &r);
}

/* The host signals a guest instruction can raise. */
static const int g_faults[] = {
    H_SIGILL, H_SIGTRAP, H_SIGBUS, H_SIGFPE, H_SIGSEGV,
};

/* Signals from outside that become events: HUP INT QUIT USR1 USR2 ALRM
 * TERM WINCH; SIGPROF, only as lbox's CPU timer; and the kick from
 * another thread of the sandbox (PLAT_SIGKICK). (SIGXCPU is left to kill the sandbox: the monitor reports
 * the --cpu-time limit from it. Stop signals keep the host's action: no
 * job control inside yet.) */
static const int g_events[] = {1, 2, 3, 10, 12, 14, 15, 27, 28,
                               PLAT_SIGKICK};

static uint64_t events_mask(void)
{
    uint64_t m = 0;

    for (unsigned i = 0; i < sizeof(g_events) / sizeof(*g_events); i++)
        m |= 1ULL << (g_events[i] - 1);
    return m;
}

/* Events are handled one at a time (SA_RESTART: lbox's own host calls go
 * on; the waits that must stop use the intr gate). */
static int set_handler(int sig, void *fn, bool event)
{
    struct h_sigaction sa = {
        .handler = fn,
        .flags = H_SA_SIGINFO | H_SA_ONSTACK | H_SA_RESTORER |
                 (event ? H_SA_RESTART : 0),
        .restorer = lbox_gate_restorer,
        .mask = event ? events_mask() : 0,
    };

    return (int)hcall4(HNR_rt_sigaction, sig, &sa, 0, 8);
}

static bool in_lbox(uint64_t rip)
{
    return rip >= (uint64_t)__executable_start && rip < (uint64_t)etext;
}

/*
 * A thread in lbox_gate_syscall_intr that has not reached the host
 * kernel, or whose call the host is about to restart (SA_RESTART puts rip
 * back on the syscall instruction), leaves through its -EINTR exit.
 */
static void intr_redirect(struct plat_thread *pt, struct h_ucontext *uc)
{
    uint64_t rip = uc->gregs[HREG_RIP];

    if (!pt->in_intr)
        return;
    if (rip >= (uint64_t)lbox_gate_intr_begin &&
        rip <= (uint64_t)lbox_gate_intr_call) {
        uc->gregs[HREG_RIP] = (uint64_t)lbox_gate_intr_eintr;
    } else if (rip == (uint64_t)lbox_gate_insn) {
        uc->gregs[HREG_RSP] += 8;   /* the call's return address */
        uc->gregs[HREG_RIP] = (uint64_t)lbox_gate_intr_eintr;
    }
}

/* A host timer's expiry (SI_KERNEL), or the signal sent from outside. */
static uint64_t event_of(int sig, const struct h_siginfo *si)
{
    if (si->code == H_SI_KERNEL && sig == H_SIGALRM)
        return LBOX_EVENT_TIMER_REAL;
    if (si->code == H_SI_KERNEL && sig == H_SIGPROF)
        return LBOX_EVENT_TIMER_CPU;
    if (sig == PLAT_SIGKICK)
        return LBOX_EVENT_KICK;
    return sig == H_SIGPROF ? 0 : 1ULL << (sig - 1);
}

static void plat_sigevent(int sig, struct h_siginfo *si, void *ucv)
{
    struct h_ucontext *uc = ucv;
    struct plat_thread *pt = handler_self();
    struct plat_xstate xs, *prev = pt->entry;
    struct lbox_regs r;
    uint64_t ev = event_of(sig, si);

    if (!ev)
        return;
    __atomic_fetch_or(&pt->events, ev, __ATOMIC_SEQ_CST);
    if (in_lbox(uc->gregs[HREG_RIP])) {
        /* Taken when the running entry ends; a wait ends now. */
        intr_redirect(pt, uc);
        /*
         * Past its entry's last look at the events (entry_end), the
         * thread could compute for ever before its next entry: leave a
         * kick pending, blocked until the handler's sigreturn, so it
         * arrives once the guest runs.
         */
        if (pt->exiting && !pt->in_intr &&
            !(uc->sigmask & (1ULL << (PLAT_SIGKICK - 1)))) {
            uc->sigmask |= 1ULL << (PLAT_SIGKICK - 1);
            plat_thread_kick_self();
        }
        return;
    }
    pt->exiting = 0;
    regs_from_uc(&r, uc->gregs);
    plat_xstate_from_frame(&xs, uc->fpregs);
    pt->entry = &xs;
    lbox_event_entry(&r);
    entry_end(pt, &r);
    pt->entry = prev;
    regs_to_uc(uc->gregs, &r);
}

int lbox_plat_timer_arm(int timer, int64_t ns)
{
    int64_t us = ns > 0 ? (ns + 999) / 1000 : 0;
    struct {
        int64_t isec, iusec, sec, usec;
    } it = {0, 0, us / 1000000, us % 1000000};

    if (timer != LBOX_TIMER_REAL && timer != LBOX_TIMER_CPU)
        return -EINVAL;
    return (int)hcall3(HNR_setitimer, timer == LBOX_TIMER_REAL ? 0 : 2, &it,
                       0);
}

uint64_t lbox_plat_events_take(void)
{
    struct plat_thread *pt = plat_self();

    if (!__atomic_load_n(&pt->events, __ATOMIC_RELAXED))
        return 0;
    return __atomic_exchange_n(&pt->events, 0, __ATOMIC_SEQ_CST);
}

static void plat_sigfault(int sig, struct h_siginfo *si, void *ucv)
{
    struct h_ucontext *uc = ucv;
    struct plat_thread *pt = handler_self();
    struct plat_xstate xs, *prev = pt->entry;
    uint64_t rip = uc->gregs[HREG_RIP];
    struct lbox_fault f;
    struct lbox_regs r;

    if (rip >= (uint64_t)lbox_copy_safe_begin &&
        rip < (uint64_t)lbox_copy_safe_end) {
        uc->gregs[HREG_RIP] = (uint64_t)lbox_copy_fault;
        return;
    }
    if (sig == H_SIGSEGV && plat_fastcall_busy(rip, (uint64_t)si->addr))
        return;     /* another thread is adding a stub: run it again */
    if (in_lbox(rip)) {
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
    pt->exiting = 0;
    regs_from_uc(&r, uc->gregs);
    plat_xstate_from_frame(&xs, uc->fpregs);
    pt->entry = &xs;
    lbox_fault_entry(&r, &f);
    entry_end(pt, &r);
    pt->entry = prev;
    regs_to_uc(uc->gregs, &r);
}

int plat_signals_init(struct plat_thread *pt)
{
    struct h_stack ss = {.sp = pt->altstack, .flags = 0,
                         .size = PLAT_ALTSTACK_SIZE};
    uint64_t none = 0;
    int err;

    err = (int)hcall2(HNR_sigaltstack, &ss, 0);
    if (err < 0)
        return err;
    err = set_handler(H_SIGSYS, (void *)plat_sigsys, false);
    for (unsigned i = 0; !err && i < sizeof(g_faults) / sizeof(*g_faults);
         i++)
        err = set_handler(g_faults[i], (void *)plat_sigfault, false);
    for (unsigned i = 0; !err && i < sizeof(g_events) / sizeof(*g_events);
         i++)
        err = set_handler(g_events[i], (void *)plat_sigevent, true);
    if (!err) {
        struct h_sigaction ign = {.handler = (void *)H_SIG_IGN};

        err = (int)hcall4(HNR_rt_sigaction, H_SIGPIPE, &ign, 0, 8);
    }
    /* Whatever the monitor's exec left blocked, lbox's handlers must
     * run; guest masks live in lbox. */
    if (!err)
        err = (int)hcall4(HNR_rt_sigprocmask, 2 /* SETMASK */, &none, 0, 8);
    return err;
}
