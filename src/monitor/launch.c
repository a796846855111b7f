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
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/launch.h"

#define KERNEL_FD_9P 3

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

/* The identity the file server reads host files as. */
static void server_identity(uid_t *uid, gid_t *gid)
{
    if (geteuid() == 0) {
        *uid = 65534;   /* nobody: a default sandbox sees no root-only file */
        *gid = 65534;
    } else {
        *uid = geteuid();
        *gid = getegid();
    }
}

static _Noreturn void run_server(const struct mon_launch_config *cfg, int fd)
{
    struct mon_p9srv_config sc = {.mounts = cfg->mounts,
                                  .nmounts = cfg->nmounts};
    struct mon_p9srv *srv;
    int err;

    server_identity(&sc.uid, &sc.gid);
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
static void enter_namespaces(void)
{
    int base = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;

    if (unshare(CLONE_NEWUSER | base) == 0)
        return;
    if (unshare(base) == 0)
        return;
    fprintf(stderr, "lbox: warning: namespaces unavailable (%s); "
            "seccomp and Landlock still apply\n", strerror(errno));
}

static char **kernel_argv(const struct mon_launch_config *cfg,
                          const char *kernel)
{
    size_t n = 0, max = 16 + 2 * MON_MAX_MOUNTS, i = 0;
    char **argv;
    struct sysinfo si;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    while (cfg->argv[n])
        n++;
    argv = calloc(max + n + 1, sizeof(*argv));
    if (!argv)
        return NULL;
#define ADD(...) \
    do { if (asprintf(&argv[i++], __VA_ARGS__) < 0) return NULL; } while (0)
    ADD("%s", kernel);
    if (cfg->trace)
        ADD("--trace");
    if (cfg->stats)
        ADD("--stats");
    ADD("--cwd=%s", cfg->cwd ? cfg->cwd : "/");
    ADD("--uid=%u", (unsigned)getuid());
    ADD("--gid=%u", (unsigned)getgid());
    if (sysinfo(&si) == 0)
        ADD("--mem=%llu", (unsigned long long)si.totalram * si.mem_unit);
    if (cpus > 0)
        ADD("--cpus=%ld", cpus);
    for (size_t m = 0; m < cfg->nmounts; m++)
        ADD("--mount=%s:%s", cfg->mounts[m].guest,
            cfg->mounts[m].rw ? "rw" : "ro");
    for (size_t l = 0; l < cfg->nlinks; l++)
        ADD("--symlink=%s:%s", cfg->links[l].path, cfg->links[l].target);
    ADD("--");
#undef ADD
    for (size_t a = 0; a < n; a++)
        argv[i++] = cfg->argv[a];
    argv[i] = NULL;
    return argv;
}

static _Noreturn void run_kernel(const struct mon_launch_config *cfg,
                                 const char *kernel, int fd)
{
    char **argv = kernel_argv(cfg, kernel);

    if (!argv)
        _exit(125);
    if (fd == KERNEL_FD_9P ? fcntl(fd, F_SETFD, 0) < 0
                           : dup2(fd, KERNEL_FD_9P) < 0)
        _exit(125);
    /* Nothing but the standard streams and the 9P channel crosses over. */
    if (syscall(SYS_close_range, KERNEL_FD_9P + 1, ~0U, 0) < 0)
        for (int i = KERNEL_FD_9P + 1; i < 1024; i++)
            close(i);
    enter_namespaces();
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    execve(kernel, argv, cfg->envp);
    fprintf(stderr, "lbox: cannot start %s: %s\n", kernel, strerror(errno));
    _exit(125);
}

static pid_t g_kernel_pid;

static void forward_signal(int sig)
{
    if (g_kernel_pid > 0)
        kill(g_kernel_pid, sig);
}

static int wait_status(pid_t pid)
{
    int st;

    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -errno;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WTERMSIG(st) == SIGSYS)
        fprintf(stderr, "lbox: sandbox killed: it made a host system call "
                "outside the allowlist\n");
    return 128 + WTERMSIG(st);
}

int mon_launch(const struct mon_launch_config *cfg)
{
    char kernel[PATH_MAX];
    struct sigaction sa = {.sa_handler = forward_signal};
    pid_t server, pid;
    int sv[2], status;

    if (find_kernel(cfg, kernel, sizeof(kernel)) < 0) {
        fprintf(stderr, "lbox: cannot find lbox-kernel next to lbox\n");
        return -ENOENT;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -errno;
    fflush(NULL);
    server = fork();
    if (server < 0)
        return -errno;
    if (server == 0) {
        close(sv[1]);
        run_server(cfg, sv[0]);
    }
    close(sv[0]);
    pid = fork();
    if (pid < 0) {
        status = -errno;
        close(sv[1]);
        waitpid(server, NULL, 0);
        return status;
    }
    if (pid == 0)
        run_kernel(cfg, kernel, sv[1]);
    close(sv[1]);
    g_kernel_pid = pid;
    /* Terminal signals reach the sandbox directly; pass on the rest. */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    status = wait_status(pid);
    /* The server sees EOF once the kernel image is gone. */
    waitpid(server, NULL, 0);
    return status;
}
