/* SPDX-License-Identifier: MIT */
/*
 * Internals of the linux platform shared by its files: the gate, the
 * per-thread block lbox finds through GS, and start-up steps.
 */
#ifndef LBOX_PLATFORM_LINUX_PLAT_H
#define LBOX_PLATFORM_LINUX_PLAT_H

#include <stdbool.h>
#include <stdint.h>

#include <lbox/errno.h>
#include <lbox/platform.h>

long lbox_gate_syscall(long nr, long a0, long a1, long a2, long a3, long a4,
                       long a5);
long lbox_gate_syscall_intr(long nr, long a0, long a1, long a2, long a3,
                            long a4, long a5);
extern char lbox_gate_insn[], lbox_gate_intr_begin[], lbox_gate_intr_call[],
    lbox_gate_intr_eintr[];
void lbox_gate_restorer(void);
extern char lbox_gate_ret[];
extern char lbox_copy_safe_begin[], lbox_copy_safe_end[], lbox_copy_fault[];

#define hcall0(nr) lbox_gate_syscall(nr, 0, 0, 0, 0, 0, 0)
#define hcall1(nr, a) lbox_gate_syscall(nr, (long)(a), 0, 0, 0, 0, 0)
#define hcall2(nr, a, b) lbox_gate_syscall(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define hcall3(nr, a, b, c) \
    lbox_gate_syscall(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define hcall4(nr, a, b, c, d) \
    lbox_gate_syscall(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
/* A wait an event cuts short with -EINTR (gate_x86_64.S). */
#define hcall4_intr(nr, a, b, c, d) \
    lbox_gate_syscall_intr(nr, (long)(a), (long)(b), (long)(c), (long)(d), \
                           0, 0)
#define hcall6(nr, a, b, c, d, e, f) \
    lbox_gate_syscall(nr, (long)(a), (long)(b), (long)(c), (long)(d), \
                      (long)(e), (long)(f))

#define PLAT_ALTSTACK_SIZE (64 * 1024)

/* The host signal that kicks a thread (lbox_plat_thread_kick): a
 * real-time one nothing outside the sandbox sends it. */
#define PLAT_SIGKICK 33

/* An extended-state area in XSAVE's standard layout (size 0: none). */
struct plat_xstate {
    uint8_t *area;
    uint32_t size;
    uint64_t features;
};

/* What GS points at: one per host thread. */
struct plat_thread {
    struct plat_thread *self;  /* %gs:0 */
    void *tls;                 /* %gs:8, lbox_plat_tls() */
    uint64_t guest_fs;         /* the guest's thread pointer */
    void *altstack;
    void *fast_sp;             /* %gs:32, lbox's stack top for fastcalls */
    void *xsave;               /* %gs:40, the guest's extended state */
    uint64_t fast_rip;         /* %gs:48, where a fastcall returns */
    struct plat_xstate fast_xs; /* the XSAVE area above, described */
    struct plat_xstate *entry; /* the running entry's extended state:
                                  &fast_xs in a fastcall, the host signal
                                  frame's in a trapped one (xstate.c) */
    uint64_t events;           /* %gs:88, signals from outside not yet
                                  taken (bit N-1: signal N) */
    uint64_t in_intr;          /* %gs:96, in lbox_gate_syscall_intr */
    uint64_t exiting;          /* %gs:104, an entry in a host handler took
                                  its last look at the events: only its
                                  sigreturn is left (signal.c) */
    int slot;                  /* its place in the thread arena */
    bool load_xs;              /* a new thread: enter the guest with the
                                  XSAVE area above (its creator's state) */
    void (*fn)(void *);        /* what a new thread runs, and on what */
    void *arg;
};
_Static_assert(__builtin_offsetof(struct plat_thread, events) == 88,
               "gate_x86_64.S reads %gs:88");
_Static_assert(__builtin_offsetof(struct plat_thread, in_intr) == 96,
               "gate_x86_64.S writes %gs:96");
_Static_assert(__builtin_offsetof(struct plat_thread, exiting) == 104,
               "fastcall_x86_64.S clears %gs:104");

static inline struct plat_thread *plat_self(void)
{
    struct plat_thread *pt;

    __asm__("mov %%gs:0, %0" : "=r"(pt));
    return pt;
}

/* Set by plat_start from AT_HWCAP2. */
extern bool g_plat_fsgsbase;
/* Whether the filter lets pwrite64 reach lent descriptors: cleared by the
 * monitor's --no-lent-writes (a sandbox with a disk budget), before the
 * filter is built (filter.c). */
extern bool g_plat_lent_writes;

/* Host signal handlers, once, on the first thread; then each thread's
 * own alternate stack. */
int plat_signals_init(struct plat_thread *pt);
/*
 * Threads (plat_thread.c). Every host thread's stacks and struct
 * plat_thread live in one slot of an arena reserved before the seal;
 * plat_threads_init reserves it and sets the first thread up in slot 0.
 * plat_thread_of_sp: the thread whose slot holds (sp), NULL if none; a
 * host signal handler finds its thread this way, since a new thread's
 * GS may still be its creator's for its first instructions.
 */
struct plat_thread *plat_threads_init(void);
/* The sandbox process's host pid (read before the seal; the filter's). */
int plat_host_pid(void);
void plat_threads_range(uint64_t *start, uint64_t *end);
struct plat_thread *plat_thread_of_sp(uint64_t sp);
/* Send the calling thread a kick (PLAT_SIGKICK). */
int plat_thread_kick_self(void);
/* Threads that have started and not ended (the first one included). */
unsigned plat_threads_live(void);
/* Learn the CPU's XSAVE layout (before the seal); fill (xs) for an area
 * of the host's enabled components, or leave it empty without XSAVE. */
void plat_xstate_probe(struct plat_xstate *xs);
/* Describe a host signal frame's FP state (h_ucontext.fpregs) in (xs). */
void plat_xstate_from_frame(struct plat_xstate *xs, void *fpregs);
/* Syscall-site rewriting (fastcall.c): turn it on when the first thread
 * (pt) has a fastcall stack and XSAVE area (none on hosts without
 * XSAVE); after a trapped call that returns to (rip), rewrite its site if
 * it is one. */
int plat_fastcall_init(struct plat_thread *pt);
/* Whether a fault fetching the instruction at (rip) (fault address
 * (addr)) is in a stub chunk: only another thread's patch in progress
 * makes one not executable, and the instruction is run again. */
bool plat_fastcall_busy(uint64_t rip, uint64_t addr);
void plat_fastcall_patch(uint64_t rip, long nr);
int plat_filter_install(void);
int plat_landlock_restrict(void);

/* Decide once whether the TSC is lbox_plat_cycles's (before the seal). */
void plat_tsc_probe(void);
/* Read the clocks' resolutions once (before the seal). */
void plat_clock_res_probe(void);

/* Unmap the host vDSO and scrub the initial auxv (before the seal). */
void plat_hostfacts_scrub(uint64_t *auxv);
void plat_set_gs(struct plat_thread *pt);


#endif /* LBOX_PLATFORM_LINUX_PLAT_H */
