/* SPDX-License-Identifier: MIT */
/*
 * Implements socketpair(2) for AF_UNIX and the calls that work on such a
 * pair: sendto(2), recvfrom(2), sendmsg(2), recvmsg(2), shutdown(2),
 * getsockname(2), getpeername(2), getsockopt(2), setsockopt(2), on
 * core/ipc/pipe.h's socket pairs. Sockets with addresses (socket, bind,
 * connect, listen, accept) are not implemented yet; ancillary data
 * (SCM_RIGHTS, SCM_CREDENTIALS) is refused with EOPNOTSUPP.
 */
#include "core/fdtable.h"
#include "core/fs/vfs_abi.h"
#include "core/ipc/pipe.h"
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/syscalls.h"

#define L_AF_UNIX 1
#define L_AF_INET 2
#define L_AF_INET6 10
#define L_SOCK_NONBLOCK 04000
#define L_SOCK_CLOEXEC 02000000
#define L_SOL_SOCKET 1
#define L_MSG_OOB 0x1
#define L_MSG_TRUNC 0x20
#define L_MSG_CTRUNC 0x8
#define L_MSG_NOSIGNAL 0x4000
#define L_MSG_KNOWN (0x1 | 0x2 | 0x20 | 0x40 | 0x80 | 0x100 | 0x4000 | \
                     0x8000 | 0x40000000)
#define IO_CHUNK (256 * 1024)   /* a datagram fits: buffers are 208 KiB */

struct l_iovec {
    uint64_t base, len;
};

struct l_msghdr {
    uint64_t name;
    uint32_t namelen, pad0;
    uint64_t iov;
    uint64_t iovlen;
    uint64_t control;
    uint64_t controllen;
    int32_t flags, pad1;
};
_Static_assert(sizeof(struct l_msghdr) == 56, "msghdr layout");

long sys_socketpair(struct task *t, const uint64_t a[6])
{
    int domain = (int)a[0], type = (int)a[1] & 0xf, proto = (int)a[2];
    uint32_t flags = (uint32_t)a[1] & ~0xfu;
    struct file *x, *y;
    long err;

    if (domain == L_AF_INET || domain == L_AF_INET6)
        return -EOPNOTSUPP;
    if (domain != L_AF_UNIX)
        return -EAFNOSUPPORT;
    if (flags & ~(uint32_t)(L_SOCK_NONBLOCK | L_SOCK_CLOEXEC))
        return -EINVAL;
    if (proto != 0 && proto != L_AF_UNIX)
        return -EPROTONOSUPPORT;
    if (type == 3)
        type = 2;       /* SOCK_RAW is SOCK_DGRAM for AF_UNIX */
    if (type != 1 && type != 2 && type != 5)
        return -ESOCKTNOSUPPORT;
    err = usock_pair(t, type, flags & L_SOCK_NONBLOCK ? O_NONBLOCK : 0, &x,
                     &y);
    if (err < 0)
        return err;
    return shim_install_pair(t, x, y, flags & L_SOCK_CLOEXEC, a[3]);
}

/* The socket at (fd), referenced: -EBADF, or -ENOTSOCK for another file. */
static long sock_get(struct task *t, int fd, struct file **out)
{
    struct file *f = fd_get(t, fd);

    if (!f)
        return -EBADF;
    if (!file_is_usock(f)) {
        vfs_file_put(f);
        return -ENOTSOCK;
    }
    *out = f;
    return 0;
}

static long after_send(struct task *t, long ret, unsigned flags)
{
    if (ret == -EPIPE && !(flags & L_MSG_NOSIGNAL))
        shim_signal_self(t, K_SIGPIPE);
    return ret == -EINTR ? -ERESTARTSYS : ret;
}

/* Send (len) bytes gathered from (iov) (count entries) with (flags). */
static long send_iov(struct task *t, struct file *f, const struct l_iovec *iov,
                     uint64_t count, unsigned flags)
{
    uint64_t total = 0, done = 0;
    char *buf;
    long ret = 0;

    for (uint64_t i = 0; i < count; i++)
        total += iov[i].len;
    if (usock_type(f) != 1 && total > IO_CHUNK)
        return -EMSGSIZE;
    buf = rt_heap_alloc(task_heap(t), (size_t)MIN(MAX(total, 1),
                                                  (uint64_t)IO_CHUNK));
    if (!buf)
        return -ENOMEM;
    /* Stream: in chunks; a message: in one piece. */
    for (uint64_t i = 0, off = 0; i < count || total == 0;) {
        size_t n = 0;

        while (i < count && n < IO_CHUNK) {
            size_t take = (size_t)MIN(iov[i].len - off, IO_CHUNK - n);

            if (copy_from_guest(t, buf + n, iov[i].base + off, take) < 0) {
                ret = -EFAULT;
                goto out;
            }
            n += take;
            off += take;
            if (off == iov[i].len) {
                i++;
                off = 0;
            }
        }
        ret = usock_send(f, buf, n, flags);
        if (ret > 0)
            done += (uint64_t)ret;
        if (ret < 0 || (size_t)ret < n || total == 0 || i == count)
            break;
    }
out:
    rt_heap_free(task_heap(t), buf);
    if (ret >= 0)
        return (long)(done ? done : (uint64_t)ret);
    return done ? (long)done : ret;
}

/* Receive into (iov); *(msg_flags) gets MSG_TRUNC when a datagram was
 * cut. */
static long recv_iov(struct task *t, struct file *f, const struct l_iovec *iov,
                     uint64_t count, unsigned flags, int *msg_flags)
{
    uint64_t total = 0;
    size_t n, put = 0;
    bool trunc;
    char *buf;
    long ret;

    for (uint64_t i = 0; i < count; i++)
        total += iov[i].len;
    n = (size_t)MIN(total, (uint64_t)IO_CHUNK);
    buf = rt_heap_alloc(task_heap(t), MAX(n, 1));
    if (!buf)
        return -ENOMEM;
    ret = usock_recv(f, buf, n, flags, &trunc);
    for (uint64_t i = 0; ret > 0 && i < count && put < MIN((size_t)ret, n);
         i++) {
        size_t take = (size_t)MIN(iov[i].len, MIN((size_t)ret, n) - put);

        if (copy_to_guest(t, iov[i].base, buf + put, take) < 0) {
            ret = -EFAULT;
            break;
        }
        put += take;
    }
    rt_heap_free(task_heap(t), buf);
    *msg_flags = trunc ? L_MSG_TRUNC : 0;
    return ret == -EINTR ? -ERESTARTSYS : ret;
}

long sys_sendto(struct task *t, const uint64_t a[6])
{
    struct l_iovec one = {a[1], a[2]};
    unsigned flags = (unsigned)a[3];
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    if (flags & L_MSG_OOB)
        ret = -EOPNOTSUPP;
    else if (a[4])
        ret = usock_type(f) == 2 ? -EOPNOTSUPP : -EISCONN;
    else
        ret = after_send(t, send_iov(t, f, &one, 1, flags), flags);
    vfs_file_put(f);
    return ret;
}

long sys_recvfrom(struct task *t, const uint64_t a[6])
{
    struct l_iovec one = {a[1], a[2]};
    uint32_t zero = 0;
    int mflags;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    if ((unsigned)a[3] & L_MSG_OOB) {
        ret = -EINVAL;
    } else {
        ret = recv_iov(t, f, &one, 1, (unsigned)a[3], &mflags);
        /* The peer has no address: none is given back. */
        if (ret >= 0 && a[4] && a[5] &&
            copy_to_guest(t, a[5], &zero, sizeof(zero)) < 0)
            ret = -EFAULT;
    }
    vfs_file_put(f);
    return ret;
}

/* A msghdr's iovecs, in a private-heap array (free it). */
static long get_msg(struct task *t, gaddr_t umsg, struct l_msghdr *m,
                    struct l_iovec **iov)
{
    if (copy_from_guest(t, m, umsg, sizeof(*m)) < 0)
        return -EFAULT;
    if (m->iovlen > 1024)
        return -EMSGSIZE;
    *iov = rt_heap_alloc(task_heap(t), MAX(m->iovlen, 1) * sizeof(**iov));
    if (!*iov)
        return -ENOMEM;
    if (copy_from_guest(t, *iov, m->iov, m->iovlen * sizeof(**iov)) < 0) {
        rt_heap_free(task_heap(t), *iov);
        return -EFAULT;
    }
    for (uint64_t i = 0; i < m->iovlen; i++) {
        if ((int64_t)(*iov)[i].len < 0) {
            rt_heap_free(task_heap(t), *iov);
            return -EINVAL;
        }
    }
    return 0;
}

long sys_sendmsg(struct task *t, const uint64_t a[6])
{
    unsigned flags = (unsigned)a[2];
    struct l_iovec *iov;
    struct l_msghdr m;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    ret = get_msg(t, a[1], &m, &iov);
    if (ret < 0)
        goto out;
    if (m.controllen) {
        rt_log("lbox: sendmsg: ancillary data (SCM_RIGHTS, "
               "SCM_CREDENTIALS) is not supported yet: EOPNOTSUPP\n");
        ret = -EOPNOTSUPP;
    } else if (flags & L_MSG_OOB) {
        ret = -EOPNOTSUPP;
    } else if (m.name) {
        ret = usock_type(f) == 2 ? -EOPNOTSUPP : -EISCONN;
    } else {
        ret = after_send(t, send_iov(t, f, iov, m.iovlen, flags), flags);
    }
    rt_heap_free(task_heap(t), iov);
out:
    vfs_file_put(f);
    return ret;
}

long sys_recvmsg(struct task *t, const uint64_t a[6])
{
    struct l_iovec *iov;
    struct l_msghdr m;
    struct file *f;
    int mflags = 0;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    ret = get_msg(t, a[1], &m, &iov);
    if (ret < 0)
        goto out;
    if ((unsigned)a[2] & L_MSG_OOB)
        ret = -EINVAL;
    else
        ret = recv_iov(t, f, iov, m.iovlen, (unsigned)a[2], &mflags);
    rt_heap_free(task_heap(t), iov);
    if (ret >= 0) {
        /* No address and no ancillary data come back. */
        m.namelen = 0;
        m.controllen = 0;
        m.flags = mflags;
        if (copy_to_guest(t, a[1], &m, sizeof(m)) < 0)
            ret = -EFAULT;
    }
out:
    vfs_file_put(f);
    return ret;
}

long sys_shutdown(struct task *t, const uint64_t a[6])
{
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    ret = usock_shutdown(f, (int)a[1]);
    vfs_file_put(f);
    return ret;
}

/* An unnamed AF_UNIX address: the family alone. */
static long unnamed(struct task *t, const uint64_t a[6])
{
    uint16_t family = L_AF_UNIX;
    uint32_t len;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    vfs_file_put(f);
    if (copy_from_guest(t, &len, a[2], sizeof(len)) < 0)
        return -EFAULT;
    if ((int32_t)len < 0)
        return -EINVAL;
    if (copy_to_guest(t, a[1], &family, MIN(len, sizeof(family))) < 0)
        return -EFAULT;
    len = sizeof(family);
    return copy_to_guest(t, a[2], &len, sizeof(len)) < 0 ? -EFAULT : 0;
}

long sys_getsockname(struct task *t, const uint64_t a[6])
{
    return unnamed(t, a);
}

long sys_getpeername(struct task *t, const uint64_t a[6])
{
    return unnamed(t, a);
}

long sys_getsockopt(struct task *t, const uint64_t a[6])
{
    struct {
        int32_t pid;
        uint32_t uid, gid;
    } cred;
    int32_t v = 0;
    const void *val = &v;
    uint32_t len, size = sizeof(v);
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    if (copy_from_guest(t, &len, a[4], sizeof(len)) < 0) {
        ret = -EFAULT;
        goto out;
    }
    if ((int32_t)len < 0) {
        ret = -EINVAL;
        goto out;
    }
    if ((int)a[1] != L_SOL_SOCKET) {
        ret = -EOPNOTSUPP;
        goto out;
    }
    switch ((int)a[2]) {
    case 3:  v = usock_type(f); break;              /* SO_TYPE */
    case 4:  v = 0; break;                          /* SO_ERROR */
    case 7:  v = (int32_t)usock_bufsize(f, true); break;   /* SO_SNDBUF */
    case 8:  v = (int32_t)usock_bufsize(f, false); break;  /* SO_RCVBUF */
    case 30: v = 0; break;                          /* SO_ACCEPTCONN */
    case 38: v = 0; break;                          /* SO_PROTOCOL */
    case 39: v = L_AF_UNIX; break;                  /* SO_DOMAIN */
    case 17:                                        /* SO_PEERCRED */
        usock_peer(f, &cred.pid, &cred.uid, &cred.gid);
        val = &cred;
        size = sizeof(cred);
        break;
    default:
        ret = -ENOPROTOOPT;
        goto out;
    }
    len = MIN(len, size);
    if (copy_to_guest(t, a[3], val, len) < 0 ||
        copy_to_guest(t, a[4], &len, sizeof(len)) < 0)
        ret = -EFAULT;
out:
    vfs_file_put(f);
    return ret;
}

long sys_setsockopt(struct task *t, const uint64_t a[6])
{
    int32_t v;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    if ((int)a[1] != L_SOL_SOCKET) {
        ret = -EOPNOTSUPP;
    } else if ((int)a[2] != 7 && (int)a[2] != 8 && (int)a[2] != 32 &&
               (int)a[2] != 33) {
        ret = -ENOPROTOOPT;     /* only the buffer sizes so far */
    } else if ((uint32_t)a[4] < sizeof(v)) {
        ret = -EINVAL;
    } else if (copy_from_guest(t, &v, a[3], sizeof(v)) < 0) {
        ret = -EFAULT;
    } else {
        usock_set_bufsize(f, (int)a[2] == 7 || (int)a[2] == 32,
                          (uint32_t)MAX(v, 0));
    }
    vfs_file_put(f);
    return ret;
}
