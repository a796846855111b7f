// SPDX-License-Identifier: MIT
/* Lifecycle and request loop of the monitor's 9P2000.L file server (host
 * side): frames hostile messages, dispatches them, sends the replies. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor/p9srv_int.h"

/* msize before Tversion: enough for any sane Tversion. */
#define P9_INITIAL_MSIZE 8192u

int mon_p9srv_new(const struct mon_p9srv_config *cfg, struct mon_p9srv **out)
{
    struct mon_p9srv *srv;

    if (!cfg || (cfg->nmounts && !cfg->mounts))
        return -EINVAL;
    for (size_t i = 0; i < cfg->nmounts; i++) {
        const struct mon_mount *m = &cfg->mounts[i];

        if (!m->host || m->host[0] != '/' || !m->guest || m->guest[0] != '/')
            return -EINVAL;
    }
    srv = calloc(1, sizeof(*srv));
    if (!srv)
        return -ENOMEM;
    srv->uid = cfg->uid;
    srv->gid = cfg->gid;
    srv->in_netns = cfg->in_netns;
    srv->lent_fd = -1;
    srv->msize = P9_INITIAL_MSIZE;
    if (getrandom(&srv->hash_seed, sizeof(srv->hash_seed), 0) < 0)
        srv->hash_seed = (uint32_t)getpid() * 2654435761u;
    srv->mounts = calloc(cfg->nmounts ? cfg->nmounts : 1,
                         sizeof(*srv->mounts));
    if (!srv->mounts)
        goto fail;
    srv->nmounts = cfg->nmounts;
    for (size_t i = 0; i < cfg->nmounts; i++) {
        struct p9_mount *m = &srv->mounts[i];

        m->root_fd = m->parent_fd = -1;
        m->rw = cfg->mounts[i].rw;
        m->pinned = cfg->mounts[i].pinned;
        m->dev = cfg->mounts[i].dev;
        m->ino = cfg->mounts[i].ino;
        m->budget = cfg->mounts[i].rw ? cfg->mounts[i].budget : 0;
        m->host = strdup(cfg->mounts[i].host);
        m->guest = strdup(cfg->mounts[i].guest);
        if (!m->host || !m->guest)
            goto fail;
    }
    srv->inbuf = malloc(MON_P9SRV_MAX_MSIZE);
    srv->outbuf = malloc(MON_P9SRV_MAX_MSIZE);
    if (!srv->inbuf || !srv->outbuf)
        goto fail;
    *out = srv;
    return 0;
fail:
    mon_p9srv_free(srv);
    return -ENOMEM;
}

void mon_p9srv_free(struct mon_p9srv *srv)
{
    if (!srv)
        return;
    p9_fid_del_all(srv);
    for (size_t i = 0; srv->mounts && i < srv->nmounts; i++) {
        struct p9_mount *m = &srv->mounts[i];

        if (m->root_fd >= 0)
            close(m->root_fd);
        if (m->parent_fd >= 0)
            close(m->parent_fd);
        free(m->host);
        free(m->guest);
        free(m->file_name);
    }
    free(srv->mounts);
    free(srv->inbuf);
    free(srv->outbuf);
    free(srv);
}

/* The configured path of an unpinned mount is trusted: symlinks in it
 * (/lib on a merged-/usr host) are followed once, here. A pinned one is
 * the user's, where a guest of an earlier run may have planted a symlink. */
static int open_source(const struct p9_mount *m, const char *path, int flags)
{
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC | flags,
        .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };

    if (!m->pinned)
        return open(path, O_PATH | O_CLOEXEC | flags);
    return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

/* A file source is served through its directory and name, so that it can
 * be reopened for I/O without a magic link. */
static int open_file_source(struct p9_mount *m, const struct stat *st)
{
    char real[PATH_MAX], dir[PATH_MAX], base[PATH_MAX];
    struct stat pst;

    if (!realpath(m->host, real))
        return -errno;
    strcpy(dir, real);
    strcpy(base, real);
    m->file_name = strdup(basename(base));
    if (!m->file_name)
        return -ENOMEM;
    m->parent_fd = open_source(m, dirname(dir), O_DIRECTORY);
    if (m->parent_fd < 0)
        return -errno;
    if (fstatat(m->parent_fd, m->file_name, &pst, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    if (pst.st_dev != st->st_dev || pst.st_ino != st->st_ino)
        return -ESTALE;
    return 0;
}

int p9srv_open_mounts(struct mon_p9srv *srv)
{
    struct stat st;
    int err;

    if (srv->opened)
        return 0;
    for (size_t i = 0; i < srv->nmounts; i++) {
        struct p9_mount *m = &srv->mounts[i];

        m->root_fd = open_source(m, m->host, 0);
        if (m->root_fd < 0)
            return -errno;
        if (fstat(m->root_fd, &st) < 0)
            return -errno;
        if (m->pinned && (st.st_dev != m->dev || st.st_ino != m->ino))
            return -ESTALE;
        m->dev = st.st_dev;
        m->ino = st.st_ino;
        m->mode = st.st_mode;
        if (S_ISDIR(st.st_mode))
            continue;
        if (!S_ISREG(st.st_mode))
            return -EINVAL;
        err = open_file_source(m, &st);
        if (err)
            return err;
    }
    srv->opened = true;
    return 0;
}

static int op_unsupported(struct mon_p9srv *srv, struct p9_in *in,
                          struct p9_out *out)
{
    (void)srv;
    (void)in;
    (void)out;
    return -EOPNOTSUPP;
}

/* No authentication protocol: the peer is the sandbox on a private
 * socketpair. ENOENT is how diod says "no auth required", and clients go
 * on to Tattach with afid NOFID. */
static int op_auth(struct mon_p9srv *srv, struct p9_in *in,
                   struct p9_out *out)
{
    (void)srv;
    (void)in;
    (void)out;
    return -ENOENT;
}

static p9_handler_fn *handler_for(uint8_t type)
{
    switch (type) {
    case P9_TVERSION: return p9_op_version;
    case P9_TAUTH: return op_auth;
    case P9_TATTACH: return p9_op_attach;
    case P9_TFLUSH: return p9_op_flush;
    case P9_TWALK: return p9_op_walk;
    case P9_TCLUNK: return p9_op_clunk;
    case P9_TGETATTR: return p9_op_getattr;
    case P9_TSTATFS: return p9_op_statfs;
    case P9_TREADLINK: return p9_op_readlink;
    case P9_TXATTRWALK: return p9_op_xattrwalk;
    case P9_TXATTRCREATE: return p9_op_xattrcreate;
    case P9_TLOPEN: return p9_op_lopen;
    case P9_TLCREATE: return p9_op_lcreate;
    case P9_TREAD: return p9_op_read;
    case P9_TWRITE: return p9_op_write;
    case P9_TREADDIR: return p9_op_readdir;
    case P9_TFSYNC: return p9_op_fsync;
    case P9_TLOCK: return p9_op_lock;
    case P9_TGETLOCK: return p9_op_getlock;
    case P9_TSETATTR: return p9_op_setattr;
    case P9_TMKDIR: return p9_op_mkdir;
    case P9_TSYMLINK: return p9_op_symlink;
    case P9_TMKNOD: return p9_op_mknod;
    case P9_TLINK: return p9_op_link;
    case P9_TRENAME: return p9_op_rename;
    case P9_TRENAMEAT: return p9_op_renameat;
    case P9_TUNLINKAT: return p9_op_unlinkat;
    case P9_TREMOVE: return p9_op_remove;
    case P9_TLENDFD: return p9_op_lendfd;
    case P9_TWALKATTR: return p9_op_walkattr;
    case P9_TLISTDIR: return p9_op_listdir;
    default: return op_unsupported;
    }
}

static void put_header(struct p9_out *out, uint8_t type, uint16_t tag)
{
    out->len = 0;
    out->overflow = false;
    p9_put32(out, 0);
    p9_put8(out, type);
    p9_put16(out, tag);
}

/* Handle one complete message in srv->inbuf; the reply is left in (out). */
static void dispatch(struct mon_p9srv *srv, size_t size, struct p9_out *out)
{
    struct p9_in in = { .p = srv->inbuf + P9_HDRSZ, .left = size - P9_HDRSZ };
    uint8_t type = srv->inbuf[4];
    uint16_t tag = (uint16_t)(srv->inbuf[5] | srv->inbuf[6] << 8);
    int err;

    /* Replies never exceed the msize the client agreed to receive. */
    out->buf = srv->outbuf;
    out->cap = srv->msize;
    put_header(out, (uint8_t)(type + 1), tag);
    if (!srv->versioned && type != P9_TVERSION)
        err = -EPROTO;
    else if (type % 2)
        err = -EOPNOTSUPP;      /* an R-message sent to the server */
    else
        err = handler_for(type)(srv, &in, out);
    if (!err && in.err)
        err = in.err;
    if (!err && out->overflow)
        err = -EMSGSIZE;
    if (err) {
        put_header(out, P9_RLERROR, tag);
        p9_put32(out, (uint32_t)-err);
        if (srv->lent_fd >= 0)
            close(srv->lent_fd);
        srv->lent_fd = -1;
    }
    for (int i = 0; i < 4; i++)
        out->buf[i] = (uint8_t)(out->len >> (8 * i));
}

/* Read exactly (size) bytes; 0, or 1 on EOF before the first byte. */
static int read_full(int fd, uint8_t *buf, size_t size)
{
    size_t done = 0;

    while (done < size) {
        ssize_t n = read(fd, buf + done, size - done);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return done ? -EPROTO : 1;
        done += (size_t)n;
    }
    return 0;
}

static int write_full(int fd, const uint8_t *buf, size_t size)
{
    size_t done = 0;

    while (done < size) {
        ssize_t n = send(fd, buf + done, size - done, MSG_NOSIGNAL);

        if (n < 0 && errno == ENOTSOCK)
            n = write(fd, buf + done, size - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        done += (size_t)n;
    }
    return 0;
}

/* A reply with a lent descriptor: the descriptor on its first bytes, the
 * rest (a short send) written after. */
static int send_lent(int fd, const uint8_t *buf, size_t size, int lent)
{
    union {
        struct cmsghdr h;
        char raw[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct iovec iov = {(void *)buf, size};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = ctl.raw, .msg_controllen = sizeof(ctl.raw),
    };
    struct cmsghdr *c;
    ssize_t n;

    memset(&ctl, 0, sizeof(ctl));
    c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &lent, sizeof(int));
    do
        n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno == ENOTSOCK) {
        /* A channel that cannot carry descriptors: say so instead. */
        uint8_t err[11] = {11, 0, 0, 0, P9_RLERROR, buf[5], buf[6],
                           EOPNOTSUPP, 0, 0, 0};

        return write_full(fd, err, sizeof(err));
    }
    if (n < 0)
        return -errno;
    return write_full(fd, buf + n, size - (size_t)n);
}

int mon_p9srv_serve(struct mon_p9srv *srv, int fd)
{
    struct p9_out out;
    uint32_t size;
    int err;

    err = p9srv_open_mounts(srv);
    if (err)
        return err;
    signal(SIGPIPE, SIG_IGN);
    umask(0);
    for (;;) {
        err = read_full(fd, srv->inbuf, 4);
        if (err)
            return err > 0 ? 0 : err;
        size = (uint32_t)srv->inbuf[0] | (uint32_t)srv->inbuf[1] << 8 |
               (uint32_t)srv->inbuf[2] << 16 | (uint32_t)srv->inbuf[3] << 24;
        if (size < P9_HDRSZ || size > srv->msize)
            return -EPROTO;     /* framing is lost: close */
        err = read_full(fd, srv->inbuf + 4, size - 4);
        if (err)
            return err > 0 ? -EPROTO : err;
        dispatch(srv, size, &out);
        if (srv->lent_fd >= 0) {
            err = send_lent(fd, out.buf, out.len, srv->lent_fd);
            close(srv->lent_fd);
            srv->lent_fd = -1;
        } else {
            err = write_full(fd, out.buf, out.len);
        }
        if (err)
            return err;
    }
}
