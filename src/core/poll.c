/* SPDX-License-Identifier: MIT */
/*
 * Waiting for readiness of open files (core, kernel image). Files answer
 * for themselves through file_ops->poll; a wait sleeps on the platform
 * channels behind them. Files nothing outside lbox can make ready (none
 * until pipes and sockets arrive) turn a wait into a plain sleep.
 */
#include "core/kernel.h"
#include "core/ipc/anon.h"
#include "core/poll.h"

#define POLL_ALWAYS (VFS_POLLIN | VFS_POLLOUT | VFS_POLLRDNORM | \
                     VFS_POLLWRNORM)
#define POLL_ERRORS (VFS_POLLERR | VFS_POLLHUP | VFS_POLLNVAL)

static unsigned scan(struct poll_entry *e, unsigned n)
{
    unsigned ready = 0;

    for (unsigned i = 0; i < n; i++) {
        struct file *f = e[i].file;
        unsigned r;

        if (!f)
            r = VFS_POLLNVAL;
        else if (f->ops && f->ops->poll)
            r = f->ops->poll(f, e[i].events);
        else
            r = POLL_ALWAYS;
        /* Errors are reported whether asked for or not, as on Linux. */
        e[i].revents = r & (e[i].events | POLL_ERRORS);
        ready += e[i].revents != 0;
    }
    return ready;
}

void poll_chan_add(struct lbox_chan_poll *chans, unsigned *n,
                   struct file *f, unsigned events)
{
    int chan = f->ops && f->ops->wait_chan ? f->ops->wait_chan(f) : -1;
    unsigned j;

    if (chan < 0)
        return;
    for (j = 0; j < *n && chans[j].chan != chan; j++)
        ;
    if (j == *n) {
        if (*n == LBOX_CHAN_POLL_MAX)
            return;
        chans[(*n)++] = (struct lbox_chan_poll){chan, 0, 0};
    }
    chans[j].events |= (short)(events & 0xffff);
}

int poll_files(struct task *t, struct poll_entry *e, unsigned n,
               int64_t timeout_ns)
{
    struct lbox_chan_poll chans[LBOX_CHAN_POLL_MAX];
    unsigned nchan = 0, ready = scan(e, n);
    int err;

    if (ready || timeout_ns == 0)
        return (int)ready;
    /* A signal the call's own mask lets through ends it at once. */
    sig_collect(t);
    if (sig_deliverable(t, t->sigmask))
        return -EINTR;
    for (unsigned i = 0; i < n; i++)
        if (e[i].file)
            poll_chan_add(chans, &nchan, e[i].file, e[i].events);
    if (nchan == 0) {
        /* Nothing can change: Linux would sleep out the timeout too. */
        err = timeout_ns < 0 ? anon_wait()
                             : lbox_plat_sleep(LBOX_CLOCK_MONOTONIC,
                                               timeout_ns);
        return err < 0 ? err : 0;
    }
    err = lbox_plat_chan_poll(chans, nchan, timeout_ns);
    if (err < 0)
        return err;
    return (int)scan(e, n);
}
