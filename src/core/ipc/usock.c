/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX sockets (core, kernel image): lifetime and the data path. Each
 * socket receives into its own ring; a connected pair points at each
 * other. Stream sockets move bytes, datagram and seqpacket ones whole
 * messages; what came with the data waits in a list beside the ring
 * (usock_internal.h). An end that is closed or shut down for writing
 * gives its peer end of file once the peer's ring is empty.
 */
#include "core/ipc/anon.h"
#include "core/ipc/usock_internal.h"
#include "core/task.h"

#define DEFAULT_BUF 212992      /* net.core.[rw]mem_default */
#define POLLRDHUP 0x2000
#define OVERFLOW_ID 65534       /* credentials nobody attached */

bool file_is_usock(const struct file *f)
{
    return f->ops == &usock_fops;
}

static bool records(const struct usock *s)
{
    return s->type != USOCK_STREAM;
}

static bool connection(const struct usock *s)
{
    return s->type != USOCK_DGRAM;
}

#define UDP_MAX 65507           /* 64 KiB less the IPv4 and UDP headers */

void usock_creds_of(struct task *t, struct usock_creds *c)
{
    const struct cred *cr = task_cred(t);

    *c = (struct usock_creds){.pid = t->proc->pid, .uid = cr->euid,
                              .gid = cr->egid};
}

int usock_new(struct task *t, int domain, int type, struct usock **out)
{
    struct rt_heap *h = t->k->shared;
    struct usock *s = rt_heap_zalloc(h, sizeof(*s));

    if (!s)
        return -ENOMEM;
    s->refs = 1;
    s->domain = domain;
    s->type = type;
    s->k = t->k;
    s->sndbuf = s->rcvbuf = DEFAULT_BUF;
    s->rcvtimeo = s->sndtimeo = -1;
    usock_creds_of(t, &s->cred);
    ring_init(h, &s->rx, DEFAULT_BUF);
    *out = s;
    return 0;
}

int usock_open_file(struct task *t, struct usock *s, uint32_t flags,
                    struct file **out)
{
    int err = anon_open(t, ANON_SOCK, S_IFSOCK | 0777, NULL, &usock_fops, s,
                        O_RDWR | (flags & O_NONBLOCK), out);

    if (err == 0)
        s->open = true;
    return err;
}

int usock_wait(struct task *t, bool nonblock, int64_t *left)
{
    int64_t start = 0, now = 0;
    int err;

    if (nonblock)
        return -EAGAIN;
    if (*left < 0)
        return anon_wait_for(t, -1);
    if (*left == 0)
        return -EAGAIN;
    lbox_plat_clock_get(LBOX_CLOCK_MONOTONIC, &start);
    err = anon_wait_for(t, *left);
    lbox_plat_clock_get(LBOX_CLOCK_MONOTONIC, &now);
    *left = err == -ETIMEDOUT ? 0 : MAX(*left - (now - start), 1);
    return err == -ETIMEDOUT ? -EAGAIN : err;
}

void usock_get(struct usock *s)
{
    s->refs++;
}

static void meta_free(struct kernel *k, struct usock_meta *m)
{
    for (uint32_t i = 0; i < m->nfiles; i++)
        vfs_file_put(m->files[i]);
    rt_heap_free(k->shared, m);
}

/* Drop what waits to be read. Detached first: closing a passed file may
 * close another socket that points here. */
static void drop_queue(struct usock *s)
{
    struct usock_meta *m = s->meta, *next;

    s->meta = s->meta_last = NULL;
    s->rx.head = s->rx.len = s->rx.records = 0;
    s->rx_out = s->rx_in;
    for (; m; m = next) {
        next = m->next;
        meta_free(s->k, m);
    }
}

void usock_put(struct usock *s)
{
    if (--s->refs)
        return;
    drop_queue(s);
    ring_free(&s->rx);
    rt_heap_free(s->k->shared, s);
}

void usock_changed(struct usock *s)
{
    if (s->peer)
        s->peer->gen++;
    anon_changed(&s->gen);
}

void usock_close(struct usock *s, bool embryo)
{
    struct usock *p = s->peer, *e;

    s->open = false;
    usock_unbind(s);
    while ((e = s->queue)) {
        s->queue = e->queue_next;
        s->queued--;
        usock_close(e, true);
        usock_put(e);
    }
    if (p && connection(s) && (s->rx.len || embryo))
        p->err = ECONNRESET;
    drop_queue(s);
    usock_changed(s);
    if (p) {
        s->peer = NULL;
        usock_put(p);
    }
}

/* --- sending ------------------------------------------------------------ */

/*
 * Where a UDP datagram from (s) goes: the socket bound to (to) or to the
 * address (s) connected to, referenced in *(out), NULL when none takes it
 * (it is dropped, as the network would). *(from) gets the sender's name.
 */
static int udp_target(struct usock *s, const struct usock_addr *to,
                      struct usock **out, struct usock_addr *from)
{
    struct usock_addr dst;
    struct usock *d;
    int err;

    if (!to && !s->has_dest)
        return -EDESTADDRREQ;
    dst = to ? *to : s->dest;
    err = usock_inet_dest(s, &dst);
    if (err == 0 && !dst.port)
        err = -EINVAL;
    if (err == 0)
        err = usock_inet_autobind(s, NULL);
    if (err < 0)
        return err;
    usock_inet_local(s, &dst, from);
    d = usock_inet_udp(s, &dst);
    /* Nobody there: a connected socket hears of it (the ICMP port
     * unreachable Linux's loopback answers with) at its next call. */
    if (!d && !to)
        s->err = ECONNREFUSED;
    /* A connected receiver takes only what its peer sends. */
    if (!d || (d->has_dest && (d->dest.port != from->port ||
                               memcmp(d->dest.ip, from->ip, 16))))
        return 0;
    usock_get(d);
    *out = d;
    return 0;
}

/* Where a send from (s) goes, referenced: its peer, or the datagram socket
 * named (to). */
static int send_target(struct task *t, struct usock *s,
                       const struct usock_addr *to, struct usock **out,
                       struct usock_addr *from)
{
    struct usock *d;
    int err;

    *out = NULL;
    from->len = 0;
    from->port = 0;
    if (s->shut_wr)
        return -EPIPE;
    /* TCP ignores an address on a connected socket; AF_UNIX refuses. */
    if (s->type == USOCK_STREAM && to && !usock_is_inet(s))
        return s->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
    if (connection(s)) {
        if (s->state != US_CONNECTED)
            return s->type == USOCK_STREAM && usock_is_inet(s) ? -EPIPE : -ENOTCONN;
        d = s->peer;
    } else if (usock_is_inet(s)) {
        if (s->err) {
            err = -s->err;
            s->err = 0;
            return err;
        }
        return udp_target(s, to, out, from);
    } else if (to) {
        err = usock_find(t, to, s->type, &d);
        if (err < 0)
            return err;
        if (d->type != s->type)
            return -EPROTOTYPE;
    } else {
        d = s->peer;
        if (!d)
            return -ENOTCONN;
        if (!d->open) {
            /* Linux forgets a datagram peer that went away. */
            s->peer = NULL;
            s->state = US_UNCONNECTED;
            usock_put(d);
            return -ECONNREFUSED;
        }
    }
    /* A datagram socket connected elsewhere takes nothing from us. */
    if (!connection(s) && d->peer && d->peer != s)
        return -EPERM;
    if (records(s) && s->name.len)
        *from = s->name;
    usock_get(d);
    *out = d;
    return 0;
}

/*
 * What goes beside the data from (s) to (d), in *(out) (NULL: nothing):
 * (anc)'s files, AF_UNIX credentials when either end asked for them or
 * the sender gave its own, and a datagram's sender name (from).
 */
static int meta_for(struct task *t, struct usock *s, struct usock *d,
                    struct usock_anc *anc, const struct usock_addr *from,
                    struct usock_meta **out)
{
    uint32_t n = anc ? anc->nfiles : 0;
    bool creds = !usock_is_inet(s) &&
                 ((anc && anc->has_creds) || s->passcred || d->passcred);
    bool named = records(s) && (from->len || from->port);
    struct usock_meta *m;

    *out = NULL;
    if (!n && !creds && !named)
        return 0;
    m = rt_heap_zalloc(t->k->shared, sizeof(*m) + n * sizeof(m->files[0]));
    if (!m)
        return -ENOMEM;
    if (named)
        m->from = *from;
    m->has_creds = creds;
    if (anc && anc->has_ip) {
        m->has_ip = true;
        m->hoplimit = (int16_t)anc->hoplimit;
        m->tclass = (int16_t)anc->tclass;
    }
    if (anc && anc->has_creds) {
        m->creds = anc->creds;
    } else {
        const struct cred *cr = task_cred(t);

        m->creds = (struct usock_creds){.pid = t->proc->pid, .uid = cr->uid,
                                        .gid = cr->gid};
    }
    memcpy(m->files, anc ? anc->files : NULL, n * sizeof(m->files[0]));
    m->nfiles = n;
    if (n)
        anc->nfiles = 0;        /* the queue holds them now */
    *out = m;
    return 0;
}

static void meta_append(struct usock *d, struct usock_meta *m, uint64_t pos,
                        uint64_t end)
{
    m->pos = pos;
    m->end = end;
    if (d->meta_last)
        d->meta_last->next = m;
    else
        d->meta = m;
    d->meta_last = m;
}

static bool has_room(const struct usock *d, size_t n)
{
    return records(d) ? ring_space(&d->rx) >= n + 4 : ring_space(&d->rx) > 0;
}

long usock_send(struct task *t, struct file *f, const void *buf, size_t n,
                unsigned flags, const struct usock_addr *to,
                struct usock_anc *anc)
{
    struct usock *s = f->priv, *d = NULL;
    bool nonblock = (f->flags & O_NONBLOCK) || (flags & USOCK_DONTWAIT);
    const uint8_t *src = buf;
    size_t done = 0;
    int64_t left = s->sndtimeo;
    struct usock_addr from;
    long ret = n > UDP_MAX && usock_is_inet(s) && records(s) ? -EMSGSIZE
               : send_target(t, s, s->type == USOCK_SEQPACKET ? NULL : to, &d,
                             &from);
    int err;

    /* UDP: what nobody takes, or finds no room, is lost on the way. */
    if (ret == 0 && !d && usock_is_inet(s))
        done = n;
    while (ret == 0 && d) {
        struct usock_meta *m = NULL;

        /* A reset (the peer closed with data unread) ends TCP sends;
         * after some bytes went, the next call reports it. */
        if (usock_is_inet(s) && s->err) {
            if (!done) {
                ret = -s->err;
                s->err = 0;
            }
            break;
        }
        /* TCP to a peer that closed: the first send goes, as much as
         * the send buffer holds (the peer's reset comes back as
         * ECONNRESET at the next call), then EPIPE. */
        if (usock_is_inet(s) && connection(s) && !s->shut_wr && !d->open &&
            !s->reset_sent) {
            s->reset_sent = true;
            s->err = ECONNRESET;
            done += MIN(n - done, (size_t)MAX(s->sndbuf / 2, 1u));
            break;
        }
        if (s->shut_wr || (connection(s) && (!d->open || d->shut_rd))) {
            ret = -EPIPE;
            break;
        }
        if (!d->open) {
            ret = -ECONNREFUSED;
            break;
        }
        if (records(s) && n + 4 > d->rx.cap && !usock_is_inet(s)) {
            ret = -EMSGSIZE;
            break;
        }
        if (!has_room(d, n) && usock_is_inet(s) && records(s)) {
            done = n;
            break;
        }
        if (has_room(d, n)) {
            err = ring_reserve(&d->rx, records(s) ? n + 4 : n - done);
            if (err == 0)
                err = meta_for(t, s, d, anc, &from, &m);
            if (err < 0) {
                ret = err;
                break;
            }
            if (records(s)) {
                ring_put_record(&d->rx, src, n);
                if (m)
                    meta_append(d, m, d->rx_in, d->rx_in + 1);
                d->rx_in++;
                done = n;
            } else {
                size_t put = ring_put(&d->rx, src + done, n - done);

                if (m)
                    meta_append(d, m, d->rx_in, d->rx_in + put);
                d->rx_in += put;
                done += put;
            }
            d->gen++;
            anon_changed(&s->gen);
            if (done == n)
                break;
        }
        ret = usock_wait(t, nonblock, &left);
    }
    if (d)
        usock_put(d);
    for (uint32_t i = 0; anc && i < anc->nfiles; i++)
        vfs_file_put(anc->files[i]);
    if (anc)
        anc->nfiles = 0;
    return done ? (long)done : ret;
}

/* --- receiving ---------------------------------------------------------- */

static const struct usock_creds g_nobody = {0, OVERFLOW_ID, OVERFLOW_ID};

/* (m)'s files into (anc): moved, or new references when (peek); closed
 * without an (anc) to take them. */
static void take_files(struct usock_meta *m, struct usock_anc *anc, bool peek)
{
    for (uint32_t i = 0; i < m->nfiles; i++) {
        if (anc)
            anc->files[anc->nfiles++] = peek ? vfs_file_get(m->files[i])
                                             : m->files[i];
        else if (!peek)
            vfs_file_put(m->files[i]);
    }
    if (!peek)
        m->nfiles = 0;
}

static bool creds_eq(const struct usock_creds *a, const struct usock_creds *b)
{
    return a->pid == b->pid && a->uid == b->uid && a->gid == b->gid;
}

/* Drop the stretches a stream read went past. */
static void meta_consumed(struct usock *s)
{
    struct usock_meta *m;

    while ((m = s->meta) && (records(s) ? m->pos < s->rx_out
                                        : m->end <= s->rx_out)) {
        s->meta = m->next;
        if (!s->meta)
            s->meta_last = NULL;
        meta_free(s->k, m);
    }
}

/*
 * Bytes of a stream, at most (n): stopping after the stretch that brought
 * files, and, with SO_PASSCRED, where the writer's credentials change
 * (Linux never glues two writers' bytes). (first) says nothing was read
 * yet by this call; *(stop) that the read must end here.
 */
static size_t recv_bytes(struct usock *s, uint8_t *dst, size_t n, bool peek,
                         struct usock_anc *anc, struct usock_creds *c0,
                         bool first, bool *stop)
{
    uint64_t at = s->rx_out;
    struct usock_meta *m = s->meta;
    bool got_files = false;
    size_t done = 0;

    *stop = false;
    while (done < n && at < s->rx_in) {
        struct usock_meta *cm;
        uint64_t lim = s->rx_in;
        size_t take;

        while (m && m->end <= at)
            m = m->next;
        cm = m && m->pos <= at ? m : NULL;
        if (cm)
            lim = cm->end;
        else if (m)
            lim = m->pos;
        if (s->passcred) {
            const struct usock_creds *c =
                cm && cm->has_creds ? &cm->creds : &g_nobody;

            if (done || !first) {
                if (!creds_eq(c, c0)) {
                    *stop = true;
                    break;
                }
            } else {
                *c0 = *c;
            }
        }
        if (cm && cm->nfiles) {
            take_files(cm, anc, peek);
            got_files = true;
        }
        take = (size_t)MIN((uint64_t)(n - done), lim - at);
        ring_peek_at(&s->rx, (uint32_t)(at - s->rx_out), dst + done, take);
        done += take;
        at += take;
        if (got_files) {
            *stop = true;
            break;
        }
    }
    if (!peek) {
        ring_get(&s->rx, NULL, done, false);
        s->rx_out = at;
        meta_consumed(s);
    }
    return done;
}

static long recv_record(struct usock *s, uint8_t *dst, size_t n,
                        unsigned flags, bool *truncated,
                        struct usock_addr *from, struct usock_anc *anc)
{
    bool peek = flags & USOCK_PEEK;
    struct usock_meta *m = s->meta && s->meta->pos == s->rx_out ? s->meta
                                                                : NULL;
    long len = ring_get_record(&s->rx, dst, n, peek);

    *truncated = (size_t)len > n;
    if (m && from)
        *from = m->from;
    if (s->passcred && anc) {
        anc->has_creds = true;
        anc->creds = m && m->has_creds ? m->creds : g_nobody;
    }
    if (m && anc && m->has_ip) {
        anc->has_ip = true;
        anc->hoplimit = m->hoplimit;
        anc->tclass = m->tclass;
    }
    if (m)
        take_files(m, anc, peek);
    if (!peek) {
        s->rx_out++;
        meta_consumed(s);
    }
    return (flags & USOCK_TRUNC) ? len : MIN(len, (long)n);
}

/* Nothing more will come: the peer is gone or stopped writing, or this
 * end stopped reading. Datagram peers going away end nothing. */
static bool at_eof(const struct usock *s)
{
    if (s->shut_rd)
        return true;
    return connection(s) && s->state == US_CONNECTED &&
           (!s->peer || !s->peer->open || s->peer->shut_wr);
}

long usock_recv(struct task *t, struct file *f, void *buf, size_t n,
                unsigned flags, bool *truncated, struct usock_addr *from,
                struct usock_anc *anc)
{
    struct usock *s = f->priv;
    bool nonblock = (f->flags & O_NONBLOCK) || (flags & USOCK_DONTWAIT);
    bool peek = flags & USOCK_PEEK;
    struct usock_creds c0 = g_nobody;
    int64_t left = s->rcvtimeo;
    uint8_t *dst = buf;
    size_t done = 0;
    long ret;

    *truncated = false;
    if (from) {
        from->len = 0;
        from->port = 0;
    }
    if (anc) {
        anc->nfiles = 0;
        anc->has_creds = anc->has_ip = false;
    }
    if (s->state == US_LISTENING)
        return -EINVAL;
    if (connection(s) && s->state == US_UNCONNECTED)
        return s->type == USOCK_STREAM && !usock_is_inet(s) ? -EINVAL : -ENOTCONN;
    if (from && s->type == USOCK_STREAM && s->peer && !usock_is_inet(s))
        *from = s->peer->name;
    for (;;) {
        if (s->rx.len) {
            bool stop;

            if (records(s)) {
                ret = recv_record(s, dst, n, flags, truncated, from, anc);
                usock_changed(s);
                return ret;
            }
            done += recv_bytes(s, dst + done, n - done, peek, anc, &c0,
                               done == 0, &stop);
            if (s->passcred && anc) {
                anc->has_creds = true;
                anc->creds = c0;
            }
            if (!peek)
                usock_changed(s);
            if (done == n || peek || stop || !(flags & USOCK_WAITALL))
                return (long)done;
        }
        if (s->err && !done) {
            ret = -s->err;
            s->err = 0;
            return ret;
        }
        if (at_eof(s) || !n)
            return (long)done;
        ret = usock_wait(t, nonblock, &left);
        if (ret < 0)
            return done ? (long)done : ret;
    }
}

/* --- the file ----------------------------------------------------------- */

static long usock_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    bool trunc;

    (void)pos;
    return usock_recv(task_current(), f, buf, size, 0, &trunc, NULL, NULL);
}

static long usock_write(struct file *f, const void *buf, size_t size,
                        uint64_t *pos)
{
    (void)pos;
    return usock_send(task_current(), f, buf, size, 0, NULL, NULL);
}

static unsigned usock_poll(struct file *f, unsigned events)
{
    struct usock *s = f->priv, *peer = s->peer;
    unsigned m = s->err ? VFS_POLLERR : 0;

    (void)events;
    if (s->state == US_LISTENING)
        return m | (s->queued ? VFS_POLLIN | VFS_POLLRDNORM : 0);
    if (s->rx.len || at_eof(s))
        m |= VFS_POLLIN | VFS_POLLRDNORM;
    if (at_eof(s) && connection(s))
        m |= POLLRDHUP;
    /* AF_UNIX hangs up when the peer goes; TCP once neither end sends. */
    if (connection(s) && (s->state == US_UNCONNECTED ||
                          (!peer->open && !usock_is_inet(s)) ||
                          (s->shut_wr && (peer->shut_wr || !peer->open))))
        m |= VFS_POLLHUP;
    if (s->shut_rd && s->shut_wr)
        m |= VFS_POLLHUP;
    /* Writable while the peer holds less than a quarter of its buffer
     * (Linux's rule), or when a write would fail at once. */
    if (!peer || !peer->open || s->shut_wr || peer->shut_rd ||
        (uint64_t)peer->rx.len * 4 <= peer->rx.cap)
        m |= VFS_POLLOUT | VFS_POLLWRNORM;
    return m;
}

static uint32_t usock_gen(struct file *f)
{
    struct usock *s = f->priv;

    return s->gen;
}

static long usock_ioctl(struct file *f, unsigned cmd, void *arg)
{
    struct usock *s = f->priv;
    int v;

    if (cmd != 0x541b)      /* FIONREAD (SIOCINQ) */
        return -ENOTTY;
    if (s->state == US_LISTENING)
        return -EINVAL;
    v = records(s) ? (int)MAX(ring_next_record(&s->rx), 0)
                   : (int)s->rx.len;
    memcpy(arg, &v, sizeof(v));
    return 0;
}

static void usock_release(struct file *f)
{
    struct usock *s = f->priv;

    usock_close(s, false);
    usock_put(s);
}

const struct file_ops usock_fops = {
    .read = usock_read,
    .write = usock_write,
    .ioctl = usock_ioctl,
    .release = usock_release,
    .poll = usock_poll,
    .poll_gen = usock_gen,
};

/* --- options ------------------------------------------------------------ */

int usock_shutdown(struct file *f, int how)
{
    struct usock *s = f->priv;

    if (how < 0 || how > 2)
        return -EINVAL;
    if (how != 1)
        s->shut_rd = true;
    if (how != 0)
        s->shut_wr = true;
    usock_changed(s);
    /* TCP and UDP: shut, but a socket with no peer says so. */
    if (usock_is_inet(s) && s->state != US_CONNECTED && !s->has_dest &&
        s->state != US_LISTENING)
        return -ENOTCONN;
    return 0;
}

int usock_type(const struct file *f)
{
    const struct usock *s = f->priv;

    return s->type;
}

int usock_protocol(const struct file *f)
{
    const struct usock *s = f->priv;

    return s->proto;
}

int usock_domain(const struct file *f)
{
    const struct usock *s = f->priv;

    return s->domain;
}

bool usock_flag(const struct file *f, enum usock_flag which)
{
    const struct usock *s = f->priv;

    return which == USOCK_REUSEADDR ? s->reuseaddr
           : which == USOCK_REUSEPORT ? s->reuseport : s->v6only;
}

int usock_set_flag(struct file *f, enum usock_flag which, bool on)
{
    struct usock *s = f->priv;

    if (which == USOCK_REUSEADDR)
        s->reuseaddr = on;
    else if (which == USOCK_REUSEPORT)
        s->reuseport = on;
    else if (s->in_table)
        return -EINVAL;         /* IPV6_V6ONLY only before bind */
    else
        s->v6only = on;
    return 0;
}

int32_t usock_opt_get(const struct file *f, unsigned slot, int32_t dflt)
{
    const struct usock *s = f->priv;

    if (slot >= USOCK_OPTS || !(s->opts_set & 1u << slot))
        return dflt;
    return s->opts[slot];
}

void usock_opt_set(struct file *f, unsigned slot, int32_t v)
{
    struct usock *s = f->priv;

    if (slot >= USOCK_OPTS)
        return;
    s->opts[slot] = v;
    s->opts_set |= 1u << slot;
}

bool usock_listening(const struct file *f)
{
    const struct usock *s = f->priv;

    return s->state == US_LISTENING;
}

bool usock_passcred(const struct file *f)
{
    const struct usock *s = f->priv;

    return s->passcred;
}

void usock_set_passcred(struct file *f, bool on)
{
    struct usock *s = f->priv;

    s->passcred = on;
}

uint32_t usock_bufsize(const struct file *f, bool send)
{
    const struct usock *s = f->priv;

    return send ? s->sndbuf : s->rcvbuf;
}

void usock_set_bufsize(struct file *f, bool send, uint32_t bytes)
{
    struct usock *s = f->priv;

    /* Linux doubles the value for its bookkeeping and reports that. */
    bytes = MIN(MAX(bytes, 2304u), 0x7fffffffu / 2) * 2;
    if (send)
        s->sndbuf = bytes;
    else
        s->rcvbuf = bytes;
}

int usock_take_error(struct file *f)
{
    struct usock *s = f->priv;
    int err = s->err;

    s->err = 0;
    return err;
}

int64_t usock_timeo(const struct file *f, bool send)
{
    const struct usock *s = f->priv;

    return send ? s->sndtimeo : s->rcvtimeo;
}

void usock_set_timeo(struct file *f, bool send, int64_t ns)
{
    struct usock *s = f->priv;

    if (send)
        s->sndtimeo = ns;
    else
        s->rcvtimeo = ns;
}

void usock_peer_creds(const struct file *f, struct usock_creds *out)
{
    const struct usock *s = f->priv;

    if (s->has_peer_cred)
        *out = s->peer_cred;
    else
        *out = (struct usock_creds){0, UINT32_MAX, UINT32_MAX};
}

/* --- making them -------------------------------------------------------- */

int usock_socket(struct task *t, int domain, int type, int proto,
                 uint32_t flags, struct file **out)
{
    struct usock *s;
    int err;

    if (type != USOCK_STREAM && type != USOCK_DGRAM &&
        (type != USOCK_SEQPACKET || domain != USOCK_UNIX))
        return -ESOCKTNOSUPPORT;
    err = usock_new(t, domain, type, &s);
    if (err < 0)
        return err;
    s->proto = proto;
    err = usock_open_file(t, s, flags, out);
    if (err < 0)
        usock_put(s);
    return err;
}

void usock_link(struct usock *a, struct usock *b)
{
    usock_get(b);
    a->peer = b;
    usock_get(a);
    b->peer = a;
    a->state = b->state = US_CONNECTED;
    a->peer_cred = b->cred;
    b->peer_cred = a->cred;
    a->has_peer_cred = b->has_peer_cred = true;
}

int usock_pair(struct task *t, int type, uint32_t flags, struct file **a,
               struct file **b)
{
    int err = usock_socket(t, USOCK_UNIX, type, 0, flags, a);

    if (err < 0)
        return err;
    err = usock_socket(t, USOCK_UNIX, type, 0, flags, b);
    if (err < 0) {
        vfs_file_put(*a);
        return err;
    }
    usock_link((*a)->priv, (*b)->priv);
    return 0;
}
