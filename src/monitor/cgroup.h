/* SPDX-License-Identifier: MIT */
/*
 * A cgroup of the sandbox's own (monitor, host side): the memory bound a
 * guest cannot raise or outgrow, whatever it maps or writes to tmpfs.
 * cgroup v2 when the monitor's cgroup can have a child with the memory
 * controller, v1's memory hierarchy otherwise; none if neither is
 * writable (then mon_launch falls back to an address-space rlimit).
 */
#ifndef LBOX_MONITOR_CGROUP_H
#define LBOX_MONITOR_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

struct mon_cgroup {
    int version;            /* 1 or 2; 0: none */
    char path[PATH_MAX];    /* the directory lbox created */
    int procs_fd;           /* its cgroup.procs, O_CLOEXEC */
};

/* Create lbox-<pid> with a memory limit of (bytes), swap included. 0, or
 * -errno with (cg) left empty. Stale lbox-* cgroups of dead monitors are
 * removed on the way. */
int mon_cgroup_create(struct mon_cgroup *cg, uint64_t bytes);

/* In a child before exec: move the calling process in. 0 or -errno. */
int mon_cgroup_enter(const struct mon_cgroup *cg);

/* Did the kernel kill something in it for memory? */
bool mon_cgroup_oom(const struct mon_cgroup *cg);

/* Remove it (after its processes are gone). */
void mon_cgroup_destroy(struct mon_cgroup *cg);

/* Which kind this host gives, for `lbox doctor`: "v2", "v1" or NULL and
 * the reason in (why). Creates and removes a probe cgroup. */
const char *mon_cgroup_probe(char *why, size_t size);

#endif /* LBOX_MONITOR_CGROUP_H */
