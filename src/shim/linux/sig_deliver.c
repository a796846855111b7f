/* SPDX-License-Identifier: MIT */
/*
 * Running guest signal handlers (Linux shim, kernel image): at the end of
 * every system call and at a fault of guest code, the next deliverable
 * signal gets a frame on the guest's stack laid out as Linux x86-64 lays
 * it (struct rt_sigframe: return address, ucontext, siginfo, then the
 * XSAVE area), and rt_sigreturn puts back what the frame holds. Signals
 * nobody handles take their default action.
 *
 * The guest owns the frame while the handler runs and may change it
 * (that is how a handler resumes elsewhere), so rt_sigreturn trusts none
 * of it: flags are masked as Linux masks them, the segment registers are
 * not taken, and the extended state goes through the platform's check.
 */
#include "core/mm.h"
#include "core/signal.h"
#include "shim/linux/syscalls.h"

#define L_UC_FP_XSTATE 0x1
#define L_UC_SIGCONTEXT_SS 0x2
#define L_UC_STRICT_RESTORE_SS 0x4

#define L_SS_ONSTACK 1
#define L_SS_DISABLE 2
#define L_SS_AUTODISARM (1U << 31)

#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define FP_SW_OFF 464

#define L_USER_CS 0x33
#define L_USER_DS 0x2b

/* Flags sigreturn takes from the frame: AC OF DF TF SF ZF AF PF CF RF. */
#define FIX_EFLAGS 0x50dd5ULL
#define EFLAGS_TF 0x100ULL
#define EFLAGS_DF 0x400ULL
#define EFLAGS_RF 0x10000ULL

#define REDZONE 128

struct l_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;
    uint64_t reserved1[8];
};

struct l_stack {
    uint64_t sp;
    int32_t flags;
    int32_t pad;
    uint64_t size;
};

struct l_ucontext {
    uint64_t flags;
    uint64_t link;
    struct l_stack stack;
    struct l_sigcontext mcontext;
    uint64_t sigmask;
};

struct l_rt_sigframe {
    uint64_t pretcode;
    struct l_ucontext uc;
    struct k_siginfo info;
};

/* struct _fpx_sw_bytes, at FP_SW_OFF in the XSAVE area's legacy part. */
struct l_fpx_sw {
    uint32_t magic1, extended_size;
    uint64_t xfeatures;
    uint32_t xstate_size, pad[7];
};

_Static_assert(sizeof(struct l_sigcontext) == 256, "sigcontext layout");
_Static_assert(sizeof(struct l_ucontext) == 304, "ucontext layout");
_Static_assert(sizeof(struct l_rt_sigframe) == 440, "rt_sigframe layout");
_Static_assert(sizeof(struct l_fpx_sw) == 48, "fpx_sw_bytes layout");

static bool on_altstack(const struct task *t, uint64_t sp)
{
    return t->altstack_size && sp > t->altstack_sp &&
           sp - t->altstack_sp <= t->altstack_size;
}

static void regs_to_sc(struct l_sigcontext *sc, const struct lbox_regs *r)
{
    sc->r8 = r->r8;
    sc->r9 = r->r9;
    sc->r10 = r->r10;
    sc->r11 = r->r11;
    sc->r12 = r->r12;
    sc->r13 = r->r13;
    sc->r14 = r->r14;
    sc->r15 = r->r15;
    sc->rdi = r->rdi;
    sc->rsi = r->rsi;
    sc->rbp = r->rbp;
    sc->rbx = r->rbx;
    sc->rdx = r->rdx;
    sc->rax = r->rax;
    sc->rcx = r->rcx;
    sc->rsp = r->rsp;
    sc->rip = r->rip;
    sc->eflags = r->rflags;
    sc->cs = L_USER_CS;
    sc->ss = L_USER_DS;
}

static void regs_from_sc(struct lbox_regs *r, const struct l_sigcontext *sc)
{
    r->r8 = sc->r8;
    r->r9 = sc->r9;
    r->r10 = sc->r10;
    r->r11 = sc->r11;
    r->r12 = sc->r12;
    r->r13 = sc->r13;
    r->r14 = sc->r14;
    r->r15 = sc->r15;
    r->rdi = sc->rdi;
    r->rsi = sc->rsi;
    r->rbp = sc->rbp;
    r->rbx = sc->rbx;
    r->rdx = sc->rdx;
    r->rax = sc->rax;
    r->rcx = sc->rcx;
    r->rsp = sc->rsp;
    r->rip = sc->rip;
    r->rflags = (r->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
}

/* Save the extended state at guest (fp), described for the handler and
 * for rt_sigreturn as Linux describes it. */
static int save_xstate(struct task *t, gaddr_t fp,
                       const struct lbox_xstate_info *xi)
{
    struct l_fpx_sw sw = {
        .magic1 = FP_XSTATE_MAGIC1,
        .extended_size = xi->size + 4,
        .xfeatures = xi->features,
        .xstate_size = xi->size,
    };
    uint32_t magic2 = FP_XSTATE_MAGIC2;

    if (!mm_guest_range_ok(t->proc->mm, fp, xi->size + 4) ||
        lbox_plat_xstate_save((void *)fp, xi->size) < 0)
        return -EFAULT;
    if (copy_to_guest(t, fp + FP_SW_OFF, &sw, sizeof(sw)) < 0 ||
        copy_to_guest(t, fp + xi->size, &magic2, sizeof(magic2)) < 0)
        return -EFAULT;
    return 0;
}

/* Load the extended state a frame holds at guest (fp): the XSAVE area it
 * describes, or only its legacy part when the description is not intact
 * (Linux takes such a frame as FXSAVE's). 0 for no state: reset it. */
static int load_xstate(struct task *t, gaddr_t fp)
{
    struct l_fpx_sw sw;
    uint32_t magic2;

    if (!fp)
        return lbox_plat_xstate_load(NULL, 0, 0);
    if (copy_from_guest(t, &sw, fp + FP_SW_OFF, sizeof(sw)) < 0)
        return -EFAULT;
    if (sw.magic1 == FP_XSTATE_MAGIC1 && sw.xstate_size >= 576 &&
        sw.xstate_size <= 64 * 1024 &&
        sw.extended_size == sw.xstate_size + 4 &&
        copy_from_guest(t, &magic2, fp + sw.xstate_size, 4) == 0 &&
        magic2 == FP_XSTATE_MAGIC2) {
        if (!mm_guest_range_ok(t->proc->mm, fp, sw.xstate_size))
            return -EFAULT;
        return lbox_plat_xstate_load((void *)fp, sw.xstate_size,
                                     sw.xfeatures);
    }
    if (!mm_guest_range_ok(t->proc->mm, fp, 512))
        return -EFAULT;
    return lbox_plat_xstate_load((void *)fp, 512, 0x3);
}

/*
 * Push a frame for (sig) with action (act) and point (r) at the handler.
 * (mask) is the mask the frame restores. -EFAULT when the stack cannot
 * hold it; nothing of (r) has changed then.
 */
static int setup_frame(struct task *t, struct lbox_regs *r, int sig,
                       const struct k_siginfo *si,
                       const struct k_sigaction *act, uint64_t mask)
{
    struct lbox_xstate_info xi;
    struct l_rt_sigframe f;
    uint64_t sp = r->rsp - REDZONE, fp = 0, frame;
    bool has_xs = lbox_plat_xstate_info(&xi) == 0;
    bool onstack = false;

    if ((act->flags & K_SA_ONSTACK) && t->altstack_size &&
        !on_altstack(t, r->rsp)) {
        sp = t->altstack_sp + t->altstack_size;
        onstack = true;
    }
    if (has_xs) {
        fp = ALIGN_DOWN(sp - (xi.size + 4), 64);
        sp = fp;
    }
    frame = ALIGN_DOWN(sp - sizeof(f), 16) - 8;
    if (onstack ? !on_altstack(t, frame) : frame > r->rsp)
        return -EFAULT;     /* overflowed the alternate stack, or wrapped */
    if (!(act->flags & K_SA_RESTORER))
        return -EFAULT;     /* x86-64 handlers return through it */

    memset(&f, 0, sizeof(f));
    f.pretcode = act->restorer;
    f.uc.flags = L_UC_SIGCONTEXT_SS | L_UC_STRICT_RESTORE_SS |
                 (has_xs ? L_UC_FP_XSTATE : 0);
    f.uc.stack = (struct l_stack){
        .sp = t->altstack_sp,
        .flags = (int32_t)(t->altstack_flags & L_SS_AUTODISARM) |
                 (t->altstack_size ? 0 : L_SS_DISABLE),
        .size = t->altstack_size,
    };
    regs_to_sc(&f.uc.mcontext, r);
    f.uc.mcontext.oldmask = mask;
    f.uc.mcontext.fpstate = fp;
    /* The last fault's, whatever the signal: Linux does the same. */
    f.uc.mcontext.cr2 = t->fault_addr;
    f.uc.mcontext.trapno = t->fault_trapno;
    f.uc.mcontext.err = t->fault_error;
    f.uc.sigmask = mask;
    f.info = *si;
    if (has_xs && save_xstate(t, fp, &xi) < 0)
        return -EFAULT;
    if (copy_to_guest(t, frame, &f, sizeof(f)) < 0)
        return -EFAULT;

    if (t->altstack_flags & L_SS_AUTODISARM)
        t->altstack_sp = t->altstack_size = 0;
    r->rdi = (uint64_t)sig;
    r->rsi = frame + offsetof(struct l_rt_sigframe, info);
    r->rdx = frame + offsetof(struct l_rt_sigframe, uc);
    r->rax = 0;     /* for handlers declared without a prototype */
    r->rsp = frame;
    r->rip = act->handler;
    r->rflags &= ~(EFLAGS_DF | EFLAGS_RF | EFLAGS_TF);
    /* The handler starts with the initial FP state, as on Linux. */
    if (has_xs)
        lbox_plat_xstate_load(NULL, 0, 0);
    return 0;
}

_Noreturn void shim_die_of_signal(struct task *t, int sig)
{
    if (shim_proc(t)->stats)
        stats_print(t);
    lbox_plat_exit_signal(sig);
}

/* How an interrupted call (its result in rax) goes on, before a handler
 * for a signal with (flags) runs, or (handled false) when none does. */
static void restart(struct lbox_regs *r, long nr, bool handled,
                    uint64_t flags)
{
    long ret = (long)r->rax;
    bool again;

    switch (ret) {
    case -ERESTARTNOHAND:
    case -ERESTART_RESTARTBLOCK:
        again = !handled;
        break;
    case -ERESTARTSYS:
        again = !handled || (flags & K_SA_RESTART);
        break;
    case -ERESTARTNOINTR:
        again = true;
        break;
    default:
        return;
    }
    if (!again) {
        r->rax = (uint64_t)-EINTR;
        return;
    }
    /* Back onto the syscall instruction, which traps again. */
    r->rax = ret == -ERESTART_RESTARTBLOCK ? 219 : (uint64_t)nr;
    r->rip -= 2;
}

void shim_signal_deliver(struct task *t, struct lbox_regs *r, long nr)
{
    struct k_sigaction act;
    struct k_siginfo si;
    bool first = nr >= 0;
    int sig;

    while (sig_deliverable(t, t->sigmask) &&
           (sig = sig_get(t, t->sigmask, &si, &act))) {
        uint64_t mask = t->restore_sigmask ? t->saved_sigmask : t->sigmask;

        if (act.handler == K_SIG_DFL)
            shim_die_of_signal(t, sig);
        if (first)
            restart(r, nr, true, act.flags);
        first = false;
        if (setup_frame(t, r, sig, &si, &act, mask) < 0) {
            rt_log("lbox: cannot deliver signal %d: its frame does not "
                   "fit on the stack at %#lx\n", sig,
                   (unsigned long)r->rsp);
            shim_die_of_signal(t, K_SIGSEGV);
        }
        t->restore_sigmask = false;
        t->sigmask = mask | act.mask;
        if (!(act.flags & K_SA_NODEFER))
            t->sigmask |= sig_bit(sig);
        t->sigmask &= ~K_SIG_UNBLOCKABLE;
    }
    if (first)
        restart(r, nr, false, 0);
    if (t->restore_sigmask) {
        t->sigmask = t->saved_sigmask;
        t->restore_sigmask = false;
    }
}

long sys_rt_sigreturn(struct task *t, const uint64_t a[6])
{
    struct lbox_regs *r = t->regs;
    gaddr_t frame = r->rsp - 8;
    struct l_ucontext uc;
    int err;

    (void)a;
    if (copy_from_guest(t, &uc, frame + offsetof(struct l_rt_sigframe, uc),
                        sizeof(uc)) < 0)
        goto bad;
    err = load_xstate(t, uc.mcontext.fpstate);
    if (err < 0 && err != -ENOSYS)    /* -ENOSYS: the platform keeps none */
        goto bad;
    regs_from_sc(r, &uc.mcontext);
    t->sigmask = uc.sigmask & ~K_SIG_UNBLOCKABLE;
    /* As Linux: a stack the frame names that sigaltstack would refuse
     * (the handler is running on the current one) stays as it is. */
    if (!on_altstack(t, r->rsp) && !(uc.stack.flags & L_SS_DISABLE) &&
        uc.stack.size >= 2048) {
        t->altstack_sp = uc.stack.sp;
        t->altstack_size = uc.stack.size;
        t->altstack_flags = (uint32_t)uc.stack.flags & L_SS_AUTODISARM;
    } else if (!on_altstack(t, r->rsp) && (uc.stack.flags & L_SS_DISABLE)) {
        t->altstack_sp = t->altstack_size = t->altstack_flags = 0;
    }
    t->regs = NULL;     /* every register is the frame's, rax included */
    return 0;
bad:
    rt_log("lbox: rt_sigreturn: the signal frame at %#lx is not readable\n",
           (unsigned long)frame);
    shim_die_of_signal(t, K_SIGSEGV);
}

void lbox_fault_entry(struct lbox_regs *regs, const struct lbox_fault *f)
{
    struct task *t = lbox_plat_tls();
    struct k_siginfo si = {.signo = f->kind, .code = f->code};

    task_enter(t);
    si.fault.addr = f->addr;
    t->fault_addr = f->addr;
    t->fault_trapno = f->trapno;
    t->fault_error = f->error;
    if (f->kind < 1 || f->kind > K_NSIG)
        shim_die_of_signal(t, K_SIGSEGV);
    sig_force(t, &si);
    shim_signal_deliver(t, regs, -1);
    shim_entry_end(t);
}

void lbox_event_entry(struct lbox_regs *regs)
{
    struct task *t = lbox_plat_tls();

    if (!t)
        return;     /* a thread still starting: it looks when it runs */
    task_enter(t);
    sig_collect(t);
    shim_signal_deliver(t, regs, -1);
    shim_entry_end(t);
}

bool shim_signal_pending(struct task *t)
{
    sig_collect(t);
    return task_interrupted(t);
}
