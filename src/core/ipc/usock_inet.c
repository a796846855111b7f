/* SPDX-License-Identifier: MIT */
/*
 * AF_INET and AF_INET6 names on the sandbox's loopback (core, kernel
 * image). The sandbox has no network: its sockets reach each other
 * through 127.0.0.0/8 and ::1 (the wildcard meaning those), and nothing
 * else. Binding follows Linux: a port taken by an overlapping bind is
 * EADDRINUSE unless both ends set SO_REUSEPORT, or both SO_REUSEADDR and
 * neither listens; an IPv6 wildcard takes IPv4 too unless IPV6_V6ONLY;
 * port 0 picks one from Linux's ephemeral range. Addresses are kept in
 * IPv6 form, IPv4 as ::ffff:a.b.c.d, so one comparison serves both.
 */
#include "core/ipc/usock_internal.h"

#define EPHEMERAL_LO 32768      /* net.ipv4.ip_local_port_range */
#define EPHEMERAL_HI 60999

static const uint8_t g_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
static const uint8_t g_zero[16];

static bool is_v4(const uint8_t ip[16])
{
    return !memcmp(ip, g_mapped, 12);
}

static bool is_any(const uint8_t ip[16])
{
    return !memcmp(ip, g_zero, 16) || (is_v4(ip) && !memcmp(ip + 12, g_zero, 4));
}

static bool is_loopback(const uint8_t ip[16])
{
    return is_v4(ip) ? ip[12] == 127
                     : !memcmp(ip, g_zero, 15) && ip[15] == 1;
}

/* Whether a socket of (domain) bound to (ip) takes what is sent to (dst). */
static bool reaches(int domain, bool v6only, const uint8_t ip[16],
                    const uint8_t dst[16])
{
    if (domain == USOCK_INET)
        return is_v4(dst) && (is_any(ip) || !memcmp(ip, dst, 16));
    if (is_v4(dst) && v6only)
        return false;
    if (!memcmp(ip, dst, 16))
        return true;
    if (!is_any(ip))
        return false;
    return is_v4(ip) ? is_v4(dst) : true;   /* ::ffff:0.0.0.0 or :: */
}


/* Whether binding (s) to (ip, port) clashes with a bound socket. */
static bool taken(const struct usock *s, const uint8_t ip[16], uint16_t port)
{
    for (const struct usock *o = s->k->usock_named; o; o = o->table_next) {
        if (o == s || !usock_is_inet(o) || o->type != s->type ||
            o->proto != s->proto ||
            o->name.port != port)
            continue;
        if (!reaches(s->domain, s->v6only, ip, o->name.ip) &&
            !reaches(o->domain, o->v6only, o->name.ip, ip))
            continue;
        if (s->reuseport && o->reuseport)
            continue;
        if (s->reuseaddr && o->reuseaddr &&
            (s->type == USOCK_DGRAM || o->state != US_LISTENING))
            continue;
        return true;
    }
    return false;
}

/* Bind (s) to (a), a free ephemeral port when (a)->port is 0. */
static int bind_to(struct usock *s, const struct usock_addr *a)
{
    const uint32_t span = EPHEMERAL_HI - EPHEMERAL_LO + 1;
    struct usock_addr name = *a;

    if (a->port) {
        if (taken(s, a->ip, a->port))
            return -EADDRINUSE;
        usock_table_add(s, &name);
        return 0;
    }
    for (uint32_t i = 0; i < span; i++) {
        name.port = (uint16_t)(EPHEMERAL_LO + s->k->usock_next_port++ % span);
        if (!taken(s, name.ip, name.port)) {
            usock_table_add(s, &name);
            return 0;
        }
    }
    return -EADDRINUSE;
}

int usock_inet_bind(struct task *t, struct usock *s,
                    const struct usock_addr *a)
{
    if (s->in_table)
        return -EINVAL;
    if (!is_any(a->ip) && !is_loopback(a->ip))
        return -EADDRNOTAVAIL;      /* the sandbox has no other address */
    if (a->port && a->port < 1024 && task_cred(t)->euid != 0)
        return -EACCES;             /* CAP_NET_BIND_SERVICE */
    return bind_to(s, a);
}

int usock_inet_listen(struct usock *s)
{
    if (!s->in_table)
        return usock_inet_autobind(s, NULL);
    /* Sockets may share a port with SO_REUSEADDR while none listens. */
    return taken(s, s->name.ip, s->name.port) ? -EADDRINUSE : 0;
}

int usock_inet_dest(struct usock *s, struct usock_addr *a)
{
    if (is_any(a->ip)) {
        /* Linux takes the wildcard as this host. */
        if (is_v4(a->ip))
            a->ip[12] = 127;
        a->ip[15] = 1;
    }
    if (!is_loopback(a->ip))
        return -ENETUNREACH;        /* no network in the sandbox */
    if (s->domain == USOCK_INET6 && s->v6only && is_v4(a->ip))
        return -ENETUNREACH;
    return 0;
}

/* The bound socket of (type) and (proto) that takes what goes to (a):
 * one bound to exactly that address first, then a wildcard one. */
static struct usock *find(struct kernel *k, int type, int proto,
                          bool listening, const struct usock_addr *a)
{
    struct usock *wild = NULL;

    for (struct usock *o = k->usock_named; o; o = o->table_next) {
        if (!usock_is_inet(o) || o->type != type || o->proto != proto ||
            o->name.port != a->port ||
            (listening && o->state != US_LISTENING) ||
            !reaches(o->domain, o->v6only, o->name.ip, a->ip))
            continue;
        if (!memcmp(o->name.ip, a->ip, 16))
            return o;
        if (!wild)
            wild = o;
    }
    return wild;
}

struct usock *usock_inet_listener(struct usock *s, const struct usock_addr *a)
{
    return find(s->k, s->type, s->proto, true, a);
}

struct usock *usock_inet_udp(struct usock *s, const struct usock_addr *a)
{
    return find(s->k, USOCK_DGRAM, s->proto, false, a);
}

void usock_inet_local(const struct usock *s, const struct usock_addr *to,
                      struct usock_addr *out)
{
    *out = s->name;
    if (!s->in_table || !is_any(s->name.ip))
        return;
    memset(out->ip, 0, 16);
    if (is_v4(to->ip)) {
        memcpy(out->ip, g_mapped, 12);
        out->ip[12] = 127;
    }
    out->ip[15] = 1;
}

int usock_inet_autobind(struct usock *s, const struct usock_addr *to)
{
    struct usock_addr a = {0};
    int err;

    if (s->in_table)
        return 0;
    if (to ? is_v4(to->ip) : s->domain == USOCK_INET)
        memcpy(a.ip, g_mapped, 12);
    if (to) {
        /* A connection's own end: the loopback source for (to). */
        if (is_v4(to->ip))
            a.ip[12] = 127;
        a.ip[15] = 1;
    }
    err = bind_to(s, &a);
    return err == -EADDRINUSE ? -EADDRNOTAVAIL : err;
}
