/* SPDX-License-Identifier: MIT */
/*
 * lbox South interface: everything the core and the North shims need from
 * the host, and nothing more. One platform is linked per binary.
 *
 * Self-contained: C11 plus <stdint.h>, <stddef.h> and <stdbool.h> only, so a
 * platform that is not Linux (a VM kernel, Windows) can implement it without
 * pulling in a Linux header.
 *
 * Every call that can fail returns 0 (or a non-negative count) on success
 * and a negative lbox errno value on failure (include/lbox/errno.h; the
 * numbers are Linux x86-64's, chosen once as lbox's own). No call takes a
 * guest pointer unless it says so: guest memory goes through the fault-safe
 * copy calls below.
 *
 * LBOX_PLATFORM_VERSION is bumped whenever a declaration here changes in a
 * way that breaks an existing platform; adding a call bumps it too.
 */
#ifndef LBOX_PLATFORM_H
#define LBOX_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LBOX_PLATFORM_VERSION 5

#define LBOX_PAGE_SIZE 4096UL

/* --- Pages ------------------------------------------------------------- */

#define LBOX_PROT_NONE  0x0
#define LBOX_PROT_READ  0x1
#define LBOX_PROT_WRITE 0x2
#define LBOX_PROT_EXEC  0x4

/* Placement for lbox_plat_page_map (flags). */
#define LBOX_MAP_FIXED     0x1  /* exactly at *addr, replacing what is there */
#define LBOX_MAP_NOREPLACE 0x2  /* exactly at *addr, -EEXIST if occupied */
#define LBOX_MAP_SHARED    0x4  /* shared with forked processes (the kernel
                                   region); private copy-on-write otherwise */
#define LBOX_MAP_NORESERVE 0x8  /* reserve address space, commit on touch */

/*
 * Map (size) bytes of zeroed memory with protection (prot).
 * (addr) IN: a hint or, with LBOX_MAP_FIXED/NOREPLACE, the place;
 *        OUT: where the mapping is. Does not block.
 */
int lbox_plat_page_map(void **addr, size_t size, int prot, unsigned flags);
int lbox_plat_page_unmap(void *addr, size_t size);
int lbox_plat_page_protect(void *addr, size_t size, int prot);

/*
 * Grow, shrink or move a mapping. (flags): LBOX_REMAP_MAYMOVE lets it
 * move; LBOX_REMAP_FIXED (with MAYMOVE) moves it to *(new_addr), replacing
 * what is there. (new_addr) IN for FIXED, OUT always.
 */
#define LBOX_REMAP_MAYMOVE 0x1
#define LBOX_REMAP_FIXED   0x2
int lbox_plat_page_remap(void *old_addr, size_t old_size, size_t new_size,
                         unsigned flags, void **new_addr);

/*
 * Show the pages [src, src + size) of a LBOX_MAP_SHARED mapping also at
 * (dst), replacing what is there, with protection (prot): both views are
 * the same memory (a file page shared by lbox and a guest mapping). Both
 * page-aligned. Does not block.
 */
int lbox_plat_page_alias(void *src, size_t size, void *dst, int prot);

#define LBOX_ADVICE_DONTNEED 1  /* drop contents: private pages read back zero */
#define LBOX_ADVICE_NORMAL   2  /* hints the host may ignore */
int lbox_plat_page_advise(void *addr, size_t size, int advice);

/*
 * Fault-safe copies. Either side may be guest memory that is unmapped or
 * protected: a fault stops the copy and the call returns -EFAULT instead of
 * crashing. The core never dereferences guest memory any other way.
 */
int lbox_plat_copy_safe(void *dst, const void *src, size_t size);

/*
 * Copy a NUL-terminated string of at most (max) bytes including the NUL.
 * Returns its length without the NUL, -EFAULT, or -ENAMETOOLONG.
 */
long lbox_plat_strncpy_safe(char *dst, const char *src, size_t max);

/*
 * Compare-and-swap a 32-bit word that may be guest memory (another guest
 * thread may change it meanwhile): if *(word) == *(expected), store
 * (desired) and return 0; else set *(expected) to the word and return
 * -EAGAIN. -EFAULT if the word cannot be read and written.
 */
int lbox_plat_cmpxchg32_safe(uint32_t *word, uint32_t *expected,
                             uint32_t desired);

/*
 * Address ranges the platform itself occupies (its image, its stacks):
 * the core keeps guest mappings out of them. Fills at most (max) entries
 * of (out); returns how many there are.
 */
struct lbox_range {
    uint64_t start, end;
    const char *name;       /* label for /proc/self/maps */
};
int lbox_plat_self_ranges(struct lbox_range *out, int max);

/* --- Futex wait and wake on a 32-bit word ------------------------------ */

/*
 * Sleep while *(word) == (expected). (timeout_ns) is relative, or < 0 for no
 * limit. (flags): LBOX_FUTEX_SHARED, the word is in the shared kernel
 * region and may be woken from another process; LBOX_FUTEX_INTR, an event
 * (below) ends the wait with -EINTR (a guest's wait; lbox's own locks
 * wait on). Returns 0 when woken, -EAGAIN if the word differed,
 * -ETIMEDOUT, or -EINTR. Blocks.
 */
#define LBOX_FUTEX_SHARED 0x1
#define LBOX_FUTEX_INTR   0x2
int lbox_plat_futex_wait(uint32_t *word, uint32_t expected,
                         int64_t timeout_ns, unsigned flags);

/* Wake at most (count) waiters on (word). Returns how many woke. */
int lbox_plat_futex_wake(uint32_t *word, int count, bool shared);

/* --- Host threads ------------------------------------------------------ */

/*
 * Start a host thread in this address space running (fn)(arg) on a
 * stack of the platform's own, with its own per-thread pointer (NULL
 * until lbox_plat_set_tls), no guest thread pointer, no events, and the
 * calling entry's extended state as the guest's (what a new guest
 * thread starts with). (fn) never returns: it enters the guest
 * (lbox_plat_enter_guest) or ends the thread (lbox_plat_thread_exit).
 * Returns a handle (>= 0) for lbox_plat_thread_kick, -EAGAIN when the
 * platform has no room for another thread, or -errno.
 */
int lbox_plat_thread_create(void (*fn)(void *), void *arg);

/* End the calling host thread (not the process); its stacks are the
 * platform's to reuse once it has stopped. */
_Noreturn void lbox_plat_thread_exit(void);

/* The calling thread's handle (the first thread's is 0). */
int lbox_plat_thread_self(void);

/*
 * Kick thread (handle): a wait of it that an event ends (the ones that
 * say so) ends with -EINTR, and if it runs guest code it enters
 * lbox_event_entry, with LBOX_EVENT_KICK among its events. A kick of
 * the caller itself, or of a thread that has ended, does nothing (0 or
 * -ESRCH). Does not block.
 */
int lbox_plat_thread_kick(int handle);

/* The per-thread pointer set at start (lbox's own, never the guest's). */
void *lbox_plat_tls(void);
void lbox_plat_set_tls(void *tls);

/* The guest's thread pointer (x86-64: the FS base). */
int lbox_plat_set_guest_tp(uint64_t tp);
uint64_t lbox_plat_guest_tp(void);

/* --- Time -------------------------------------------------------------- */

#define LBOX_CLOCK_REALTIME  0
#define LBOX_CLOCK_MONOTONIC 1
#define LBOX_CLOCK_PROCESS   2 /* CPU time of the sandbox process */
#define LBOX_CLOCK_THREAD    3 /* CPU time of the calling thread */
#define LBOX_CLOCK_BOOTTIME  4

int lbox_plat_clock_get(int clock, int64_t *ns);
int lbox_plat_clock_res(int clock, int64_t *ns);

/* Sleep for (ns) nanoseconds on (clock). -EINTR if an event came. */
int lbox_plat_sleep(int clock, int64_t ns);

/*
 * Read the CPU's cycle counter into *(count): the one guest code reads
 * with an unprivileged instruction (x86-64: rdtsc), so a North shim can
 * give the guest clocks that need no system call (a vDSO). Returns 0
 * only if the counter runs at a constant rate in every CPU state and
 * the guest may read it; -ENOSYS otherwise, for good (then guests ask
 * for the time through system calls). Does not block. The core cannot
 * build this from the clock calls: each of those is a host round trip.
 */
int lbox_plat_cycles(uint64_t *count);

/* --- Randomness -------------------------------------------------------- */

/* Fill (buf) from the host's CRNG. Blocks only until the CRNG is ready. */
int lbox_plat_random(void *buf, size_t size);

/* --- Debug log --------------------------------------------------------- */

/* Write (size) bytes to the sandbox's diagnostic stream (the monitor's
 * stderr on Linux). Never blocks for long; drops on error. */
void lbox_plat_log(const char *msg, size_t size);

/* --- Host channels ----------------------------------------------------- */

/*
 * The sandbox's only ways out besides the calls above. The monitor hands
 * them over at start; a platform without one returns -ENODEV.
 */
#define LBOX_CHAN_STDIN  0 /* the guest's standard streams, passed through */
#define LBOX_CHAN_STDOUT 1
#define LBOX_CHAN_STDERR 2
#define LBOX_CHAN_FS     3 /* 9P2000.L to the monitor's file server */
#define LBOX_CHAN_NET    4 /* IP packets (not yet used) */
#define LBOX_CHAN_FS_USER 5 /* 9P2000.L to the file server of the user's
                               own mounts, served with the user's identity */
#define LBOX_CHAN_COUNT  6

/* Read or write up to (size) bytes; blocks. Returns the count, 0 at end.
 * On the standard streams an event ends a wait with -EINTR, and a write
 * with no reader left is -EPIPE (nothing else happens to the sandbox). */
long lbox_plat_chan_read(int chan, void *buf, size_t size);
long lbox_plat_chan_write(int chan, const void *buf, size_t size);

/*
 * Wait until one of (n) channels is ready or (timeout_ns) passes (< 0: no
 * limit, 0: just look). IN: chan, events; OUT: revents. Event bits are
 * poll(2)'s: 0x1 readable, 0x4 writable, 0x8 error, 0x10 hang-up. Returns
 * how many are ready, 0 on timeout, or -EINTR (an event came).
 */
struct lbox_chan_poll {
    int chan;
    short events;
    short revents;
};
#define LBOX_CHAN_POLL_MAX 8
int lbox_plat_chan_poll(struct lbox_chan_poll *p, unsigned n,
                        int64_t timeout_ns);

/*
 * Like lbox_plat_chan_read, and if a host file handle (below) came with
 * the data, *(handle) is set to it; else to -1. Only the file channels
 * carry handles. A platform without handles reads and sets -1.
 */
long lbox_plat_chan_recv(int chan, void *buf, size_t size, int *handle);

/* --- Host files lent by a file server ------------------------------------ */

/*
 * A file server may lend the sandbox a handle to a regular file: read-only
 * for reads and private mappings, or (files of an rw mount, for writes
 * and MAP_SHARED) read-write, so that they reach the host's page cache
 * directly instead of crossing the channel. A handle allows nothing but
 * these four calls. A platform without handles never
 * receives one and returns -ENOSYS here; the core then reads through 9P.
 */

/* Read up to (size) bytes at (off). (buf) may be guest memory the caller
 * checked is the guest's: a fault there gives -EFAULT (or a short count),
 * never a crash. Returns the count, 0 at end of file. */
long lbox_plat_file_read(int handle, void *buf, size_t size, uint64_t off);

/* Write (size) bytes at (off) through a handle lent read-write; -EBADF
 * through one lent read-only. (buf) as for lbox_plat_file_read. Returns
 * the count, or the host's -errno (-ENOSPC, -EFBIG, ...). */
long lbox_plat_file_write(int handle, const void *buf, size_t size,
                          uint64_t off);

/* Map (size) bytes of the file from (off) exactly at (addr), replacing
 * what is there: private copy-on-write (writes never reach the file), or
 * with LBOX_FILE_SHARED the file's own pages (a handle lent read-write,
 * for PROT_WRITE). Pages past the end of the file fault when touched, as
 * on Linux. */
#define LBOX_FILE_SHARED 0x1
int lbox_plat_file_map(int handle, void *addr, size_t size, int prot,
                       uint64_t off, unsigned flags);

void lbox_plat_file_close(int handle);

/*
 * Terminal control on a standard stream. (op) is one of LBOX_TTY_*; (arg)
 * is lbox-memory of the size the op says. -ENOTTY when the stream is not a
 * terminal. There is no op for process groups: the host's are host pids,
 * and the guest's foreground group is kept in core.
 */
struct lbox_winsize {
    uint16_t rows, cols, xpixel, ypixel;
};
#define LBOX_TTY_GETATTR 1 /* arg: 60-byte termios, Linux layout */
#define LBOX_TTY_SETATTR 2 /* arg: same; applied at once */
#define LBOX_TTY_GETWINSZ 3 /* arg: struct lbox_winsize */
#define LBOX_TTY_SETWINSZ 4
int lbox_plat_chan_tty(int chan, int op, void *arg);

/* --- Asynchronous events ----------------------------------------------- */

/*
 * Signals for the sandbox from outside it (a terminal's interrupt, the
 * monitor passing one on) arrive as events, in Linux's numbering like
 * errno's: bit N-1 for signal N (1..32). An event that interrupts guest code is
 * handed to lbox_event_entry at once; one that comes while lbox runs
 * waits for the running entry to take it, and ends the waits that say
 * they end with -EINTR.
 *
 * lbox_plat_events_take: the events since the last call, cleared. Does
 * not block; cheap enough for the end of every entry.
 */
uint64_t lbox_plat_events_take(void);

/*
 * Two one-shot timers whose expiry is an event too, past the signal bits:
 * LBOX_TIMER_REAL counts elapsed time, LBOX_TIMER_CPU the CPU time of the
 * sandbox process (lbox's own included). The core keeps the guest's
 * timers and arms each for the first of its kind.
 *
 * lbox_plat_timer_arm: expire (ns) from now (rounded up to what the host
 * can time), replacing the previous setting; 0 disarms. Does not block.
 */
#define LBOX_TIMER_REAL 0
#define LBOX_TIMER_CPU  1
#define LBOX_EVENT_TIMER_REAL (1ULL << 32)
#define LBOX_EVENT_TIMER_CPU  (1ULL << 33)
#define LBOX_EVENT_KICK       (1ULL << 34) /* lbox_plat_thread_kick */
int lbox_plat_timer_arm(int timer, int64_t ns);

/* --- Leaving ----------------------------------------------------------- */

/* End the whole sandbox process with (status) (0..255). */
_Noreturn void lbox_plat_exit(int status);

/* End it as if killed by signal (sig) (Linux numbering). */
_Noreturn void lbox_plat_exit_signal(int sig);

/* --- The syscall entry hook -------------------------------------------- */

/*
 * Guest registers at a system call or entry point (x86-64). The platform
 * fills them when the guest traps and loads them back when the hook
 * returns, so the hook may change any of them (execve starts a new image by
 * rewriting rip, rsp and the rest).
 */
struct lbox_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
};

/*
 * Implemented by the North side, called by the platform on the guest's
 * thread for each system call the guest makes: (regs)->rax holds the
 * number, the result goes back in rax.
 */
void lbox_syscall_entry(struct lbox_regs *regs);

/*
 * A synchronous fault of guest code: what the guest would see. (kind) is
 * the signal it raises, in Linux's numbering like errno's (SIGILL 4,
 * SIGTRAP 5, SIGBUS 7, SIGFPE 8, SIGSEGV 11); (code) the detail in
 * Linux's si_code values; (addr) the faulting address (a data address for
 * a memory fault, the instruction's for the others). (trapno) and
 * (error) are the CPU's exception vector and error code, or ~0 when the
 * platform does not know them.
 */
struct lbox_fault {
    int kind;
    int code;
    uint64_t addr;
    uint64_t trapno, error;
};

/*
 * Implemented by the North side, called by the platform on the guest's
 * thread when guest code faults, with the registers at the fault (rip at
 * the faulting instruction, or after it for a trap such as int3). The
 * hook changes them to run a guest handler, or ends the sandbox; when it
 * returns the platform resumes the guest with (regs) and the extended
 * state. Never called for a fault of lbox's own code.
 */
void lbox_fault_entry(struct lbox_regs *regs, const struct lbox_fault *f);

/*
 * Implemented by the North side, called by the platform on the guest's
 * thread when an event arrives while it runs guest code, with its
 * registers; the hook takes the events (lbox_plat_events_take) and may
 * change the registers and extended state to run a guest handler.
 */
void lbox_event_entry(struct lbox_regs *regs);

/*
 * The extended register state (x86-64: x87, SSE, AVX and the other XSAVE
 * components) of the guest thread whose entry (syscall, fault, event) is
 * running on the calling thread, which the platform loads back when the
 * entry returns. Its format is the XSAVE standard (uncompacted) layout,
 * the one a Linux signal frame holds. Only during an entry.
 *
 * lbox_plat_xstate_info: its size in bytes and the components it holds
 * (XCR0's bits); -ENOSYS when the platform keeps no extended state.
 * lbox_plat_xstate_save: copy it to (dst), (size) bytes at least the
 * info's. lbox_plat_xstate_load: replace it with the components
 * (features) of the area (src), (size) bytes; the others take their
 * initial state, so (features) 0 resets it all (src unused). The platform
 * checks what it loads: an area no CPU would accept is made acceptable,
 * never a fault of lbox. Both may take guest memory (fault-safe copies:
 * -EFAULT).
 */
struct lbox_xstate_info {
    uint32_t size;
    uint64_t features;
};
int lbox_plat_xstate_info(struct lbox_xstate_info *out);
int lbox_plat_xstate_save(void *dst, size_t size);
int lbox_plat_xstate_load(const void *src, size_t size, uint64_t features);

/*
 * Implemented by the North side, for a platform that rewrites guest code
 * so that its system calls enter lbox without a host trap: the
 * protection (LBOX_PROT_*) of guest memory [addr, addr + len) when it
 * lies in one private mapping of the guest's (never a shared file), else
 * -1.
 */
int lbox_guest_code_prot(uint64_t addr, size_t len);
/*
 * Implemented by the North side: reserve (size) bytes of the guest's
 * address space within (reach) bytes of (near) for lbox (the guest can
 * neither map over them nor change them; the platform maps them). The
 * address, or 0 when there is no room.
 */
uint64_t lbox_guest_reserve_near(uint64_t near, uint64_t reach, size_t size);

/*
 * Implemented by the North side: the platform calls it once, on the first
 * thread, after the host boundary (filter, handlers) is in place. (argv)
 * and (envp) are the start-up arguments the monitor gave the kernel image.
 */
_Noreturn void lbox_main(int argc, char **argv, char **envp);

/*
 * Leave lbox and run guest code with (regs); does not return. Used once per
 * image (start and execve); later entries come back through the hook.
 */
_Noreturn void lbox_plat_enter_guest(const struct lbox_regs *regs);

#endif /* LBOX_PLATFORM_H */
