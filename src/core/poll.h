/* SPDX-License-Identifier: MIT */
/*
 * Waiting for readiness of open files (core, kernel image): the engine
 * behind poll, ppoll, select and pselect6.
 */
#ifndef LBOX_CORE_POLL_H
#define LBOX_CORE_POLL_H

#include <lbox/platform.h>

#include "core/fs/vfs.h"

struct poll_entry {
    struct file *file;  /* NULL: a bad descriptor (POLLNVAL) */
    unsigned events;    /* IN, VFS_POLL* */
    unsigned revents;   /* OUT */
};

/*
 * Fill every entry's revents; if none is ready, wait up to (timeout_ns)
 * (< 0: no limit) for one to become ready. Returns how many entries have
 * revents, 0 on timeout, or -EINTR.
 */
int poll_files(struct task *t, struct poll_entry *e, unsigned n,
               int64_t timeout_ns);

/*
 * One wait of a poll-like call: on (chans) (nchan of them; none: a sleep)
 * for up to *(left) ns (< 0: no limit), which it lowers by the time
 * spent. 0 when something may have changed (look again), -ETIMEDOUT,
 * -EINTR for a signal (t) will act on.
 */
int poll_wait(struct task *t, struct lbox_chan_poll *chans, unsigned nchan,
              int64_t *left);

/* Add the platform channel a wait for (f) sleeps on, if it has one, to
 * (chans) (*(n) of LBOX_CHAN_POLL_MAX used), asking for (events). */
void poll_chan_add(struct lbox_chan_poll *chans, unsigned *n,
                   struct file *f, unsigned events);

#endif /* LBOX_CORE_POLL_H */
