/* SPDX-License-Identifier: MIT */
/*
 * The default file view of a sandbox (monitor, host side): which host
 * directories the guest sees, read-only, when the user gave no -v for
 * them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor/launch.h"

static const char *const g_system_dirs[] = {
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc",
    "/opt",
};

static bool guest_taken(const struct mon_launch_config *cfg, const char *g)
{
    for (size_t i = 0; i < cfg->nmounts; i++)
        if (!strcmp(cfg->mounts[i].guest, g))
            return true;
    for (size_t i = 0; i < cfg->nlinks; i++)
        if (!strcmp(cfg->links[i].path, g))
            return true;
    return false;
}

/* Is (path) at or below (dir)? */
static bool is_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    if (!strcmp(dir, "/"))
        return true;
    return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == 0);
}

int mon_add_mount(struct mon_launch_config *cfg, const char *host,
                  const char *guest, bool rw)
{
    struct mon_mount *m = &cfg->mounts[cfg->nmounts];

    if (cfg->nmounts >= MON_MAX_MOUNTS)
        return -E2BIG;
    m->host = strdup(host);
    m->guest = strdup(guest);
    m->rw = rw;
    m->user = false;
    m->pinned = false;
    if (!m->host || !m->guest) {
        free((char *)m->host);
        free((char *)m->guest);
        return -ENOMEM;
    }
    cfg->nmounts++;
    return 0;
}

/*
 * Resolve (path) to an absolute one in (real) without following a symlink
 * anywhere in it, and pin the mount to what was found. A guest with an rw
 * mount can plant work/out -> /victim; a later run given work/out must
 * not serve /victim. realpath() finds the name; the openat2() that follows
 * no symlink proves the name and the object agree.
 */
static int resolve_pinned(const char *path, char *real, struct stat *st)
{
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    struct stat rst;
    int fd, err = 0;

    *st = (struct stat){0};
    fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
    if (fd < 0)
        return -errno;
    if (fstat(fd, st) < 0 || !realpath(path, real))
        err = -errno;
    else if (stat(real, &rst) < 0)
        err = -errno;
    else if (rst.st_dev != st->st_dev || rst.st_ino != st->st_ino)
        err = -ESTALE;
    close(fd);
    return err;
}

static int add_pinned_mount(struct mon_launch_config *cfg, const char *path,
                            const char *guest, bool rw, bool user)
{
    char real[PATH_MAX];
    struct stat st;
    struct mon_mount *m;
    int err;

    err = resolve_pinned(path, real, &st);
    if (!err)
        err = mon_add_mount(cfg, real, guest, rw);
    if (err)
        return err;
    m = &cfg->mounts[cfg->nmounts - 1];
    m->user = user;
    m->pinned = true;
    m->dev = st.st_dev;
    m->ino = st.st_ino;
    return 0;
}

int mon_add_user_mount(struct mon_launch_config *cfg, const char *source,
                       const char *guest, bool rw)
{
    return add_pinned_mount(cfg, source, guest, rw, true);
}

void mon_launch_config_release(struct mon_launch_config *cfg)
{
    for (size_t i = 0; i < cfg->nmounts; i++) {
        free((char *)cfg->mounts[i].host);
        free((char *)cfg->mounts[i].guest);
    }
    for (size_t i = 0; i < cfg->nlinks; i++) {
        free((char *)cfg->links[i].path);
        free((char *)cfg->links[i].target);
    }
    cfg->nmounts = cfg->nlinks = 0;
}

/* Is (dir) the home directory named by (home), or above it? */
static bool holds(const char *dir, const char *home)
{
    char real[PATH_MAX];

    return home && *home && realpath(home, real) && is_under(real, dir);
}

/* A cwd that is a home directory, or holds one, is not shared by default:
 * ~/.ssh, tokens and shell histories live there. The invoking user's
 * ($HOME, and the password database's for the real and the sudo user). */
static bool holds_home(const char *cwd)
{
    const char *sudo = getenv("SUDO_USER");
    struct passwd *pw;

    if (holds(cwd, getenv("HOME")))
        return true;
    pw = getpwuid(getuid());
    if (pw && holds(cwd, pw->pw_dir))
        return true;
    pw = sudo ? getpwnam(sudo) : NULL;
    return pw && holds(cwd, pw->pw_dir);
}

/* The sandbox's own directories: a cwd mount never hides them. */
static bool is_sandbox_dir(const char *path)
{
    return !strcmp(path, "/") || !strcmp(path, "/tmp") ||
           !strcmp(path, "/dev") || !strcmp(path, "/proc");
}

int mon_default_view(struct mon_launch_config *cfg, const char *cwd)
{
    struct stat st;
    bool cwd_covered = !cwd || is_sandbox_dir(cwd);

    for (size_t i = 0; i < sizeof(g_system_dirs) / sizeof(*g_system_dirs);
         i++) {
        const char *d = g_system_dirs[i];
        char target[PATH_MAX];
        ssize_t n;

        if (guest_taken(cfg, d) || lstat(d, &st) < 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            /* Merged /usr: keep the host's shape, e.g. /bin -> usr/bin. */
            n = readlink(d, target, sizeof(target) - 1);
            if (n <= 0 || cfg->nlinks >= MON_MAX_MOUNTS)
                continue;
            target[n] = 0;
            cfg->links[cfg->nlinks].path = strdup(d);
            cfg->links[cfg->nlinks].target = strdup(target);
            if (!cfg->links[cfg->nlinks].path ||
                !cfg->links[cfg->nlinks].target) {
                free((char *)cfg->links[cfg->nlinks].path);
                free((char *)cfg->links[cfg->nlinks].target);
                return -ENOMEM;
            }
            cfg->nlinks++;
        } else if (S_ISDIR(st.st_mode)) {
            if (mon_add_mount(cfg, d, d, false) < 0)
                return -E2BIG;
        }
        if (cwd && is_under(cwd, d))
            cwd_covered = true;
    }
    for (size_t i = 0; i < cfg->nmounts && !cwd_covered; i++)
        if (is_under(cwd, cfg->mounts[i].guest))
            cwd_covered = true;
    if (cwd_covered || guest_taken(cfg, cwd))
        return 0;
    if (holds_home(cwd))
        return 1;
    return add_pinned_mount(cfg, cwd, cwd, false, false);
}
