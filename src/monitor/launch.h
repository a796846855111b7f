/* SPDX-License-Identifier: MIT */
/*
 * Starting a sandbox (monitor, host side, trusted): the launch path as a
 * library call, so the CLI and a later OCI runtime front end drive the
 * same code. The caller fills struct mon_launch_config; mon_launch runs
 * the file server and the kernel image and returns the guest's status.
 */
#ifndef LBOX_MONITOR_LAUNCH_H
#define LBOX_MONITOR_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/p9srv.h"

#define MON_MAX_MOUNTS 32

/* Bounds the guest cannot raise (0: the default, or none). */
struct mon_limits {
    uint64_t memory;        /* bytes; default: half the host's memory */
    uint64_t cpu_time;      /* seconds of CPU time; none by default */
    uint64_t cpu_milli;     /* CPU quota in thousandths of a CPU; none */
    uint64_t pids;          /* host tasks the sandbox may have; none */
    uint64_t timeout_ms;    /* wall-clock time; none by default */
    uint64_t tmpfs_size;    /* bytes of tmpfs data; default: memory / 2 */
    uint64_t disk_budget;   /* bytes each rw mount may grow by; none */
};

/* Exit statuses of a sandbox ended by a bound (besides 128+N). */
#define MON_EXIT_TIMEOUT 124

/* Mount and link strings are heap-allocated and owned by the config:
 * mon_launch_config_release() frees them. argv and envp are the caller's. */
struct mon_launch_config {
    char **argv;                /* guest program and arguments */
    char **envp;                /* guest environment */
    const char *cwd;            /* guest working directory */
    struct mon_mount mounts[MON_MAX_MOUNTS];
    size_t nmounts;
    struct {
        const char *path, *target;
    } links[MON_MAX_MOUNTS];    /* symlinks in the guest root */
    size_t nlinks;
    bool trace, stats;
    struct mon_limits limits;
    const char *kernel_path;    /* lbox-kernel; NULL: next to lbox */
};

/*
 * Add the default file view: the host's system directories (/usr, /bin,
 * /sbin, /lib*, /etc, /opt) read-only, symlinks where the host has them
 * (merged /usr), and the host directory (cwd) read-only at the same path
 * unless it is the user's home directory or holds it (then 1: the caller
 * says so). Mounts already in (cfg) at the same guest path win. 0, 1 or
 * -errno.
 */
int mon_default_view(struct mon_launch_config *cfg, const char *cwd);

/* Add a mount (copies the strings). 0, -E2BIG or -ENOMEM. */
int mon_add_mount(struct mon_launch_config *cfg, const char *host,
                  const char *guest, bool rw);

/*
 * Add one of the user's own mounts (-v): served by a file server of its
 * own with the invoking user's identity (see mon_launch). (source) is the
 * path as the user typed it, relative to the cwd or absolute; it is
 * resolved without following any symlink in it (-ELOOP if there is one)
 * and pinned to the object found, which the file server must find again.
 */
int mon_add_user_mount(struct mon_launch_config *cfg, const char *source,
                       const char *guest, bool rw);

/* Free the mount and link strings the config owns. */
void mon_launch_config_release(struct mon_launch_config *cfg);

/*
 * Run the sandbox to completion. Returns the exit status a shell would
 * report (0..255, 128+N for death by signal N), or -errno if it could not
 * be started (with a message on stderr).
 */
int mon_launch(const struct mon_launch_config *cfg);

#endif /* LBOX_MONITOR_LAUNCH_H */
