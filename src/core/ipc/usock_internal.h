/* SPDX-License-Identifier: MIT */
/*
 * What usock.c (data, lifetime) and usock_name.c (names, connections)
 * share about an AF_UNIX socket (core, kernel image).
 */
#ifndef LBOX_CORE_IPC_USOCK_INTERNAL_H
#define LBOX_CORE_IPC_USOCK_INTERNAL_H

#include "core/fs/vfs_internal.h"
#include "core/ipc/ring.h"
#include "core/ipc/usock.h"

/*
 * What came with a stretch of a receive queue: the sender's name (a
 * datagram's), its credentials, passed files. (pos) and (end) count in
 * the queue's units: bytes of a stream, messages otherwise. A stream
 * reader gets the files with the read that takes the stretch's first
 * byte and stops at its end, as Linux stops at the skb that carried
 * them.
 */
struct usock_meta {
    struct usock_meta *next;
    uint64_t pos, end;
    struct usock_addr from;
    bool has_creds, has_ip;
    struct usock_creds creds;
    int16_t hoplimit, tclass;   /* a UDP datagram's */
    uint32_t nfiles;
    struct file *files[];
};

enum usock_state { US_UNCONNECTED, US_LISTENING, US_CONNECTED };

struct usock {
    uint32_t refs;          /* its file or accept queue, peers pointing here */
    int domain;             /* USOCK_UNIX, USOCK_INET, USOCK_INET6 */
    int type;
    int proto;              /* the socket(2) protocol (IPPROTO_UDPLITE...) */
    enum usock_state state;
    bool open;              /* its file (or a listener's queue) holds it */
    bool shut_rd, shut_wr;
    bool passcred;
    int err;                /* pending error (ECONNRESET), SO_ERROR */
    struct kernel *k;
    struct usock *peer;     /* referenced */
    struct ring rx;
    uint64_t rx_in, rx_out; /* units put in and taken out, ever */
    struct usock_meta *meta, *meta_last;
    uint32_t sndbuf, rcvbuf;
    int64_t rcvtimeo, sndtimeo;     /* ns, SO_RCVTIMEO/SO_SNDTIMEO; < 0 none */
    struct usock_creds cred;        /* its maker's (its listen()er's) */
    bool has_peer_cred;
    struct usock_creds peer_cred;   /* SO_PEERCRED */
    struct usock_addr name;
    bool in_table;          /* reachable by name (usock_name.c) */
    bool reuseaddr, reuseport, v6only;     /* inet binding rules */
    bool connecting;        /* TCP: connect said EINPROGRESS */
    bool reset_sent;        /* TCP: sent once to a peer that closed */
    bool has_dest;          /* UDP: connect(2)ed to (dest) */
    struct usock_addr dest;
    uint32_t opts_set;      /* which of (opts) were set */
    int32_t opts[USOCK_OPTS];
    bool by_node;           /* a path: found by (dev, ino) of its node */
    uint64_t dev, ino;
    struct usock *table_next;
    struct usock *queue;    /* listening: not yet accepted, oldest first */
    struct usock *queue_next;
    uint32_t queued, backlog;
    uint32_t gen;
};

extern const struct file_ops usock_fops;

static inline bool usock_is_inet(const struct usock *s)
{
    return s->domain != USOCK_UNIX;
}

/* A new socket with one reference, not yet open; the file for it. */
int usock_new(struct task *t, int domain, int type, struct usock **out);
int usock_open_file(struct task *t, struct usock *s, uint32_t flags,
                    struct file **out);
void usock_get(struct usock *s);
/* Connect (a) and (b) to each other; each reports the other's maker's
 * credentials as SO_PEERCRED. */
void usock_link(struct usock *a, struct usock *b);
void usock_put(struct usock *s);
/* (s) and its peer may have changed: wake their waiters. */
void usock_changed(struct usock *s);
/* (s)'s file is gone, or the listener of a queued (s) is (embryo): it
 * leaves its name and its peer, which sees end of file (ECONNRESET if
 * data was left unread). */
void usock_close(struct usock *s, bool embryo);
void usock_creds_of(struct task *t, struct usock_creds *c);

/* Wait for a change for at most *(left) ns (< 0: no limit), counting
 * it down: 0, -EINTR, or -EAGAIN when the time ran out (a socket
 * timeout's answer) or at once when (nonblock). */
int usock_wait(struct task *t, bool nonblock, int64_t *left);

/* The socket named (a) (not referenced), or -ENOENT, -ECONNREFUSED,
 * -EACCES as connect(2) fails to find it; an abstract name is looked up
 * among sockets of (type). */
int usock_find(struct task *t, const struct usock_addr *a, int type,
               struct usock **out);
void usock_unbind(struct usock *s);
/* Add (s) to the kernel's list of named sockets as (a). */
void usock_table_add(struct usock *s, const struct usock_addr *a);

/* Inet names (usock_inet.c). bind; the listener a connect to (a)
 * reaches; the UDP socket a datagram to (a) goes to (NULL: none, it is
 * dropped); the name an unbound socket takes to send or connect to (a),
 * and the local name a connection to (a) has. */
int usock_inet_bind(struct task *t, struct usock *s,
                    const struct usock_addr *a);
/* listen: a port when (s) has none, -EADDRINUSE when another socket
 * bound with SO_REUSEADDR to its port listens. */
int usock_inet_listen(struct usock *s);
/* A destination (a) as the loopback takes it (the wildcard is the
 * loopback address): 0, or -ENETUNREACH for anywhere else. */
int usock_inet_dest(struct usock *s, struct usock_addr *a);
struct usock *usock_inet_listener(struct usock *s, const struct usock_addr *a);
struct usock *usock_inet_udp(struct usock *s, const struct usock_addr *a);
int usock_inet_autobind(struct usock *s, const struct usock_addr *to);
void usock_inet_local(const struct usock *s, const struct usock_addr *to,
                      struct usock_addr *out);

#endif /* LBOX_CORE_IPC_USOCK_INTERNAL_H */
