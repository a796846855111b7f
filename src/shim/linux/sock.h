/* SPDX-License-Identifier: MIT */
/*
 * What sys_socket.c and sys_sockmsg.c share (Linux shim): finding a
 * socket by fd and moving struct sockaddr_un across the guest boundary.
 */
#ifndef LBOX_SHIM_LINUX_SOCK_H
#define LBOX_SHIM_LINUX_SOCK_H

#include "core/ipc/usock.h"
#include "shim/linux/shim.h"

#define L_AF_UNIX 1

/* The socket at (fd), referenced: -EBADF, or -ENOTSOCK for another file. */
long sock_get(struct task *t, int fd, struct file **out);
/* A guest sockaddr_un of (len) bytes: -EINVAL unless AF_UNIX and at most
 * sizeof(struct sockaddr_un); (out)->len 0 for the family alone. */
long sock_get_addr(struct task *t, gaddr_t uaddr, uint64_t len,
                   struct usock_addr *out);
/* Write (a) to (uaddr), at most *(len) bytes, and its full length to
 * *(len) (sock_put_addr: to guest (ulen)); an unnamed (a) is
 * (unnamed_len) bytes (the family, or none). */
long sock_write_addr(struct task *t, const struct usock_addr *a,
                     uint32_t unnamed_len, gaddr_t uaddr, uint32_t *len);
long sock_put_addr(struct task *t, const struct usock_addr *a,
                   uint32_t unnamed_len, gaddr_t uaddr, gaddr_t ulen);

/* A wait a signal cut short restarts (SA_RESTART) unless the socket has
 * a timeout for it (SO_RCVTIMEO, SO_SNDTIMEO), as on Linux. */
static inline long sock_intr(const struct file *f, bool send, long ret)
{
    if (ret == -EINTR && usock_timeo(f, send) < 0)
        return -ERESTARTSYS;
    return ret;
}

#endif /* LBOX_SHIM_LINUX_SOCK_H */
