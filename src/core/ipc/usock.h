/* SPDX-License-Identifier: MIT */
/*
 * Sockets inside the sandbox (core, kernel image). AF_UNIX: stream,
 * datagram and seqpacket sockets, unnamed, bound to a path in the VFS or
 * to an abstract name, connected in pairs, listening and accepting, with
 * descriptors and credentials passed alongside the data. AF_INET and
 * AF_INET6 on the loopback only (usock_inet.c): TCP as a stream, UDP as
 * datagrams, between sockets of the sandbox bound to 127.0.0.0/8 or ::1
 * (or the wildcard). None reaches the host: a path-bound socket is a
 * socket node in the file tree (on a host mount, a socket node in the
 * host directory nothing listens on), and no address leaves the box.
 *
 * Everything here runs under the process lock (task.h), as the rest of
 * ipc/ does; a blocking call sleeps through anon_wait and looks again.
 */
#ifndef LBOX_CORE_IPC_USOCK_H
#define LBOX_CORE_IPC_USOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/fs/vfs.h"

#define USOCK_STREAM 1
#define USOCK_DGRAM 2
#define USOCK_SEQPACKET 5

/* Domains: Linux's numbers. */
#define USOCK_UNIX 1
#define USOCK_INET 2
#define USOCK_INET6 10

/*
 * A socket's name. AF_UNIX: sun_path's bytes, (len) 0 is unnamed; a path
 * keeps its NUL in (len) (what getsockname reports after the family), an
 * abstract name starts with a NUL and is exactly (len) bytes. Inet:
 * (ip) in IPv6 form (IPv4 as ::ffff:a.b.c.d) and (port) in host order;
 * the socket's domain says how it is shown.
 */
#define USOCK_PATH_MAX 108
struct usock_addr {
    uint32_t len;
    char path[USOCK_PATH_MAX + 1];   /* always NUL-terminated too */
    uint16_t port;
    uint8_t ip[16];
    uint32_t flowinfo, scope_id;
};

/* What SCM_CREDENTIALS and SO_PEERCRED carry. */
struct usock_creds {
    int32_t pid;
    uint32_t uid, gid;
};

/* Descriptors and credentials sent with data, or received with it. On
 * send, usock_send takes the files' references whatever it returns; on
 * receive the caller gets them referenced. (has_creds) on receive: the
 * socket asked for them (SO_PASSCRED). A UDP datagram's hop limit and
 * traffic class go with it from the sender's (its options or the
 * message's) to the receiver's (has_ip). */
#define USOCK_MAX_FDS 253       /* SCM_MAX_FD */
struct usock_anc {
    uint32_t nfiles;
    bool has_creds, has_ip;
    struct usock_creds creds;
    int32_t hoplimit, tclass;
    struct file *files[USOCK_MAX_FDS];
};

/* socket(domain, type, proto) and socketpair(AF_UNIX, type); (flags)
 * O_NONBLOCK. -ESOCKTNOSUPPORT for another type. (proto) is what
 * SO_PROTOCOL reports; inet sockets of different ones (UDP, UDP-Lite)
 * have ports of their own and reach only each other. */
int usock_socket(struct task *t, int domain, int type, int proto,
                 uint32_t flags, struct file **out);
int usock_protocol(const struct file *f);
int usock_pair(struct task *t, int type, uint32_t flags, struct file **a,
               struct file **b);
bool file_is_usock(const struct file *f);

/*
 * Names and connections. AF_UNIX bind with (a)->len 0 picks an abstract
 * name (autobind). A path is resolved from the task's cwd and made as a
 * socket node (-EADDRINUSE when it exists). Inet bind takes a loopback or
 * wildcard address (-EADDRNOTAVAIL for others) and port 0 for a free
 * ephemeral one. connect on a datagram socket sets its default peer ((a)
 * NULL: forgets it); on the others it connects to a listener, waiting
 * for room in its backlog unless O_NONBLOCK (-EAGAIN; a non-blocking
 * inet connect that succeeds says -EINPROGRESS, as TCP does). accept
 * gives the oldest connection, (flags) O_NONBLOCK for the new file, and
 * the connecting socket's name in *(peer).
 */
int usock_bind(struct task *t, struct file *f, const struct usock_addr *a);
int usock_listen(struct task *t, struct file *f, int backlog);
int usock_connect(struct task *t, struct file *f, const struct usock_addr *a);
int usock_accept(struct task *t, struct file *f, uint32_t flags,
                 struct file **out, struct usock_addr *peer);
/* getsockname ((peer) false) and getpeername (-ENOTCONN without one). */
int usock_name(const struct file *f, bool peer, struct usock_addr *out);

/*
 * Send and receive. (flags): USOCK_PEEK, USOCK_DONTWAIT, USOCK_WAITALL,
 * USOCK_TRUNC (return a datagram's whole length). (to), optional, is a
 * datagram's destination. (from), optional, gets the sender's name; (anc),
 * optional, what came with the data (without it, passed descriptors are
 * closed, as Linux does). *(truncated) says a message was cut. -EPIPE (the
 * caller raises SIGPIPE unless MSG_NOSIGNAL), -EAGAIN, -EINTR.
 */
#define USOCK_PEEK     0x2
#define USOCK_TRUNC    0x20
#define USOCK_DONTWAIT 0x40
#define USOCK_WAITALL  0x100
long usock_send(struct task *t, struct file *f, const void *buf, size_t n,
                unsigned flags, const struct usock_addr *to,
                struct usock_anc *anc);
long usock_recv(struct task *t, struct file *f, void *buf, size_t n,
                unsigned flags, bool *truncated, struct usock_addr *from,
                struct usock_anc *anc);

/* shutdown(2) (how 0, 1, 2). */
int usock_shutdown(struct file *f, int how);
/* Socket options: the type, SO_ACCEPTCONN, SO_PASSCRED, the buffer sizes
 * SO_SNDBUF and SO_RCVBUF report, SO_ERROR (taken), SO_PEERCRED. */
int usock_type(const struct file *f);
int usock_domain(const struct file *f);
/* Options that change inet binding: SO_REUSEADDR, SO_REUSEPORT,
 * IPV6_V6ONLY (-EINVAL once bound). */
enum usock_flag { USOCK_REUSEADDR, USOCK_REUSEPORT, USOCK_V6ONLY };
bool usock_flag(const struct file *f, enum usock_flag which);
int usock_set_flag(struct file *f, enum usock_flag which, bool on);
/* (USOCK_OPTS) slots of plain values the shim keeps for other options
 * (read back as set, no effect on the loopback); a slot never set reads
 * as (dflt). An accepted socket starts with its listener's. */
#define USOCK_OPTS 32
int32_t usock_opt_get(const struct file *f, unsigned slot, int32_t dflt);
void usock_opt_set(struct file *f, unsigned slot, int32_t v);
bool usock_listening(const struct file *f);
bool usock_passcred(const struct file *f);
void usock_set_passcred(struct file *f, bool on);
uint32_t usock_bufsize(const struct file *f, bool send);
void usock_set_bufsize(struct file *f, bool send, uint32_t bytes);
int usock_take_error(struct file *f);
/* SO_RCVTIMEO ((send) false) and SO_SNDTIMEO in ns, < 0 for none: a
 * blocking call that waits that long fails with -EAGAIN, and one a
 * signal interrupts is not restarted. */
int64_t usock_timeo(const struct file *f, bool send);
void usock_set_timeo(struct file *f, bool send, int64_t ns);
void usock_peer_creds(const struct file *f, struct usock_creds *out);

#endif /* LBOX_CORE_IPC_USOCK_H */
