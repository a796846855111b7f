/* SPDX-License-Identifier: MIT */
/*
 * Implements socket(2), socketpair(2), bind(2), listen(2), connect(2),
 * accept(2), accept4(2), shutdown(2), getsockname(2) and getpeername(2)
 * on core/ipc/usock.h: AF_UNIX, and AF_INET/AF_INET6 on the sandbox's
 * own loopback. The sandbox has no network: an address off the loopback
 * is unreachable (ENETUNREACH) and other families are refused with
 * Linux's answer for a family the kernel lacks (EAFNOSUPPORT), each
 * logged once. Options are in sys_sockopt.c, sending and receiving in
 * sys_sockmsg.c.
 */
#include "core/fs/vfs_abi.h"
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/sock.h"
#include "shim/linux/syscalls.h"

#define L_AF_UNSPEC 0
#define L_SOCK_RAW 3
#define L_SOCK_NONBLOCK 04000
#define L_SOCK_CLOEXEC 02000000
#define L_IPPROTO_ICMP 1
#define L_IPPROTO_TCP 6
#define L_IPPROTO_UDP 17
#define L_IPPROTO_ICMPV6 58
#define L_IPPROTO_UDPLITE 136
#define L_SOCKADDR_MAX 128      /* sizeof(struct sockaddr_storage) */

/* A socket type word: the type, *(flags) the creation flags, or -EINVAL
 * for flags Linux does not know. */
static int sock_type(uint64_t word, uint32_t *flags)
{
    *flags = (uint32_t)word & ~0xfu;
    if (*flags & ~(uint32_t)(L_SOCK_NONBLOCK | L_SOCK_CLOEXEC))
        return -EINVAL;
    return (int)word & 0xf;
}

static long other_family(struct task *t, int domain)
{
    static const char *const names[] = {
        [16] = "AF_NETLINK", [17] = "AF_PACKET",
    };
    const char *name = (size_t)domain < sizeof(names) / sizeof(names[0])
                       ? names[domain] : NULL;
    struct shim_proc *sp = shim_proc(t);

    if (!sp->warned[41]) {
        sp->warned[41] = 1;
        if (name)
            rt_log("lbox: socket: %s is not available in the sandbox (no "
                   "network; AF_UNIX, and AF_INET/AF_INET6 on its own "
                   "loopback): EAFNOSUPPORT\n", name);
        else
            rt_log("lbox: socket: address family %d is not available in "
                   "the sandbox (AF_UNIX, AF_INET, AF_INET6 only): "
                   "EAFNOSUPPORT\n", domain);
    }
    return -EAFNOSUPPORT;
}

/* Raw and ping sockets would reach the host's network: refused as
 * Linux refuses them to an unprivileged user, and logged once. */
static long no_raw(struct task *t, bool ping)
{
    struct shim_proc *sp = shim_proc(t);

    if (!sp->warned[41]) {
        sp->warned[41] = 1;
        rt_log("lbox: socket: %s sockets are not available in the sandbox "
               "(no network): %s\n", ping ? "ICMP ping" : "raw",
               ping ? "EACCES" : "EPERM");
    }
    return ping ? -EACCES : -EPERM;
}

/* The protocol of an inet socket of (type) asking for (proto): TCP,
 * UDP or UDP-Lite (UDP with a checksum over part of the datagram, which
 * the loopback never corrupts). */
static int inet_proto(struct task *t, int type, int proto)
{
    if (type == L_SOCK_RAW)
        return (int)no_raw(t, false);
    if (type == USOCK_DGRAM &&
        (proto == L_IPPROTO_ICMP || proto == L_IPPROTO_ICMPV6))
        return (int)no_raw(t, true);
    if (type != USOCK_STREAM && type != USOCK_DGRAM)
        return -ESOCKTNOSUPPORT;
    if (type == USOCK_STREAM && (proto == 0 || proto == L_IPPROTO_TCP))
        return L_IPPROTO_TCP;
    if (type == USOCK_DGRAM && (proto == 0 || proto == L_IPPROTO_UDP))
        return L_IPPROTO_UDP;
    if (type == USOCK_DGRAM && proto == L_IPPROTO_UDPLITE)
        return L_IPPROTO_UDPLITE;
    return -EPROTONOSUPPORT;
}

long sys_socket(struct task *t, const uint64_t a[6])
{
    int domain = (int)a[0], proto = (int)a[2];
    uint32_t flags;
    int type = sock_type(a[1], &flags);
    struct file *f;
    long err;

    if (domain != L_AF_UNIX && domain != L_AF_INET && domain != L_AF_INET6)
        return domain < 0 || domain >= 46 ? -EAFNOSUPPORT
                                          : other_family(t, domain);
    if (type < 0)
        return type;
    if (domain != L_AF_UNIX) {
        proto = inet_proto(t, type, proto);
        if (proto < 0)
            return proto;
    } else {
        if (type == L_SOCK_RAW)
            type = USOCK_DGRAM;         /* Linux's AF_UNIX does the same */
        if (proto != 0 && proto != L_AF_UNIX)
            return -EPROTONOSUPPORT;
        proto = 0;
    }
    err = usock_socket(t, domain, type, proto,
                       flags & L_SOCK_NONBLOCK ? O_NONBLOCK : 0, &f);
    if (err < 0)
        return err;
    return shim_install_one(t, f, flags & L_SOCK_CLOEXEC);
}

long sys_socketpair(struct task *t, const uint64_t a[6])
{
    int domain = (int)a[0], proto = (int)a[2];
    uint32_t flags;
    int type = sock_type(a[1], &flags);
    struct file *x, *y;
    long err;

    if (domain == L_AF_INET || domain == L_AF_INET6)
        return -EOPNOTSUPP;
    if (domain != L_AF_UNIX)
        return -EAFNOSUPPORT;
    if (type < 0)
        return type;
    if (type == L_SOCK_RAW)
        type = USOCK_DGRAM;
    if (proto != 0 && proto != L_AF_UNIX)
        return -EPROTONOSUPPORT;
    err = usock_pair(t, type, flags & L_SOCK_NONBLOCK ? O_NONBLOCK : 0, &x,
                     &y);
    if (err < 0)
        return err;
    return shim_install_pair(t, x, y, flags & L_SOCK_CLOEXEC, a[3]);
}

long sys_bind(struct task *t, const uint64_t a[6])
{
    struct usock_addr addr;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    ret = sock_get_addr(t, f, a[1], (uint32_t)a[2], &addr);
    if (ret == 0)
        ret = usock_bind(t, f, &addr);
    vfs_file_put(f);
    return ret;
}

long sys_listen(struct task *t, const uint64_t a[6])
{
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    ret = usock_listen(t, f, (int)a[1]);
    vfs_file_put(f);
    return ret;
}

/* An address off the loopback: there is no network to reach it. */
static long unreachable(struct task *t, long ret)
{
    struct shim_proc *sp = shim_proc(t);

    if (ret == -ENETUNREACH && !sp->warned[42]) {
        sp->warned[42] = 1;
        rt_log("lbox: connect: the sandbox has no network; only its own "
               "loopback (127.0.0.0/8, ::1) is reachable: ENETUNREACH\n");
    }
    return ret;
}

long sys_connect(struct task *t, const uint64_t a[6])
{
    struct usock_addr addr;
    uint16_t family = 0xffff;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    if ((uint32_t)a[2] >= 2 && (uint32_t)a[2] <= L_SOCKADDR_MAX &&
        copy_from_guest(t, &family, a[1], sizeof(family)) < 0) {
        ret = -EFAULT;
    } else if (family == L_AF_UNSPEC && usock_type(f) == USOCK_DGRAM) {
        ret = usock_connect(t, f, NULL);        /* forget the peer */
    } else if (family == L_AF_UNSPEC && usock_domain(f) != USOCK_UNIX) {
        ret = -EOPNOTSUPP;      /* a TCP disconnect: see linux-compat.md */
    } else {
        ret = sock_get_dest(t, f, a[1], (uint32_t)a[2], &addr);
        if (ret == 0)
            ret = unreachable(t, usock_connect(t, f, &addr));
    }
    ret = sock_intr(f, true, ret);
    vfs_file_put(f);
    return ret;
}

static long do_accept(struct task *t, int fd, gaddr_t uaddr, gaddr_t ulen,
                      uint64_t flags)
{
    struct usock_addr peer;
    struct file *f, *nf;
    long ret;

    if (flags & ~(uint64_t)(L_SOCK_NONBLOCK | L_SOCK_CLOEXEC))
        return -EINVAL;
    ret = sock_get(t, fd, &f);
    if (ret < 0)
        return ret;
    ret = usock_accept(t, f, flags & L_SOCK_NONBLOCK ? O_NONBLOCK : 0, &nf,
                       &peer);
    ret = sock_intr(f, false, ret);
    vfs_file_put(f);
    if (ret < 0)
        return ret;
    if (uaddr) {
        ret = sock_put_addr(t, nf, &peer, 2, uaddr, ulen);
        if (ret < 0) {
            vfs_file_put(nf);   /* Linux drops the connection too */
            return ret;
        }
    }
    return shim_install_one(t, nf, flags & L_SOCK_CLOEXEC);
}

long sys_accept(struct task *t, const uint64_t a[6])
{
    return do_accept(t, (int)a[0], a[1], a[2], 0);
}

long sys_accept4(struct task *t, const uint64_t a[6])
{
    return do_accept(t, (int)a[0], a[1], a[2], a[3]);
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

static long get_name(struct task *t, const uint64_t a[6], bool peer)
{
    struct usock_addr addr;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    ret = usock_name(f, peer, &addr);
    if (ret == 0)
        ret = sock_put_addr(t, f, &addr, 2, a[1], a[2]);
    vfs_file_put(f);
    return ret;
}

long sys_getsockname(struct task *t, const uint64_t a[6])
{
    return get_name(t, a, false);
}

long sys_getpeername(struct task *t, const uint64_t a[6])
{
    return get_name(t, a, true);
}

