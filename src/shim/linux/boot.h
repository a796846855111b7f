/* SPDX-License-Identifier: MIT */
/*
 * Start-up of the Linux shim (kernel image): the kernel command line the
 * monitor passes, and the steps that build the sandbox's kernel state.
 */
#ifndef LBOX_SHIM_LINUX_BOOT_H
#define LBOX_SHIM_LINUX_BOOT_H

#include "shim/linux/shim.h"

#define BOOT_MAX_MOUNTS 32

struct boot_mount {
    const char *guest;      /* where, and the 9P attach name */
    bool rw;
    bool user;              /* on LBOX_CHAN_FS_USER, not LBOX_CHAN_FS */
};

struct boot_link {
    const char *path;
    const char *target;
};

struct boot_config {
    bool trace, stats;
    const char *cwd;
    const char *hostname;
    uint32_t uid, gid;
    uint64_t mem_total;
    uint64_t tmpfs_size;    /* bytes of tmpfs data; 0: mem_total / 4 */
    uint32_t ncpus;
    uint64_t sig_ignored;   /* signals lbox was started with ignored */
    struct boot_mount mounts[BOOT_MAX_MOUNTS];
    unsigned nmounts;
    struct boot_link links[BOOT_MAX_MOUNTS];
    unsigned nlinks;
    struct k_rlimit rlimits[K_RLIMIT_COUNT]; /* the monitor's own */
    char **argv;            /* the guest's program and arguments */
    char **envp;
};

/* Parse "lbox-kernel [options] -- PROGRAM ARGS". -EINVAL with a message. */
int boot_parse(int argc, char **argv, char **envp, struct boot_config *cfg);

/* Build kernel, process and task; mount the file tree. */
int boot_kernel(const struct boot_config *cfg, struct task **out);

/* Find (name) on the guest's PATH like a shell; (out) VFS_PATH_MAX. */
int boot_find_program(struct task *t, const char *name, char *const envp[],
                      char *out);

/* Record argv for /proc/self/cmdline (boot and execve). */
void proc_set_cmdline(struct task *t, char *const argv[]);

#endif /* LBOX_SHIM_LINUX_BOOT_H */
