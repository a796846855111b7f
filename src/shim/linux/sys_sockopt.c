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

/* Which sockets an option is for. */
#define FOR_ALL  0x1
#define FOR_INET 0x2            /* AF_INET and AF_INET6 */
#define FOR_TCP  0x4
#define FOR_IP   0x8            /* AF_INET (Linux lets AF_INET6 too) */
#define FOR_IP6  0x10

/* A kept option: its level and name, its slot in core, its default. */
struct kept {
    int level, name;
    uint8_t who, slot;
    int32_t dflt;
};

static const struct kept g_kept[] = {
    {L_SOL_SOCKET, 5,  FOR_ALL,  0, 0},     /* SO_DONTROUTE */
    {L_SOL_SOCKET, 6,  FOR_ALL,  1, 0},     /* SO_BROADCAST */
    {L_SOL_SOCKET, 9,  FOR_ALL,  2, 0},     /* SO_KEEPALIVE */
    {L_SOL_SOCKET, 10, FOR_ALL,  3, 0},     /* SO_OOBINLINE */
    {L_SOL_SOCKET, 12, FOR_ALL,  4, 0},     /* SO_PRIORITY */
    {L_SOL_SOCKET, 18, FOR_ALL,  5, 1},     /* SO_RCVLOWAT */
    {L_SOL_TCP,    1,  FOR_TCP,  6, 0},     /* TCP_NODELAY */
    {L_SOL_TCP,    2,  FOR_TCP,  7, 536},   /* TCP_MAXSEG */
    {L_SOL_TCP,    3,  FOR_TCP,  8, 0},     /* TCP_CORK */
    {L_SOL_TCP,    4,  FOR_TCP,  9, 7200},  /* TCP_KEEPIDLE */
    {L_SOL_TCP,    5,  FOR_TCP,  10, 75},   /* TCP_KEEPINTVL */
    {L_SOL_TCP,    6,  FOR_TCP,  11, 9},    /* TCP_KEEPCNT */
    {L_SOL_TCP,    12, FOR_TCP,  12, 1},    /* TCP_QUICKACK */
    {L_SOL_TCP,    18, FOR_TCP,  13, 0},    /* TCP_USER_TIMEOUT */
    {L_SOL_IP,     1,  FOR_IP,   14, 0},    /* IP_TOS */
    {L_SOL_IP,     2,  FOR_IP,   15, 64},   /* IP_TTL */
    {L_SOL_IPV6,   16, FOR_IP6,  16, 64},   /* IPV6_UNICAST_HOPS */
    {L_SOL_IPV6,   67, FOR_IP6,  17, 0},    /* IPV6_TCLASS */
    {L_SOL_SOCKET, 13, FOR_ALL,  18, 0},    /* SO_LINGER: l_onoff, */
                                            /* l_linger in slot 19 */
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
    default:
        return domain != USOCK_UNIX;
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

static int32_t protocol(const struct file *f)
{
    if (usock_domain(f) == USOCK_UNIX)
        return 0;
    return usock_type(f) == USOCK_STREAM ? 6 : 17;   /* TCP, UDP */
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
    if (k && k->slot == 18) {
        linger[0] = usock_opt_get(f, 18, 0);
        linger[1] = usock_opt_get(f, 19, 0);
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
        case 38: v = protocol(f); break;                    /* SO_PROTOCOL */
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
    usock_opt_set(f, 18, l[0] != 0);
    usock_opt_set(f, 19, l[1]);
    return 0;
}

/* A kept option's value as Linux stores it, or -EINVAL for one it
 * refuses. */
static long kept_value(const struct kept *k, int32_t v, int32_t *out)
{
    switch (k->slot) {
    case 7:                                             /* TCP_MAXSEG */
        if (v && (v < 88 || v > 65535))
            return -EINVAL;
        break;
    case 9: case 10:                        /* TCP_KEEPIDLE, KEEPINTVL */
        if (v < 1 || v > 32767)
            return -EINVAL;
        break;
    case 11:                                            /* TCP_KEEPCNT */
        if (v < 1 || v > 127)
            return -EINVAL;
        break;
    case 13: case 4:                    /* TCP_USER_TIMEOUT, SO_PRIORITY */
        if (v < 0)
            return -EINVAL;
        break;
    case 15: case 16:                   /* IP_TTL, IPV6_UNICAST_HOPS */
        if (v < -1 || v > 255 || (v == 0 && k->slot == 15))
            return -EINVAL;
        if (v == -1)
            v = k->dflt;
        break;
    case 5:                                             /* SO_RCVLOWAT */
        v = v ? MAX(v, 1) : 1;
        break;
    case 14:                                            /* IP_TOS */
        v &= 0xff;
        break;
    default:
        v = k->slot <= 3 || k->slot == 6 || k->slot == 8 || k->slot == 12
            ? v != 0 : v;                   /* booleans read back as 1 */
    }
    *out = v;
    return 0;
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
    if (k && k->slot == 18) {
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
