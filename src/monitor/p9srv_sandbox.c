// SPDX-License-Identifier: MIT
/* Confinement of the monitor's 9P server process (host side): opens the
 * mount sources, leaves the host's network and IPC namespaces, drops to
 * the served identity, sets no_new_privs, restricts itself with Landlock
 * to exactly the mount sources and with seccomp to p9srv_calls.def. */
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor/p9srv_int.h"

/* Landlock ABI, defined here because the host's linux-libc-dev may predate
 * the ABI versions the running kernel offers. */
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

struct p9_ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;    /* ABI 4 */
    uint64_t scoped;                /* ABI 6 */
};

struct p9_ll_path_beneath {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

#define P9_LL_CREATE_RULESET_VERSION (1u << 0)
#define P9_LL_RULE_PATH_BENEATH 1

#define LL_EXECUTE (1ull << 0)
#define LL_WRITE_FILE (1ull << 1)
#define LL_READ_FILE (1ull << 2)
#define LL_READ_DIR (1ull << 3)
#define LL_REMOVE_DIR (1ull << 4)
#define LL_REMOVE_FILE (1ull << 5)
#define LL_MAKE_CHAR (1ull << 6)
#define LL_MAKE_DIR (1ull << 7)
#define LL_MAKE_REG (1ull << 8)
#define LL_MAKE_SOCK (1ull << 9)
#define LL_MAKE_FIFO (1ull << 10)
#define LL_MAKE_BLOCK (1ull << 11)
#define LL_MAKE_SYM (1ull << 12)
#define LL_REFER (1ull << 13)       /* ABI 2 */
#define LL_TRUNCATE (1ull << 14)    /* ABI 3 */
#define LL_IOCTL_DEV (1ull << 15)   /* ABI 5 */
#define LL_NET_BIND_TCP (1ull << 0)
#define LL_NET_CONNECT_TCP (1ull << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ull << 0)
#define LL_SCOPE_SIGNAL (1ull << 1)

#define LL_MAX_ABI 7

static uint64_t fs_handled(int abi)
{
    uint64_t all = (LL_MAKE_SYM << 1) - 1;  /* ABI 1: bits 0..12 */

    if (abi >= 2)
        all |= LL_REFER;
    if (abi >= 3)
        all |= LL_TRUNCATE;
    if (abi >= 5)
        all |= LL_IOCTL_DEV;
    return all;
}

/* What the server may do beneath one mount source: read it, and on a
 * writable one create, remove and rename regular files, directories,
 * symlinks and socket nodes (what a guest's bind(2) leaves; nothing on
 * the host listens on them). Never execute, never make FIFOs or
 * devices. */
static uint64_t fs_allowed(const struct p9_mount *m, int abi)
{
    uint64_t file_rights = LL_READ_FILE;
    uint64_t a;

    if (m->rw)
        file_rights |= LL_WRITE_FILE | LL_TRUNCATE;
    if (!S_ISDIR(m->mode))
        return file_rights & fs_handled(abi);
    a = file_rights | LL_READ_DIR;
    if (m->rw)
        a |= LL_REMOVE_DIR | LL_REMOVE_FILE | LL_MAKE_DIR | LL_MAKE_REG |
             LL_MAKE_SYM | LL_MAKE_SOCK | LL_REFER;
    return a & fs_handled(abi);
}

static int landlock_restrict(struct mon_p9srv *srv)
{
    struct p9_ll_ruleset_attr attr = { 0 };
    size_t attr_size = sizeof(attr.handled_access_fs);
    long abi;
    int rfd, err = 0;

    abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
                  P9_LL_CREATE_RULESET_VERSION);
    if (abi < 1) {
        fprintf(stderr, "lbox: Landlock is unavailable (%s); the file "
                "server runs without its second wall\n", strerror(errno));
        return 0;
    }
    if (abi > LL_MAX_ABI)
        abi = LL_MAX_ABI;
    attr.handled_access_fs = fs_handled((int)abi);
    if (abi >= 4) {
        attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
        attr_size = offsetof(struct p9_ll_ruleset_attr, scoped);
    }
    if (abi >= 6) {
        attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
        attr_size = sizeof(attr);
    }
    rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
    if (rfd < 0)
        return -errno;
    for (size_t i = 0; i < srv->nmounts; i++) {
        struct p9_ll_path_beneath rule = {
            .allowed_access = fs_allowed(&srv->mounts[i], (int)abi),
            .parent_fd = srv->mounts[i].root_fd,
        };

        if (syscall(SYS_landlock_add_rule, rfd, P9_LL_RULE_PATH_BENEATH,
                    &rule, 0) < 0) {
            err = -errno;
            goto out;
        }
    }
    if (syscall(SYS_landlock_restrict_self, rfd, 0) < 0)
        err = -errno;
out:
    close(rfd);
    return err;
}

/* Serving root's own mounts as root: keep only what file ownership and
 * permission checks need (chown, DAC override and search, owner checks),
 * and nothing in the bounding or ambient sets that could bring the rest
 * back. Set-id bits are stripped by the server itself, so no FSETID. */
#define P9_KEEP_CAPS ((1u << CAP_CHOWN) | (1u << CAP_DAC_OVERRIDE) | \
                      (1u << CAP_DAC_READ_SEARCH) | (1u << CAP_FOWNER))

static int keep_file_caps(void)
{
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3,
    };
    struct __user_cap_data_struct data[2] = {
        {.effective = P9_KEEP_CAPS, .permitted = P9_KEEP_CAPS},
    };

    for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
        if (cap > 31 || !(P9_KEEP_CAPS & (1u << cap)))
            if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
                return -errno;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
        errno != EINVAL)
        return -errno;
    if (syscall(SYS_capset, &hdr, data) < 0)
        return -errno;
    return 0;
}

static int drop_identity(struct mon_p9srv *srv)
{
    if (geteuid() != 0)
        return 0;
    if (setgroups(0, NULL) < 0)
        return -errno;
    if (setresgid(srv->gid, srv->gid, srv->gid) < 0)
        return -errno;
    if (setresuid(srv->uid, srv->uid, srv->uid) < 0)
        return -errno;
    return srv->uid == 0 ? keep_file_caps() : 0;
}

static int write_proc(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
    ssize_t len = (ssize_t)strlen(text);

    if (fd < 0)
        return -errno;
    if (write(fd, text, (size_t)len) != len)
        err = -errno;
    close(fd);
    return err;
}

/* No network and no System V IPC: a memory bug in the server reaches no
 * socket, netlink or shared segment of the host. Root unshares directly;
 * others through a user namespace mapping only themselves, with every
 * capability in it dropped again, so the server's file access stays the
 * user's. Best effort: without either the other walls still stand. */
static void leave_namespaces(const struct mon_p9srv *srv)
{
    const int ns = (srv->in_netns ? 0 : CLONE_NEWNET) | CLONE_NEWIPC |
                   CLONE_NEWUTS;
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3,
    };
    struct __user_cap_data_struct none[2] = {{0}};
    uid_t uid = geteuid();
    gid_t gid = getegid();
    char map[64];

    if (unshare(ns) == 0 || unshare(CLONE_NEWUSER | ns) < 0)
        return;
    snprintf(map, sizeof(map), "%u %u 1", (unsigned)uid, (unsigned)uid);
    write_proc("/proc/self/uid_map", map);
    write_proc("/proc/self/setgroups", "deny");
    snprintf(map, sizeof(map), "%u %u 1", (unsigned)gid, (unsigned)gid);
    write_proc("/proc/self/gid_map", map);
    syscall(SYS_capset, &hdr, none);
}

/* The server's own allowlist (p9srv_calls.def), as libseccomp assembled
 * it at build time; anything else kills it. */
static int seccomp_restrict(void)
{
#include "monitor/p9srv_filter.h"
    struct sock_fprog prog = {
        .len = sizeof(g_p9srv_filter) / sizeof(*g_p9srv_filter),
        .filter = (struct sock_filter *)g_p9srv_filter,
    };

    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
        return -errno;
    return 0;
}

int mon_p9srv_sandbox(struct mon_p9srv *srv)
{
    struct rlimit rl;
    int err;

    err = p9srv_open_mounts(srv);
    if (err)
        return err;
    leave_namespaces(srv);
    /* Each fid holds up to three fds: use what the hard limit allows. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    err = drop_identity(srv);
    if (err)
        return err;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -errno;
    err = landlock_restrict(srv);
    if (err)
        return err;
    return seccomp_restrict();
}
