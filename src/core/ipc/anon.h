/* SPDX-License-Identifier: MIT */
/*
 * Files with no name in the tree (core, kernel image): pipes, sockets,
 * eventfds and epoll instances. Each kind has one superblock per kernel
 * (pipefs, sockfs, anon_inodefs, as on Linux), made on first use; an
 * inode per object, owned by its creator, with the times of its birth.
 */
#ifndef LBOX_CORE_IPC_ANON_H
#define LBOX_CORE_IPC_ANON_H

#include "core/fs/vfs.h"

enum anon_kind { ANON_PIPE, ANON_SOCK, ANON_INODE, ANON_KINDS };

/*
 * Open a new object of (kind) as a file with (flags) (O_ACCMODE,
 * O_NONBLOCK), file ops (fops) and per-file (priv); (mode) is its S_IF*
 * type and permissions. /proc/self/fd shows "pipe:[ino]", "socket:[ino]"
 * or "anon_inode:(name)". *(ino_out), optional, gets the new inode (not
 * referenced) so a second end can share it (anon_open_same).
 */
int anon_open(struct task *t, enum anon_kind kind, uint32_t mode,
              const char *name, const struct file_ops *fops, void *priv,
              uint32_t flags, struct file **out);
/* A second file on the inode of (f) (the other end of a pipe). */
int anon_open_same(struct task *t, struct file *f,
                   const struct file_ops *fops, void *priv, uint32_t flags,
                   struct file **out);

/*
 * What a blocking operation on an in-sandbox object does once it found
 * the object not ready, with the process lock held: sleep until another
 * thread may have changed it (0: look again), an event or a kick ends
 * the wait (-EINTR), or (timeout_ns) (< 0: no limit) passes
 * (-ETIMEDOUT). Changes are announced with anon_changed, under the same
 * lock, so none is missed between the look and the sleep.
 */
int anon_wait_for(struct task *t, int64_t timeout_ns);
int anon_wait(void);    /* the calling thread's, no limit */

/* (gen) of an object changed (it may be ready): bump it and wake every
 * waiter, also those waiting on host channels at once (poll.c). */
void anon_changed(uint32_t *gen);
/* The same without an object's own counter (a signal, a timer). */
void anon_wake(struct kernel *k);

#endif /* LBOX_CORE_IPC_ANON_H */
