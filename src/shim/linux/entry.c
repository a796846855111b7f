/* SPDX-License-Identifier: MIT */
/*
 * The Linux shim's system call entry (kernel image): the platform calls
 * lbox_syscall_entry() on the guest's thread for every guest syscall. It
 * range-checks the number, counts it, calls the handler or returns the
 * table's errno, traces, and puts the result in rax; then signals the
 * call made deliverable run (sig_deliver.c). One exit. All of it under
 * the process lock when the process has threads (core/task.h).
 */
#include "shim/linux/syscalls.h"

void lbox_syscall_entry(struct lbox_regs *regs)
{
    struct task *t = lbox_plat_tls();
    struct shim_proc *sp = shim_proc(t);
    uint64_t nr = regs->rax;
    const uint64_t a[6] = {regs->rdi, regs->rsi, regs->rdx,
                           regs->r10, regs->r8, regs->r9};
    const struct syscall_desc *d = NULL;
    long ret = -ENOSYS;

    task_enter(t);
    t->regs = regs;
    if (sp->trace && (nr == 60 || nr == 231))
        trace_syscall(t, (long)nr, a, 0);   /* they never return */
    if (nr < SYSCALL_TABLE_SIZE && g_syscall_table[nr].kind != SYS_NONE)
        d = &g_syscall_table[nr];
    if (!d) {
        sp->unknown++;
    } else {
        sp->counts[nr]++;
        if (d->kind == SYS_SERVED) {
            ret = d->fn(t, a);
        } else if (d->kind == SYS_FIXED) {
            ret = -d->err;
        } else if (!sp->warned[nr]) {
            sp->warned[nr] = 1;
            rt_log("lbox: unsupported syscall %s (%lu): returning ENOSYS\n",
                   d->name, (unsigned long)nr);
        }
        if (ret < 0 && ret > -4096)
            sp->errors[nr]++;
    }
    if (sp->trace)
        trace_syscall(t, (long)nr, a, ret);
    /* execve and rt_sigreturn replaced the whole register set. */
    sig_collect(t);
    if (t->regs == regs) {
        regs->rax = (uint64_t)ret;
        t->regs = NULL;
        if (t->restore_sigmask || sig_deliverable(t, t->sigmask) ||
            (ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK))
            shim_signal_deliver(t, regs, (long)nr);
    } else if (sig_deliverable(t, t->sigmask)) {
        shim_signal_deliver(t, regs, -1);
    }
    shim_entry_end(t);
}
