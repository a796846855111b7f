/* SPDX-License-Identifier: MIT */
/*
 * Socket names and connections (core, kernel image): bind, listen,
 * connect and accept. A named socket is on the kernel's list
 * (k->usock_named) until it closes: an abstract name is found by its
 * bytes, a path by the node bind made (its device and inode number), so
 * a rename keeps it reachable and an unlink makes it unreachable, as on
 * Linux; an inet name by its address and port (usock_inet.c). The list
 * holds no reference: a socket leaves it when it closes.
 */
#include "core/ipc/anon.h"
#include "core/ipc/usock_internal.h"
#include "core/task.h"

#define SOMAXCONN 4096

static bool same_name(const struct usock_addr *a, const struct usock_addr *b)
{
    return a->len == b->len && !memcmp(a->path, b->path, a->len);
}

/* Abstract names are per socket type on Linux (the type is in the
 * hash): a stream and a datagram socket may hold the same one. */
static struct usock *find_abstract(struct kernel *k,
                                   const struct usock_addr *a, int type)
{
    for (struct usock *s = k->usock_named; s; s = s->table_next)
        if (!s->by_node && s->type == type && same_name(&s->name, a))
            return s;
    return NULL;
}

static struct usock *find_node(struct kernel *k, uint64_t dev, uint64_t ino)
{
    for (struct usock *s = k->usock_named; s; s = s->table_next)
        if (s->by_node && s->dev == dev && s->ino == ino)
            return s;
    return NULL;
}

void usock_table_add(struct usock *s, const struct usock_addr *a)
{
    s->name = *a;
    s->table_next = s->k->usock_named;
    s->k->usock_named = s;
    s->in_table = true;
}

void usock_unbind(struct usock *s)
{
    if (!s->in_table)
        return;
    for (struct usock **pp = &s->k->usock_named; *pp;
         pp = &(*pp)->table_next) {
        if (*pp == s) {
            *pp = s->table_next;
            break;
        }
    }
    s->in_table = false;
}

int usock_find(struct task *t, const struct usock_addr *a, int type,
               struct usock **out)
{
    struct vfs_stat st;
    struct usock *s;
    int err;

    if (!a->path[0]) {
        s = find_abstract(t->k, a, type);
        if (!s)
            return -ECONNREFUSED;
        *out = s;
        return 0;
    }
    err = vfs_stat(t, &t->proc->cwd, a->path, 0, &st);
    if (err < 0)
        return err;
    if (!S_ISSOCK(st.mode))
        return -ECONNREFUSED;
    err = vfs_access(t, &t->proc->cwd, a->path, W_OK, AT_EACCESS);
    if (err < 0)
        return err;
    s = find_node(t->k, st.dev, st.ino);
    if (!s)
        return -ECONNREFUSED;
    *out = s;
    return 0;
}

/* Linux's autobind: a NUL and five hex digits nobody holds. */
static int autobind(struct usock *s)
{
    static const char hex[] = "0123456789abcdef";
    struct usock_addr a = {.len = 6};

    for (uint32_t tries = 0; tries <= 0xfffff; tries++) {
        uint32_t n = s->k->usock_autobind++ & 0xfffff;

        for (int i = 5; i >= 1; i--, n >>= 4)
            a.path[i] = hex[n & 0xf];
        if (!find_abstract(s->k, &a, s->type)) {
            usock_table_add(s, &a);
            return 0;
        }
    }
    return -ENOSPC;
}

int usock_bind(struct task *t, struct file *f, const struct usock_addr *a)
{
    struct usock *s = f->priv, *old;
    struct vfs_stat st;
    int err;

    if (s->domain != USOCK_UNIX)
        return usock_inet_bind(t, s, a);
    if (s->name.len && (!a->len || !a->path[0]))
        return -EINVAL;
    if (!a->len)
        return autobind(s);
    if (!a->path[0]) {
        if (find_abstract(t->k, a, s->type))
            return -EADDRINUSE;
        usock_table_add(s, a);
        return 0;
    }
    /* Linux makes the node before it looks whether the socket has a
     * name: a taken path is EADDRINUSE even then. */
    err = vfs_mknod(t, &t->proc->cwd, a->path, S_IFSOCK | 0777, 0);
    if (err == -EEXIST)
        return -EADDRINUSE;
    if (err < 0)
        return err;
    if (s->name.len) {
        vfs_unlink(t, &t->proc->cwd, a->path, 0);
        return -EINVAL;
    }
    err = vfs_stat(t, &t->proc->cwd, a->path, AT_SYMLINK_NOFOLLOW, &st);
    if (err < 0)
        return err;
    /* A socket still holding this node's number lost its node. */
    old = find_node(t->k, st.dev, st.ino);
    if (old)
        usock_unbind(old);
    s->by_node = true;
    s->dev = st.dev;
    s->ino = st.ino;
    usock_table_add(s, a);
    return 0;
}

int usock_listen(struct task *t, struct file *f, int backlog)
{
    struct usock *s = f->priv;
    int err;

    if (s->type == USOCK_DGRAM)
        return -EOPNOTSUPP;
    if (s->state == US_CONNECTED || (!s->name.len && s->domain == USOCK_UNIX))
        return -EINVAL;
    if (s->domain != USOCK_UNIX) {
        err = usock_inet_listen(s);     /* a port for it, if it has none */
        if (err < 0)
            return err;
    }
    s->backlog = (unsigned)backlog > SOMAXCONN ? SOMAXCONN
                                               : (uint32_t)backlog;
    s->state = US_LISTENING;
    usock_creds_of(t, &s->cred);
    usock_changed(s);       /* connects waiting for room may go on */
    return 0;
}

/* A UDP socket's default destination: it takes datagrams from there
 * only, and gets a local address for it. */
static int connect_udp(struct usock *s, const struct usock_addr *a)
{
    struct usock_addr dst;
    int err;

    if (!a) {
        s->has_dest = false;
        usock_changed(s);
        return 0;
    }
    dst = *a;
    err = usock_inet_dest(s, &dst);
    if (err == 0)
        err = usock_inet_autobind(s, &dst);
    if (err < 0)
        return err;
    usock_inet_local(s, &dst, &s->name);
    s->dest = dst;
    s->has_dest = true;
    usock_changed(s);
    return 0;
}

static int connect_dgram(struct task *t, struct usock *s,
                         const struct usock_addr *a)
{
    struct usock *d = NULL;
    int err;

    if (s->domain != USOCK_UNIX)
        return connect_udp(s, a);
    if (a) {
        err = usock_find(t, a, s->type, &d);
        if (err < 0)
            return err;
        if (d->type != s->type)
            return -EPROTOTYPE;
        if (d->peer && d->peer != s)
            return -EPERM;
        usock_get(d);
    }
    if (s->peer)
        usock_put(s->peer);
    s->peer = d;
    s->state = d ? US_CONNECTED : US_UNCONNECTED;
    usock_changed(s);
    return 0;
}

/* The listener a connect to (a) reaches, not referenced. */
static int find_listener(struct task *t, struct usock *s,
                         const struct usock_addr *a, struct usock **out)
{
    struct usock *l;
    int err;

    if (s->domain != USOCK_UNIX) {
        l = a->port ? usock_inet_listener(s, a) : NULL;
        if (!l)
            return -ECONNREFUSED;
        *out = l;
        return 0;
    }
    err = usock_find(t, a, s->type, &l);
    if (err < 0)
        return err;
    if (l->type != s->type)
        return -EPROTOTYPE;
    if (l->state != US_LISTENING)
        return -ECONNREFUSED;
    *out = l;
    return 0;
}

int usock_connect(struct task *t, struct file *f, const struct usock_addr *a)
{
    struct usock *s = f->priv, *l, *e, **tail;
    int64_t left = s->sndtimeo;
    struct usock_addr dst;
    int err;

    if (s->type == USOCK_DGRAM)
        return connect_dgram(t, s, a);
    if (!a)
        return -EINVAL;
    dst = *a;
    if (s->domain != USOCK_UNIX) {
        /* The second connect after one that said EINPROGRESS reports
         * it done, as Linux's does; the next one EISCONN. */
        if (s->connecting) {
            s->connecting = false;
            return 0;
        }
        err = usock_inet_dest(s, &dst);
        if (err < 0)
            return err;
    }
    for (;;) {
        if (s->state == US_CONNECTED)
            return -EISCONN;
        if (s->state == US_LISTENING)
            return -EINVAL;
        err = find_listener(t, s, &dst, &l);
        if (err < 0)
            return err;
        /* Linux lets one more in than the backlog says. */
        if (l->queued <= l->backlog)
            break;
        err = usock_wait(t, f->flags & O_NONBLOCK, &left);
        if (err < 0)
            return err;
    }
    if (s->domain != USOCK_UNIX) {
        err = usock_inet_autobind(s, &dst);
        if (err < 0)
            return err;
        usock_inet_local(s, &dst, &s->name);
    }
    /* The listener's end of the connection, queued for accept. */
    err = usock_new(t, l->domain, s->type, &e);
    if (err < 0)
        return err;
    e->proto = l->proto;
    e->cred = l->cred;
    if (l->domain != USOCK_UNIX)
        usock_inet_local(l, &dst, &e->name);
    else
        e->name = l->name;
    e->passcred = l->passcred;
    e->opts_set = l->opts_set;
    memcpy(e->opts, l->opts, sizeof(e->opts));
    e->sndbuf = l->sndbuf;
    e->rcvbuf = l->rcvbuf;
    e->open = true;
    usock_link(s, e);
    for (tail = &l->queue; *tail; tail = &(*tail)->queue_next)
        ;
    *tail = e;
    l->queued++;
    anon_changed(&l->gen);
    usock_changed(s);
    /* A TCP connect that does not wait says it is under way; on the
     * loopback it is done already. */
    if (s->domain != USOCK_UNIX && (f->flags & O_NONBLOCK)) {
        s->connecting = true;
        return -EINPROGRESS;
    }
    return 0;
}

int usock_accept(struct task *t, struct file *f, uint32_t flags,
                 struct file **out, struct usock_addr *peer)
{
    struct usock *s = f->priv, *e;
    int64_t left = s->rcvtimeo;
    int err;

    if (s->type == USOCK_DGRAM)
        return -EOPNOTSUPP;
    for (;;) {
        if (s->state != US_LISTENING)
            return -EINVAL;
        if (s->queue)
            break;
        err = usock_wait(t, f->flags & O_NONBLOCK, &left);
        if (err < 0)
            return err;
    }
    e = s->queue;
    err = anon_open(t, ANON_SOCK, S_IFSOCK | 0777, NULL, &usock_fops, e,
                    O_RDWR | (flags & O_NONBLOCK), out);
    if (err < 0)
        return err;
    /* The queue's reference is the file's now. */
    s->queue = e->queue_next;
    e->queue_next = NULL;
    s->queued--;
    *peer = e->peer ? e->peer->name : (struct usock_addr){0};
    anon_changed(&s->gen);
    return 0;
}

int usock_name(const struct file *f, bool peer, struct usock_addr *out)
{
    const struct usock *s = f->priv;

    if (!peer) {
        *out = s->name;
        return 0;
    }
    if (s->domain != USOCK_UNIX && s->type == USOCK_DGRAM) {
        if (!s->has_dest)
            return -ENOTCONN;
        *out = s->dest;
        return 0;
    }
    if (s->state != US_CONNECTED || !s->peer)
        return -ENOTCONN;
    *out = s->peer->name;
    return 0;
}
