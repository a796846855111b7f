/* SPDX-License-Identifier: MIT */
/*
 * Tests of the host allowlist table itself (host side): every row names the
 * syscall its number says (checked against libseccomp's table), has an
 * owner and a reason, constrains every descriptor argument, and none of
 * the calls that would open a way out is on it. recvmsg is there only to
 * take a lent file from the 9P sockets, and a lent file is only read,
 * mapped private or closed. clone makes threads of this process only,
 * and tgkill signals only this process, with the kick signal.
 */
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "platform/linux/hostcalls.h"

static const struct hostcall g_rows[] = {
#define HOSTCALL(name_, nr_, owner_, reason_, a0, a1, a2, a3, a4, a5) \
    {nr_, #name_, owner_, reason_, {a0, a1, a2, a3, a4, a5}},
#include "platform/linux/hostcalls.def"
#undef HOSTCALL
};

/* Calls that reach files, processes or the network on the host. */
static const char *const g_forbidden[] = {
    "execve", "execveat", "ptrace", "open", "openat", "openat2", "creat",
    "socket", "socketpair", "connect", "bind", "accept", "accept4",
    "sendto", "sendmsg", "recvfrom", "kill", "tkill", "rt_sigqueueinfo",
    "rt_tgsigqueueinfo", "process_vm_readv", "process_vm_writev", "clone3",
    "fork",
    "vfork", "mount", "umount2", "unshare", "setns", "pidfd_open",
    "pidfd_getfd", "name_to_handle_at", "open_by_handle_at", "io_uring_setup",
    "bpf", "perf_event_open", "userfaultfd", "memfd_create", "prctl",
    "seccomp", "keyctl", "add_key", "request_key", "chdir", "chroot",
};

/* Calls whose first argument is a host descriptor. */
static const char *const g_fd_calls[] = {
    "read", "write", "ioctl", "pread64", "pwrite64", "readv", "writev",
    "close", "fstat", "fcntl", "dup", "dup2", "dup3", "poll", "lseek",
};

static int g_failed, g_passed;

static void check(int ok, const char *what, const char *name)
{
    if (ok) {
        g_passed++;
    } else {
        g_failed++;
        printf("FAIL: %s: %s\n", name, what);
    }
}

int main(void)
{
    size_t n = sizeof(g_rows) / sizeof(g_rows[0]);

    for (size_t i = 0; i < n; i++) {
        const struct hostcall *r = &g_rows[i];
        int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, r->name);

        check(nr == (int)r->nr, "number matches libseccomp's", r->name);
        check(r->reason && strlen(r->reason) > 10, "has a reason", r->name);
        check(r->owner && *r->owner, "has an owner", r->name);
        for (size_t j = 0; j < sizeof(g_forbidden) / sizeof(*g_forbidden); j++)
            check(strcmp(r->name, g_forbidden[j]) != 0, "is not forbidden",
                  r->name);
        for (size_t j = 0; j < sizeof(g_fd_calls) / sizeof(*g_fd_calls); j++)
            if (!strcmp(r->name, g_fd_calls[j]))
                check(r->arg[0].kind != HC_ANY, "descriptor constrained",
                      r->name);
        /* Several rows of one call must be adjacent: one reads the
         * table as the list of what the call may do. */
        for (size_t j = 0; j + 1 < i; j++)
            check(g_rows[j].nr != r->nr || g_rows[i - 1].nr == r->nr,
                  "rows of one call are adjacent", r->name);
        for (int a = 0; a < 6; a++)
            check(r->arg[a].n <= HC_MAX_VALUES, "matcher fits", r->name);
    }
    for (size_t i = 0; i < n; i++) {
        const struct hostcall *r = &g_rows[i];
        const struct hc_arg *fl = &r->arg[3], *fd = &r->arg[4];

        /* mmap is anonymous, or a lent file mapped PRIVATE|FIXED or
         * SHARED|FIXED exactly (never a host file lbox did not get lent). */
        if (!strcmp(r->name, "mmap"))
            check((fl->kind == HC_BITS && (fl->v[1] & 0x20)) ||
                  (fl->kind == HC_ONEOF && fl->n >= 1 && fl->n <= 2 &&
                   (fl->v[0] == 0x12 || fl->v[0] == 0x11) &&
                   (fl->n == 1 || fl->v[1] == 0x12 || fl->v[1] == 0x11) &&
                   fd->kind == HC_MIN && fd->v[0] >= HC_FD_LENT_MIN),
                  "anonymous, or a lent file mapped FIXED", "mmap");
        if (!strcmp(r->name, "pread64") || !strcmp(r->name, "close"))
            check(r->arg[0].kind == HC_MIN &&
                  r->arg[0].v[0] >= HC_FD_LENT_MIN, "lent files only",
                  r->name);
        /* CLONE_VM 0x100 and CLONE_THREAD 0x10000 always; never a
         * namespace (0x7e020000), CLONE_PARENT 0x8000, CLONE_VFORK 0x4000,
         * CLONE_SETTLS 0x80000 (lbox sets the bases itself). */
        if (!strcmp(r->name, "clone"))
            check(r->arg[0].kind == HC_ONEOF && r->arg[0].n == 1 &&
                  (r->arg[0].v[0] & 0x10100) == 0x10100 &&
                  !(r->arg[0].v[0] & (0x7e020000 | 0x8000 | 0x4000 |
                                      0x80000)),
                  "threads of this process only", r->name);
        if (!strcmp(r->name, "tgkill"))
            check(r->arg[0].kind == HC_SELF && r->arg[2].kind == HC_ONEOF &&
                  r->arg[2].n == 1 && r->arg[2].v[0] >= 32,
                  "this process only, a real-time signal only", r->name);
        if (!strcmp(r->name, "recvmsg"))
            check(r->arg[0].kind == HC_ONEOF && r->arg[2].kind == HC_ONEOF &&
                  r->arg[2].n == 1 && r->arg[2].v[0] == 0x40000000,
                  "9P sockets only, close-on-exec descriptors", r->name);
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(g_rows[i].name, "recvmsg"))
            for (unsigned v = 0; v < g_rows[i].arg[0].n; v++)
                check(g_rows[i].arg[0].v[v] == HC_FD_9P ||
                      g_rows[i].arg[0].v[v] == HC_FD_9P_USER,
                      "recvmsg on a 9P socket", "recvmsg");
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed != 0;
}
