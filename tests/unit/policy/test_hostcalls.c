/* SPDX-License-Identifier: MIT */
/*
 * Tests of the host allowlist table itself (host side): every row names the
 * syscall its number says (checked against libseccomp's table), has an
 * owner and a reason, constrains every descriptor argument, and none of
 * the calls that would open a way out is on it.
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
    "sendto", "sendmsg", "recvfrom", "recvmsg", "kill", "tkill", "tgkill",
    "process_vm_readv", "process_vm_writev", "clone", "clone3", "fork",
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
        for (size_t j = 0; j < i; j++)
            check(g_rows[j].nr != r->nr, "appears once", r->name);
        for (int a = 0; a < 6; a++)
            check(r->arg[a].n <= HC_MAX_VALUES, "matcher fits", r->name);
    }
    /* mmap must never map a host file: MAP_ANONYMOUS is required. */
    for (size_t i = 0; i < n; i++)
        if (!strcmp(g_rows[i].name, "mmap"))
            check(g_rows[i].arg[3].kind == HC_BITS &&
                  (g_rows[i].arg[3].v[1] & 0x20), "requires MAP_ANONYMOUS",
                  "mmap");
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed != 0;
}
