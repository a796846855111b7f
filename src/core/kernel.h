/* SPDX-License-Identifier: MIT */
/*
 * The sandbox-wide kernel object and per-process/per-thread state (core,
 * kernel image). struct kernel and what it points to live in the shared
 * kernel region; struct process and struct task are private to one host
 * process and point into the region.
 */
#ifndef LBOX_CORE_KERNEL_H
#define LBOX_CORE_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include <lbox/platform.h>

#include "core/fs/vfs.h"
#include "core/ipc/futex.h"
#include "core/signal.h"
#include "core/timer.h"
#include "rt/rt.h"

struct vfs;
struct p9_client;
struct mm;
struct fdtable;
struct vclock;
struct clock_state;
struct usock;

struct kernel {
    struct rt_heap *shared;   /* objects every process of the sandbox shares */
    struct vfs *vfs;          /* mounts and "/" */
    struct p9_client *p9;     /* the file channel, NULL without one */
    struct p9_client *p9_user; /* the user's mounts' channel, or NULL */
    int64_t boot_ns;          /* host LBOX_CLOCK_MONOTONIC at boot */
    int64_t boot_boottime_ns; /* host LBOX_CLOCK_BOOTTIME at boot */
    int64_t boot_realtime_ns;
    struct vclock *vclock;    /* the clock page (clock.c) */
    struct clock_state *clock; /* its writers' state */
    uint32_t next_pid;        /* pids and tids, taken atomically */
    /* Bumped (and its waiters woken) when a pipe, socket, eventfd,
     * signal or timer may have made a waiter's object ready (anon.c). */
    uint32_t anon_gen;
    uint32_t anon_waiters;
    struct vfs_sb *anon_sb[3]; /* pipefs, sockfs, anon_inodefs (ipc/anon.c) */
    uint64_t anon_next_ino;
    struct usock *usock_named; /* AF_UNIX sockets with a name (ipc/usock_name.c) */
    uint32_t usock_autobind;  /* the next autobind name to try */
    uint32_t usock_next_port; /* the next ephemeral port to try */
    uint64_t mem_total;       /* bytes the guest is told it has */
    uint64_t tmpfs_size;      /* bytes of tmpfs data at most (all instances) */
    uint32_t ncpus;           /* CPUs the guest is told it has */
    char hostname[65];
    char domainname[65];
};

struct k_sigaction {
    uint64_t handler;   /* guest address, or SIG_DFL 0 / SIG_IGN 1 */
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

struct k_rlimit {
    uint64_t cur, max;
};
#define K_RLIMIT_COUNT 16

/* One guest process: private to its host process. */
struct process {
    struct kernel *k;
    struct rt_heap *heap;     /* this process's private heap */
    int pid, ppid, pgid, sid;
    struct cred cred;
    uint32_t umask;
    struct vfs_loc root;
    struct vfs_loc cwd;
    struct fdtable *fdt;
    struct mm *mm;
    char *exe_path;           /* canonical path of the running image */
    char comm[16];
    struct k_sigaction sigactions[K_NSIG];
    struct k_sigqueue sigq;   /* pending for the whole process (kill) */
    struct k_timers timers;
    struct k_rlimit rlimits[K_RLIMIT_COUNT];
    uint64_t start_ns;
    char *cmdline;            /* argv, NUL-separated, for /proc/self/cmdline */
    size_t cmdline_size;
    void *north;              /* the North shim's per-process state */
    struct rt_lock lock;      /* the process lock (task.h) */
    struct task *threads;     /* its threads, newest first */
    uint32_t nthreads;
    struct futex_queue futex_q; /* guest futex waits (ipc/futex.c) */
};

/* One guest thread. */
struct task {
    struct process *proc;
    struct kernel *k;
    int tid;
    char comm[16];            /* its name (PR_SET_NAME); the first thread's
                               * is the process's (proc->comm) */
    uint64_t sigmask;
    struct k_sigqueue sigq;   /* pending for this thread */
    /* The mask to restore once a signal is delivered after a call that
     * replaced it for its duration (rt_sigsuspend, ppoll, pselect6). */
    uint64_t saved_sigmask;
    bool restore_sigmask;
    uint64_t clear_child_tid;
    uint64_t robust_list;
    uint64_t robust_list_size;
    uint64_t altstack_sp, altstack_size, altstack_flags;
    uint64_t fault_addr, fault_trapno, fault_error; /* the last fault's */
    struct lbox_regs *regs;   /* the guest's registers during a syscall */
    struct task *next;        /* in proc->threads */
    int plat;                 /* the platform's handle of its host thread */
    bool locked;              /* holds the process lock (task.h) */
    bool relock;              /* took it again after a wait */
    bool chan_polling;        /* in a wait on host channels (poll.c) */
    bool dying;               /* to leave at its entry's end (execve) */
};

static inline struct rt_heap *task_heap(struct task *t)
{
    return t->proc->heap;
}

static inline const struct cred *task_cred(struct task *t)
{
    return &t->proc->cred;
}

#endif /* LBOX_CORE_KERNEL_H */
