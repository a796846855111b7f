/* SPDX-License-Identifier: MIT */
/*
 * Running a sandbox (monitor, host side, trusted): a socketpair for 9P, the
 * file server in its own unprivileged process, the kernel image exec'ed in
 * fresh namespaces with nothing but its channels open, and the guest's
 * exit status back to the caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monitor/cgroup.h"
#include "platform/linux/hostcalls.h"
#include "monitor/launch.h"
#include "monitor/tty.h"

/*
 * Two file servers, each confined to its own mounts: the default view of
 * the host's system directories (and the cwd), served as nobody when lbox
 * runs as root so a sandbox never reads what only root may; and the user's
 * own -v mounts, served with the invoking user's identity so that
 * `-v $PWD:/work:rw` writes files the user owns.
 */
enum { SRV_VIEW, SRV_USER, SRV_COUNT };

/* Where the kernel image finds each server's channel (hostcalls.def). */
static const int g_kernel_fd[SRV_COUNT] = {3, 5};

struct server {
    int sv[2];          /* [0] the server's end, [1] the kernel image's */
    pid_t pid;
};

/* The bounds put on the kernel image (struct mon_limits). */
struct bounds {
    struct mon_cgroup cg;
    uint64_t memory;        /* bytes, what the guest is told it has */
};

/* lbox's own reservations in the kernel image (the shared region and the
 * heap, 4 GiB each, the image and its stacks): an address-space rlimit,
 * the fallback without a cgroup, must leave them room. */
#define LBOX_RESERVED_AS (9ULL << 30)

/* lbox-kernel next to the lbox binary, else where the build put it. */
static int find_kernel(const struct mon_launch_config *cfg, char *out,
                       size_t size)
{
    char self[PATH_MAX];
    ssize_t n;
    char *slash;

    if (cfg->kernel_path) {
        snprintf(out, size, "%s", cfg->kernel_path);
        return 0;
    }
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = 0;
        slash = strrchr(self, '/');
        if (slash && (size_t)(slash - self) + sizeof("/lbox-kernel") <= size) {
            memcpy(out, self, (size_t)(slash - self));
            strcpy(out + (slash - self), "/lbox-kernel");
            if (access(out, X_OK) == 0)
                return 0;
        }
    }
#ifdef LBOX_KERNEL_BUILD_PATH
    snprintf(out, size, "%s", LBOX_KERNEL_BUILD_PATH);
    if (access(out, X_OK) == 0)
        return 0;
#endif
    return -ENOENT;
}

/* The identity a file server reads and writes host files as. */
static void server_identity(int class, uid_t *uid, gid_t *gid)
{
    if (geteuid() == 0 && class == SRV_VIEW) {
        *uid = 65534;   /* nobody: a default sandbox sees no root-only file */
        *gid = 65534;
    } else {
        *uid = geteuid();
        *gid = getegid();
    }
}

/* In a child right after fork: die with the monitor, so neither the
 * sandbox nor a file server outlives lbox, however lbox ends. The parent
 * check closes the race with a monitor that died before the prctl. */
static void die_with_monitor(pid_t monitor)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != monitor)
        _exit(125);
}

/*
 * One network namespace for the whole sandbox, its servers and its kernel
 * image alike: making one costs about half a millisecond of host kernel
 * work, and tearing it down as much again, so three of them were the
 * largest part of starting a sandbox. It holds only a loopback device that
 * is down. The monitor makes it without entering it, which needs
 * CAP_SYS_ADMIN; elsewhere (-1) each process leaves the network on its own,
 * through a user namespace of its own.
 */
static int make_netns(void)
{
    int host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int fd = -1;

    if (host < 0)
        return -1;
    if (unshare(CLONE_NEWNET) == 0) {
        fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        /* The monitor goes back where it was, or it does not go on. */
        if (setns(host, CLONE_NEWNET) < 0) {
            fprintf(stderr, "lbox: cannot return to the host's network "
                    "namespace: %s\n", strerror(errno));
            _exit(125);
        }
    }
    close(host);
    return fd;
}

/* In a child: into the sandbox's network namespace, if there is one. */
static bool join_netns(int netns)
{
    bool in = netns >= 0 && setns(netns, CLONE_NEWNET) == 0;

    if (netns >= 0)
        close(netns);
    return in;
}

static bool serves(int class, const struct mon_mount *m)
{
    return m->user == (class == SRV_USER);
}

static _Noreturn void run_server(const struct mon_launch_config *cfg,
                                 struct server *servers, int class,
                                 pid_t monitor, int netns)
{
    struct mon_mount mounts[MON_MAX_MOUNTS];
    struct mon_p9srv_config sc = {.mounts = mounts};
    struct mon_p9srv *srv;
    int fd = servers[class].sv[0];
    int err;

    die_with_monitor(monitor);

    /* Only its own end: a copy of another channel would keep that
     * server from ever seeing the sandbox's end close. */
    for (int c = 0; c < SRV_COUNT; c++) {
        if (servers[c].sv[1] >= 0)
            close(servers[c].sv[1]);
        if (c != class && servers[c].sv[0] >= 0)
            close(servers[c].sv[0]);
    }
    for (size_t i = 0; i < cfg->nmounts; i++) {
        if (!serves(class, &cfg->mounts[i]))
            continue;
        mounts[sc.nmounts] = cfg->mounts[i];
        mounts[sc.nmounts++].budget = cfg->limits.disk_budget;
    }
    server_identity(class, &sc.uid, &sc.gid);
    sc.in_netns = join_netns(netns);
    err = mon_p9srv_new(&sc, &srv);
    if (!err)
        err = mon_p9srv_sandbox(srv);
    if (err < 0) {
        fprintf(stderr, "lbox: file server: %s\n", strerror(-err));
        _exit(1);
    }
    err = mon_p9srv_serve(srv, fd);
    mon_p9srv_free(srv);
    _exit(err < 0 && err != -EPROTO ? 1 : 0);
}

/* Namespaces are a wall the sandbox never needs to pass: try them all,
 * then without a user namespace (for root), and say so once if none. */
static void enter_namespaces(bool in_netns)
{
    int base = CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS |
               (in_netns ? 0 : CLONE_NEWNET);

    if (unshare(CLONE_NEWUSER | base) == 0)
        return;
    if (unshare(base) == 0)
        return;
    fprintf(stderr, "lbox: warning: namespaces unavailable (%s); "
            "seccomp and Landlock still apply\n", strerror(errno));
}

static uint64_t ignored_signals(void)
{
    uint64_t m = 0;

    for (int sig = 1; sig < 65; sig++) {
        struct sigaction sa;

        if (sig != SIGKILL && sig != SIGSTOP &&
            sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
            m |= 1ULL << (sig - 1);
    }
    return m;
}

static char **kernel_argv(const struct mon_launch_config *cfg,
                          const struct bounds *b)
{
    size_t n = 0, max = 16 + 2 * MON_MAX_MOUNTS + RLIMIT_NLIMITS, i = 0;
    char **argv;
    struct rlimit rl;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    while (cfg->argv[n])
        n++;
    argv = calloc(max + n + 1, sizeof(*argv));
    if (!argv)
        return NULL;
#define ADD(...) \
    do { if (asprintf(&argv[i++], __VA_ARGS__) < 0) goto fail; } while (0)
    ADD("lbox-kernel");    /* no host path: the sandbox can read this */
    if (cfg->trace)
        ADD("--trace");
    if (cfg->stats)
        ADD("--stats");
    ADD("--cwd=%s", cfg->cwd ? cfg->cwd : "/");
    ADD("--uid=%u", (unsigned)getuid());
    ADD("--gid=%u", (unsigned)getgid());
    if (b->memory)
        ADD("--mem=%llu", (unsigned long long)b->memory);
    if (cfg->limits.tmpfs_size)
        ADD("--tmpfs-size=%llu", (unsigned long long)cfg->limits.tmpfs_size);
    /* A write through a lent descriptor is not counted by the budget. */
    if (cfg->limits.disk_budget)
        ADD("--no-lent-writes");
    if (cpus > 0)
        ADD("--cpus=%ld", cpus);
    /* Ignored signals stay ignored across execve, as natively: here, in
     * the child, lbox's own are still the ones it was started with. */
    if (ignored_signals())
        ADD("--sig-ignored=%llu", (unsigned long long)ignored_signals());
    /* The guest starts with the limits lbox itself was given. */
    for (int r = 0; r < RLIMIT_NLIMITS; r++)
        if (getrlimit(r, &rl) == 0)
            ADD("--rlimit=%d:%llu:%llu", r, (unsigned long long)rl.rlim_cur,
                (unsigned long long)rl.rlim_max);
    for (size_t m = 0; m < cfg->nmounts; m++)
        ADD("--%smount=%s:%s", cfg->mounts[m].user ? "user-" : "",
            cfg->mounts[m].guest, cfg->mounts[m].rw ? "rw" : "ro");
    for (size_t l = 0; l < cfg->nlinks; l++)
        ADD("--symlink=%s:%s", cfg->links[l].path, cfg->links[l].target);
    ADD("--");
#undef ADD
    for (size_t a = 0; a < n; a++)
        argv[i++] = cfg->argv[a];
    argv[i] = NULL;
    return argv;
fail:
    /* The failed asprintf left its slot undefined: free the ones before. */
    for (size_t k = 0; k + 1 < i; k++)
        free(argv[k]);
    free(argv);
    return NULL;
}

/* Every free descriptor below HC_FD_LENT_MIN gets /dev/null, so a file
 * the file server lends lands at or above it, where the sandbox's filter
 * lets pread, mmap and close reach it (hostcalls.def). */
static int fill_placeholders(void)
{
    int null = open("/dev/null", O_RDONLY), err = 0;

    if (null < 0)
        return -errno;
    for (int fd = 3; fd < HC_FD_LENT_MIN && !err; fd++)
        if (fd != null && fcntl(fd, F_GETFD) < 0 &&
            dup2(null, fd) < 0)
            err = -errno;
    if (null >= HC_FD_LENT_MIN)
        close(null);
    return err;
}

/* Move the kernel image's channel ends to their fixed numbers, by way of
 * high ones so that no dup2 clobbers another end, and close the rest:
 * nothing but the standard streams and the 9P channels crosses over. */
static int place_channels(struct server *servers)
{
    int tmp[SRV_COUNT], top = 0;

    for (int c = 0; c < SRV_COUNT; c++) {
        tmp[c] = -1;
        if (servers[c].sv[1] < 0)
            continue;
        tmp[c] = fcntl(servers[c].sv[1], F_DUPFD_CLOEXEC, 64);
        if (tmp[c] < 0)
            return -errno;
    }
    for (int c = 0; c < SRV_COUNT; c++) {
        if (tmp[c] < 0)
            continue;
        if (dup2(tmp[c], g_kernel_fd[c]) < 0)
            return -errno;
        if (g_kernel_fd[c] > top)
            top = g_kernel_fd[c];
    }
    for (int fd = 3; fd <= top; fd++) {
        bool keep = false;

        for (int c = 0; c < SRV_COUNT; c++)
            keep |= tmp[c] >= 0 && g_kernel_fd[c] == fd;
        if (!keep)
            close(fd);
    }
    if (syscall(SYS_close_range, top + 1, ~0U, 0) < 0)
        for (int i = top + 1; i < 1024; i++)
            close(i);
    return fill_placeholders();
}

/* In the kernel image's process before exec: into the cgroup (or under
 * an address-space rlimit when the user asked for --memory and there is
 * no cgroup), and the CPU-time rlimit. The guest cannot raise either:
 * setrlimit is not on the allowlist. */
static void apply_bounds(const struct mon_launch_config *cfg,
                         const struct bounds *b)
{
    int err = mon_cgroup_enter(&b->cg);
    struct rlimit rl;

    if (err && (cfg->limits.cpu_milli || cfg->limits.pids)) {
        fprintf(stderr, "lbox: cannot enter the sandbox's cgroup: %s\n",
                strerror(-err));
        _exit(125);
    }
    if ((err || !mon_cgroup_has(&b->cg, MON_CG_MEMORY)) && cfg->limits.memory) {
        rl.rlim_cur = rl.rlim_max = b->memory + LBOX_RESERVED_AS;
        setrlimit(RLIMIT_AS, &rl);
    }
    if (cfg->limits.cpu_time) {
        /* SIGXCPU at the soft limit; SIGKILL a second later. */
        rl.rlim_cur = cfg->limits.cpu_time;
        rl.rlim_max = cfg->limits.cpu_time + 1;
        setrlimit(RLIMIT_CPU, &rl);
    }
}

static _Noreturn void run_kernel(const struct mon_launch_config *cfg,
                                 const char *kernel, struct server *servers,
                                 const struct bounds *b, pid_t monitor,
                                 int netns)
{
    char **argv;
    bool in_netns;
    int fd;

    /* Kept across the execve below: lbox-kernel is not set-id. */
    die_with_monitor(monitor);
    in_netns = join_netns(netns);   /* before place_channels moves fds */
    apply_bounds(cfg, b);
    argv = kernel_argv(cfg, b);

    if (!argv || place_channels(servers) < 0)
        _exit(125);
    enter_namespaces(in_netns);
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    /* By descriptor, so that the exec path the host kernel leaves on the
     * image's stack (AT_EXECFN) is /dev/fd/N, not where lbox lives. */
    fd = open(kernel, O_PATH | O_CLOEXEC);
    if (fd >= 0)
        syscall(SYS_execveat, fd, "", argv, cfg->envp, AT_EMPTY_PATH);
    fprintf(stderr, "lbox: cannot start %s: %s\n", kernel, strerror(errno));
    _exit(125);
}

/* The sandbox as a pidfd: once reaped it names no process, so a signal
 * forwarded late can never reach another process that took its pid. */
static int g_kernel_pidfd = -1;

static void forward_signal(int sig)
{
    if (g_kernel_pidfd >= 0)
        syscall(SYS_pidfd_send_signal, g_kernel_pidfd, sig, NULL, 0);
}


static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until the sandbox is gone, killing it once (timeout_ms) (0: none)
 * have passed. Until it is reaped its pid names it, so the kill is safe
 * even without a pidfd. Returns whether the timeout ended it. */
static bool wait_sandbox(pid_t pid, uint64_t timeout_ms, int *st,
                         struct rusage *ru)
{
    int64_t deadline = now_ms() + (int64_t)timeout_ms;
    bool timed_out = false;

    while (timeout_ms && !timed_out) {
        int64_t left = deadline - now_ms();
        struct pollfd p = {.fd = g_kernel_pidfd, .events = POLLIN};

        if (left <= 0) {
            kill(pid, SIGKILL);
            timed_out = true;
        } else if (g_kernel_pidfd >= 0) {
            if (poll(&p, 1, left > 1000 ? 1000 : (int)left) > 0)
                break;
        } else if (wait4(pid, st, WNOHANG, ru) == pid) {
            return false;
        } else {
            usleep(10000);
        }
    }
    while (wait4(pid, st, 0, ru) < 0 && errno == EINTR)
        ;
    return timed_out;
}

/* The status a shell would report, and one line when a bound ended it. */
static int report(const struct mon_launch_config *cfg,
                  const struct bounds *b, int st, const struct rusage *ru,
                  bool timed_out)
{
    uint64_t cpu = (uint64_t)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec);
    int sig;

    if (timed_out) {
        fprintf(stderr, "lbox: sandbox ended: --timeout of %llu.%03llus "
                "reached\n",
                (unsigned long long)(cfg->limits.timeout_ms / 1000),
                (unsigned long long)(cfg->limits.timeout_ms % 1000));
        return MON_EXIT_TIMEOUT;
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    sig = WTERMSIG(st);
    if (sig == SIGSYS)
        fprintf(stderr, "lbox: sandbox killed: it made a host system call "
                "outside the allowlist\n");
    else if (sig == SIGKILL && mon_cgroup_oom(&b->cg))
        fprintf(stderr, "lbox: sandbox ended: out of memory (its limit is "
                "%llu MiB; see --memory)\n",
                (unsigned long long)(b->memory >> 20));
    else if (sig == SIGXCPU || (sig == SIGKILL && cfg->limits.cpu_time &&
                                cpu >= cfg->limits.cpu_time))
        fprintf(stderr, "lbox: sandbox ended: --cpu-time of %llus used\n",
                (unsigned long long)cfg->limits.cpu_time);
    return 128 + sig;
}

/* Half the host's memory unless the user said. A cgroup bounds it; else
 * only an explicit --memory gets the address-space rlimit, which would
 * break programs that reserve much address space. --cpus and --pids-limit
 * have no such stand-in: without their controller lbox refuses to run. */
static int set_bounds(const struct mon_launch_config *cfg, struct bounds *b)
{
    static const char *const flag[MON_CG_COUNT] = {
        [MON_CG_CPU] = "--cpus", [MON_CG_PIDS] = "--pids-limit",
    };
    struct mon_cgroup_limits lim = {
        .cpu_milli = cfg->limits.cpu_milli, .pids = cfg->limits.pids,
    };
    struct sysinfo si;

    b->memory = cfg->limits.memory;
    if (!b->memory && sysinfo(&si) == 0)
        b->memory = (uint64_t)si.totalram * si.mem_unit / 2;
    lim.memory = b->memory;
    mon_cgroup_create(&b->cg, &lim);
    if (!mon_cgroup_has(&b->cg, MON_CG_MEMORY) && cfg->limits.memory)
        fprintf(stderr, "lbox: warning: no cgroup for --memory here (%s); "
                "bounding the sandbox's address space instead\n",
                strerror(-b->cg.err[MON_CG_MEMORY]));
    for (enum mon_cg_ctl c = MON_CG_CPU; c < MON_CG_COUNT; c++) {
        if (b->cg.err[c] == 0)
            continue;
        fprintf(stderr, "lbox: %s needs a writable cgroup with the %s "
                "controller, and this host has none (%s); see 'lbox "
                "doctor'\n", flag[c], mon_cgroup_ctl_name(c),
                strerror(-b->cg.err[c]));
        return b->cg.err[c];
    }
    return 0;
}

static void close_channels(struct server *servers, int end)
{
    for (int c = 0; c < SRV_COUNT; c++) {
        if (servers[c].sv[end] >= 0)
            close(servers[c].sv[end]);
        servers[c].sv[end] = -1;
    }
}

/* A server exits at EOF on its channel; one still busy after this long
 * is stuck (it must never be, but lbox does not wait on it for ever). */
#define SERVER_GRACE_MS 5000

/* Waits for (pid) to end, until (deadline): on its pidfd, so lbox takes
 * no nap it does not need; in short naps where there is no pidfd. */
static bool wait_server(pid_t pid, int64_t deadline)
{
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    bool gone = false;

    for (;;) {
        int64_t left = deadline - now_ms();
        struct pollfd p = {.fd = fd, .events = POLLIN};

        if (waitpid(pid, NULL, WNOHANG) != 0) {
            gone = true;
            break;
        }
        if (left <= 0)
            break;
        if (fd < 0)
            usleep(1000);
        else if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
            break;
    }
    if (fd >= 0)
        close(fd);
    return gone;
}

static void reap_servers(struct server *servers)
{
    int64_t deadline = now_ms() + SERVER_GRACE_MS;

    for (int c = 0; c < SRV_COUNT; c++) {
        if (servers[c].pid <= 0 || wait_server(servers[c].pid, deadline))
            continue;
        fprintf(stderr, "lbox: file server %d did not exit; killing it\n",
                (int)servers[c].pid);
        kill(servers[c].pid, SIGKILL);  /* ours, not yet reaped */
        while (waitpid(servers[c].pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
}

/* A socketpair and a process for each server that has mounts to serve. */
static int start_servers(const struct mon_launch_config *cfg,
                         struct server *servers, int netns)
{
    pid_t monitor = getpid();

    for (int c = 0; c < SRV_COUNT; c++)
        servers[c] = (struct server){.sv = {-1, -1}, .pid = -1};
    for (int c = 0; c < SRV_COUNT; c++) {
        for (size_t i = 0; i < cfg->nmounts; i++) {
            if (!serves(c, &cfg->mounts[i]))
                continue;
            if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
                           servers[c].sv) < 0)
                return -errno;
            break;
        }
    }
    fflush(NULL);
    for (int c = 0; c < SRV_COUNT; c++) {
        if (servers[c].sv[0] < 0)
            continue;
        servers[c].pid = fork();
        if (servers[c].pid < 0)
            return -errno;
        if (servers[c].pid == 0)
            run_server(cfg, servers, c, monitor, netns);
    }
    close_channels(servers, 0);
    return 0;
}

int mon_launch(const struct mon_launch_config *cfg)
{
    char kernel[PATH_MAX];
    struct sigaction sa = {.sa_handler = forward_signal};
    struct server servers[SRV_COUNT];
    struct mon_tty_state tty;
    struct bounds b = {.cg = {.ndirs = 0}};
    struct rusage ru = {0};
    pid_t pid, monitor = getpid();
    bool timed_out;
    int status, st = 0, netns = -1;

    if (find_kernel(cfg, kernel, sizeof(kernel)) < 0) {
        fprintf(stderr, "lbox: cannot find lbox-kernel next to lbox\n");
        return -ENOENT;
    }
    mon_tty_save(&tty);
    netns = make_netns();
    status = start_servers(cfg, servers, netns);
    if (status < 0)
        goto fail;
    /* After the servers: they must not inherit the cgroups' procs fds. */
    status = set_bounds(cfg, &b);
    if (status < 0)
        goto fail;
    pid = fork();
    if (pid < 0) {
        status = -errno;
        goto fail;
    }
    if (pid == 0)
        run_kernel(cfg, kernel, servers, &b, monitor, netns);
    if (netns >= 0)
        close(netns);
    close_channels(servers, 1);
    g_kernel_pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (g_kernel_pidfd < 0)
        fprintf(stderr, "lbox: warning: no pidfd for the sandbox (%s); "
                "signals to lbox are not forwarded\n", strerror(errno));
    /* Terminal signals reach the sandbox directly; pass on the rest. */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    timed_out = wait_sandbox(pid, cfg->limits.timeout_ms, &st, &ru);
    mon_tty_restore(&tty);
    status = report(cfg, &b, st, &ru, timed_out);
    if (g_kernel_pidfd >= 0) {
        int fd = g_kernel_pidfd;

        g_kernel_pidfd = -1;
        close(fd);
    }
    /* The servers see EOF once the kernel image is gone. */
    reap_servers(servers);
    mon_cgroup_destroy(&b.cg);
    return status;
fail:
    if (netns >= 0)
        close(netns);
    close_channels(servers, 0);
    close_channels(servers, 1);
    reap_servers(servers);
    mon_cgroup_destroy(&b.cg);
    return status;
}
