/* SPDX-License-Identifier: MIT */
/*
 * What the socket calls share (Linux shim): finding a socket by fd and
 * moving socket addresses across the guest boundary (sock_addr.c).
 */
#ifndef LBOX_SHIM_LINUX_SOCK_H
#define LBOX_SHIM_LINUX_SOCK_H

#include "core/ipc/usock.h"
#include "shim/linux/shim.h"

#define L_AF_UNIX 1
#define L_AF_INET 2
#define L_AF_INET6 10

/* The socket at (fd), referenced: -EBADF, or -ENOTSOCK for another file. */
long sock_get(struct task *t, int fd, struct file **out);
/*
 * A guest address of (len) bytes for socket (f), as Linux checks it:
 * AF_UNIX at most sizeof(struct sockaddr_un), (out)->len 0 for the family
 * alone; sockaddr_in (AF_UNSPEC passes) or sockaddr_in6 by the socket's
 * domain, -EINVAL when short, -EAFNOSUPPORT for another family.
 * sock_get_dest: one that names somewhere (a bare AF_UNIX is -EINVAL).
 */
long sock_get_addr(struct task *t, const struct file *f, gaddr_t uaddr,
                   uint64_t len, struct usock_addr *out);
long sock_get_dest(struct task *t, const struct file *f, gaddr_t uaddr,
                   uint64_t len, struct usock_addr *out);
/* Write (a) as socket (f)'s family shows it to (uaddr), at most *(len)
 * bytes, and its full length to *(len) (sock_put_addr: to guest (ulen)).
 * An unnamed AF_UNIX (a), or an inet one without a port, is
 * (unnamed_len) bytes: 0 for no address (a stream's recvfrom), or the
 * whole unbound name (getsockname). */
long sock_write_addr(struct task *t, const struct file *f,
                     const struct usock_addr *a, uint32_t unnamed_len,
                     gaddr_t uaddr, uint32_t *len);
long sock_put_addr(struct task *t, const struct file *f,
                   const struct usock_addr *a, uint32_t unnamed_len,
                   gaddr_t uaddr, gaddr_t ulen);

/* What a UDP datagram from (f) carries unless its message says
 * otherwise: the hop limit and traffic class its options set
 * (sys_sockopt.c). Whether (f) asked to receive them. */
void sock_ip_defaults(const struct file *f, struct usock_anc *anc);
enum sock_want { SOCK_WANT_HOPLIMIT, SOCK_WANT_TCLASS, SOCK_WANT_TTL,
                 SOCK_WANT_TOS };
bool sock_wants(const struct file *f, enum sock_want which);

/* A wait a signal cut short restarts (SA_RESTART) unless the socket has
 * a timeout for it (SO_RCVTIMEO, SO_SNDTIMEO), as on Linux. */
static inline long sock_intr(const struct file *f, bool send, long ret)
{
    if (ret == -EINTR && usock_timeo(f, send) < 0)
        return -ERESTARTSYS;
    return ret;
}

#endif /* LBOX_SHIM_LINUX_SOCK_H */
