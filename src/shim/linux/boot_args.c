/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line (Linux shim): what the monitor tells the kernel
 * image about the sandbox. The monitor is trusted; this is still parsed
 * strictly so a mistake shows up as a message, not a surprise.
 */
#include "shim/linux/boot.h"

static int parse_u64(const char *s, uint64_t *out, const char *opt)
{
    if (rt_parse_u64(s, out) < 0) {
        rt_log("lbox-kernel: bad number in %s\n", opt);
        return -EINVAL;
    }
    return 0;
}

/* "--name=value": the value, or NULL if (arg) is another option. */
static const char *opt_value(const char *arg, const char *name)
{
    size_t n = strlen(name);

    if (strncmp(arg, name, n) || arg[n] != '=')
        return NULL;
    return arg + n + 1;
}

static int parse_mount(struct boot_config *cfg, char *v, bool user)
{
    char *colon = strrchr(v, ':');

    if (cfg->nmounts >= BOOT_MAX_MOUNTS || !colon || v[0] != '/')
        return -EINVAL;
    *colon = 0;
    if (strcmp(colon + 1, "ro") && strcmp(colon + 1, "rw"))
        return -EINVAL;
    cfg->mounts[cfg->nmounts].guest = v;
    cfg->mounts[cfg->nmounts].rw = !strcmp(colon + 1, "rw");
    cfg->mounts[cfg->nmounts].user = user;
    cfg->nmounts++;
    return 0;
}

/* Linux's defaults for a process whose parent changed nothing; the monitor
 * passes its own limits (--rlimit) over these. */
static void default_rlimits(struct k_rlimit *r)
{
    for (unsigned i = 0; i < K_RLIMIT_COUNT; i++)
        r[i] = (struct k_rlimit){~0ULL, ~0ULL};
    r[3] = (struct k_rlimit){8ULL << 20, ~0ULL};       /* STACK */
    r[4] = (struct k_rlimit){0, ~0ULL};                /* CORE */
    r[7] = (struct k_rlimit){1024, 4096};              /* NOFILE */
    r[8] = (struct k_rlimit){8ULL << 20, 8ULL << 20};  /* MEMLOCK */
    r[13] = (struct k_rlimit){0, 0};                   /* NICE */
    r[14] = (struct k_rlimit){0, 0};                   /* RTPRIO */
}

/* "RESOURCE:CUR:MAX", as getrlimit gave them (RLIM_INFINITY is ~0). */
static int parse_rlimit(struct boot_config *cfg, char *v)
{
    char *c1 = strchr(v, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    uint64_t res, cur, max;

    if (!c2)
        return -EINVAL;
    *c1 = *c2 = 0;
    if (rt_parse_u64(v, &res) < 0 || rt_parse_u64(c1 + 1, &cur) < 0 ||
        rt_parse_u64(c2 + 1, &max) < 0 || res >= K_RLIMIT_COUNT ||
        cur > max)
        return -EINVAL;
    cfg->rlimits[res] = (struct k_rlimit){cur, max};
    return 0;
}

static int parse_link(struct boot_config *cfg, char *v)
{
    char *colon = strchr(v, ':');

    if (cfg->nlinks >= BOOT_MAX_MOUNTS || !colon || v[0] != '/')
        return -EINVAL;
    *colon = 0;
    cfg->links[cfg->nlinks].path = v;
    cfg->links[cfg->nlinks].target = colon + 1;
    cfg->nlinks++;
    return 0;
}

int boot_parse(int argc, char **argv, char **envp, struct boot_config *cfg)
{
    uint64_t v;
    int i;

    memset(cfg, 0, sizeof(*cfg));
    cfg->cwd = "/";
    cfg->hostname = "lbox";
    cfg->mem_total = 2ULL << 30;
    cfg->ncpus = 1;
    cfg->envp = envp;
    default_rlimits(cfg->rlimits);
    for (i = 1; i < argc; i++) {
        char *a = argv[i];
        const char *val;

        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "--no-lent-writes")) {
            continue;   /* the platform's: its filter reads it (start.c) */
        } else if (!strcmp(a, "--trace")) {
            cfg->trace = true;
        } else if (!strcmp(a, "--stats")) {
            cfg->stats = true;
        } else if ((val = opt_value(a, "--cwd"))) {
            cfg->cwd = val;
        } else if ((val = opt_value(a, "--hostname"))) {
            cfg->hostname = val;
        } else if ((val = opt_value(a, "--uid"))) {
            if (parse_u64(val, &v, a) < 0 || v > 0xfffffffe)
                return -EINVAL;
            cfg->uid = (uint32_t)v;
        } else if ((val = opt_value(a, "--gid"))) {
            if (parse_u64(val, &v, a) < 0 || v > 0xfffffffe)
                return -EINVAL;
            cfg->gid = (uint32_t)v;
        } else if ((val = opt_value(a, "--mem"))) {
            if (parse_u64(val, &cfg->mem_total, a) < 0)
                return -EINVAL;
        } else if ((val = opt_value(a, "--tmpfs-size"))) {
            if (parse_u64(val, &cfg->tmpfs_size, a) < 0)
                return -EINVAL;
        } else if ((val = opt_value(a, "--sig-ignored"))) {
            if (parse_u64(val, &cfg->sig_ignored, a) < 0)
                return -EINVAL;
        } else if ((val = opt_value(a, "--cpus"))) {
            if (parse_u64(val, &v, a) < 0 || v == 0 || v > 4096)
                return -EINVAL;
            cfg->ncpus = (uint32_t)v;
        } else if (!strncmp(a, "--mount=", 8) ||
                   !strncmp(a, "--user-mount=", 13)) {
            bool user = a[2] == 'u';

            if (parse_mount(cfg, a + (user ? 13 : 8), user) < 0) {
                rt_log("lbox-kernel: bad %s\n", a);
                return -EINVAL;
            }
        } else if (!strncmp(a, "--rlimit=", 9)) {
            if (parse_rlimit(cfg, a + 9) < 0) {
                rt_log("lbox-kernel: bad %s\n", a);
                return -EINVAL;
            }
        } else if (!strncmp(a, "--symlink=", 10)) {
            if (parse_link(cfg, a + 10) < 0) {
                rt_log("lbox-kernel: bad %s\n", a);
                return -EINVAL;
            }
        } else {
            rt_log("lbox-kernel: unknown option %s\n", a);
            return -EINVAL;
        }
    }
    if (i >= argc) {
        rt_log("lbox-kernel: no program given\n");
        return -EINVAL;
    }
    cfg->argv = argv + i;
    return 0;
}
