/* SPDX-License-Identifier: MIT */
/*
 * Host threads and per-thread state on Linux: lbox's block is reached
 * through GS, the guest owns FS. With FSGSBASE the bases are set with
 * instructions, without a host call.
 *
 * Every host thread has one slot of an arena reserved before the seal
 * (struct plat_thread, its XSAVE area and three stacks, with guard pages
 * between), so lbox's own ranges are known once and for all and a
 * thread's stacks never come from guest address space. A slot:
 *
 *   guard | altstack | guard | fastcall stack | guard | start stack |
 *   struct plat_thread, XSAVE area
 *
 * A new thread is a host clone with exactly the thread flags the filter
 * allows. It starts at the gate's return with the creator's signal mask
 * and no alternate stack, on a stack holding a signal frame; its first
 * act is rt_sigreturn through the gate's restorer, which gives it an
 * empty mask, its own alternate stack and the registers that run
 * thread_start on its start stack. A host signal in those first
 * instructions finds the thread by its stack (plat_thread_of_sp), not
 * by GS, which is still the creator's until thread_start sets it.
 */
#include "host_abi.h"
#include "plat.h"
#include "rt/rt.h"

#define SLOT_SIZE (256 * 1024)
#define SLOT_MAX 512
#define GUARD LBOX_PAGE_SIZE
#define STACK_SIZE PLAT_ALTSTACK_SIZE  /* each of the three */
#define OFF_ALT GUARD
#define OFF_FAST (OFF_ALT + STACK_SIZE + GUARD)
#define OFF_START (OFF_FAST + STACK_SIZE + GUARD)
#define OFF_PT (OFF_START + STACK_SIZE)
#define OFF_XSAVE (OFF_PT + 4096)

/* Host clone: VM, FS, FILES, SIGHAND, THREAD, SYSVSEM, PARENT_SETTID,
 * CHILD_CLEARTID; the filter allows this value only (hostcalls.def). */
#define THREAD_FLAGS 0x350f00UL

enum {
    PLAT_SLOT_FREE,
    PLAT_SLOT_USED,
    PLAT_SLOT_ENDING,   /* free once the host clears its tid */
};

/* Kept apart from the slots: a slot's pages are mapped only once used. */
struct slot {
    uint32_t state;
    /* The host thread's id while it runs, 0 once it has ended: the host
     * writes it at clone (PARENT_SETTID) and clears it at the thread's
     * exit, after its last touch of its stacks (CHILD_CLEARTID). */
    uint32_t tid;
    bool opened;
};

static struct {
    uint8_t *base;
    struct plat_xstate xs;      /* the layout every thread's area has */
    int host_pid;
    uint32_t live;
    struct slot slot[SLOT_MAX];
} g_threads;

static struct plat_thread *slot_pt(int i)
{
    return (struct plat_thread *)(g_threads.base + (size_t)i * SLOT_SIZE +
                                  OFF_PT);
}

struct plat_thread *plat_thread_of_sp(uint64_t sp)
{
    uint64_t base = (uint64_t)g_threads.base;
    int i;

    if (!base || sp < base || sp >= base + (uint64_t)SLOT_MAX * SLOT_SIZE)
        return NULL;
    i = (int)((sp - base) / SLOT_SIZE);
    return g_threads.slot[i].opened ? slot_pt(i) : NULL;
}

void plat_threads_range(uint64_t *start, uint64_t *end)
{
    *start = (uint64_t)g_threads.base;
    *end = *start + (uint64_t)SLOT_MAX * SLOT_SIZE;
}

unsigned plat_threads_live(void)
{
    return __atomic_load_n(&g_threads.live, __ATOMIC_RELAXED);
}

/* Make slot (i)'s stacks and block usable (they stay so once made). */
static int slot_open(int i)
{
    uint8_t *s = g_threads.base + (size_t)i * SLOT_SIZE;
    const int rw = LBOX_PROT_READ | LBOX_PROT_WRITE;
    int err;

    if (g_threads.slot[i].opened)
        return 0;
    err = lbox_plat_page_protect(s + OFF_ALT, STACK_SIZE, rw);
    if (!err)
        err = lbox_plat_page_protect(s + OFF_FAST, STACK_SIZE, rw);
    if (!err)
        err = lbox_plat_page_protect(s + OFF_START, SLOT_SIZE - OFF_START,
                                     rw);
    g_threads.slot[i].opened = !err;
    return err;
}

static void slot_setup(struct plat_thread *pt, int i)
{
    uint8_t *s = g_threads.base + (size_t)i * SLOT_SIZE;

    pt->self = pt;
    pt->slot = i;
    pt->altstack = s + OFF_ALT;
    pt->events = 0;
    pt->in_intr = 0;
    if (g_threads.xs.size) {
        pt->fast_sp = s + OFF_FAST + STACK_SIZE;
        pt->xsave = s + OFF_XSAVE;
        pt->fast_xs = g_threads.xs;
        pt->fast_xs.area = pt->xsave;
    }
    pt->entry = &pt->fast_xs;
}

struct plat_thread *plat_threads_init(void)
{
    void *base = NULL;
    struct plat_thread *pt;
    struct plat_xstate xs;

    plat_xstate_probe(&xs);
    if (xs.size > SLOT_SIZE - OFF_XSAVE)
        xs = (struct plat_xstate){0};   /* no room: no fastcalls */
    g_threads.xs = xs;
    if (lbox_plat_page_map(&base, (size_t)SLOT_MAX * SLOT_SIZE,
                           LBOX_PROT_NONE, LBOX_MAP_NORESERVE) < 0)
        return NULL;
    g_threads.base = base;
    g_threads.host_pid = (int)hcall0(HNR_getpid);
    if (slot_open(0) < 0)
        return NULL;
    pt = slot_pt(0);
    slot_setup(pt, 0);
    g_threads.slot[0].state = PLAT_SLOT_USED;
    /* The first thread's id is the process's. */
    g_threads.slot[0].tid = (uint32_t)g_threads.host_pid;
    g_threads.live = 1;
    return pt;
}

int plat_host_pid(void)
{
    return g_threads.host_pid;
}

void plat_set_gs(struct plat_thread *pt)
{
    if (g_plat_fsgsbase)
        __asm__ volatile("wrgsbase %0" : : "r"(pt) : "memory");
    else
        hcall2(HNR_arch_prctl, H_ARCH_SET_GS, pt);
}

void *lbox_plat_tls(void)
{
    return plat_self()->tls;
}

void lbox_plat_set_tls(void *tls)
{
    plat_self()->tls = tls;
}

int lbox_plat_set_guest_tp(uint64_t tp)
{
    if (tp >= 0x800000000000ULL)
        return -EPERM;
    if (g_plat_fsgsbase) {
        __asm__ volatile("wrfsbase %0" : : "r"(tp) : "memory");
    } else {
        long err = hcall2(HNR_arch_prctl, H_ARCH_SET_FS, tp);

        if (err < 0)
            return (int)err;
    }
    plat_self()->guest_fs = tp;
    return 0;
}

uint64_t lbox_plat_guest_tp(void)
{
    return plat_self()->guest_fs;
}

/* A slot nobody runs on: never used, or its thread gone for good. */
static int slot_claim(void)
{
    for (int i = 1; i < SLOT_MAX; i++) {
        struct slot *sl = &g_threads.slot[i];
        uint32_t st = __atomic_load_n(&sl->state, __ATOMIC_ACQUIRE);

        if (st == PLAT_SLOT_USED ||
            (st == PLAT_SLOT_ENDING &&
             __atomic_load_n(&sl->tid, __ATOMIC_ACQUIRE)))
            continue;
        if (!__atomic_compare_exchange_n(&sl->state, &st, PLAT_SLOT_USED,
                                         false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_RELAXED))
            continue;
        if (slot_open(i) < 0) {
            __atomic_store_n(&sl->state, PLAT_SLOT_FREE, __ATOMIC_RELEASE);
            return -ENOMEM;
        }
        return i;
    }
    return -EAGAIN;
}

static _Noreturn void thread_start(struct plat_thread *pt)
{
    plat_set_gs(pt);
    pt->fn(pt->arg);
    lbox_plat_thread_exit();
}

/* The frame the new thread's rt_sigreturn takes (the host's rt_sigframe
 * without the siginfo it does not read). */
struct start_frame {
    void (*pretcode)(void);
    struct h_ucontext uc;
};

#define H_UC_SIGCONTEXT_SS 0x2
#define H_UC_STRICT_RESTORE_SS 0x4
#define H_USER_CS 0x33
#define H_USER_SS 0x2b

int lbox_plat_thread_create(void (*fn)(void *), void *arg)
{
    struct plat_thread *pt;
    struct start_frame *fr;
    uint8_t *top;
    long tid;
    int i = slot_claim();

    if (i < 0)
        return i;
    pt = slot_pt(i);
    slot_setup(pt, i);
    pt->fn = fn;
    pt->arg = arg;
    pt->tls = NULL;
    pt->guest_fs = 0;
    /* A thread starts with its creator's extended state, as clone's. */
    if (g_threads.xs.size)
        lbox_plat_xstate_save(pt->fast_xs.area, pt->fast_xs.size);
    top = (uint8_t *)pt;    /* the start stack ends where the block begins */
    fr = (struct start_frame *)ALIGN_DOWN((uint64_t)top - sizeof(*fr) - 64,
                                          16);
    memset(fr, 0, sizeof(*fr));
    fr->pretcode = lbox_gate_restorer;
    fr->uc.flags = H_UC_SIGCONTEXT_SS | H_UC_STRICT_RESTORE_SS;
    fr->uc.stack = (struct h_stack){.sp = pt->altstack, .flags = 0,
                                    .size = STACK_SIZE};
    fr->uc.gregs[HREG_RIP] = (uint64_t)thread_start;
    /* As if called: rsp + 8 aligned to 16 at the function's entry. */
    fr->uc.gregs[HREG_RSP] = ALIGN_DOWN((uint64_t)fr - 256, 16) - 8;
    fr->uc.gregs[HREG_RDI] = (uint64_t)pt;
    fr->uc.gregs[HREG_EFL] = 0x202;
    fr->uc.gregs[HREG_CSGSFS] = H_USER_CS | (uint64_t)H_USER_SS << 48;
    fr->uc.fpregs = NULL;       /* initial FP state: lbox's C wants it */
    fr->uc.sigmask = 0;
    pt->load_xs = g_threads.xs.size != 0;
    __atomic_store_n(&g_threads.slot[i].tid, 0, __ATOMIC_RELEASE);
    __atomic_fetch_add(&g_threads.live, 1, __ATOMIC_RELAXED);
    tid = hcall6(HNR_clone, THREAD_FLAGS, fr, &g_threads.slot[i].tid,
                 &g_threads.slot[i].tid, 0, 0);
    /* The child never gets here: it returns from the gate into the
     * frame's restorer. */
    if (tid < 0) {
        __atomic_fetch_sub(&g_threads.live, 1, __ATOMIC_RELAXED);
        __atomic_store_n(&g_threads.slot[i].state, PLAT_SLOT_FREE,
                         __ATOMIC_RELEASE);
        return (int)tid;
    }
    return i;
}

_Noreturn void lbox_plat_thread_exit(void)
{
    struct plat_thread *pt = plat_self();

    __atomic_fetch_sub(&g_threads.live, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&g_threads.slot[pt->slot].state, PLAT_SLOT_ENDING,
                     __ATOMIC_RELEASE);
    for (;;)
        hcall1(HNR_exit, 0);
}

int plat_thread_kick_self(void)
{
    struct slot *sl = &g_threads.slot[plat_self()->slot];

    return (int)hcall3(HNR_tgkill, g_threads.host_pid,
                       __atomic_load_n(&sl->tid, __ATOMIC_ACQUIRE),
                       PLAT_SIGKICK);
}

int lbox_plat_thread_kick(int handle)
{
    struct slot *sl;
    uint32_t tid;

    if (handle < 0 || handle >= SLOT_MAX)
        return -ESRCH;
    sl = &g_threads.slot[handle];
    tid = __atomic_load_n(&sl->tid, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(&sl->state, __ATOMIC_ACQUIRE) != PLAT_SLOT_USED ||
        !tid)
        return -ESRCH;
    if (handle == plat_self()->slot)
        return 0;       /* the caller looks at its signals anyway */
    return (int)hcall3(HNR_tgkill, g_threads.host_pid, tid, PLAT_SIGKICK);
}

int lbox_plat_thread_self(void)
{
    return plat_self()->slot;
}

void plat_resume_regs(const struct lbox_regs *regs);

/* A new thread loads its creator's extended state on the way out; lbox's
 * C never touches it after that (-mgeneral-regs-only). */
_Noreturn void lbox_plat_enter_guest(const struct lbox_regs *regs)
{
    struct plat_thread *pt = plat_self();

    if (pt->load_xs) {
        pt->load_xs = false;
        __asm__ volatile("xrstor64 (%0)"
                         : : "r"(pt->xsave), "a"(-1), "d"(-1) : "memory");
    }
    plat_resume_regs(regs);
    __builtin_unreachable();
}
