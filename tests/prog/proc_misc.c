// SPDX-License-Identifier: MIT
// Integration test (guest program): process-setup syscalls: arch_prctl,
// set_tid_address, set_robust_list, rt_sigaction and rt_sigprocmask
// bookkeeping (no signal is delivered).
#include <asm/prctl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "check.h"

/* The kernel's struct k_sigaction layout for raw rt_sigaction. */
struct ksigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};

static void handler(int sig)
{
    (void)sig;
}

static void prctls(void)
{
    unsigned long fs = 0, tp;
    /* glibc keeps the TCB self pointer at %fs:0. */
    __asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
    CHECK_EQ(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs), 0, "ARCH_GET_FS");
    CHECK(fs == tp, "FS base equals thread pointer");
    CHECK(fs == (unsigned long)__builtin_thread_pointer(),
          "FS base equals __builtin_thread_pointer");
    CHECK_EQ(syscall(SYS_arch_prctl, ARCH_SET_FS, fs), 0, "ARCH_SET_FS same");
    unsigned long fs2 = 0;
    syscall(SYS_arch_prctl, ARCH_GET_FS, &fs2);
    CHECK(fs2 == fs, "FS base unchanged after set");
    /* The GS base belongs to lbox inside the sandbox (ARCH_GET_GS and
     * ARCH_SET_GS fail with EPERM there; docs/linux-compat.md), so only
     * FS, which every libc uses, is compared. */
    CHECK_ERR(syscall(SYS_arch_prctl, 0x9999, &fs), EINVAL,
              "arch_prctl bad code");
    CHECK_ERR(syscall(SYS_arch_prctl, ARCH_GET_FS, (void *)1), EFAULT,
              "ARCH_GET_FS bad pointer");
}

static void tids(void)
{
    static int ctid;
    long tid = syscall(SYS_set_tid_address, &ctid);
    CHECK_EQ(tid, getpid(), "set_tid_address returns tid");
    CHECK_EQ(syscall(SYS_gettid), tid, "gettid matches");
    static struct robust_list_head head = {
        .list = {&head.list}, .futex_offset = 0, .list_op_pending = NULL};
    CHECK_EQ(syscall(SYS_set_robust_list, &head, sizeof(head)), 0,
             "set_robust_list");
    CHECK_ERR(syscall(SYS_set_robust_list, &head, sizeof(head) - 1), EINVAL,
              "set_robust_list bad len");
}

static void sigactions(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK_EQ(sigaction(SIGUSR1, &sa, &old), 0, "sigaction install");
    CHECK(old.sa_handler == SIG_DFL, "old handler SIG_DFL");
    memset(&old, 0, sizeof(old));
    CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0, "sigaction query");
    CHECK(old.sa_handler == handler, "query returns handler");
    CHECK(old.sa_flags & SA_RESTART, "query returns SA_RESTART");
    CHECK(sigismember(&old.sa_mask, SIGUSR2) == 1, "query returns mask");
    CHECK(sigismember(&old.sa_mask, SIGTERM) == 0, "mask has only SIGUSR2");

    sa.sa_handler = SIG_IGN;
    CHECK_EQ(sigaction(SIGUSR1, &sa, &old), 0, "sigaction SIG_IGN");
    CHECK(old.sa_handler == handler, "swap returns previous handler");
    sigaction(SIGUSR1, NULL, &old);
    CHECK(old.sa_handler == SIG_IGN, "query SIG_IGN");
    sa.sa_handler = SIG_DFL;
    CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0, "sigaction restore");

    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL, "sigaction SIGKILL");
    CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL, "sigaction SIGSTOP");
    CHECK_EQ(sigaction(SIGKILL, NULL, &old), 0, "query SIGKILL allowed");
    struct ksigaction k = {0};
    CHECK_ERR(syscall(SYS_rt_sigaction, 0, NULL, &k, 8), EINVAL,
              "rt_sigaction signal 0");
    CHECK_ERR(syscall(SYS_rt_sigaction, 65, NULL, &k, 8), EINVAL,
              "rt_sigaction signal 65");
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &k, 4), EINVAL,
              "rt_sigaction bad sigsetsize");
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, (void *)1, NULL, 8), EFAULT,
              "rt_sigaction bad pointer");
    CHECK_EQ(syscall(SYS_rt_sigaction, SIGRTMIN + 2, NULL, &k, 8), 0,
             "rt_sigaction realtime signal");
}

static void sigmasks(void)
{
    sigset_t set, old, cur;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0, "SIG_BLOCK");
    CHECK(sigismember(&old, SIGUSR1) == 0, "SIGUSR1 was unblocked");
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(sigismember(&cur, SIGUSR1) == 1, "SIGUSR1 now blocked");
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGUSR2),
          "SIG_BLOCK accumulates");
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0, "SIG_UNBLOCK");
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGUSR2),
          "SIG_UNBLOCK removes one");

    uint64_t m = ~0ULL, q = 0;
    CHECK_EQ(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &m, NULL, 8), 0,
             "SIG_SETMASK all");
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &q, 8);
    CHECK(!(q & (1ULL << (SIGKILL - 1))) && !(q & (1ULL << (SIGSTOP - 1))),
          "SIGKILL/SIGSTOP never blocked");
    CHECK(q & (1ULL << (SIGTERM - 1)), "SIGTERM blocked");
    CHECK_ERR(syscall(SYS_rt_sigprocmask, 99, &m, NULL, 8), EINVAL,
              "rt_sigprocmask bad how");
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &m, NULL, 4), EINVAL,
              "rt_sigprocmask bad sigsetsize");
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)1, NULL, 8),
              EFAULT, "rt_sigprocmask bad pointer");
    CHECK_EQ(sigprocmask(SIG_SETMASK, &old, NULL), 0, "restore mask");
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(!sigismember(&cur, SIGUSR2), "mask restored");
}

int main(void)
{
    test_begin();
    prctls();
    tids();
    sigactions();
    sigmasks();
    return test_end();
}
