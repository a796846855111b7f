// SPDX-License-Identifier: MIT
// Integration test (guest program): signals a process sends itself run
// the guest's handlers as on Linux: siginfo fields, the mask inside a
// handler (sa_mask, SA_NODEFER), SA_RESETHAND, pending and blocked
// signals and their order, real-time queueing, sigaltstack and
// SA_ONSTACK, sigsuspend, sigtimedwait, nested handlers, siglongjmp out
// of a handler, and a handler changing the context it returns to.
// Every line is compared with the native run.
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>

#include "check.h"

static volatile int g_count, g_last, g_order[16], g_norder;
static volatile int g_code, g_pid_ok, g_uid_ok, g_value;
static volatile int g_usr1_blocked_inside, g_usr2_blocked_inside;

static void on_info(int sig, siginfo_t *si, void *uc)
{
    sigset_t cur;

    (void)uc;
    g_count++;
    g_last = sig;
    g_code = si->si_code;
    g_pid_ok = si->si_pid == getpid();
    g_uid_ok = si->si_uid == getuid();
    g_value = si->si_value.sival_int;
    if (g_norder < 16)
        g_order[g_norder++] = sig;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    g_usr1_blocked_inside = sigismember(&cur, SIGUSR1);
    g_usr2_blocked_inside = sigismember(&cur, SIGUSR2);
}

static void set(int sig, void (*fn)(int, siginfo_t *, void *), int flags,
                const sigset_t *mask)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    if (mask)
        sa.sa_mask = *mask;
    sigaction(sig, &sa, NULL);
}

static void reset(void)
{
    g_count = g_last = g_norder = g_code = g_value = 0;
}

static void test_info(void)
{
    union sigval v = {.sival_int = 1234};

    set(SIGUSR1, on_info, 0, NULL);
    reset();
    CHECK(kill(getpid(), SIGUSR1) == 0 && g_count == 1 &&
          g_last == SIGUSR1, "kill runs the handler before it returns");
    CHECK(g_code == SI_USER && g_pid_ok && g_uid_ok, "kill siginfo");
    reset();
    raise(SIGUSR1);
    CHECK(g_count == 1 && g_code == SI_TKILL && g_pid_ok, "raise siginfo");
    reset();
    CHECK(sigqueue(getpid(), SIGUSR1, v) == 0 && g_count == 1 &&
          g_code == SI_QUEUE && g_value == 1234, "sigqueue siginfo");
    CHECK(kill(getpid(), 0) == 0, "kill 0 checks only");
    CHECK(kill(getpid(), 65) < 0 && errno == EINVAL, "kill 65 EINVAL");
    CHECK(syscall(SYS_tgkill, getpid(), gettid() + 100000, SIGUSR1) < 0 &&
          errno == ESRCH, "tgkill of another thread ESRCH");
}

static void test_masks(void)
{
    sigset_t m;

    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    set(SIGUSR1, on_info, 0, &m);
    reset();
    raise(SIGUSR1);
    CHECK(g_usr1_blocked_inside && g_usr2_blocked_inside,
          "handler runs with its signal and sa_mask blocked");
    sigprocmask(SIG_BLOCK, NULL, &m);
    CHECK(!sigismember(&m, SIGUSR1) && !sigismember(&m, SIGUSR2),
          "mask restored after the handler");
    set(SIGUSR1, on_info, SA_NODEFER, NULL);
    reset();
    raise(SIGUSR1);
    CHECK(!g_usr1_blocked_inside, "SA_NODEFER leaves it unblocked");

    set(SIGWINCH, on_info, SA_RESETHAND, NULL);
    reset();
    raise(SIGWINCH);
    raise(SIGWINCH);    /* now SIG_DFL: ignored */
    CHECK(g_count == 1, "SA_RESETHAND runs the handler once");
    {
        struct sigaction old;

        sigaction(SIGWINCH, NULL, &old);
        CHECK(old.sa_handler == SIG_DFL, "SA_RESETHAND resets to SIG_DFL");
    }
}

static void test_pending(void)
{
    sigset_t m, p, old;

    set(SIGUSR1, on_info, 0, NULL);
    set(SIGUSR2, on_info, 0, NULL);
    set(SIGRTMIN, on_info, 0, NULL);
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    sigaddset(&m, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &m, &old);
    reset();
    raise(SIGUSR2);
    raise(SIGUSR2);
    raise(SIGRTMIN);
    raise(SIGUSR1);
    raise(SIGRTMIN);
    CHECK(g_count == 0, "blocked signals wait");
    sigpending(&p);
    CHECK(sigismember(&p, SIGUSR1) && sigismember(&p, SIGUSR2) &&
          sigismember(&p, SIGRTMIN) && !sigismember(&p, SIGTERM),
          "sigpending");
    sigprocmask(SIG_SETMASK, &old, NULL);
    /* USR2 twice counts once; the real-time one twice. */
    CHECK(g_count == 4, "delivered on unblock, standard ones once");
    printf("order:");
    for (int i = 0; i < g_norder; i++)
        printf(" %d", g_order[i]);
    printf("\n");

    sigprocmask(SIG_BLOCK, &m, &old);
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    sigpending(&p);
    CHECK(!sigismember(&p, SIGUSR1), "SIG_IGN discards a pending signal");
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void test_rt_queue(void)
{
    sigset_t m, old;

    set(SIGRTMIN + 1, on_info, 0, NULL);
    sigemptyset(&m);
    sigaddset(&m, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &m, &old);
    reset();
    for (int i = 1; i <= 3; i++) {
        union sigval v = {.sival_int = i * 10};

        sigqueue(getpid(), SIGRTMIN + 1, v);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK(g_count == 3 && g_value == 30, "real-time signals queue in order");
}

static char g_alt[64 * 1024];
static volatile int g_on_alt, g_alt_flags, g_alt_eperm;

static void on_alt(int sig, siginfo_t *si, void *uc)
{
    stack_t cur, other = {.ss_sp = g_alt, .ss_size = sizeof(g_alt)};
    char here;

    (void)sig, (void)si, (void)uc;
    g_on_alt = &here >= g_alt && &here < g_alt + sizeof(g_alt);
    sigaltstack(NULL, &cur);
    g_alt_flags = cur.ss_flags;
    g_alt_eperm = sigaltstack(&other, NULL) < 0 && errno == EPERM;
}

static void test_altstack(void)
{
    stack_t ss = {.ss_sp = g_alt, .ss_size = sizeof(g_alt)}, cur;
    char here;

    CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack set");
    set(SIGUSR2, on_alt, SA_ONSTACK, NULL);
    raise(SIGUSR2);
    CHECK(g_on_alt, "SA_ONSTACK handler runs on the alternate stack");
    CHECK(g_alt_flags == SS_ONSTACK, "sigaltstack reports SS_ONSTACK");
    CHECK(g_alt_eperm, "sigaltstack change on it: EPERM");
    set(SIGUSR2, on_alt, 0, NULL);
    raise(SIGUSR2);
    CHECK(!g_on_alt, "without SA_ONSTACK: the current stack");
    sigaltstack(NULL, &cur);
    CHECK(cur.ss_flags == 0 && cur.ss_size == sizeof(g_alt),
          "altstack kept after the handler");
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    (void)here;
}

static void test_suspend_wait(void)
{
    sigset_t m, old, empty, cur;
    siginfo_t si;
    struct timespec zero = {0, 0}, ten_ms = {0, 10 * 1000 * 1000};

    set(SIGUSR1, on_info, 0, NULL);
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, &old);
    reset();
    raise(SIGUSR1);
    sigemptyset(&empty);
    sigaddset(&empty, SIGUSR2);
    CHECK(sigsuspend(&empty) == -1 && errno == EINTR && g_count == 1,
          "sigsuspend runs the pending handler, EINTR");
    CHECK(g_usr2_blocked_inside && g_usr1_blocked_inside,
          "handler mask under sigsuspend");
    sigprocmask(SIG_BLOCK, NULL, &cur);
    CHECK(sigismember(&cur, SIGUSR1), "sigsuspend restores the mask");

    raise(SIGUSR2);
    memset(&si, 0, sizeof(si));
    /* glibc shows SI_TKILL as SI_USER here. */
    CHECK(sigtimedwait(&m, &si, &zero) == SIGUSR2 && si.si_signo == SIGUSR2 &&
          si.si_code == SI_USER, "sigtimedwait takes a pending signal");
    CHECK(sigtimedwait(&m, &si, &zero) < 0 && errno == EAGAIN,
          "sigtimedwait with nothing pending: EAGAIN");
    CHECK(sigtimedwait(&m, &si, &ten_ms) < 0 && errno == EAGAIN,
          "sigtimedwait times out");
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void on_outer(int sig, siginfo_t *si, void *uc)
{
    (void)si, (void)uc;
    if (g_norder < 16)
        g_order[g_norder++] = sig;
    raise(SIGUSR2);
    if (g_norder < 16)
        g_order[g_norder++] = -sig;
}

static void test_nested(void)
{
    set(SIGUSR1, on_outer, 0, NULL);
    set(SIGUSR2, on_info, 0, NULL);
    reset();
    raise(SIGUSR1);
    CHECK(g_norder == 3 && g_order[0] == SIGUSR1 &&
          g_order[1] == SIGUSR2 && g_order[2] == -SIGUSR1,
          "a signal raised in a handler runs inside it");
}

static sigjmp_buf g_jmp;

static void on_jump(int sig, siginfo_t *si, void *uc)
{
    (void)si, (void)uc;
    siglongjmp(g_jmp, sig);
}

static void test_longjmp(void)
{
    sigset_t cur;

    set(SIGUSR1, on_jump, 0, NULL);
    if (sigsetjmp(g_jmp, 1) == 0) {
        raise(SIGUSR1);
        CHECK(0, "siglongjmp out of a handler");
    } else {
        sigprocmask(SIG_BLOCK, NULL, &cur);
        CHECK(!sigismember(&cur, SIGUSR1),
              "siglongjmp out of a handler restores the mask");
    }
}

/* The handler changes the registers its frame holds: sigreturn resumes
 * with them. */
static void on_edit(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;

    (void)sig, (void)si;
    uc->uc_mcontext.gregs[REG_RBX] = 0x1234;
}

static void test_edit_context(void)
{
    long rbx = 0;

    set(SIGUSR1, on_edit, 0, NULL);
    __asm__ volatile("mov $0, %%rbx\n\t"
                     "syscall\n\t"
                     "mov %%rbx, %0"
                     : "=r"(rbx)
                     : "a"(SYS_tgkill), "D"(getpid()), "S"(gettid()),
                       "d"(SIGUSR1)
                     : "rbx", "rcx", "r11", "memory");
    CHECK(rbx == 0x1234, "sigreturn takes the registers the handler set");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_info();
    test_masks();
    test_pending();
    test_rt_queue();
    test_altstack();
    test_suspend_wait();
    test_nested();
    test_longjmp();
    test_edit_context();
    return g_failed;
}
