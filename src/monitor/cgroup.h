/* SPDX-License-Identifier: MIT */
/*
 * Cgroups of the sandbox's own (monitor, host side): bounds a guest cannot
 * raise or outgrow, whatever it maps, writes to tmpfs, spins on or forks.
 * Memory (swap included), a CPU quota and a task count, each in cgroup v2
 * when the monitor's cgroup delegates that controller to a child, else in
 * that controller's v1 hierarchy, else not at all (then mon_launch falls
 * back to an address-space rlimit for memory, and refuses --cpus and
 * --pids-limit).
 */
#ifndef LBOX_MONITOR_CGROUP_H
#define LBOX_MONITOR_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

enum mon_cg_ctl { MON_CG_MEMORY, MON_CG_CPU, MON_CG_PIDS, MON_CG_COUNT };

/* "memory", "cpu", "pids": the controller's name in the kernel's files. */
const char *mon_cgroup_ctl_name(enum mon_cg_ctl c);

struct mon_cgroup_limits {
    uint64_t memory;        /* bytes, swap included; 0: no bound */
    uint64_t cpu_milli;     /* thousandths of a CPU; 0: no bound */
    uint64_t pids;          /* host tasks (processes and threads); 0: none */
};

struct mon_cgroup_dir {
    int version;            /* 1 or 2 */
    char path[PATH_MAX];    /* the lbox-<pid> directory lbox created */
    int procs_fd;           /* its cgroup.procs (v1: tasks), O_CLOEXEC */
};

struct mon_cgroup {
    struct mon_cgroup_dir dir[MON_CG_COUNT];   /* v2: one for all */
    int ndirs;
    int where[MON_CG_COUNT];    /* index into dir[], -1: not bounded */
    int err[MON_CG_COUNT];      /* why not, for a bound that was asked */
};

/* Create lbox-<pid> cgroups for the bounds in (lim) that are not 0.
 * Returns 0 when every one is in place; else -errno of the first missing
 * one, and cg->where/err say which (the ones in place stay, so (cg) must
 * be destroyed either way). Stale lbox-* cgroups of dead monitors are
 * removed on the way. */
int mon_cgroup_create(struct mon_cgroup *cg,
                      const struct mon_cgroup_limits *lim);

static inline bool mon_cgroup_has(const struct mon_cgroup *cg,
                                  enum mon_cg_ctl c)
{
    return cg->where[c] >= 0;
}

/* In a child before exec, while it has one thread: move it into each. 0
 * or the -errno of the first that failed. */
int mon_cgroup_enter(const struct mon_cgroup *cg);

/* Did the kernel kill something in it for memory? */
bool mon_cgroup_oom(const struct mon_cgroup *cg);

/* Remove them (after their processes are gone). */
void mon_cgroup_destroy(struct mon_cgroup *cg);

/* Where this host bounds controller (c), for `lbox doctor`: "v2", "v1",
 * or NULL and the reason in (why). Creates and removes a probe cgroup. */
const char *mon_cgroup_probe(enum mon_cg_ctl c, char *why, size_t size);

#endif /* LBOX_MONITOR_CGROUP_H */
