/* SPDX-License-Identifier: MIT */
/*
 * Implements exit(2), exit_group(2) and wait4(2) for the Linux shim: a
 * thread that leaves (its clear_child_tid word cleared and woken, its
 * robust futexes marked as their owner's death), and the process's end
 * with its last thread or exit_group.
 */
#include "core/ipc/anon.h"
#include "core/ipc/futex.h"
#include "core/mm.h"
#include "shim/linux/syscalls.h"

static _Noreturn void do_exit(struct task *t, int status)
{
    if (shim_proc(t)->stats)
        stats_print(t);
    lbox_plat_exit(status & 0xff);
}

#define L_FUTEX_WAITERS    0x80000000u
#define L_FUTEX_OWNER_DIED 0x40000000u
#define L_FUTEX_TID_MASK   0x3fffffffu
#define ROBUST_LIST_LIMIT  2048

/* A lock word (t) holds: mark its owner dead, wake one waiter. */
static void robust_release(struct task *t, uint64_t uaddr)
{
    uint32_t cur;

    if ((uaddr & 3) || !mm_guest_range_ok(t->proc->mm, uaddr, 4) ||
        copy_from_guest(t, &cur, uaddr, 4) < 0)
        return;
    for (int tries = 0; tries < 16; tries++) {
        uint32_t next = (cur & L_FUTEX_WAITERS) | L_FUTEX_OWNER_DIED;

        if ((cur & L_FUTEX_TID_MASK) != (uint32_t)t->tid)
            return;
        if (lbox_plat_cmpxchg32_safe((uint32_t *)uaddr, &cur, next) == 0) {
            if (cur & L_FUTEX_WAITERS)
                futex_wake(t, uaddr, 1, FUTEX_BITSET_ANY);
            return;
        }
    }
}

/* Linux's robust list: a head {next, futex_offset, list_op_pending},
 * entries linked by their first word, the lock word at entry + offset.
 * The guest wrote it: bounded walk, fault-safe reads. */
static void robust_exit(struct task *t)
{
    struct { uint64_t next; int64_t offset; uint64_t pending; } head;
    uint64_t e;

    if (!t->robust_list ||
        copy_from_guest(t, &head, t->robust_list, sizeof(head)) < 0)
        return;
    e = head.next;
    for (int n = 0; e != t->robust_list && n < ROBUST_LIST_LIMIT; n++) {
        uint64_t next;

        if (copy_from_guest(t, &next, e & ~1ULL, 8) < 0)
            break;
        if ((e & ~1ULL) != head.pending)
            robust_release(t, (e & ~1ULL) + (uint64_t)head.offset);
        e = next;
    }
    if (head.pending)
        robust_release(t, (head.pending & ~1ULL) + (uint64_t)head.offset);
}

_Noreturn void shim_thread_leave(struct task *t)
{
    struct process *p = t->proc;
    uint32_t zero = 0;

    task_lock(t);
    robust_exit(t);
    if (t->clear_child_tid &&
        copy_to_guest(t, t->clear_child_tid, &zero, sizeof(zero)) == 0)
        futex_wake(t, t->clear_child_tid, 1, FUTEX_BITSET_ANY);
    futex_task_gone(t);
    lbox_plat_set_tls(NULL);
    task_free_thread(t);
    anon_wake(p->k);    /* an execve waiting for the others to go */
    /* Nothing of the process is touched once its lock is let go. */
    rt_unlock(&p->lock, false);
    lbox_plat_thread_exit();
}

long sys_exit(struct task *t, const uint64_t a[6])
{
    task_lock(t);
    if (t->proc->nthreads == 1)
        do_exit(t, (int)a[0]);  /* the last thread: the process ends */
    shim_thread_leave(t);
}

long sys_exit_group(struct task *t, const uint64_t a[6])
{
    do_exit(t, (int)a[0]);
}

long sys_wait4(struct task *t, const uint64_t a[6])
{
    int options = (int)a[2];

    (void)t;
    if (options & ~(0x1 | 0x2 | 0x8 | 0x01000000 | 0x20000000 | 0x40000000 |
                    0x80000000))
        return -EINVAL;
    return -ECHILD;     /* no child processes until fork exists */
}
