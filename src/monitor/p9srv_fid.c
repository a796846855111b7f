// SPDX-License-Identifier: MIT
/* Fid table and confined lookups of the monitor's 9P server (host side):
 * every host lookup is relative to an fd beneath a mount root, one name at
 * a time, never following a symlink and never climbing above the root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor/p9srv_int.h"

/* Deepest directory chain checked when climbing with "..". */
#define P9_MAX_DEPTH 4096

int p9_openat2(int dirfd, const char *path, int flags, mode_t mode)
{
    struct open_how how = {
        /* openat2() takes no other flag along with O_PATH. */
        .flags = (uint64_t)(flags | O_CLOEXEC |
                            ((flags & O_PATH) ? 0 : O_NOCTTY)),
        .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                   RESOLVE_NO_MAGICLINKS,
    };
    long fd;

    do {
        fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
    } while (fd < 0 && errno == EAGAIN);
    return fd < 0 ? -errno : (int)fd;
}

static uint32_t fid_hash(const struct mon_p9srv *srv, uint32_t num)
{
    uint32_t h = (num ^ srv->hash_seed) * 0x9e3779b1u;

    return (h >> 16 ^ h) % P9_FID_BUCKETS;
}

struct p9_fid *p9_fid_get(struct mon_p9srv *srv, uint32_t num)
{
    struct p9_fid *f;

    for (f = srv->fids[fid_hash(srv, num)]; f; f = f->next) {
        if (f->num == num)
            return f;
    }
    return NULL;
}

int p9_fid_add(struct mon_p9srv *srv, uint32_t num, struct p9_fid **out)
{
    struct p9_fid *f;
    uint32_t b;

    if (num == P9_NOFID || p9_fid_get(srv, num))
        return -EBADF;
    if (srv->nfids >= MON_P9SRV_MAX_FIDS)
        return -EMFILE;
    f = calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->num = num;
    f->fd = f->pfd = f->ofd = -1;
    b = fid_hash(srv, num);
    f->next = srv->fids[b];
    srv->fids[b] = f;
    srv->nfids++;
    *out = f;
    return 0;
}

void p9_fid_clear(struct p9_fid *fid)
{
    if (fid->ofd >= 0)
        close(fid->ofd);
    if (fid->fd >= 0)
        close(fid->fd);
    if (fid->pfd >= 0)
        close(fid->pfd);
    free(fid->name);
    fid->ofd = fid->fd = fid->pfd = -1;
    fid->name = NULL;
    fid->mnt = NULL;
    fid->is_root = false;
}

void p9_fid_del(struct mon_p9srv *srv, struct p9_fid *fid)
{
    struct p9_fid **pp = &srv->fids[fid_hash(srv, fid->num)];

    for (; *pp; pp = &(*pp)->next) {
        if (*pp == fid) {
            *pp = fid->next;
            srv->nfids--;
            break;
        }
    }
    p9_fid_clear(fid);
    free(fid);
}

void p9_fid_del_all(struct mon_p9srv *srv)
{
    for (size_t b = 0; b < P9_FID_BUCKETS; b++) {
        while (srv->fids[b]) {
            struct p9_fid *fid = srv->fids[b];

            srv->fids[b] = fid->next;
            srv->nfids--;
            p9_fid_clear(fid);
            free(fid);
        }
    }
}

/* Qid paths are inode numbers; files on other devices than the first one
 * seen get a device index in the top byte so that they do not collide. */
void p9_qid_from_stat(struct mon_p9srv *srv, const struct stat *st,
                      struct p9_qid *qid)
{
    uint64_t idx = P9_MAX_DEVS;
    uint64_t ino = (uint64_t)st->st_ino;

    for (size_t i = 0; i < srv->ndevs; i++) {
        if (srv->devs[i] == st->st_dev) {
            idx = i;
            break;
        }
    }
    if (idx == P9_MAX_DEVS && srv->ndevs < P9_MAX_DEVS) {
        idx = srv->ndevs;
        srv->devs[srv->ndevs++] = st->st_dev;
    }
    if (idx < P9_MAX_DEVS && ino < (1ull << 56))
        qid->path = ino | idx << 56;
    else
        qid->path = ino ^ (uint64_t)st->st_dev * 0x9e3779b97f4a7c15ull;
    if (S_ISDIR(st->st_mode))
        qid->type = P9_QTDIR;
    else if (S_ISLNK(st->st_mode))
        qid->type = P9_QTSYMLINK;
    else
        qid->type = P9_QTFILE;
    qid->version = S_ISREG(st->st_mode)
                       ? (uint32_t)st->st_mtim.tv_sec ^
                             (uint32_t)st->st_mtim.tv_nsec
                       : 0;
}

int p9_fid_stat(struct p9_fid *fid, struct stat *st)
{
    if (fid->fd < 0)
        return -EBADF;
    if (fstatat(fid->fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    return 0;
}

int p9_check_name(const char *name)
{
    if (!name[0] || strchr(name, '/'))
        return -EINVAL;
    if (!strcmp(name, ".") || !strcmp(name, ".."))
        return -EINVAL;
    if (strlen(name) > 255)
        return -ENAMETOOLONG;
    return 0;
}

static int dupfd(int fd)
{
    int r = fcntl(fd, F_DUPFD_CLOEXEC, 0);

    return r < 0 ? -errno : r;
}

static bool same_file(const struct stat *st, dev_t dev, ino_t ino)
{
    return st->st_dev == dev && st->st_ino == ino;
}

/* Set fid's file to (fd) (taken), with its parent entry (pfd, name) (both
 * taken, may be -1/NULL). */
static int fid_set(struct p9_fid *fid, int fd, int pfd, char *name)
{
    struct stat st, pst;

    if (fstat(fd, &st) < 0 || (pfd >= 0 && fstat(pfd, &pst) < 0)) {
        int err = -errno;

        close(fd);
        if (pfd >= 0)
            close(pfd);
        free(name);
        return err;
    }
    if (fid->fd >= 0)
        close(fid->fd);
    if (fid->pfd >= 0)
        close(fid->pfd);
    free(fid->name);
    fid->fd = fd;
    fid->pfd = pfd;
    fid->name = name;
    fid->dev = st.st_dev;
    fid->ino = st.st_ino;
    fid->mode = st.st_mode & S_IFMT;
    if (pfd >= 0) {
        fid->pdev = pst.st_dev;
        fid->pino = pst.st_ino;
    }
    fid->is_root = same_file(&st, fid->mnt->dev, fid->mnt->ino);
    return 0;
}

/* Point (fid) on (mnt) at a copy of (fd) and, when (pfd) >= 0 and (name)
 * is set, at copies of its entry (pfd, name) in its parent. */
static int fid_set_dup(struct p9_fid *fid, struct p9_mount *mnt, int fd,
                       int pfd, const char *name)
{
    int nfd, npfd = -1;
    char *nname = NULL;

    fid->mnt = mnt;
    nfd = dupfd(fd);
    if (nfd < 0)
        return nfd;
    if (pfd >= 0 && name) {
        npfd = dupfd(pfd);
        nname = strdup(name);
        if (npfd < 0 || !nname) {
            close(nfd);
            if (npfd >= 0)
                close(npfd);
            free(nname);
            return -ENOMEM;
        }
    }
    return fid_set(fid, nfd, npfd, nname);
}

int p9_fid_set_root(struct p9_fid *fid, struct p9_mount *mnt)
{
    /* parent_fd >= 0 only for file sources, which have a file_name. */
    return fid_set_dup(fid, mnt, mnt->root_fd, mnt->parent_fd,
                       mnt->file_name);
}

int p9_fid_descend(struct p9_fid *fid, int fd, const char *name)
{
    char *dup = strdup(name);
    int pfd = fid->fd;

    if (!dup) {
        close(fd);
        return -ENOMEM;
    }
    fid->fd = -1;
    return fid_set(fid, fd, pfd, dup);
}

int p9_fid_copy(struct p9_fid *dst, const struct p9_fid *src)
{
    return fid_set_dup(dst, src->mnt, src->fd, src->pfd, src->name);
}

/* 0 if the directory (fd) is (mnt)'s root or beneath it, walking ".." up
 * from it; -EACCES if the walk reaches "/" without meeting the root (the
 * host moved it, or an ancestor, out of the export). The host can move
 * anything at any time, so nothing here can be cached: each call costs
 * two host calls per level. */
static int dir_beneath(const struct p9_mount *mnt, int fd)
{
    struct stat st, prev = {0};
    int cur, up, err;

    cur = dupfd(fd);
    if (cur < 0)
        return cur;
    err = -EACCES;
    for (int depth = 0; depth < P9_MAX_DEPTH; depth++) {
        if (fstat(cur, &st) < 0) {
            err = -errno;
            break;
        }
        if (same_file(&st, mnt->dev, mnt->ino)) {
            err = 0;
            break;
        }
        if (depth > 0 && same_file(&st, prev.st_dev, prev.st_ino))
            break;      /* reached "/" without meeting the root */
        prev = st;
        up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (up < 0) {
            err = -errno;
            break;
        }
        close(cur);
        cur = up;
    }
    close(cur);
    return err;
}

/* The parent directory of the directory (fd), as an O_PATH fd, only if it
 * is still beneath (mnt)'s root: a directory moved elsewhere (say into
 * another export) must not become a way out. */
static int parent_beneath(struct p9_mount *mnt, int fd)
{
    int p, err;

    p = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (p < 0)
        return -errno;
    err = dir_beneath(mnt, p);
    if (err) {
        close(p);
        return err;
    }
    return p;
}

int p9_fid_step(struct p9_fid *fid, const char *name)
{
    char *dup;
    int fd, pfd, err;

    if (!S_ISDIR(fid->mode))
        return -ENOTDIR;
    if (!strcmp(name, "."))
        return 0;
    if (!strcmp(name, "..")) {
        if (fid->is_root)
            return 0;       /* like chroot: ".." of the root is the root */
        fd = parent_beneath(fid->mnt, fid->fd);
        if (fd < 0)
            return fd;
        return fid_set(fid, fd, -1, NULL);
    }
    err = p9_check_name(name);
    if (err)
        return err;
    fd = p9_openat2(fid->fd, name, O_PATH | O_NOFOLLOW, 0);
    if (fd < 0)
        return fd;
    pfd = dupfd(fid->fd);
    dup = strdup(name);
    if (pfd < 0 || !dup) {
        close(fd);
        if (pfd >= 0)
            close(pfd);
        free(dup);
        return -ENOMEM;
    }
    return fid_set(fid, fd, pfd, dup);
}

/* Find the name of (fid)'s directory in its parent (pfd) by inode. */
static int find_name(struct p9_fid *fid, int pfd, char **out)
{
    char buf[8192];
    struct stat st;
    long n;
    int dfd, err = -ESTALE;

    dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);

            off += d->d_reclen;
            if (d->d_ino != fid->ino || !strcmp(d->d_name, ".") ||
                !strcmp(d->d_name, ".."))
                continue;
            if (fstatat(pfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                same_file(&st, fid->dev, fid->ino)) {
                *out = strdup(d->d_name);
                err = *out ? 0 : -ENOMEM;
                goto out;
            }
        }
    }
    if (n < 0)
        err = -errno;
out:
    close(dfd);
    return err;
}

int p9_fid_parent(struct p9_fid *fid)
{
    struct stat st;
    char *name = NULL;
    int pfd, err;

    if (fid->is_root)
        return -EBUSY;
    if (fid->pfd >= 0 && fid->name &&
        fstatat(fid->pfd, fid->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        same_file(&st, fid->dev, fid->ino))
        return dir_beneath(fid->mnt, fid->pfd);
    if (!S_ISDIR(fid->mode))
        return -ESTALE;     /* renamed behind our back */
    pfd = parent_beneath(fid->mnt, fid->fd);
    if (pfd < 0)
        return pfd;
    err = find_name(fid, pfd, &name);
    if (err) {
        close(pfd);
        return err;
    }
    if (fid->pfd >= 0)
        close(fid->pfd);
    free(fid->name);
    fid->pfd = pfd;
    fid->name = name;
    if (fstat(pfd, &st) == 0) {
        fid->pdev = st.st_dev;
        fid->pino = st.st_ino;
    }
    return 0;
}

int p9_fid_reopen(struct p9_fid *fid, int flags)
{
    struct stat st;
    int fd;

    /* O_NONBLOCK: open() never waits, whatever the guest swapped in under
     * the name (a FIFO, a file with a lease); it changes nothing for the
     * regular files and directories that are served. */
    flags |= O_NOFOLLOW | O_NONBLOCK;
    if (S_ISDIR(fid->mode)) {
        fd = openat(fid->fd, ".", flags | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            return -errno;
    } else if (S_ISREG(fid->mode)) {
        if (fid->pfd < 0 || !fid->name)
            return -ESTALE;
        fd = p9_openat2(fid->pfd, fid->name, flags, 0);
        if (fd < 0)
            return fd;
    } else if (S_ISLNK(fid->mode)) {
        return -ELOOP;
    } else if (S_ISSOCK(fid->mode) || S_ISFIFO(fid->mode)) {
        return -ENXIO;      /* never opened: the server must not block */
    } else {
        return -EPERM;      /* devices are not served */
    }
    if (fstat(fd, &st) < 0 || !same_file(&st, fid->dev, fid->ino)) {
        close(fd);
        return -ESTALE;
    }
    return fd;
}

void p9_fids_renamed(struct mon_p9srv *srv, dev_t odev, ino_t oino,
                     const char *oldname, int newdir, const char *newname)
{
    struct stat nst;

    if (fstat(newdir, &nst) < 0)
        return;
    for (size_t b = 0; b < P9_FID_BUCKETS; b++) {
        for (struct p9_fid *f = srv->fids[b]; f; f = f->next) {
            char *name;
            int pfd;

            if (f->pfd < 0 || !f->name || f->pdev != odev ||
                f->pino != oino || strcmp(f->name, oldname))
                continue;
            pfd = dupfd(newdir);
            name = strdup(newname);
            close(f->pfd);
            free(f->name);
            f->pfd = -1;
            f->name = NULL;
            if (pfd < 0 || !name) {
                if (pfd >= 0)
                    close(pfd);
                free(name);
                continue;   /* stays unknown: directories rediscover it */
            }
            f->pfd = pfd;
            f->name = name;
            f->pdev = nst.st_dev;
            f->pino = nst.st_ino;
        }
    }
}
