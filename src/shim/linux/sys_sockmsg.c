/* SPDX-License-Identifier: MIT */
/*
 * Implements sendto(2), recvfrom(2), sendmsg(2) and recvmsg(2) on the
 * sandbox's sockets (core/ipc/usock.h), with the ancillary data Linux
 * passes on AF_UNIX ones: SCM_RIGHTS (descriptors) and SCM_CREDENTIALS
 * (pid, uid, gid). On TCP and UDP Linux ignores both, and so does this;
 * a UDP datagram carries its hop limit and traffic class (IP_TTL, IP_TOS,
 * IPV6_HOPLIMIT, IPV6_TCLASS, per message or from the sender's options)
 * to a receiver that asks for them (IP_RECVTTL, IP_RECVTOS,
 * IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS).
 */
#include "core/fdtable.h"
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/sock.h"
#include "shim/linux/syscalls.h"

#define L_SOL_SOCKET 1
#define L_SOL_IP 0
#define L_SOL_IPV6 41
#define L_IP_TOS 1
#define L_IP_TTL 2
#define L_IPV6_HOPLIMIT 52
#define L_IPV6_TCLASS 67
#define L_SCM_RIGHTS 1
#define L_SCM_CREDENTIALS 2
#define L_MSG_OOB 0x1
#define L_MSG_CTRUNC 0x8
#define L_MSG_TRUNC 0x20
#define L_MSG_NOSIGNAL 0x4000
#define L_MSG_CMSG_CLOEXEC 0x40000000
#define IO_CHUNK (256 * 1024)   /* a datagram fits: buffers are 208 KiB */
#define CONTROL_MAX 65536
#define CMSG_HDR 16
#define CMSG_ALIGN8(n) (((n) + 7) & ~(uint64_t)7)

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

struct l_cmsghdr {
    uint64_t len;
    int32_t level, type;
};

static bool is_udp(const struct file *f)
{
    return usock_domain(f) != USOCK_UNIX && usock_type(f) == USOCK_DGRAM;
}

static long after_send(struct task *t, struct file *f, long ret,
                       unsigned flags)
{
    if (ret == -EPIPE && !(flags & L_MSG_NOSIGNAL))
        shim_signal_self(t, K_SIGPIPE);
    return sock_intr(f, true, ret);
}

/* Send what (iov) (count entries) gathers with (flags), to (to) when
 * given, with (anc) (its files taken whatever happens). */
static long send_iov(struct task *t, struct file *f, const struct l_iovec *iov,
                     uint64_t count, unsigned flags,
                     const struct usock_addr *to, struct usock_anc *anc)
{
    uint64_t total = 0, done = 0;
    char *buf;
    long ret = 0;

    for (uint64_t i = 0; i < count; i++)
        total += iov[i].len;
    if (usock_type(f) != USOCK_STREAM && total > IO_CHUNK) {
        ret = -EMSGSIZE;
        goto out;
    }
    buf = rt_heap_alloc(task_heap(t), (size_t)MIN(MAX(total, 1),
                                                  (uint64_t)IO_CHUNK));
    if (!buf) {
        ret = -ENOMEM;
        goto out;
    }
    /* Stream: in chunks; a message: in one piece. */
    for (uint64_t i = 0, off = 0; i < count || total == 0;) {
        size_t n = 0;

        while (i < count && n < IO_CHUNK) {
            size_t take = (size_t)MIN(iov[i].len - off, IO_CHUNK - n);

            if (copy_from_guest(t, buf + n, iov[i].base + off, take) < 0) {
                ret = -EFAULT;
                goto out_free;
            }
            n += take;
            off += take;
            if (off == iov[i].len) {
                i++;
                off = 0;
            }
        }
        ret = usock_send(t, f, buf, n, flags, to, anc);
        if (ret > 0)
            done += (uint64_t)ret;
        if (ret < 0 || (size_t)ret < n || total == 0 || i == count)
            break;
    }
out_free:
    rt_heap_free(task_heap(t), buf);
out:
    for (uint32_t i = 0; anc && i < anc->nfiles; i++)
        vfs_file_put(anc->files[i]);
    if (anc)
        anc->nfiles = 0;
    if (ret >= 0)
        return (long)(done ? done : (uint64_t)ret);
    return done ? (long)done : ret;
}

/* Receive into (iov); *(msg_flags) gets MSG_TRUNC when a datagram was
 * cut. */
static long recv_iov(struct task *t, struct file *f, const struct l_iovec *iov,
                     uint64_t count, unsigned flags, int *msg_flags,
                     struct usock_addr *from, struct usock_anc *anc)
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
    ret = usock_recv(t, f, buf, n, flags, &trunc, from, anc);
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
    return sock_intr(f, false, ret);
}

/* A datagram's destination from the guest's (uaddr, len), or NULL in
 * *(to) when there is none. A stream socket only needs to know one came. */
static long get_dest(struct task *t, struct file *f, gaddr_t uaddr,
                     uint64_t len, struct usock_addr *buf,
                     const struct usock_addr **to)
{
    long ret;

    *to = NULL;
    if (!uaddr || !len)
        return 0;
    if (usock_type(f) != USOCK_DGRAM) {
        *to = buf;
        buf->len = 0;
        return len > 128 ? -EINVAL : 0;
    }
    ret = sock_get_dest(t, f, uaddr, len, buf);
    if (ret == 0)
        *to = buf;
    return ret;
}

long sys_sendto(struct task *t, const uint64_t a[6])
{
    struct l_iovec one = {a[1], a[2]};
    unsigned flags = (unsigned)a[3];
    const struct usock_addr *to;
    struct usock_addr addr;
    struct usock_anc *anc = NULL;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    if (flags & L_MSG_OOB)
        ret = -EOPNOTSUPP;
    else
        ret = get_dest(t, f, a[4], (uint32_t)a[5], &addr, &to);
    if (ret == 0 && is_udp(f)) {
        anc = rt_heap_zalloc(task_heap(t), sizeof(*anc));
        if (anc)
            sock_ip_defaults(f, anc);
        else
            ret = -ENOMEM;
    }
    if (ret == 0)
        ret = after_send(t, f, send_iov(t, f, &one, 1, flags, to, anc),
                         flags);
    rt_heap_free(task_heap(t), anc);
    vfs_file_put(f);
    return ret;
}

long sys_recvfrom(struct task *t, const uint64_t a[6])
{
    struct l_iovec one = {a[1], a[2]};
    struct usock_addr from;
    int mflags;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    if ((unsigned)a[3] & L_MSG_OOB) {
        ret = -EINVAL;
    } else {
        ret = recv_iov(t, f, &one, 1, (unsigned)a[3], &mflags, &from, NULL);
        if (ret >= 0 && a[4]) {
            long err = sock_put_addr(t, f, &from, 0, a[4], a[5]);

            if (err < 0)
                ret = err;
        }
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

/* Credentials a sender may claim: its own, unless root (Linux's
 * CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID checks), and a pid that exists:
 * 0, -EPERM or -ESRCH. */
static long creds_check(struct task *t, const struct usock_creds *c)
{
    const struct cred *cr = task_cred(t);

    if (cr->euid != 0 &&
        (c->pid != t->proc->pid ||
         (c->uid != cr->uid && c->uid != cr->euid && c->uid != cr->suid) ||
         (c->gid != cr->gid && c->gid != cr->egid && c->gid != cr->sgid)))
        return -EPERM;
    if (c->pid != t->proc->pid && !task_find(t->proc, c->pid))
        return -ESRCH;
    return 0;
}

/* A UDP datagram's IP_TTL/IPV6_HOPLIMIT or IP_TOS/IPV6_TCLASS: an int
 * from 0 to 255, or -1 for the socket's (IP_TOS may be one byte). */
static long parse_ip_cmsg(const struct file *f, const struct l_cmsghdr *h,
                          const uint8_t *data, struct usock_anc *anc)
{
    size_t n = (size_t)(h->len - CMSG_HDR);
    bool v6 = usock_domain(f) == USOCK_INET6;
    bool hop = v6 ? h->type == L_IPV6_HOPLIMIT : h->type == L_IP_TTL;
    int32_t v;

    if ((v6 && h->level != L_SOL_IPV6) || (!v6 && h->level != L_SOL_IP))
        return 0;
    if (!hop && h->type != (v6 ? L_IPV6_TCLASS : L_IP_TOS))
        return -EINVAL;     /* IP_PKTINFO and the rest: not served */
    if (!v6 && !hop && n == 1) {
        anc->tclass = data[0];
        return 0;
    }
    if (n != sizeof(v))
        return -EINVAL;
    memcpy(&v, data, sizeof(v));
    if (v < -1 || v > 255 || (!v6 && hop && v < 1))
        return -EINVAL;
    if (v == -1)
        return 0;           /* the socket's own, already in (anc) */
    if (hop)
        anc->hoplimit = v;
    else
        anc->tclass = v;
    return 0;
}

/* One control message of (m) at (h), its data at (data). */
static long parse_cmsg(struct task *t, const struct file *f,
                       const struct l_cmsghdr *h, const uint8_t *data,
                       struct usock_anc *anc)
{
    size_t n = (size_t)(h->len - CMSG_HDR);

    if (is_udp(f))
        return parse_ip_cmsg(f, h, data, anc);
    if (h->level != L_SOL_SOCKET || usock_domain(f) != USOCK_UNIX)
        return 0;
    switch (h->type) {
    case L_SCM_RIGHTS:
        if (anc->nfiles + n / 4 > USOCK_MAX_FDS)
            return -EINVAL;
        for (size_t i = 0; i < n / 4; i++) {
            int32_t fd;
            struct file *f;

            memcpy(&fd, data + i * 4, 4);
            f = fd_get(t, fd);
            if (!f)
                return -EBADF;
            anc->files[anc->nfiles++] = f;
        }
        return 0;
    case L_SCM_CREDENTIALS:
        if (n != sizeof(anc->creds))
            return -EINVAL;
        memcpy(&anc->creds, data, sizeof(anc->creds));
        anc->has_creds = true;
        return creds_check(t, &anc->creds);
    default:
        return -EINVAL;
    }
}

/* The control messages of (m) for socket (f), in *(out) (NULL: none;
 * free it). A UDP datagram always has some: its IP fields. */
static long get_control(struct task *t, const struct file *f,
                        const struct l_msghdr *m, struct usock_anc **out)
{
    struct usock_anc *anc;
    uint8_t *buf;
    long ret = 0;

    *out = NULL;
    if (m->controllen < CMSG_HDR && !is_udp(f))
        return 0;
    if (m->controllen > CONTROL_MAX)
        return -ENOBUFS;
    buf = rt_heap_alloc(task_heap(t), (size_t)MAX(m->controllen, 1));
    anc = rt_heap_zalloc(task_heap(t), sizeof(*anc));
    if (!buf || !anc) {
        ret = -ENOMEM;
        goto out;
    }
    if (is_udp(f))
        sock_ip_defaults(f, anc);
    if (m->controllen < CMSG_HDR)
        goto out;
    if (copy_from_guest(t, buf, m->control, (size_t)m->controllen) < 0) {
        ret = -EFAULT;
        goto out;
    }
    for (uint64_t off = 0; off + CMSG_HDR <= m->controllen;) {
        struct l_cmsghdr h;

        memcpy(&h, buf + off, sizeof(h));
        if (h.len < CMSG_HDR || h.len > m->controllen - off) {
            ret = -EINVAL;
            goto out;
        }
        ret = parse_cmsg(t, f, &h, buf + off + CMSG_HDR, anc);
        if (ret < 0)
            goto out;
        off += CMSG_ALIGN8(h.len);
    }
out:
    rt_heap_free(task_heap(t), buf);
    if (ret < 0 && anc) {
        for (uint32_t i = 0; i < anc->nfiles; i++)
            vfs_file_put(anc->files[i]);
        rt_heap_free(task_heap(t), anc);
    } else {
        *out = anc;
    }
    return ret;
}

long sys_sendmsg(struct task *t, const uint64_t a[6])
{
    unsigned flags = (unsigned)a[2];
    const struct usock_addr *to;
    struct usock_addr addr;
    struct usock_anc *anc = NULL;
    struct l_iovec *iov;
    struct l_msghdr m;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    ret = get_msg(t, a[1], &m, &iov);
    if (ret < 0)
        goto out;
    if (flags & L_MSG_OOB)
        ret = -EOPNOTSUPP;
    else
        ret = get_dest(t, f, m.name, m.namelen, &addr, &to);
    if (ret == 0)
        ret = get_control(t, f, &m, &anc);
    if (ret == 0)
        ret = after_send(t, f,
                         send_iov(t, f, iov, m.iovlen, flags, to, anc), flags);
    rt_heap_free(task_heap(t), anc);
    rt_heap_free(task_heap(t), iov);
out:
    vfs_file_put(f);
    return ret;
}

/* Append one control message to (buf) of (cap) bytes at *(used), cut
 * (MSG_CTRUNC) where it does not fit, as Linux's put_cmsg does. */
static void put_cmsg(uint8_t *buf, size_t cap, size_t *used, int level,
                     int type, const void *data, size_t len, int *mflags)
{
    struct l_cmsghdr h = {CMSG_HDR + len, level, type};
    size_t room = cap - *used;

    if (room < CMSG_HDR) {
        *mflags |= L_MSG_CTRUNC;
        return;
    }
    if (room < h.len) {
        *mflags |= L_MSG_CTRUNC;
        h.len = room;
    }
    memcpy(buf + *used, &h, sizeof(h));
    memcpy(buf + *used + CMSG_HDR, data, (size_t)h.len - CMSG_HDR);
    *used += (size_t)MIN(CMSG_ALIGN8(h.len), (uint64_t)room);
}

/* A UDP datagram's IP fields the receiver (f) asked for, in Linux's
 * order: the hop limit (TTL), then the traffic class (TOS, one byte). */
static void put_ip_cmsgs(const struct file *f, const struct usock_anc *anc,
                         uint8_t *buf, size_t cap, size_t *used, int *mflags)
{
    uint8_t tos = (uint8_t)anc->tclass;

    if (usock_domain(f) == USOCK_INET6) {
        if (sock_wants(f, SOCK_WANT_HOPLIMIT))
            put_cmsg(buf, cap, used, L_SOL_IPV6, L_IPV6_HOPLIMIT,
                     &anc->hoplimit, 4, mflags);
        if (sock_wants(f, SOCK_WANT_TCLASS))
            put_cmsg(buf, cap, used, L_SOL_IPV6, L_IPV6_TCLASS,
                     &anc->tclass, 4, mflags);
        return;
    }
    if (sock_wants(f, SOCK_WANT_TOS))
        put_cmsg(buf, cap, used, L_SOL_IP, L_IP_TOS, &tos, 1, mflags);
    if (sock_wants(f, SOCK_WANT_TTL))
        put_cmsg(buf, cap, used, L_SOL_IP, L_IP_TTL, &anc->hoplimit, 4,
                 mflags);
}

/*
 * What came with the data, as control messages in the guest's buffer:
 * credentials, a datagram's IP fields, then as many descriptors as fit
 * (the rest closed and MSG_CTRUNC set). Writes the length used back
 * into (m).
 */
static long put_control(struct task *t, const struct file *f,
                        struct l_msghdr *m, struct usock_anc *anc,
                        bool cloexec, int *mflags)
{
    size_t cap = m->control ? (size_t)MIN(m->controllen, CONTROL_MAX) : 0;
    size_t used = 0, fdmax;
    int32_t fds[USOCK_MAX_FDS];
    uint32_t i = 0;
    uint8_t *buf;
    long ret = 0;

    buf = rt_heap_alloc(task_heap(t), MAX(cap, 1));
    if (!buf) {
        ret = -ENOMEM;
        goto out;
    }
    if (anc->has_creds)
        put_cmsg(buf, cap, &used, L_SOL_SOCKET, L_SCM_CREDENTIALS,
                 &anc->creds, sizeof(anc->creds), mflags);
    if (anc->has_ip)
        put_ip_cmsgs(f, anc, buf, cap, &used, mflags);
    fdmax = cap - used > CMSG_HDR ? (cap - used - CMSG_HDR) / 4 : 0;
    for (; i < anc->nfiles && i < fdmax; i++) {
        long fd = shim_install_one(t, anc->files[i], cloexec);

        anc->files[i] = NULL;
        if (fd < 0)
            break;
        fds[i] = (int32_t)fd;
    }
    if (i)
        put_cmsg(buf, cap, &used, L_SOL_SOCKET, L_SCM_RIGHTS, fds, i * 4,
                 mflags);
    if (i < anc->nfiles)
        *mflags |= L_MSG_CTRUNC;
    if (used && copy_to_guest(t, m->control, buf, used) < 0)
        ret = -EFAULT;
    m->controllen = used;
out:
    for (uint32_t j = 0; j < anc->nfiles; j++)
        if (anc->files[j])
            vfs_file_put(anc->files[j]);
    anc->nfiles = 0;
    rt_heap_free(task_heap(t), buf);
    return ret;
}

long sys_recvmsg(struct task *t, const uint64_t a[6])
{
    unsigned flags = (unsigned)a[2];
    struct usock_addr from;
    struct usock_anc *anc;
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
    anc = rt_heap_alloc(task_heap(t), sizeof(*anc));
    if (!anc)
        ret = -ENOMEM;
    else if (flags & L_MSG_OOB)
        ret = -EINVAL;
    else
        ret = recv_iov(t, f, iov, m.iovlen, flags, &mflags, &from, anc);
    rt_heap_free(task_heap(t), iov);
    if (ret >= 0) {
        long err = put_control(t, f, &m, anc, flags & L_MSG_CMSG_CLOEXEC,
                               &mflags);

        if (err == 0 && m.name)
            err = sock_write_addr(t, f, &from, 0, m.name, &m.namelen);
        else
            m.namelen = 0;
        m.flags = mflags;
        if (err == 0 && copy_to_guest(t, a[1], &m, sizeof(m)) < 0)
            err = -EFAULT;
        if (err < 0)
            ret = err;
    }
    rt_heap_free(task_heap(t), anc);
out:
    vfs_file_put(f);
    return ret;
}
