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

/* The monitor's own cgroup in a hierarchy: the "0::/x" line (v2) or the
 * one whose controllers include "memory" (v1). */
static bool own_cgroup(int version, char *out, size_t size)
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
                         : !!strstr(ctl, "memory")) {
            snprintf(out, size, "%s", path);
            found = true;
        }
    }
    fclose(f);
    return found;
}

/* Where each hierarchy is mounted, from the usual places. */
static const char *hierarchy_root(int version)
{
    static const char *const v2[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
    struct statfs fs;

    if (version == 1)
        return access("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK) == 0
                   ? "/sys/fs/cgroup/memory" : NULL;
    for (size_t i = 0; i < sizeof(v2) / sizeof(*v2); i++)
        if (statfs(v2[i], &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
            return v2[i];
    return NULL;
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

static int try_version(struct mon_cgroup *cg, int version, uint64_t bytes)
{
    const char *root = hierarchy_root(version);
    char own[PATH_MAX / 2], parent[PATH_MAX], num[32], ctl[256];
    int err;

    if (!root || !own_cgroup(version, own, sizeof(own)))
        return -ENOENT;
    if (snprintf(parent, sizeof(parent), "%s%s", root,
                 strcmp(own, "/") ? own : "") >= (int)sizeof(parent))
        return -ENAMETOOLONG;
    remove_stale(parent);
    if (version == 2 && (!read_file(parent, "cgroup.subtree_control", ctl,
                                    sizeof(ctl)) || !strstr(ctl, "memory")))
        return -EOPNOTSUPP; /* the parent does not delegate memory */
    if (snprintf(cg->path, sizeof(cg->path), "%s/lbox-%d", parent,
                 (int)getpid()) >= (int)sizeof(cg->path))
        return -ENAMETOOLONG;
    if (mkdir(cg->path, 0755) < 0)
        return -errno;
    cg->version = version;
    snprintf(num, sizeof(num), "%llu", (unsigned long long)bytes);
    if (version == 2) {
        err = write_file(cg->path, "memory.max", num);
        if (!err)   /* absent without swap: nothing to bound */
            write_file(cg->path, "memory.swap.max", "0");
    } else {
        err = write_file(cg->path, "memory.limit_in_bytes", num);
        /* With swap accounting, swap counts against the same bound. */
        if (!err)
            write_file(cg->path, "memory.memsw.limit_in_bytes", num);
    }
    if (!err) {
        char procs[PATH_MAX];

        if (snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg->path) >=
            (int)sizeof(procs))
            err = -ENAMETOOLONG;
        else if ((cg->procs_fd = open(procs, O_WRONLY | O_CLOEXEC)) < 0)
            err = -errno;
    }
    if (err)
        mon_cgroup_destroy(cg);
    return err;
}

int mon_cgroup_create(struct mon_cgroup *cg, uint64_t bytes)
{
    int err;

    *cg = (struct mon_cgroup){.procs_fd = -1};
    err = try_version(cg, 2, bytes);
    if (err)
        err = try_version(cg, 1, bytes);
    return err;
}

int mon_cgroup_enter(const struct mon_cgroup *cg)
{
    if (!cg->version)
        return -ENOENT;
    return write(cg->procs_fd, "0", 1) == 1 ? 0 : -errno;
}

bool mon_cgroup_oom(const struct mon_cgroup *cg)
{
    char buf[1024], *p;

    if (!cg->version)
        return false;
    if (!read_file(cg->path, cg->version == 2 ? "memory.events"
                                              : "memory.oom_control",
                   buf, sizeof(buf)))
        return false;
    p = strstr(buf, "oom_kill ");
    return p && strtoul(p + 9, NULL, 10) > 0;
}

void mon_cgroup_destroy(struct mon_cgroup *cg)
{
    if (cg->procs_fd >= 0)
        close(cg->procs_fd);
    cg->procs_fd = -1;
    if (!cg->version)
        return;
    /* A just-reaped process can keep it busy for a moment. */
    for (int i = 0; i < 100 && rmdir(cg->path) < 0 && errno == EBUSY; i++)
        usleep(10000);
    cg->version = 0;
}

const char *mon_cgroup_probe(char *why, size_t size)
{
    struct mon_cgroup cg;
    int err = mon_cgroup_create(&cg, 1ULL << 30);
    const char *kind = cg.version == 2 ? "v2" : "v1";

    if (err) {
        snprintf(why, size, "%s", strerror(-err));
        return NULL;
    }
    mon_cgroup_destroy(&cg);
    return kind;
}
