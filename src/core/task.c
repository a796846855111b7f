/* SPDX-License-Identifier: MIT */
/*
 * The threads of a process and the process lock (core, kernel image):
 * see task.h.
 */
#include "core/ipc/anon.h"
#include "core/task.h"

void task_lock(struct task *t)
{
    if (t->locked)
        return;
    rt_lock(&t->proc->lock, false);
    t->locked = true;
}

void task_unlock(struct task *t)
{
    if (!t->locked)
        return;
    t->locked = false;
    rt_unlock(&t->proc->lock, false);
}

/* (t) may be NULL: code that runs outside any entry (a unit test). */
void task_wait_begin(struct task *t)
{
    if (!t)
        return;
    t->relock = t->locked;
    task_unlock(t);
}

void task_wait_end(struct task *t)
{
    if (!t)
        return;
    if (t->relock)
        task_lock(t);
    t->relock = false;
}

int task_new_thread(struct task *parent, struct task **out)
{
    struct process *p = parent->proc;
    struct task *t = rt_heap_zalloc(p->heap, sizeof(*t));

    if (!t)
        return -ENOMEM;
    t->proc = p;
    t->k = parent->k;
    t->tid = (int)__atomic_fetch_add(&t->k->next_pid, 1, __ATOMIC_RELAXED);
    t->sigmask = parent->sigmask;
    memcpy(t->comm, parent->comm, sizeof(t->comm));
    t->plat = -1;
    t->next = p->threads;
    p->threads = t;
    __atomic_fetch_add(&p->nthreads, 1, __ATOMIC_RELEASE);
    *out = t;
    return 0;
}

void task_free_thread(struct task *t)
{
    struct process *p = t->proc;
    struct task **pp = &p->threads;

    while (*pp && *pp != t)
        pp = &(*pp)->next;
    if (*pp)
        *pp = t->next;
    __atomic_fetch_sub(&p->nthreads, 1, __ATOMIC_RELEASE);
    rt_heap_free(p->heap, t);
}

struct task *task_find(struct process *p, int tid)
{
    for (struct task *t = p->threads; t; t = t->next)
        if (t->tid == tid)
            return t;
    return NULL;
}

void task_kick(struct task *t)
{
    if (t != task_current() && t->plat >= 0)
        lbox_plat_thread_kick(t->plat);
}

int task_end_others(struct task *t)
{
    struct process *p = t->proc;

    if (t->dying)
        return -EINTR;
    for (struct task *o = p->threads; o; o = o->next) {
        if (o != t) {
            o->dying = true;
            task_kick(o);
        }
    }
    /* Each one wakes this wait as it goes; a signal pending for the
     * caller would end it at once, hence the slices. */
    while (__atomic_load_n(&p->nthreads, __ATOMIC_ACQUIRE) > 1 &&
           !t->dying)
        anon_wait_for(t, 1000 * 1000);
    /* Another thread's execve got there first: the caller goes. */
    return t->dying ? -EINTR : 0;
}
