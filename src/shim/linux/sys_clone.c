/* SPDX-License-Identifier: MIT */
/*
 * Implements clone(2) and clone3(2) for threads (CLONE_VM|CLONE_THREAD
 * and the flags glibc and musl pass with them) for the Linux shim. Each
 * guest thread is a host thread (lbox_plat_thread_create) that starts
 * with its creator's registers, rax 0, the stack and thread pointer the
 * call gives. A clone that would make a new process waits for the
 * processes issue: -ENOSYS, logged.
 */
#include "shim/linux/syscalls.h"

#define L_CLONE_VM             0x00000100ULL
#define L_CLONE_FS             0x00000200ULL
#define L_CLONE_FILES          0x00000400ULL
#define L_CLONE_SIGHAND        0x00000800ULL
#define L_CLONE_PIDFD          0x00001000ULL
#define L_CLONE_VFORK          0x00004000ULL
#define L_CLONE_THREAD         0x00010000ULL
#define L_CLONE_SYSVSEM        0x00040000ULL
#define L_CLONE_SETTLS         0x00080000ULL
#define L_CLONE_PARENT_SETTID  0x00100000ULL
#define L_CLONE_CHILD_CLEARTID 0x00200000ULL
#define L_CLONE_DETACHED       0x00400000ULL
#define L_CLONE_CHILD_SETTID   0x01000000ULL

/* What a thread of this process may come with; FS and FILES are how
 * lbox's threads are anyway (one fd table, one cwd per process). */
#define THREAD_NEEDS (L_CLONE_VM | L_CLONE_SIGHAND | L_CLONE_THREAD)
#define THREAD_MAY (THREAD_NEEDS | L_CLONE_FS | L_CLONE_FILES | \
                    L_CLONE_SYSVSEM | L_CLONE_SETTLS | \
                    L_CLONE_PARENT_SETTID | L_CLONE_CHILD_CLEARTID | \
                    L_CLONE_DETACHED | L_CLONE_CHILD_SETTID)

struct clone_req {
    uint64_t flags;
    uint64_t stack;         /* the new rsp, 0: the caller's */
    uint64_t parent_tid, child_tid, tls;
};

struct thread_start {
    struct task *t;
    struct lbox_regs regs;
    uint64_t tls;       /* the guest thread pointer it starts with */
};

/* The new thread's first lbox code: wait for its creator's entry to end
 * (the process lock), then run the guest. */
static _Noreturn void thread_main(void *arg)
{
    struct thread_start *s = arg;
    struct task *t = s->t;
    struct lbox_regs regs = s->regs;

    lbox_plat_set_tls(t);
    task_lock(t);
    lbox_plat_set_guest_tp(s->tls);
    rt_heap_free(task_heap(t), s);
    /* A signal sent to it before it ran (or an event meanwhile). */
    sig_collect(t);
    if (sig_deliverable(t, t->sigmask))
        shim_signal_deliver(t, &regs, -1);
    shim_entry_end(t);
    lbox_plat_enter_guest(&regs);
}

static long do_clone(struct task *t, const struct clone_req *r)
{
    struct thread_start *s;
    struct task *nt;
    int handle, err;

    if ((r->flags & L_CLONE_SIGHAND) && !(r->flags & L_CLONE_VM))
        return -EINVAL;
    if ((r->flags & L_CLONE_THREAD) && !(r->flags & L_CLONE_SIGHAND))
        return -EINVAL;
    if ((r->flags & THREAD_NEEDS) != THREAD_NEEDS ||
        (r->flags & ~THREAD_MAY & ~0xffULL) || (r->flags & 0xff)) {
        if (!shim_proc(t)->warned[56]) {
            shim_proc(t)->warned[56] = 1;
            rt_log("lbox: clone with flags %#lx (a new process) is not "
                   "supported yet: returning ENOSYS\n",
                   (unsigned long)r->flags);
        }
        return -ENOSYS;
    }
    if (!t->regs)
        return -EINVAL;
    if ((r->flags & L_CLONE_SETTLS) && r->tls >= 0x800000000000ULL)
        return -EPERM;
    task_lock(t);       /* before there is a second thread to race */
    s = rt_heap_zalloc(task_heap(t), sizeof(*s));
    if (!s)
        return -ENOMEM;
    err = task_new_thread(t, &nt);
    if (err < 0) {
        rt_heap_free(task_heap(t), s);
        return err;
    }
    s->t = nt;
    s->regs = *t->regs;
    s->regs.rax = 0;
    if (r->stack)
        s->regs.rsp = r->stack;
    s->tls = (r->flags & L_CLONE_SETTLS) ? r->tls : lbox_plat_guest_tp();
    if (r->flags & L_CLONE_CHILD_CLEARTID)
        nt->clear_child_tid = r->child_tid;
    /* Both see the id in the same memory: written before either runs. */
    if ((r->flags & L_CLONE_PARENT_SETTID) &&
        copy_to_guest(t, r->parent_tid, &nt->tid, sizeof(nt->tid)) < 0)
        err = -EFAULT;
    if (!err && (r->flags & L_CLONE_CHILD_SETTID) &&
        copy_to_guest(t, r->child_tid, &nt->tid, sizeof(nt->tid)) < 0)
        err = -EFAULT;
    handle = err ? err : lbox_plat_thread_create(thread_main, s);
    if (handle < 0) {
        task_free_thread(nt);
        rt_heap_free(task_heap(t), s);
        return handle == -ENOMEM ? -EAGAIN : handle;
    }
    nt->plat = handle;
    return nt->tid;
}

long sys_clone(struct task *t, const uint64_t a[6])
{
    /* x86-64: flags, stack, parent_tid, child_tid, tls. */
    struct clone_req r = {a[0], a[1], a[2], a[3], a[4]};

    return do_clone(t, &r);
}

struct l_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
        stack_size, tls, set_tid, set_tid_size, cgroup;
};

long sys_clone3(struct task *t, const uint64_t a[6])
{
    struct l_clone_args ca = {0};
    struct clone_req r;
    size_t size = a[1];

    if (size < 64 || size > 4096)
        return -EINVAL;
    if (copy_from_guest(t, &ca, a[0], MIN(size, sizeof(ca))) < 0)
        return -EFAULT;
    /* (pidfd) is where a CLONE_PIDFD would go: read only with it. */
    if (ca.exit_signal || ca.set_tid || ca.set_tid_size ||
        (ca.flags & L_CLONE_PIDFD) || (size > 80 && ca.cgroup))
        return (ca.flags & L_CLONE_THREAD) ? -EINVAL : -ENOSYS;
    if ((ca.stack == 0) != (ca.stack_size == 0))
        return -EINVAL;
    r = (struct clone_req){
        .flags = ca.flags,
        .stack = ca.stack ? ca.stack + ca.stack_size : 0,
        .parent_tid = ca.parent_tid,
        .child_tid = ca.child_tid,
        .tls = ca.tls,
    };
    return do_clone(t, &r);
}
