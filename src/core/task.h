/* SPDX-License-Identifier: MIT */
/*
 * The threads of a process and the process lock (core, kernel image).
 *
 * One thread of a process runs lbox code at a time. Every entry (system
 * call, fault, event) takes the process lock, and so does a new thread
 * before it first runs; a thread gives it up at the end of the entry and
 * across every wait (task_wait_begin/task_wait_end), so a thread that
 * sleeps, waits on a futex or on a pipe never holds up the others. Guest
 * code of all threads runs in parallel. What the lock covers: everything
 * of the process (its fd table, address-space map, signal state, heap,
 * futex waiters, timers) and, until fork, everything of the sandbox.
 * Objects in the shared kernel region keep their own locks for the
 * processes to come.
 *
 * A process with one thread does not take the lock: nobody else can.
 * clone takes it for its caller before the new thread exists (task_lock),
 * and a thread that leaves touches nothing of the process once it has
 * let go of it.
 *
 * A holder that dies holds it for ever; within one process that is the
 * whole process dying (a fault in lbox ends the sandbox process), so
 * nothing waits on it. The rule for locks shared across processes comes
 * with fork.
 */
#ifndef LBOX_CORE_TASK_H
#define LBOX_CORE_TASK_H

#include "core/kernel.h"

static inline struct task *task_current(void)
{
    return lbox_plat_tls();
}

/* At an entry's start when the process may have other threads; and
 * before making one. */
void task_lock(struct task *t);
/* At an entry's end (nothing if the entry did not take it). */
void task_unlock(struct task *t);
/* Around a wait: let the process's other threads in meanwhile. */
void task_wait_begin(struct task *t);
void task_wait_end(struct task *t);

/* The entry's start: the lock, if the process has threads to share it. */
static inline void task_enter(struct task *t)
{
    if (__atomic_load_n(&t->proc->nthreads, __ATOMIC_ACQUIRE) > 1)
        task_lock(t);
}

/* A new thread of (parent)'s process with a fresh id, linked into the
 * thread list; the caller holds the lock. */
int task_new_thread(struct task *parent, struct task **out);
/* Unlink and free (t), a thread that is not its process's last. */
void task_free_thread(struct task *t);
struct task *task_find(struct process *p, int tid);

/* Whether a wait of (t) must end: a signal it acts on is pending, or it
 * is to leave (another thread's execve). */
static inline bool task_interrupted(struct task *t)
{
    return t->dying || sig_deliverable(t, t->sigmask);
}

/* execve: make every other thread leave (each at the end of its entry,
 * which a kick brings on) and wait until they have; -EINTR if another
 * thread's execve made the caller leave first. */
int task_end_others(struct task *t);

/* Make (t), another thread, look at its signals soon: out of a wait that
 * signals end, or into an entry if it runs guest code. */
void task_kick(struct task *t);

#endif /* LBOX_CORE_TASK_H */
