/* SPDX-License-Identifier: MIT */
/*
 * The sandbox's own cgroup (monitor, host side). See cgroup.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "monitor/cgroup.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

static int write_file(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    int fd, err = 0;
    ssize_t len = (ssize_t)strlen(text);

    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
        return -ENAMETOOLONG;
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (write(fd, text, (size_t)len) != len)
        err = -errno;
    close(fd);
    return err;
}

static bool read_file(const char *dir, const char *name, char *buf,
                      size_t size)
{
    char path[PATH_MAX];
    int fd;
    ssize_t n;

    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
        return false;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    n = read(fd, buf, size - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    return n > 0;
}

static const char *const ctl_name[MON_CG_COUNT] = {"memory", "cpu", "pids"};

const char *mon_cgroup_ctl_name(enum mon_cg_ctl c)
{
    return ctl_name[c];
}

/* Is there a (name) in (dir)? */
static bool access_in(const char *dir, const char *name)
{
    char path[PATH_MAX];

    return snprintf(path, sizeof(path), "%s/%s", dir, name) <
               (int)sizeof(path) && access(path, F_OK) == 0;
}

/* Is (name) one of the comma-separated words of (list)? (cpu is not
 * cpuset, nor cpuacct.) Spaces separate words too (subtree_control). */
static bool has_word(const char *list, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = list; *p; p += strcspn(p, ", \n")) {
        p += strspn(p, ", \n");
        if (!strncmp(p, name, n) && (!p[n] || strchr(", \n", p[n])))
            return true;
    }
    return false;
}

/* The monitor's own cgroup in a hierarchy: the "0::/x" line (v2) or the
 * one whose controllers include (ctl) (v1). */
static bool own_cgroup(int version, const char *ctl_want, char *out,
                       size_t size)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    char line[PATH_MAX + 64];
    bool found = false;

    if (!f)
        return false;
    while (!found && fgets(line, sizeof(line), f)) {
        char *ctl = strchr(line, ':'), *path;

        if (!ctl || !(path = strchr(ctl + 1, ':')))
            continue;
        *path++ = 0;
        ctl++;
        path[strcspn(path, "\n")] = 0;
        if (version == 2 ? !strcmp(line, "0") && !*ctl
                         : has_word(ctl, ctl_want)) {
            snprintf(out, size, "%s", path);
            found = true;
        }
    }
    fclose(f);
    return found;
}

/* Where a hierarchy is mounted, from the usual places: v1 controllers at
 * /sys/fs/cgroup/<name> (a link to cpu,cpuacct where they share one),
 * found by a file only that controller has. */
static bool hierarchy_root(int version, enum mon_cg_ctl c, char *out,
                           size_t size)
{
    static const char *const v2[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
    static const char *const v1_mark[MON_CG_COUNT] = {
        "memory.limit_in_bytes", "cpu.cfs_quota_us",
        "cgroup.procs", /* the pids root has no pids.max */
    };
    struct statfs fs;

    if (version == 1) {
        snprintf(out, size, "/sys/fs/cgroup/%s", ctl_name[c]);
        return access_in(out, v1_mark[c]);
    }
    for (size_t i = 0; i < sizeof(v2) / sizeof(*v2); i++)
        if (statfs(v2[i], &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) {
            snprintf(out, size, "%s", v2[i]);
            return true;
        }
    return false;
}

/* rmdir the empty lbox-<pid> cgroups whose monitor is gone (a SIGKILLed
 * lbox cannot remove its own). */
static void remove_stale(const char *parent)
{
    DIR *d = opendir(parent);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d))) {
        char path[PATH_MAX], *end;
        long pid;

        if (strncmp(e->d_name, "lbox-", 5))
            continue;
        pid = strtol(e->d_name + 5, &end, 10);
        if (*end || pid <= 0 || pid == getpid() ||
            kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", parent, e->d_name) <
            (int)sizeof(path))
            rmdir(path);
    }
    closedir(d);
}

/* The parent directory lbox's cgroups go in, for (c) in (version). */
static int parent_dir(int version, enum mon_cg_ctl c, char *out, size_t size)
{
    char root[64], own[PATH_MAX / 2], ctl[256];

    if (!hierarchy_root(version, c, root, sizeof(root)) ||
        !own_cgroup(version, ctl_name[c], own, sizeof(own)))
        return -ENOENT;
    if (snprintf(out, size, "%s%s", root, strcmp(own, "/") ? own : "") >=
        (int)size)
        return -ENAMETOOLONG;
    if (version == 2 && (!read_file(out, "cgroup.subtree_control", ctl,
                                    sizeof(ctl)) ||
                         !has_word(ctl, ctl_name[c])))
        return -EOPNOTSUPP; /* the parent does not delegate it */
    return 0;
}

/* A directory of ours holding (c): v2's if there is one (made once, for
 * every controller its parent delegates), else (c)'s v1 hierarchy's. */
static int dir_for(struct mon_cgroup *cg, enum mon_cg_ctl c)
{
    char parent[PATH_MAX], procs[PATH_MAX];
    struct mon_cgroup_dir *d;
    int err, version;

    for (version = 2; version >= 1; version--) {
        err = parent_dir(version, c, parent, sizeof(parent));
        if (!err)
            break;
    }
    if (err)
        return err;
    for (int i = 0; i < cg->ndirs; i++)
        if (cg->dir[i].version == 2 && version == 2)
            return i;
    remove_stale(parent);
    d = &cg->dir[cg->ndirs];
    /*
     * v1: the calling thread goes in through "tasks", not "cgroup.procs".
     * Moving a whole process takes the host's global threadgroup lock for
     * writing, which waits for an RCU grace period when none was taken
     * lately: 6 to 30 ms at every start here. Moving oneself, one thread,
     * skips that lock, and the process that enters (the kernel image's,
     * before exec) has a single thread. v2 has no "tasks".
     */
    if (snprintf(d->path, sizeof(d->path), "%s/lbox-%d", parent,
                 (int)getpid()) >= (int)sizeof(d->path) ||
        snprintf(procs, sizeof(procs), "%s/%s", d->path,
                 version == 1 ? "tasks" : "cgroup.procs") >=
            (int)sizeof(procs))
        return -ENAMETOOLONG;
    if (mkdir(d->path, 0755) < 0)
        return -errno;
    d->version = version;
    d->procs_fd = open(procs, O_WRONLY | O_CLOEXEC);
    if (d->procs_fd < 0) {
        err = -errno;
        rmdir(d->path);
        return err;
    }
    return cg->ndirs++;
}

static int set_limit(const struct mon_cgroup_dir *d, enum mon_cg_ctl c,
                     const struct mon_cgroup_limits *lim)
{
    char num[64];
    int err;

    switch (c) {
    case MON_CG_MEMORY:
        snprintf(num, sizeof(num), "%llu", (unsigned long long)lim->memory);
        if (d->version == 2) {
            err = write_file(d->path, "memory.max", num);
            if (!err)   /* absent without swap: nothing to bound */
                write_file(d->path, "memory.swap.max", "0");
        } else {
            err = write_file(d->path, "memory.limit_in_bytes", num);
            /* With swap accounting, swap counts against the same bound. */
            if (!err)
                write_file(d->path, "memory.memsw.limit_in_bytes", num);
        }
        return err;
    case MON_CG_CPU:
        /* (cpu_milli / 1000) CPUs' worth in every 100 ms period. */
        if (d->version == 2) {
            snprintf(num, sizeof(num), "%llu 100000",
                     (unsigned long long)lim->cpu_milli * 100);
            return write_file(d->path, "cpu.max", num);
        }
        snprintf(num, sizeof(num), "%llu",
                 (unsigned long long)lim->cpu_milli * 100);
        err = write_file(d->path, "cpu.cfs_period_us", "100000");
        return err ? err : write_file(d->path, "cpu.cfs_quota_us", num);
    case MON_CG_PIDS:
        snprintf(num, sizeof(num), "%llu", (unsigned long long)lim->pids);
        return write_file(d->path, "pids.max", num);
    default:
        return -EINVAL;
    }
}

int mon_cgroup_create(struct mon_cgroup *cg,
                      const struct mon_cgroup_limits *lim)
{
    const uint64_t want[MON_CG_COUNT] = {lim->memory, lim->cpu_milli,
                                         lim->pids};
    int first = 0;

    *cg = (struct mon_cgroup){.ndirs = 0};
    for (int c = 0; c < MON_CG_COUNT; c++) {
        int i, err = 0;

        cg->where[c] = -1;
        if (!want[c])
            continue;
        i = dir_for(cg, (enum mon_cg_ctl)c);
        if (i < 0)
            err = i;
        else if (!(err = set_limit(&cg->dir[i], (enum mon_cg_ctl)c, lim)))
            cg->where[c] = i;
        cg->err[c] = err;
        if (err && !first)
            first = err;
    }
    return first;
}

int mon_cgroup_enter(const struct mon_cgroup *cg)
{
    if (!cg->ndirs)
        return -ENOENT;
    for (int i = 0; i < cg->ndirs; i++)
        if (write(cg->dir[i].procs_fd, "0", 1) != 1)
            return -errno;
    return 0;
}

bool mon_cgroup_oom(const struct mon_cgroup *cg)
{
    const struct mon_cgroup_dir *d;
    char buf[1024], *p;

    if (!mon_cgroup_has(cg, MON_CG_MEMORY))
        return false;
    d = &cg->dir[cg->where[MON_CG_MEMORY]];
    if (!read_file(d->path, d->version == 2 ? "memory.events"
                                            : "memory.oom_control",
                   buf, sizeof(buf)))
        return false;
    p = strstr(buf, "oom_kill ");
    return p && strtoul(p + 9, NULL, 10) > 0;
}

void mon_cgroup_destroy(struct mon_cgroup *cg)
{
    for (int i = 0; i < cg->ndirs; i++) {
        struct mon_cgroup_dir *d = &cg->dir[i];

        if (d->procs_fd >= 0)
            close(d->procs_fd);
        d->procs_fd = -1;
        /* A just-reaped process can keep it busy for a moment. */
        for (int n = 0; n < 100 && rmdir(d->path) < 0 && errno == EBUSY; n++)
            usleep(10000);
    }
    cg->ndirs = 0;
    for (int c = 0; c < MON_CG_COUNT; c++)
        cg->where[c] = -1;
}

const char *mon_cgroup_probe(enum mon_cg_ctl c, char *why, size_t size)
{
    const struct mon_cgroup_limits lim = {
        .memory = c == MON_CG_MEMORY ? 1ULL << 30 : 0,
        .cpu_milli = c == MON_CG_CPU ? 1000 : 0,
        .pids = c == MON_CG_PIDS ? 1 << 16 : 0,
    };
    struct mon_cgroup cg;
    const char *kind = NULL;
    int err;

    err = mon_cgroup_create(&cg, &lim);
    if (err)
        snprintf(why, size, "%s", strerror(-err));
    else
        kind = cg.dir[cg.where[c]].version == 2 ? "v2" : "v1";
    mon_cgroup_destroy(&cg);
    return kind;
}
