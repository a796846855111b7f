/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX socket pairs (core, kernel image): two ends, each with the
 * ring it receives into. Stream sockets move bytes; datagram and
 * seqpacket ones whole messages. An end that is closed or shut down for
 * writing gives its peer end of file once the peer's ring is empty.
 */
#include "core/fs/vfs_internal.h"
#include "core/ipc/anon.h"
#include "core/ipc/pipe.h"
#include "core/ipc/ring.h"

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_SEQPACKET 5
#define DEFAULT_BUF 212992      /* net.core.[rw]mem_default */
#define POLLRDHUP 0x2000

struct usock_pair;

struct usock {
    struct usock_pair *pair;
    struct ring rx;
    bool open, shut_rd, shut_wr;
    uint32_t sndbuf, rcvbuf;
    int pid;
    uint32_t uid, gid;
};

struct usock_pair {
    int type;
    struct usock end[2];
    uint32_t gen;
};

static const struct file_ops usock_fops;

bool file_is_usock(const struct file *f)
{
    return f->ops == &usock_fops;
}

static struct usock *peer_of(struct usock *s)
{
    struct usock_pair *p = s->pair;

    return s == &p->end[0] ? &p->end[1] : &p->end[0];
}

static bool records(const struct usock *s)
{
    return s->pair->type != SOCK_STREAM;
}

/* Nothing more will come: the peer is gone or stopped writing, or this
 * end stopped reading. Datagram peers going away end nothing. */
static bool at_eof(struct usock *s)
{
    struct usock *peer = peer_of(s);

    if (s->shut_rd)
        return true;
    return s->pair->type != SOCK_DGRAM && (!peer->open || peer->shut_wr);
}

long usock_send(struct file *f, const void *buf, size_t n, unsigned flags)
{
    struct usock *s = f->priv, *peer = peer_of(s);
    bool nonblock = (f->flags & O_NONBLOCK) || (flags & USOCK_DONTWAIT);
    const uint8_t *src = buf;
    size_t done = 0;
    int err;

    for (;;) {
        if (s->shut_wr || (s->pair->type != SOCK_DGRAM &&
                           (!peer->open || peer->shut_rd)))
            return done ? (long)done : -EPIPE;
        if (!peer->open)
            return -ECONNREFUSED;
        if (records(s)) {
            if (n + 4 > peer->rx.cap)
                return -EMSGSIZE;
            if (ring_put_record(&peer->rx, src, n)) {
                anon_changed(&s->pair->gen);
                return (long)n;
            }
        } else {
            size_t put = ring_put(&peer->rx, src + done, n - done);

            done += put;
            if (put)
                anon_changed(&s->pair->gen);
            if (done == n)
                return (long)n;
        }
        if (nonblock)
            return done ? (long)done : -EAGAIN;
        err = anon_wait();
        if (err < 0)
            return done ? (long)done : err;
    }
}

long usock_recv(struct file *f, void *buf, size_t n, unsigned flags,
                bool *truncated)
{
    struct usock *s = f->priv;
    bool nonblock = (f->flags & O_NONBLOCK) || (flags & USOCK_DONTWAIT);
    bool peek = flags & USOCK_PEEK;
    uint8_t *dst = buf;
    size_t done = 0;
    int err;

    *truncated = false;
    for (;;) {
        if (s->rx.len) {
            if (records(s)) {
                long len = ring_get_record(&s->rx, dst, n, peek);

                anon_changed(&s->pair->gen);
                *truncated = (size_t)len > n;
                return (flags & USOCK_TRUNC) ? len : MIN(len, (long)n);
            }
            done += ring_get(&s->rx, dst + done, n - done, peek);
            anon_changed(&s->pair->gen);
            if (done == n || peek || !(flags & USOCK_WAITALL))
                return (long)done;
        }
        if (at_eof(s) || !n)
            return (long)done;
        if (nonblock)
            return done ? (long)done : -EAGAIN;
        err = anon_wait();
        if (err < 0)
            return done ? (long)done : err;
    }
}

static long usock_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    bool trunc;

    (void)pos;
    return usock_recv(f, buf, size, 0, &trunc);
}

static long usock_write(struct file *f, const void *buf, size_t size,
                        uint64_t *pos)
{
    (void)pos;
    return usock_send(f, buf, size, 0);
}

static unsigned usock_poll(struct file *f, unsigned events)
{
    struct usock *s = f->priv, *peer = peer_of(s);
    unsigned m = 0;

    (void)events;
    if (s->rx.len || at_eof(s))
        m |= VFS_POLLIN | VFS_POLLRDNORM;
    if (at_eof(s) && s->pair->type != SOCK_DGRAM)
        m |= POLLRDHUP;
    if (s->pair->type != SOCK_DGRAM && (!peer->open ||
                                        (s->shut_wr && peer->shut_wr)))
        m |= VFS_POLLHUP;
    if (s->shut_rd && s->shut_wr)
        m |= VFS_POLLHUP;
    /* Writable while the peer holds less than a quarter of its buffer
     * (Linux's rule), or when a write would fail at once. */
    if (!peer->open || s->shut_wr || peer->shut_rd ||
        (uint64_t)peer->rx.len * 4 <= peer->rx.cap)
        m |= VFS_POLLOUT | VFS_POLLWRNORM;
    return m;
}

static uint32_t usock_gen(struct file *f)
{
    struct usock *s = f->priv;

    return s->pair->gen;
}

static long usock_ioctl(struct file *f, unsigned cmd, void *arg)
{
    struct usock *s = f->priv;
    int v;

    if (cmd != 0x541b)      /* FIONREAD (SIOCINQ) */
        return -ENOTTY;
    v = records(s) ? (int)MAX(ring_next_record(&s->rx), 0)
                   : (int)s->rx.len;
    memcpy(arg, &v, sizeof(v));
    return 0;
}

static void usock_release(struct file *f)
{
    struct usock *s = f->priv;
    struct usock_pair *p = s->pair;
    struct rt_heap *h = inode_kernel(f->inode)->shared;

    s->open = false;
    anon_changed(&p->gen);
    ring_free(h, &s->rx);
    if (!peer_of(s)->open)
        rt_heap_free(h, p);
}

static const struct file_ops usock_fops = {
    .read = usock_read,
    .write = usock_write,
    .ioctl = usock_ioctl,
    .release = usock_release,
    .poll = usock_poll,
    .poll_gen = usock_gen,
};

int usock_shutdown(struct file *f, int how)
{
    struct usock *s = f->priv;

    if (how < 0 || how > 2)
        return -EINVAL;
    if (how != 1)
        s->shut_rd = true;
    if (how != 0)
        s->shut_wr = true;
    anon_changed(&s->pair->gen);
    return 0;
}

int usock_type(const struct file *f)
{
    const struct usock *s = f->priv;

    return s->pair->type;
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

void usock_peer(const struct file *f, int *pid, uint32_t *uid, uint32_t *gid)
{
    struct usock *peer = peer_of(f->priv);

    *pid = peer->pid;
    *uid = peer->uid;
    *gid = peer->gid;
}

int usock_pair(struct task *t, int type, uint32_t flags, struct file **a,
               struct file **b)
{
    struct rt_heap *h = t->k->shared;
    struct usock_pair *p;
    int err;

    if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
        return -EPROTONOSUPPORT;
    p = rt_heap_zalloc(h, sizeof(*p));
    if (!p)
        return -ENOMEM;
    p->type = type;
    for (int i = 0; i < 2; i++) {
        struct usock *s = &p->end[i];

        *s = (struct usock){.pair = p, .open = true, .sndbuf = DEFAULT_BUF,
                            .rcvbuf = DEFAULT_BUF, .pid = t->proc->pid,
                            .uid = task_cred(t)->euid,
                            .gid = task_cred(t)->egid};
        err = ring_init(h, &s->rx, DEFAULT_BUF);
        if (err < 0) {
            if (i)
                ring_free(h, &p->end[0].rx);
            rt_heap_free(h, p);
            return err;
        }
    }
    err = anon_open(t, ANON_SOCK, S_IFSOCK | 0777, NULL, &usock_fops,
                    &p->end[0], O_RDWR | (flags & O_NONBLOCK), a);
    if (err < 0) {
        ring_free(h, &p->end[0].rx);
        ring_free(h, &p->end[1].rx);
        rt_heap_free(h, p);
        return err;
    }
    /* Each end is its own inode on Linux: a second socket inode. */
    err = anon_open(t, ANON_SOCK, S_IFSOCK | 0777, NULL, &usock_fops,
                    &p->end[1], O_RDWR | (flags & O_NONBLOCK), b);
    if (err < 0) {
        p->end[1].open = false;
        ring_free(h, &p->end[1].rx);
        vfs_file_put(*a);       /* frees the pair */
    }
    return err;
}
