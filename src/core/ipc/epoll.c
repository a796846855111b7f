/* SPDX-License-Identifier: MIT */
/*
 * epoll (core, kernel image): see epoll.h. Readiness is asked of each
 * file's poll op at every wait (level-triggered by nature); EPOLLET
 * reports a file again only once its poll_gen changed, EPOLLONESHOT
 * disables an item once reported. Items are scanned round-robin from
 * where the last wait stopped, so a full (max) never starves the rest.
 */
#include "core/fs/vfs_internal.h"
#include "core/ipc/anon.h"
#include "core/ipc/epoll.h"
#include "core/poll.h"

#define EP_MAX_NESTS 4

struct epitem {
    struct epitem *next;        /* in its epoll's list */
    struct epitem *fnext;       /* in its file's list (file.ep_items) */
    struct epoll *ep;
    struct file *file;          /* not referenced: see epoll_file_gone */
    int fd;
    uint32_t events;
    uint64_t data;
    bool disabled;              /* EPOLLONESHOT, reported */
    bool reported;              /* EPOLLET: last_gen is meaningful */
    uint32_t last_gen;
};

struct epoll {
    struct epitem *items;
    unsigned n;
    unsigned next;              /* where the next scan starts */
    uint32_t gen;
};

static const struct file_ops epoll_fops;

bool file_is_epoll(const struct file *f)
{
    return f->ops == &epoll_fops;
}

unsigned epoll_size(const struct file *ep)
{
    const struct epoll *e = ep->priv;

    return e->n;
}

static struct rt_heap *heap_of(struct file *f)
{
    return inode_kernel(f->inode)->shared;
}

static unsigned poll_of(struct file *f, unsigned events)
{
    return f->ops && f->ops->poll ? f->ops->poll(f, events)
                                  : VFS_POLLIN | VFS_POLLOUT;
}

/* The events of (it) to report now, 0 for none. */
static uint32_t item_ready(struct epitem *it)
{
    uint32_t want = (it->events & ~(EP_ET | EP_ONESHOT | EP_WAKEUP |
                                    EP_EXCLUSIVE)) | EP_ERR | EP_HUP;
    uint32_t m;

    if (it->disabled)
        return 0;
    m = poll_of(it->file, want) & want;
    if (m && (it->events & EP_ET) && it->file->ops->poll_gen) {
        uint32_t gen = it->file->ops->poll_gen(it->file);

        if (it->reported && gen == it->last_gen)
            return 0;
    }
    return m;
}

static void reported(struct epitem *it)
{
    if (it->events & EP_ONESHOT)
        it->disabled = true;
    if ((it->events & EP_ET) && it->file->ops->poll_gen) {
        it->last_gen = it->file->ops->poll_gen(it->file);
        it->reported = true;
    }
}

static int scan(struct epoll *ep, struct ep_ready *out, int max)
{
    unsigned skip = ep->n ? ep->next % ep->n : 0;
    int got = 0;

    /* From item (skip) to the end, then from the start. */
    for (unsigned pass = 0; pass < 2 && got < max; pass++) {
        unsigned i = 0;

        for (struct epitem *it = ep->items; it && got < max;
             it = it->next, i++) {
            uint32_t m;

            if ((pass == 0) != (i >= skip))
                continue;
            m = item_ready(it);
            if (!m)
                continue;
            if (out) {
                out[got] = (struct ep_ready){.events = m, .data = it->data};
                reported(it);
            }
            got++;
            ep->next = i + 1;
        }
    }
    return got;
}

static unsigned epoll_poll(struct file *f, unsigned events)
{
    (void)events;
    return scan(f->priv, NULL, 1) ? VFS_POLLIN | VFS_POLLRDNORM : 0;
}

static uint32_t epoll_gen(struct file *f)
{
    struct epoll *ep = f->priv;
    uint32_t g = ep->gen;

    /* Whatever its items say, changed. */
    for (struct epitem *it = ep->items; it; it = it->next)
        if (it->file->ops->poll_gen)
            g += it->file->ops->poll_gen(it->file);
    return g;
}

static void unlink_from_file(struct epitem *it)
{
    struct epitem **pp = (struct epitem **)&it->file->ep_items;

    while (*pp && *pp != it)
        pp = &(*pp)->fnext;
    if (*pp)
        *pp = it->fnext;
}

static void epoll_release(struct file *f)
{
    struct epoll *ep = f->priv;

    while (ep->items) {
        struct epitem *it = ep->items;

        ep->items = it->next;
        unlink_from_file(it);
        rt_heap_free(heap_of(f), it);
    }
    rt_heap_free(heap_of(f), ep);
}

static const struct file_ops epoll_fops = {
    .release = epoll_release,
    .poll = epoll_poll,
    .poll_gen = epoll_gen,
};

int epoll_open(struct task *t, uint32_t flags, struct file **out)
{
    struct epoll *ep = rt_heap_zalloc(t->k->shared, sizeof(*ep));
    int err;

    (void)flags;
    if (!ep)
        return -ENOMEM;
    err = anon_open(t, ANON_INODE, 0600, "[eventpoll]", &epoll_fops, ep,
                    O_RDWR, out);
    if (err < 0)
        rt_heap_free(t->k->shared, ep);
    return err;
}

static struct epitem *find(struct epoll *ep, int fd, struct file *f)
{
    for (struct epitem *it = ep->items; it; it = it->next)
        if (it->fd == fd && it->file == f)
            return it;
    return NULL;
}

/* Whether (target) reaches (ep) through nested epolls, or nests deeper
 * than Linux allows. */
static bool loops(struct file *target, struct file *ep, int depth)
{
    struct epoll *te;

    if (target == ep || depth > EP_MAX_NESTS)
        return true;
    if (!file_is_epoll(target))
        return false;
    te = target->priv;
    for (struct epitem *it = te->items; it; it = it->next)
        if (file_is_epoll(it->file) && loops(it->file, ep, depth + 1))
            return true;
    return false;
}

int epoll_ctl_file(struct file *epf, int op, int fd, struct file *f,
                   uint32_t events, uint64_t data)
{
    struct epoll *ep = epf->priv;
    struct epitem *it, **pp;

    if (f == epf || !file_is_epoll(epf))
        return -EINVAL;
    if (!f->ops || !f->ops->poll)
        return -EPERM;      /* regular files and directories */
    it = find(ep, fd, f);
    switch (op) {
    case EP_CTL_ADD:
        if (it)
            return -EEXIST;
        if ((events & EP_EXCLUSIVE) && file_is_epoll(f))
            return -EINVAL;
        if (file_is_epoll(f) && loops(f, epf, 1))
            return -ELOOP;
        it = rt_heap_zalloc(heap_of(epf), sizeof(*it));
        if (!it)
            return -ENOMEM;
        *it = (struct epitem){.ep = ep, .file = f, .fd = fd,
                              .events = events, .data = data};
        for (pp = &ep->items; *pp; pp = &(*pp)->next)
            ;
        *pp = it;
        it->fnext = f->ep_items;
        f->ep_items = it;
        ep->n++;
        break;
    case EP_CTL_MOD:
        if (!it)
            return -ENOENT;
        if ((events & EP_EXCLUSIVE) || (it->events & EP_EXCLUSIVE))
            return -EINVAL;
        it->events = events;
        it->data = data;
        it->disabled = it->reported = false;
        break;
    case EP_CTL_DEL:
        if (!it)
            return -ENOENT;
        for (pp = &ep->items; *pp != it; pp = &(*pp)->next)
            ;
        *pp = it->next;
        unlink_from_file(it);
        rt_heap_free(heap_of(epf), it);
        ep->n--;
        break;
    default:
        return -EINVAL;
    }
    anon_changed(&ep->gen);
    return 0;
}

void epoll_file_gone(struct file *f)
{
    while (f->ep_items) {
        struct epitem *it = f->ep_items, **pp;
        struct epoll *ep = it->ep;

        f->ep_items = it->fnext;
        for (pp = &ep->items; *pp != it; pp = &(*pp)->next)
            ;
        *pp = it->next;
        ep->n--;
        anon_changed(&ep->gen);
        rt_heap_free(heap_of(f), it);
    }
}

int epoll_wait_files(struct task *t, struct file *epf, struct ep_ready *out,
                     int max, int64_t timeout_ns)
{
    struct epoll *ep = epf->priv;
    struct lbox_chan_poll chans[LBOX_CHAN_POLL_MAX];
    int64_t left = timeout_ns;
    unsigned nchan = 0;
    int got, err;

    for (;;) {
        got = scan(ep, out, max);
        if (got || left == 0)
            return got;
        /* Only what lies outside lbox (the standard streams) and timers
         * can change while this, the only thread, waits. */
        nchan = 0;
        for (struct epitem *it = ep->items; it; it = it->next)
            if (!it->disabled)
                poll_chan_add(chans, &nchan, it->file, it->events);
        err = poll_wait(t, chans, nchan, &left);
        if (err == -ETIMEDOUT)
            return scan(ep, out, max);
        if (err < 0)
            return err;
    }
}
