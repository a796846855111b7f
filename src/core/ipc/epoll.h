/* SPDX-License-Identifier: MIT */
/*
 * epoll (core, kernel image): interest lists of (descriptor, open file)
 * pairs and the wait over them. An item does not keep its file open: when
 * the last descriptor of a file goes, the file leaves every interest list
 * (epoll_file_gone), as on Linux.
 */
#ifndef LBOX_CORE_IPC_EPOLL_H
#define LBOX_CORE_IPC_EPOLL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/fs/vfs.h"

#define EP_IN        0x001
#define EP_ERR       0x008
#define EP_HUP       0x010
#define EP_EXCLUSIVE (1U << 28)
#define EP_WAKEUP    (1U << 29)
#define EP_ONESHOT   (1U << 30)
#define EP_ET        (1U << 31)

#define EP_CTL_ADD 1
#define EP_CTL_DEL 2
#define EP_CTL_MOD 3

struct ep_ready {
    uint32_t events;
    uint64_t data;
};

int epoll_open(struct task *t, uint32_t flags, struct file **out);
bool file_is_epoll(const struct file *f);

/* epoll_ctl on (ep) for descriptor (fd) open as (f): 0, -EEXIST, -ENOENT,
 * -EPERM (a file that cannot be polled), -EINVAL, -ELOOP, -ENOMEM. */
int epoll_ctl_file(struct file *ep, int op, int fd, struct file *f,
                   uint32_t events, uint64_t data);

/* How many items (ep) watches (the most one wait can report). */
unsigned epoll_size(const struct file *ep);
/* Up to (max) ready items into (out), waiting up to (timeout_ns) (< 0: no
 * limit) for one: how many, or -EINTR. */
int epoll_wait_files(struct task *t, struct file *ep, struct ep_ready *out,
                     int max, int64_t timeout_ns);

/* (f)'s last reference is going: drop it from every interest list. */
void epoll_file_gone(struct file *f);

#endif /* LBOX_CORE_IPC_EPOLL_H */
