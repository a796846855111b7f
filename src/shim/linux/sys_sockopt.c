/* SPDX-License-Identifier: MIT */
/*
 * Implements getsockopt(2) and setsockopt(2) on core/ipc/usock.h.
 * SOL_SOCKET options that change what a socket does (buffer sizes,
 * timeouts, SO_PASSCRED, the binding rules SO_REUSEADDR, SO_REUSEPORT
 * and IPV6_V6ONLY) go to core. The TCP and IP tuning options (Nagle,
 * keep-alive, TTL, type of service, ...) tune a network path the
 * sandbox's loopback does not have: core keeps their values so they read
 * back as set, and they change nothing (docs/linux-compat.md).
 */
#include "shim/linux/sock.h"
#include "shim/linux/syscalls.h"

#define L_SOL_SOCKET 1
#define L_SOL_IP 0
#define L_SOL_TCP 6
#define L_SOL_IPV6 41
#define L_SOL_UDPLITE 136

/* Which sockets an option is for. */
#define FOR_ALL  0x1
#define FOR_TCP  0x2
#define FOR_IP   0x4            /* IPv4 options: Linux takes them on both */
#define FOR_IP6  0x8
#define FOR_LITE 0x10           /* UDP-Lite */

/* Core's slots for the kept options. */
enum {
    S_DONTROUTE, S_BROADCAST, S_KEEPALIVE, S_OOBINLINE, S_PRIORITY,
    S_RCVLOWAT, S_NODELAY, S_MAXSEG, S_CORK, S_KEEPIDLE, S_KEEPINTVL,
    S_KEEPCNT, S_QUICKACK, S_USER_TIMEOUT, S_TOS, S_TTL, S_HOPS, S_TCLASS,
    S_LINGER_ON, S_LINGER_SECS, S_SEND_CSCOV, S_RECV_CSCOV,
    S_RECVHOPS, S_RECVTCLASS, S_RECVTTL, S_RECVTOS, S_COUNT
};
_Static_assert(S_COUNT <= USOCK_OPTS, "core keeps that many");

/* A kept option: its level and name, its slot in core, its default,
 * whether it reads back as 0 or 1. */
struct kept {
    int level, name;
    int32_t dflt;
    uint8_t who, slot;
    bool boolean;
};

static const struct kept g_kept[] = {
    {L_SOL_SOCKET, 5, 0, FOR_ALL, S_DONTROUTE, true}, /* SO_DONTROUTE */
    {L_SOL_SOCKET, 6, 0, FOR_ALL, S_BROADCAST, true}, /* SO_BROADCAST */
    {L_SOL_SOCKET, 9, 0, FOR_ALL, S_KEEPALIVE, true}, /* SO_KEEPALIVE */
    {L_SOL_SOCKET, 10, 0, FOR_ALL, S_OOBINLINE, true}, /* SO_OOBINLINE */
    {L_SOL_SOCKET, 12, 0, FOR_ALL, S_PRIORITY, false}, /* SO_PRIORITY */
    {L_SOL_SOCKET, 18, 1, FOR_ALL, S_RCVLOWAT, false}, /* SO_RCVLOWAT */
    {L_SOL_SOCKET, 13, 0, FOR_ALL, S_LINGER_ON, false}, /* SO_LINGER */
    {L_SOL_TCP, 1, 0, FOR_TCP, S_NODELAY, true},     /* TCP_NODELAY */
    {L_SOL_TCP, 2, 536, FOR_TCP, S_MAXSEG, false},   /* TCP_MAXSEG */
    {L_SOL_TCP, 3, 0, FOR_TCP, S_CORK, true},        /* TCP_CORK */
    {L_SOL_TCP, 4, 7200, FOR_TCP, S_KEEPIDLE, false}, /* TCP_KEEPIDLE */
    {L_SOL_TCP, 5, 75, FOR_TCP, S_KEEPINTVL, false}, /* TCP_KEEPINTVL */
    {L_SOL_TCP, 6, 9, FOR_TCP, S_KEEPCNT, false},    /* TCP_KEEPCNT */
    {L_SOL_TCP, 12, 1, FOR_TCP, S_QUICKACK, true},   /* TCP_QUICKACK */
    {L_SOL_TCP, 18, 0, FOR_TCP, S_USER_TIMEOUT, false}, /* TCP_USER_TIMEOUT */
    {L_SOL_IP, 1, 0, FOR_IP, S_TOS, false},          /* IP_TOS */
    {L_SOL_IP, 2, 64, FOR_IP, S_TTL, false},         /* IP_TTL */
    {L_SOL_IP, 12, 0, FOR_IP, S_RECVTTL, true},      /* IP_RECVTTL */
    {L_SOL_IP, 13, 0, FOR_IP, S_RECVTOS, true},      /* IP_RECVTOS */
    {L_SOL_IPV6, 16, 64, FOR_IP6, S_HOPS, false},    /* IPV6_UNICAST_HOPS */
    {L_SOL_IPV6, 67, 0, FOR_IP6, S_TCLASS, false},   /* IPV6_TCLASS */
    {L_SOL_IPV6, 51, 0, FOR_IP6, S_RECVHOPS, true},  /* IPV6_RECVHOPLIMIT */
    {L_SOL_IPV6, 66, 0, FOR_IP6, S_RECVTCLASS, true}, /* IPV6_RECVTCLASS */
    /* UDPLITE_SEND_CSCOV and UDPLITE_RECV_CSCOV */
    {L_SOL_UDPLITE, 10, 0, FOR_LITE, S_SEND_CSCOV, false},
    {L_SOL_UDPLITE, 11, 0, FOR_LITE, S_RECV_CSCOV, false},
};

static bool applies(const struct file *f, uint8_t who)
{
    int domain = usock_domain(f);

    switch (who) {
    case FOR_ALL:
        return true;
    case FOR_TCP:
        return domain != USOCK_UNIX && usock_type(f) == USOCK_STREAM;
    case FOR_IP:
        return domain != USOCK_UNIX;
    case FOR_IP6:
        return domain == USOCK_INET6;
    case FOR_LITE:
        return usock_protocol(f) == L_SOL_UDPLITE;
    default:
        return false;
    }
}

static const struct kept *kept(const struct file *f, int level, int name)
{
    for (size_t i = 0; i < sizeof(g_kept) / sizeof(g_kept[0]); i++)
        if (g_kept[i].level == level && g_kept[i].name == name &&
            applies(f, g_kept[i].who))
            return &g_kept[i];
    return NULL;
}

/* Linux's answer for an option it does not know at a (level) other
 * than SOL_SOCKET: getsockopt says EOPNOTSUPP, an inet setsockopt
 * ENOPROTOOPT (AF_UNIX has only SOL_SOCKET: EOPNOTSUPP both ways). */
static long unknown(const struct file *f, bool set)
{
    return set && usock_domain(f) != USOCK_UNIX ? -ENOPROTOOPT : -EOPNOTSUPP;
}

long sys_getsockopt(struct task *t, const uint64_t a[6])
{
    int level = (int)a[1], name = (int)a[2];
    const struct kept *k;
    struct usock_creds cred;
    int64_t tv[2];
    int32_t v = 0, linger[2];
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
    k = kept(f, level, name);
    if (k && k->slot == S_LINGER_ON) {
        linger[0] = usock_opt_get(f, S_LINGER_ON, 0);
        linger[1] = usock_opt_get(f, S_LINGER_SECS, 0);
        val = linger;
        size = sizeof(linger);
    } else if (k) {
        v = usock_opt_get(f, k->slot, k->dflt);
    } else if (level == L_SOL_IPV6 && name == 26 &&
               usock_domain(f) == USOCK_INET6) {
        v = usock_flag(f, USOCK_V6ONLY);                    /* IPV6_V6ONLY */
    } else if (level == L_SOL_TCP && applies(f, FOR_TCP)) {
        ret = -ENOPROTOOPT;
        goto out;
    } else if (level != L_SOL_SOCKET) {
        ret = unknown(f, false);
        goto out;
    } else {
        switch (name) {
        case 2:  v = usock_flag(f, USOCK_REUSEADDR); break; /* SO_REUSEADDR */
        case 3:  v = usock_type(f); break;                  /* SO_TYPE */
        case 4:  v = usock_take_error(f); break;            /* SO_ERROR */
        case 7:  v = (int32_t)usock_bufsize(f, true); break; /* SO_SNDBUF */
        case 8:  v = (int32_t)usock_bufsize(f, false); break; /* SO_RCVBUF */
        case 15: v = usock_flag(f, USOCK_REUSEPORT); break; /* SO_REUSEPORT */
        case 16: v = usock_passcred(f); break;              /* SO_PASSCRED */
        case 19: v = 1; break;                  /* SO_SNDLOWAT: fixed */
        case 30: v = usock_listening(f); break;             /* SO_ACCEPTCONN */
        case 38: v = usock_protocol(f); break;              /* SO_PROTOCOL */
        case 39: v = usock_domain(f); break;                /* SO_DOMAIN */
        case 17:                                            /* SO_PEERCRED */
            usock_peer_creds(f, &cred);
            val = &cred;
            size = sizeof(cred);
            break;
        case 20: case 21: case 66: case 67: {   /* SO_{RCV,SND}TIMEO(_NEW) */
            int64_t ns = usock_timeo(f, name == 21 || name == 67);

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

/* SO_LINGER: a struct linger. */
static long set_linger(struct task *t, struct file *f, const uint64_t a[6])
{
    int32_t l[2];

    if ((uint32_t)a[4] < sizeof(l))
        return -EINVAL;
    if (copy_from_guest(t, l, a[3], sizeof(l)) < 0)
        return -EFAULT;
    usock_opt_set(f, S_LINGER_ON, l[0] != 0);
    usock_opt_set(f, S_LINGER_SECS, l[1]);
    return 0;
}

/* A kept option's value as Linux stores it, or -EINVAL for one it
 * refuses. */
static long kept_value(const struct kept *k, int32_t v, int32_t *out)
{
    if (k->boolean)
        v = v != 0;
    switch (k->slot) {
    case S_MAXSEG:
        if (v && (v < 88 || v > 65535))
            return -EINVAL;
        break;
    case S_KEEPIDLE:
    case S_KEEPINTVL:
        if (v < 1 || v > 32767)
            return -EINVAL;
        break;
    case S_KEEPCNT:
        if (v < 1 || v > 127)
            return -EINVAL;
        break;
    case S_USER_TIMEOUT:
    case S_PRIORITY:
        if (v < 0)
            return -EINVAL;
        break;
    case S_TTL:
    case S_HOPS:
    case S_TCLASS:
        if (v < -1 || v > 255 || (v == 0 && k->slot == S_TTL))
            return -EINVAL;
        if (v == -1)
            v = k->dflt;
        break;
    case S_RCVLOWAT:
        v = MAX(v, 1);
        break;
    case S_SEND_CSCOV:
    case S_RECV_CSCOV:
        if (v != 0 && v < 8)
            v = 8;                  /* Linux's smallest coverage */
        v = MIN(v, 0xffff);
        break;
    case S_TOS:
        v &= 0xff;
        break;
    }
    *out = v;
    return 0;
}

void sock_ip_defaults(const struct file *f, struct usock_anc *anc)
{
    bool v6 = usock_domain(f) == USOCK_INET6;

    anc->has_ip = true;
    anc->hoplimit = usock_opt_get(f, v6 ? S_HOPS : S_TTL, 64);
    anc->tclass = usock_opt_get(f, v6 ? S_TCLASS : S_TOS, 0);
}

bool sock_wants(const struct file *f, enum sock_want which)
{
    static const uint8_t slot[] = {
        [SOCK_WANT_HOPLIMIT] = S_RECVHOPS, [SOCK_WANT_TCLASS] = S_RECVTCLASS,
        [SOCK_WANT_TTL] = S_RECVTTL, [SOCK_WANT_TOS] = S_RECVTOS,
    };

    return usock_opt_get(f, slot[which], 0) != 0;
}

long sys_setsockopt(struct task *t, const uint64_t a[6])
{
    int level = (int)a[1], opt = (int)a[2];
    const struct kept *k;
    int32_t v;
    struct file *f;
    long ret = sock_get(t, (int)a[0], &f);

    if (ret < 0)
        return ret;
    k = kept(f, level, opt);
    if (k && k->slot == S_LINGER_ON) {
        ret = set_linger(t, f, a);
        goto out;
    }
    if (level == L_SOL_SOCKET &&
        (opt == 20 || opt == 21 || opt == 66 || opt == 67)) {
        ret = set_timeo(t, f, opt, a);
        goto out;
    }
    if (!k && level == L_SOL_IPV6 && opt == 26 &&
        usock_domain(f) == USOCK_INET6) {
        /* IPV6_V6ONLY: below */
    } else if (!k && level != L_SOL_SOCKET) {
        ret = unknown(f, true);
        goto out;
    } else if (!k && opt != 2 && opt != 7 && opt != 8 && opt != 15 &&
               opt != 16 && opt != 32 && opt != 33) {
        ret = -ENOPROTOOPT;
        goto out;
    }
    if ((uint32_t)a[4] < sizeof(v)) {
        ret = -EINVAL;
        goto out;
    }
    if (copy_from_guest(t, &v, a[3], sizeof(v)) < 0) {
        ret = -EFAULT;
        goto out;
    }
    if (k) {
        ret = kept_value(k, v, &v);
        if (ret == 0)
            usock_opt_set(f, k->slot, v);
    } else if (level == L_SOL_IPV6) {
        ret = usock_set_flag(f, USOCK_V6ONLY, v != 0);
    } else if (opt == 2 || opt == 15) {
        ret = usock_set_flag(f, opt == 2 ? USOCK_REUSEADDR : USOCK_REUSEPORT,
                             v != 0);
    } else if (opt == 16) {
        usock_set_passcred(f, v != 0);
    } else {
        usock_set_bufsize(f, opt == 7 || opt == 32, (uint32_t)MAX(v, 0));
    }
out:
    vfs_file_put(f);
    return ret;
}
