/* SPDX-License-Identifier: MIT */
/*
 * Signals in core (kernel image): pending sets and queued information,
 * the choice of what to deliver next, and default actions. Numbers,
 * si_code values and the siginfo layout are Linux x86-64's, chosen once
 * as lbox's own like errno's. The North shim turns what sig_get() picks
 * into a frame for its guest.
 *
 * Each thread has its own pending queue (tkill, tgkill, its faults) and
 * the process one shared by its threads (kill); a thread takes from its
 * own first. Standard signals (1..31) are pending at most once; real-time
 * ones (32..64) queue, up to K_SIGQUEUE_MAX entries per queue.
 */
#ifndef LBOX_CORE_SIGNAL_H
#define LBOX_CORE_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

struct task;
struct k_sigaction;

#define K_NSIG 64
#define K_SIGRTMIN 32
#define K_SIGQUEUE_MAX 32

#define K_SIGHUP  1
#define K_SIGINT  2
#define K_SIGQUIT 3
#define K_SIGILL  4
#define K_SIGTRAP 5
#define K_SIGABRT 6
#define K_SIGBUS  7
#define K_SIGFPE  8
#define K_SIGKILL 9
#define K_SIGSEGV 11
#define K_SIGPIPE 13
#define K_SIGALRM 14
#define K_SIGTERM 15
#define K_SIGCHLD 17
#define K_SIGCONT 18
#define K_SIGSTOP 19
#define K_SIGSYS  31

#define K_SIG_DFL 0
#define K_SIG_IGN 1

#define K_SA_SIGINFO   0x4ULL
#define K_SA_ONSTACK   0x08000000ULL
#define K_SA_RESTART   0x10000000ULL
#define K_SA_NODEFER   0x40000000ULL
#define K_SA_RESETHAND 0x80000000ULL
#define K_SA_RESTORER  0x04000000ULL

/* si_code values */
#define K_SI_USER    0
#define K_SI_KERNEL  0x80
#define K_SI_QUEUE   (-1)
#define K_SI_TKILL   (-6)

static inline uint64_t sig_bit(int sig)
{
    return 1ULL << (sig - 1);
}

/* KILL and STOP can be neither blocked, caught nor ignored. */
#define K_SIG_UNBLOCKABLE (sig_bit(K_SIGKILL) | sig_bit(K_SIGSTOP))

/* Linux's siginfo, 128 bytes: the first three words, then per kind. */
struct k_siginfo {
    int32_t signo, err, code, pad;
    union {
        struct {            /* kill, tkill, sigqueue; SIGCHLD adds status */
            int32_t pid;
            uint32_t uid;
            union {
                uint64_t value;
                int32_t status;
            };
        } kill;
        struct {            /* faults */
            uint64_t addr;
        } fault;
        struct {            /* POSIX timers (SI_TIMER) */
            int32_t tid;    /* the timer's id */
            int32_t overrun;
            uint64_t value;
        } timer;
        uint8_t raw[112];
    };
};
_Static_assert(sizeof(struct k_siginfo) == 128, "siginfo layout");

struct k_sigqueue {
    uint64_t set;               /* signals pending here */
    uint32_t n;
    struct k_siginfo q[K_SIGQUEUE_MAX];
};

/* What happens to a signal nobody handles. */
enum sig_default {
    SIG_DEF_TERM,
    SIG_DEF_CORE,       /* terminate; Linux would dump core */
    SIG_DEF_IGNORE,
    SIG_DEF_STOP,
    SIG_DEF_CONT,
};
enum sig_default sig_default_action(int sig);

/*
 * Make (si) pending on (t): on the thread itself, or with (process) on
 * its process. Discarded at once when it would be ignored and is not
 * blocked, as on Linux. 0, or -EAGAIN when a real-time signal with its
 * own information finds its queue full.
 */
int sig_send(struct task *t, const struct k_siginfo *si, bool process);

/* A synchronous fault: delivered even if blocked or ignored, by resetting
 * its action to the default, as Linux's force_sig does. */
void sig_force(struct task *t, const struct k_siginfo *si);

/* Make the platform's events (signals from outside the sandbox) pending
 * on (t)'s process: SI_USER from pid 0, a sender lbox cannot name. */
void sig_collect(struct task *t);

/* Signals pending on (t) or its process, blocked or not. */
uint64_t sig_pending(struct task *t);

/*
 * Take the next signal (t) must act on, not blocked by (mask): ignored
 * ones are dropped on the way. Fills (si) and (act) (a copy of the action
 * as it was) and returns the signal, 0 when there is none. An action
 * with K_SA_RESETHAND is reset to the default here.
 */
int sig_get(struct task *t, uint64_t mask, struct k_siginfo *si,
            struct k_sigaction *act);

/* Remove one pending signal of (set) without acting on it (sigtimedwait):
 * its number, or 0. */
int sig_take(struct task *t, uint64_t set, struct k_siginfo *si);

/* Drop pending (sig) everywhere in the process (it became ignored). */
void sig_flush(struct task *t, int sig);

/* Whether (t) has a signal to take now: pending, not in (mask). */
static inline bool sig_deliverable(struct task *t, uint64_t mask)
{
    return (sig_pending(t) & ~mask) != 0;
}

#endif /* LBOX_CORE_SIGNAL_H */
