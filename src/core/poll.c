/* SPDX-License-Identifier: MIT */
/*
 * Waiting for readiness of open files (core, kernel image). Files answer
 * for themselves through file_ops->poll; a wait sleeps on the platform
 * channels behind them; files of the sandbox's own (pipes, sockets,
 * eventfds) wake it through anon_changed.
 */
#include "core/kernel.h"
#include "core/ipc/anon.h"
#include "core/poll.h"
#include "core/task.h"

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

int poll_wait(struct task *t, struct lbox_chan_poll *chans, unsigned nchan,
              int64_t *left)
{
    int64_t start = 0, now = 0;
    int err;

    /* A signal the call's own mask lets through ends it at once. */
    sig_collect(t);
    if (task_interrupted(t))
        return -EINTR;
    lbox_plat_clock_get(LBOX_CLOCK_MONOTONIC, &start);
    if (nchan) {
        /* A change of an in-sandbox file kicks the thread out of the
         * host wait (anon_wake). */
        t->chan_polling = true;
        task_wait_begin(t);
        err = lbox_plat_chan_poll(chans, nchan, *left);
        task_wait_end(t);
        t->chan_polling = false;
        if (err > 0)
            err = 0;
        else if (err == 0)
            err = -ETIMEDOUT;
    } else {
        err = anon_wait_for(t, *left);
    }
    if (*left > 0) {
        lbox_plat_clock_get(LBOX_CLOCK_MONOTONIC, &now);
        *left = err == -ETIMEDOUT ? 0 : MAX(*left - (now - start), 1);
    }
    if (err == -EINTR) {
        /* An event: a signal to act on, or a timer that may have made a
         * file ready (timerfd); look again. */
        sig_collect(t);
        return task_interrupted(t) ? -EINTR : 0;
    }
    if (err < 0 && err != -ETIMEDOUT)
        return err;
    return *left == 0 ? -ETIMEDOUT : 0;
}

int poll_files(struct task *t, struct poll_entry *e, unsigned n,
               int64_t timeout_ns)
{
    struct lbox_chan_poll chans[LBOX_CHAN_POLL_MAX];
    unsigned nchan = 0, ready;
    int64_t left = timeout_ns;
    int err;

    for (unsigned i = 0; i < n; i++)
        if (e[i].file)
            poll_chan_add(chans, &nchan, e[i].file, e[i].events);
    for (;;) {
        ready = scan(e, n);
        if (ready || left == 0)
            return (int)ready;
        err = poll_wait(t, chans, nchan, &left);
        if (err == -ETIMEDOUT)
            return (int)scan(e, n);
        if (err < 0)
            return err;
    }
}
