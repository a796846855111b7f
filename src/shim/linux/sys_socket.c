/* SPDX-License-Identifier: MIT */
/*
 * Implements socket(2), socketpair(2), bind(2), listen(2), connect(2),
 * accept(2), accept4(2), shutdown(2), getsockname(2), getpeername(2),
 * getsockopt(2) and setsockopt(2) for AF_UNIX, on core/ipc/usock.h.
 * The sandbox has no network: other families are refused with Linux's
 * answer for a family the kernel lacks (EAFNOSUPPORT), logged once.
 * Sending and receiving are in sys_sockmsg.c.
 */
#include "core/fdtable.h"
#include "core/fs/vfs_abi.h"
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/sock.h"
#include "shim/linux/syscalls.h"

#define L_AF_UNSPEC 0
#define L_AF_INET 2
#define L_AF_INET6 10
#define L_SOCK_NONBLOCK 04000
#define L_SOCK_CLOEXEC 02000000
#define L_SOL_SOCKET 1
#define L_SOCKADDR_MAX 128      /* sizeof(struct sockaddr_storage) */

long sock_get(struct task *t, int fd, struct file **out)
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

long sock_get_addr(struct task *t, gaddr_t uaddr, uint64_t len,
                   struct usock_addr *out)
{
    char raw[L_SOCKADDR_MAX];
    uint16_t family;
    size_t n;

    if (len > L_SOCKADDR_MAX)
        return -EINVAL;
    if (copy_from_guest(t, raw, uaddr, len) < 0)
        return -EFAULT;
    memcpy(&family, raw, len >= 2 ? 2 : 0);
    if (len < 2 || family != L_AF_UNIX || len > 2 + USOCK_PATH_MAX)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    n = len - 2;
    if (n && !raw[2]) {
        out->len = (uint32_t)n;                 /* abstract: every byte */
        memcpy(out->path, raw + 2, n);
    } else if (n) {
        n = strnlen(raw + 2, n);
        memcpy(out->path, raw + 2, n);
        out->len = (uint32_t)n + 1;             /* a path, and its NUL */
    }
    return 0;
}

long sock_write_addr(struct task *t, const struct usock_addr *a,
                     uint32_t unnamed_len, gaddr_t uaddr, uint32_t *len)
{
    char raw[2 + sizeof(a->path)];
    uint16_t family = L_AF_UNIX;
    uint32_t full = a->len ? 2 + a->len : unnamed_len;

    if ((int32_t)*len < 0)
        return -EINVAL;
    memcpy(raw, &family, 2);
    memcpy(raw + 2, a->path, a->len);
    if (copy_to_guest(t, uaddr, raw, MIN(*len, full)) < 0)
        return -EFAULT;
    *len = full;
    return 0;
}

long sock_put_addr(struct task *t, const struct usock_addr *a,
                   uint32_t unnamed_len, gaddr_t uaddr, gaddr_t ulen)
{
    uint32_t len;
    long ret;

    if (!ulen)
        return 0;
    if (copy_from_guest(t, &len, ulen, sizeof(len)) < 0)
        return -EFAULT;
    ret = sock_write_addr(t, a, unnamed_len, uaddr, &len);
    if (ret == 0 && copy_to_guest(t, ulen, &len, sizeof(len)) < 0)
        ret = -EFAULT;
    return ret;
}

/* A socket type word: the type, *(flags) the creation flags, or -EINVAL
 * for flags Linux does not know. */
static int sock_type(uint64_t word, uint32_t *flags)
{
    int type = (int)word & 0xf;

    *flags = (uint32_t)word & ~0xfu;
    if (*flags & ~(uint32_t)(L_SOCK_NONBLOCK | L_SOCK_CLOEXEC))
        return -EINVAL;
    return type == 3 ? USOCK_DGRAM : type; /* SOCK_RAW is SOCK_DGRAM here */
}

static long other_family(struct task *t, int domain)
{
    static const char *const names[] = {
        [2] = "AF_INET", [10] = "AF_INET6", [16] = "AF_NETLINK",
        [17] = "AF_PACKET",
    };
    const char *name = (size_t)domain < sizeof(names) / sizeof(names[0])
                       ? names[domain] : NULL;
    struct shim_proc *sp = shim_proc(t);

    if (!sp->warned[41]) {
        sp->warned[41] = 1;
        if (name)
            rt_log("lbox: socket: %s is not available in the sandbox (no "
                   "network; AF_UNIX only): EAFNOSUPPORT\n", name);
        else
            rt_log("lbox: socket: address family %d is not available in "
                   "the sandbox (AF_UNIX only): EAFNOSUPPORT\n", domain);
    }
    return -EAFNOSUPPORT;
}

long sys_socket(struct task *t, const uint64_t a[6])
{
    int domain = (int)a[0], proto = (int)a[2];
    uint32_t flags;
    int type = sock_type(a[1], &flags);
    struct file *f;
    long err;

    if (domain != L_AF_UNIX)
        return domain < 0 || domain >= 46 ? -EAFNOSUPPORT
                                          : other_family(t, domain);
    if (type < 0)
        return type;
    if (proto != 0 && proto != L_AF_UNIX)
        return -EPROTONOSUPPORT;
    err = usock_socket(t, type, flags & L_SOCK_NONBLOCK ? O_NONBLOCK : 0, &f);
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
    ret = sock_get_addr(t, a[1], (uint32_t)a[2], &addr);
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
    } else {
        ret = sock_get_addr(t, a[1], (uint32_t)a[2], &addr);
        if (ret == 0 && !addr.len)
            ret = -EINVAL;
        if (ret == 0)
            ret = usock_connect(t, f, &addr);
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
        ret = sock_put_addr(t, &peer, 2, uaddr, ulen);
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
    vfs_file_put(f);
    if (ret < 0)
        return ret;
    return sock_put_addr(t, &addr, 2, a[1], a[2]);
}

long sys_getsockname(struct task *t, const uint64_t a[6])
{
    return get_name(t, a, false);
}

long sys_getpeername(struct task *t, const uint64_t a[6])
{
    return get_name(t, a, true);
}

long sys_getsockopt(struct task *t, const uint64_t a[6])
{
    struct usock_creds cred;
    int64_t tv[2];
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
    case 3:  v = usock_type(f); break;                      /* SO_TYPE */
    case 4:  v = usock_take_error(f); break;                /* SO_ERROR */
    case 7:  v = (int32_t)usock_bufsize(f, true); break;    /* SO_SNDBUF */
    case 8:  v = (int32_t)usock_bufsize(f, false); break;   /* SO_RCVBUF */
    case 16: v = usock_passcred(f); break;                  /* SO_PASSCRED */
    case 30: v = usock_listening(f); break;                 /* SO_ACCEPTCONN */
    case 38: v = 0; break;                                  /* SO_PROTOCOL */
    case 39: v = L_AF_UNIX; break;                          /* SO_DOMAIN */
    case 17:                                                /* SO_PEERCRED */
        usock_peer_creds(f, &cred);
        val = &cred;
        size = sizeof(cred);
        break;
    case 20: case 21: case 66: case 67: {   /* SO_{RCV,SND}TIMEO(_NEW) */
        int64_t ns = usock_timeo(f, (int)a[2] == 21 || (int)a[2] == 67);

        tv[0] = ns > 0 ? ns / 1000000000 : 0;
        tv[1] = ns > 0 ? ns % 1000000000 / 1000 : 0;
        val = tv;
        size = sizeof(tv);
        break;
    }
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

/* SO_RCVTIMEO and SO_SNDTIMEO: a struct timeval, as Linux reads it. */
static long set_timeo(struct task *t, struct file *f, int opt,
                      const uint64_t a[6])
{
    int64_t tv[2], ns;

    if ((uint32_t)a[4] < sizeof(tv))
        return -EINVAL;
    if (copy_from_guest(t, tv, a[3], sizeof(tv)) < 0)
        return -EFAULT;
    if (tv[1] < 0 || tv[1] >= 1000000)
        return -EDOM;
    if (tv[0] < 0)
        ns = 0;                 /* Linux: fail at once */
    else if (tv[0] == 0 && tv[1] == 0)
        ns = -1;                /* no timeout */
    else if (tv[0] > INT64_MAX / 1000000000 - 1)
        ns = -1;
    else
        ns = tv[0] * 1000000000 + tv[1] * 1000;
    usock_set_timeo(f, opt == 21 || opt == 67, ns);
    return 0;
}

long sys_setsockopt(struct task *t, const uint64_t a[6])
{
    int opt = (int)a[2];
    int32_t v;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    if ((int)a[1] != L_SOL_SOCKET) {
        ret = -EOPNOTSUPP;
    } else if (opt == 20 || opt == 21 || opt == 66 || opt == 67) {
        ret = set_timeo(t, f, opt, a);
    } else if (opt != 7 && opt != 8 && opt != 16 && opt != 32 &&
               opt != 33) {
        ret = -ENOPROTOOPT;
    } else if ((uint32_t)a[4] < sizeof(v)) {
        ret = -EINVAL;
    } else if (copy_from_guest(t, &v, a[3], sizeof(v)) < 0) {
        ret = -EFAULT;
    } else if (opt == 16) {
        usock_set_passcred(f, v != 0);
    } else {
        usock_set_bufsize(f, opt == 7 || opt == 32, (uint32_t)MAX(v, 0));
    }
    vfs_file_put(f);
    return ret;
}
