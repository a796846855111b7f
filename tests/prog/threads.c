// SPDX-License-Identifier: MIT
// Integration test (guest program): threads as glibc makes them (clone
// or clone3 with the thread flags): ids, thread-local storage, joins,
// a mutex and condition variables hammered by 64 threads, futex
// operations straight from the syscall, a robust mutex whose owner
// leaves, signals to one thread (pthread_kill) while it computes or
// blocks in read() on a pipe (EINTR, and restarted under SA_RESTART),
// with its floating-point state intact. Every line is compared with the
// native run.
#include <dirent.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

static long futex(atomic_uint *w, int op, unsigned val, const void *ts,
                  atomic_uint *w2, unsigned val3)
{
    return syscall(SYS_futex, w, op, val, ts, w2, val3);
}

/* --- ids, TLS, join ------------------------------------------------------ */

static __thread int t_local = 7;

struct ident {
    int index;
    pid_t tid, pid;
    int local_before, local_after;
};

static void *ident_main(void *arg)
{
    struct ident *id = arg;

    id->tid = (pid_t)syscall(SYS_gettid);
    id->pid = getpid();
    id->local_before = t_local;
    t_local = 100 + id->index;
    sched_yield();
    id->local_after = t_local;
    return (void *)(intptr_t)(id->index * 3);
}

static void test_ids(void)
{
    pthread_t th[8];
    struct ident id[8];
    int distinct = 1, same_pid = 1, tls_ok = 1, ret_ok = 1, made = 1;

    for (int i = 0; i < 8; i++) {
        id[i] = (struct ident){.index = i};
        made &= pthread_create(&th[i], NULL, ident_main, &id[i]) == 0;
    }
    CHECK(made, "pthread_create makes 8 threads");
    for (int i = 0; i < 8; i++) {
        void *ret;

        pthread_join(th[i], &ret);
        ret_ok &= (intptr_t)ret == i * 3;
        same_pid &= id[i].pid == getpid();
        distinct &= id[i].tid != getpid();
        for (int j = 0; j < i; j++)
            distinct &= id[i].tid != id[j].tid;
        tls_ok &= id[i].local_before == 7 && id[i].local_after == 100 + i;
    }
    CHECK(ret_ok, "join returns each thread's value");
    CHECK(same_pid, "threads share the pid");
    CHECK(distinct, "each thread has its own tid");
    CHECK(tls_ok && t_local == 7, "thread-local storage is per thread");
}

/* --- /proc/self/task and thread names ----------------------------------- */

static pthread_barrier_t g_named, g_listed;

static void *named_main(void *arg)
{
    char name[16];

    snprintf(name, sizeof(name), "worker-%d", (int)(intptr_t)arg);
    prctl(PR_SET_NAME, name);
    pthread_barrier_wait(&g_named);
    pthread_barrier_wait(&g_listed);
    return NULL;
}

static int read_line(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

    if (fd >= 0)
        close(fd);
    if (n < 0)
        return -1;
    buf[n] = 0;
    return 0;
}

/* The "Name:" or "Threads:" value of a status file. */
static int status_field(const char *path, const char *field, char *out,
                        size_t size)
{
    char buf[4096], *p;

    if (read_line(path, buf, sizeof(buf)) < 0 || !(p = strstr(buf, field)))
        return -1;
    p += strlen(field);
    while (*p == '\t' || *p == ' ')
        p++;
    snprintf(out, size, "%.*s", (int)strcspn(p, "\n"), p);
    return 0;
}

static void test_proc_task(void)
{
    pthread_t th[3];
    char path[300], buf[64], self[64];
    int n = 0, names = 0, main_seen = 0;
    struct dirent *de;
    DIR *d;

    pthread_barrier_init(&g_named, NULL, 4);
    pthread_barrier_init(&g_listed, NULL, 4);
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, named_main, (void *)(intptr_t)(i + 1));
    pthread_barrier_wait(&g_named);
    prctl(PR_SET_NAME, "main-thread");
    d = opendir("/proc/self/task");
    CHECK(d != NULL, "/proc/self/task opens");
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        n++;
        main_seen |= atoi(de->d_name) == getpid();
        snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
        if (read_line(path, buf, sizeof(buf)) == 0 &&
            (!strncmp(buf, "worker-", 7) || !strcmp(buf, "main-thread\n")))
            names++;
    }
    if (d)
        closedir(d);
    CHECK_EQ(n, 4, "/proc/self/task lists every thread");
    CHECK(main_seen, "the first thread's tid is the pid");
    CHECK_EQ(names, 4, "each thread's comm is its own name");
    CHECK(read_line("/proc/self/comm", buf, sizeof(buf)) == 0 &&
          !strcmp(buf, "main-thread\n"), "/proc/self/comm: the first thread's");
    CHECK(status_field("/proc/self/status", "Threads:", buf, sizeof(buf)) == 0 &&
          !strcmp(buf, "4"), "status: Threads: 4");
    snprintf(path, sizeof(path), "%d/task/%ld", (int)getpid(),
             (long)syscall(SYS_gettid));
    CHECK(readlink("/proc/thread-self", self, sizeof(self)) ==
              (ssize_t)strlen(path) && !memcmp(self, path, strlen(path)),
          "/proc/thread-self");
    snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)getpid());
    CHECK(status_field(path, "Name:", buf, sizeof(buf)) == 0 &&
          !strcmp(buf, "main-thread"), "a thread's status has its name");
    snprintf(path, sizeof(path), "/proc/self/task/%d/task", (int)getpid());
    CHECK_ERR(access(path, F_OK), ENOENT, "no task directory below a task");
    pthread_barrier_wait(&g_listed);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    CHECK(pthread_getname_np(pthread_self(), buf, sizeof(buf)) == 0 &&
          !strcmp(buf, "main-thread"), "pthread_getname_np");
    prctl(PR_SET_NAME, "prog-threads");
}

/* --- mutex and condition variables --------------------------------------- */

#define HAMMER_THREADS 64
#define HAMMER_ITERS 3000

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static long g_counter, g_queue, g_consumed;
static int g_producers_done;

static void *hammer_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < HAMMER_ITERS; i++) {
        pthread_mutex_lock(&g_mu);
        g_counter++;
        pthread_mutex_unlock(&g_mu);
    }
    return NULL;
}

static void *producer_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&g_mu);
        g_queue++;
        pthread_cond_signal(&g_cv);
        pthread_mutex_unlock(&g_mu);
    }
    return NULL;
}

static void *consumer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&g_mu);
    for (;;) {
        while (!g_queue && g_producers_done < 4)
            pthread_cond_wait(&g_cv, &g_mu);
        if (!g_queue)
            break;
        g_queue--;
        g_consumed++;
    }
    pthread_mutex_unlock(&g_mu);
    return NULL;
}

static void test_mutex(void)
{
    pthread_t th[HAMMER_THREADS], prod[4], cons[4];

    for (int i = 0; i < HAMMER_THREADS; i++)
        pthread_create(&th[i], NULL, hammer_main, NULL);
    for (int i = 0; i < HAMMER_THREADS; i++)
        pthread_join(th[i], NULL);
    CHECK(g_counter == (long)HAMMER_THREADS * HAMMER_ITERS,
          "64 threads count under one mutex");
    for (int i = 0; i < 4; i++)
        pthread_create(&cons[i], NULL, consumer_main, NULL);
    for (int i = 0; i < 4; i++)
        pthread_create(&prod[i], NULL, producer_main, NULL);
    for (int i = 0; i < 4; i++) {
        pthread_join(prod[i], NULL);
        pthread_mutex_lock(&g_mu);
        g_producers_done++;
        pthread_cond_broadcast(&g_cv);
        pthread_mutex_unlock(&g_mu);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(cons[i], NULL);
    CHECK(g_consumed == 2000 && g_queue == 0,
          "condition variable hands over every item");
}

/* --- futex operations ---------------------------------------------------- */

static atomic_uint g_w1, g_w2, g_started;
static atomic_int g_wait_ret[3];

static void *futex_waiter(void *arg)
{
    int i = (int)(intptr_t)arg;

    atomic_fetch_add(&g_started, 1);
    while (atomic_load(&g_w1) == 0) {
        long r = futex(&g_w1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);

        if (r == 0) {
            g_wait_ret[i] = 1;
            return NULL;
        }
    }
    g_wait_ret[i] = 2;
    return NULL;
}

/* Until the three waiters sleep on g_w1: a program cannot see that
 * portably, so wait until they started and give them time to get into
 * FUTEX_WAIT. */
static void settle(void)
{
    struct timespec ts = {0, 200 * 1000 * 1000};

    while (atomic_load(&g_started) < 3)
        sched_yield();
    nanosleep(&ts, NULL);
}

static void test_futex(void)
{
    struct timespec ts = {0, 20 * 1000 * 1000};
    pthread_t th[3];
    long r;

    CHECK_ERR(futex(&g_w1, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0), EAGAIN,
              "FUTEX_WAIT on a changed word");
    CHECK_ERR(futex(&g_w1, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0), ETIMEDOUT,
              "FUTEX_WAIT with a timeout");
    CHECK(futex(&g_w1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0,
          "FUTEX_WAKE with nobody waiting");
    for (int i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, futex_waiter, (void *)(intptr_t)i);
    settle();
    /* Requeue two of three onto w2, waking one. */
    r = futex(&g_w1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &g_w2, 0);
    CHECK(r == 3, "FUTEX_CMP_REQUEUE wakes one and moves two");
    CHECK_ERR(futex(&g_w1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &g_w2, 5),
              EAGAIN, "FUTEX_CMP_REQUEUE with a changed word");
    /* WAKE_OP: w2 += 1 (old 0), wake 0 on w1, and one on w2 if old == 0. */
    r = futex(&g_w1, FUTEX_WAKE_OP_PRIVATE, 0, (void *)1, &g_w2,
              FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0));
    CHECK(r == 1 && atomic_load(&g_w2) == 1, "FUTEX_WAKE_OP");
    CHECK(futex(&g_w2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0) == 1,
          "FUTEX_WAKE wakes the last one");
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    CHECK(g_wait_ret[0] + g_wait_ret[1] + g_wait_ret[2] == 3,
          "every waiter woke from its wait");
}

/* --- a robust mutex whose owner leaves ------------------------------------ */

static pthread_mutex_t g_robust;

static void *robust_owner(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&g_robust);
    return NULL;        /* leaves holding it */
}

static void test_robust(void)
{
    pthread_mutexattr_t a;
    pthread_t th;
    int r;

    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&g_robust, &a);
    pthread_create(&th, NULL, robust_owner, NULL);
    pthread_join(th, NULL);
    r = pthread_mutex_lock(&g_robust);
    CHECK(r == EOWNERDEAD, "robust mutex of a thread that left: EOWNERDEAD");
    CHECK(pthread_mutex_consistent(&g_robust) == 0 &&
          pthread_mutex_unlock(&g_robust) == 0, "made consistent");
}

/* --- signals to one thread ----------------------------------------------- */

static atomic_int g_hits;
static atomic_int g_handler_tid;

static void on_usr1(int sig)
{
    /* FP work of its own, so a state lbox failed to keep would show. */
    volatile double d = sig * 1.25;
    volatile long double l = d / 3.0L;

    d = l * 7.0;
    (void)d;
    g_handler_tid = (int)syscall(SYS_gettid);
    atomic_fetch_add(&g_hits, 1);
    futex((atomic_uint *)&g_hits, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void wait_hits_past(int before)
{
    int cur;

    while ((cur = atomic_load(&g_hits)) == before)
        futex((atomic_uint *)&g_hits, FUTEX_WAIT_PRIVATE, (unsigned)cur, NULL,
              NULL, 0);
}

static atomic_int g_compute_tid, g_stop, g_fp_bad;

/* The same sums again and again, in SSE (double) and x87 (long double):
 * a signal that corrupted either state would change one of them. */
static double sum_sse(void)
{
    double x = 0;

    for (int i = 1; i <= 1000; i++)
        x += 1.0 / ((double)i * i);
    return x;
}

static long double sum_x87(void)
{
    long double x = 0;

    for (int i = 1; i <= 300; i++)
        x += 1.0L / ((long double)i * i * i);
    return x;
}

static void *compute_main(void *arg)
{
    volatile double ref = sum_sse();
    volatile long double ref87 = sum_x87();

    (void)arg;
    g_compute_tid = (int)syscall(SYS_gettid);
    while (!atomic_load(&g_stop))
        if (sum_sse() != ref || sum_x87() != ref87)
            atomic_fetch_add(&g_fp_bad, 1);
    return NULL;
}

#define SIGNALS_TO_COMPUTER 10000

static void test_thread_signals(void)
{
    struct sigaction sa = {.sa_handler = on_usr1};
    pthread_t th;
    int right_thread = 1;

    sigaction(SIGUSR1, &sa, NULL);
    pthread_create(&th, NULL, compute_main, NULL);
    while (!g_compute_tid)
        sched_yield();
    for (int i = 0; i < SIGNALS_TO_COMPUTER; i++) {
        int before = atomic_load(&g_hits);

        pthread_kill(th, SIGUSR1);
        wait_hits_past(before);
        right_thread &= g_handler_tid == g_compute_tid;
    }
    atomic_store(&g_stop, 1);
    pthread_join(th, NULL);
    CHECK(atomic_load(&g_hits) == SIGNALS_TO_COMPUTER,
          "10000 signals reach a computing thread");
    CHECK(right_thread, "each ran on the thread it was sent to");
    CHECK(g_fp_bad == 0, "floating-point state survives the signals");
}

static int g_pipe[2];
static atomic_int g_reader_tid, g_read_ret, g_read_errno;

static void *reader_main(void *arg)
{
    char c;
    ssize_t n;

    (void)arg;
    g_reader_tid = (int)syscall(SYS_gettid);
    n = read(g_pipe[0], &c, 1);
    g_read_errno = n < 0 ? errno : 0;
    g_read_ret = (int)n;
    return NULL;
}

static void block_test(int flags, const char *name, int want_ret,
                       int want_errno)
{
    struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = flags};
    struct timespec ts = {0, 100 * 1000 * 1000};
    pthread_t th;
    char msg[96];

    sigaction(SIGUSR1, &sa, NULL);
    g_reader_tid = 0;
    g_read_ret = -2;
    atomic_store(&g_hits, 0);
    pipe(g_pipe);
    pthread_create(&th, NULL, reader_main, NULL);
    while (!g_reader_tid)
        sched_yield();
    nanosleep(&ts, NULL);       /* let it block in read() */
    pthread_kill(th, SIGUSR1);
    wait_hits_past(0);
    nanosleep(&ts, NULL);
    if (want_ret == 1)
        write(g_pipe[1], "x", 1);
    pthread_join(th, NULL);
    snprintf(msg, sizeof(msg), "%s: read returns %d", name, want_ret);
    CHECK(g_read_ret == want_ret && g_read_errno == want_errno, msg);
    close(g_pipe[0]);
    close(g_pipe[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_ids();
    test_proc_task();
    test_mutex();
    test_futex();
    test_robust();
    test_thread_signals();
    block_test(0, "signal to a thread blocked in read()", -1, EINTR);
    block_test(SA_RESTART, "the same under SA_RESTART", 1, 0);
    return g_failed;
}
