/* SPDX-License-Identifier: MIT */
/*
 * The Linux syscall table (Linux shim, kernel image): one descriptor per
 * number, generated from syscalls.def, and the handler prototypes.
 */
#ifndef LBOX_SHIM_LINUX_SYSCALLS_H
#define LBOX_SHIM_LINUX_SYSCALLS_H

#include "shim/linux/shim.h"

#define SYSCALL_TABLE_SIZE 468

enum sys_kind { SYS_NONE, SYS_SERVED, SYS_NOSYS, SYS_FIXED };

struct syscall_desc {
    const char *name;
    sys_fn *fn;
    const char *args;       /* --trace format, see syscalls.def */
    uint8_t kind;
    int16_t err;            /* SYS_FIXED: the errno returned */
    const char *why;
};

extern const struct syscall_desc g_syscall_table[SYSCALL_TABLE_SIZE];

#define SYS(nr, name, args) sys_fn sys_##name;
#define NOSYS(nr, name)
#define FIXED(nr, name, err, why)
#include "shim/linux/syscalls.def"
#undef SYS
#undef NOSYS
#undef FIXED

/* Per-process shim state (process->north). */
struct shim_proc {
    bool trace;
    bool stats;
    uint64_t counts[SYSCALL_TABLE_SIZE];
    uint64_t errors[SYSCALL_TABLE_SIZE];
    uint64_t unknown;       /* numbers outside the table */
    uint8_t warned[SYSCALL_TABLE_SIZE];
};

static inline struct shim_proc *shim_proc(struct task *t)
{
    return t->proc->north;
}

/* --trace: one line per call, strace-like. */
void trace_syscall(struct task *t, long nr, const uint64_t a[6], long ret);
/* --stats: the table printed at exit. */
void stats_print(struct task *t);
/*
 * At the end of a system call (nr, its result in (r)->rax) or a fault
 * (nr -1): run handlers for the signals (t) can take now, each with its
 * frame, or take their default action; restart or fail an interrupted
 * call as its result and the handler's SA_RESTART say.
 */
void shim_signal_deliver(struct task *t, struct lbox_regs *r, long nr);
/* Whether a wait cut short (-EINTR from the platform) must end for a
 * signal (t) will act on; else it waits on. Takes the platform's events. */
bool shim_signal_pending(struct task *t);
/* Send (sig) to the calling thread as the kernel would (SIGPIPE). */
void shim_signal_self(struct task *t, int sig);
/* End the sandbox as if (sig) killed it. */
_Noreturn void shim_die_of_signal(struct task *t, int sig);
/* End thread (t), not its process's last (sys_exit.c): its robust
 * futexes and clear_child_tid word as Linux leaves them. */
_Noreturn void shim_thread_leave(struct task *t);
/* At an entry's end: a thread an execve of another ends leaves here. */
static inline void shim_entry_end(struct task *t)
{
    if (t->dying)
        shim_thread_leave(t);
    task_unlock(t);
}

/* Give (a) and (b) descriptors and write them to guest (fds), two ints:
 * both or neither; takes the references (pipe2, socketpair). */
long shim_install_pair(struct task *t, struct file *a, struct file *b,
                       bool cloexec, gaddr_t fds);

/* Give (f) the lowest free descriptor (takes the reference; dropped on
 * failure): the fd or -EMFILE. */
long shim_install_one(struct task *t, struct file *f, bool cloexec);

/* A Linux clock id as an LBOX_CLOCK_*, or -EINVAL (sys_time.c). */
int shim_clock(const struct task *t, uint64_t id);

/* The errno name for -ret ("ENOENT"), or NULL. */
const char *errno_name(long err);

#endif /* LBOX_SHIM_LINUX_SYSCALLS_H */
