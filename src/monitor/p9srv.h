/* SPDX-License-Identifier: MIT */
/* The monitor's 9P2000.L file server (host side, trusted): serves the mount
 * sources to the untrusted sandbox over one stream fd. */
#ifndef LBOX_MONITOR_P9SRV_H
#define LBOX_MONITOR_P9SRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct mon_mount {
    const char *host;   /* absolute host directory (or file) */
    const char *guest;  /* absolute guest path, also the 9P attach name */
    bool rw;            /* false: read-only */
    bool user;          /* one of the user's own (-v) mounts: served by a
                           second server with the user's identity */
    bool pinned;        /* host is resolved: open it without following any
                           symlink, and it must still be (dev, ino) */
    dev_t dev;
    ino_t ino;
    uint64_t budget;    /* rw: bytes the guest may add; 0: no bound */
};

struct mon_p9srv_config {
    const struct mon_mount *mounts;
    size_t nmounts;
    uid_t uid;          /* identity to serve as after mon_p9srv_sandbox() */
    gid_t gid;
    bool in_netns;      /* the caller already joined the sandbox's own
                           network namespace: leave only IPC and UTS */
};

struct mon_p9srv;

/* Largest msize the server accepts in Tversion (payload plus 9P header). */
#define MON_P9SRV_MAX_MSIZE (512u * 1024u + 24u)
/* Most fids one session may hold at once. */
#define MON_P9SRV_MAX_FIDS 65536u

/* In the server's own (forked) process, before serving: open an O_PATH
 * directory fd for every mount source (as the current, possibly root,
 * identity), then drop to cfg->uid/gid (setgroups(0), setresgid, setresuid,
 * only when running as root), set PR_SET_NO_NEW_PRIVS, and restrict the
 * process with Landlock (ABI up to 7 as available) to exactly the mount
 * sources, read-only ones without any write right. Print one line on stderr
 * if Landlock is unavailable. Returns 0 or -errno. */
int mon_p9srv_sandbox(struct mon_p9srv *srv);

/* Allocate a server for (cfg); the config is copied, so (cfg) and its
 * strings may be freed after the call. Opens nothing yet. 0 or -errno;
 * on success *(out) is owned by the caller (mon_p9srv_free). */
int mon_p9srv_new(const struct mon_p9srv_config *cfg, struct mon_p9srv **out);

/* Serve 9P2000.L requests read from (fd) and write the replies to it, one at
 * a time, until the peer closes it. Opens the mount sources first if
 * mon_p9srv_sandbox() did not. Ignores SIGPIPE and sets umask 0 in the
 * calling process (the client applies the guest's umask). Returns 0 on a
 * clean EOF between messages, -EPROTO if the peer broke the framing (size
 * out of range, EOF inside a message), or another -errno from the fd. Does
 * not close (fd). */
int mon_p9srv_serve(struct mon_p9srv *srv, int fd);

/* Close every fid and mount fd and free (srv); NULL is allowed. */
void mon_p9srv_free(struct mon_p9srv *srv);

#endif /* LBOX_MONITOR_P9SRV_H */
