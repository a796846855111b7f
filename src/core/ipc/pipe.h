/* SPDX-License-Identifier: MIT */
/*
 * Pipes, eventfds, signalfds and timerfds inside the sandbox (core, kernel
 * image): objects in the shared region that never reach the host. AF_UNIX
 * sockets are in usock.h.
 */
#ifndef LBOX_CORE_IPC_PIPE_H
#define LBOX_CORE_IPC_PIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/fs/vfs.h"

#define PIPE_BUF_ATOMIC 4096    /* PIPE_BUF */
#define PIPE_DEFAULT_SIZE 65536
#define PIPE_MAX_SIZE 1048576   /* /proc/sys/fs/pipe-max-size */

/* ioctl-style commands of a pipe's files: the size (F_GETPIPE_SZ and
 * F_SETPIPE_SZ, arg an int in lbox memory), and FIONREAD. */
#define PIPE_GETSZ 1032
#define PIPE_SETSZ 1031

/* pipe2: two files, the read end and the write end. (flags): O_NONBLOCK,
 * O_DIRECT (packet mode: each write one message). */
int pipe_open(struct task *t, uint32_t flags, struct file **rd,
              struct file **wr);

/* eventfd2: (flags) O_NONBLOCK and EVENTFD_SEMAPHORE. */
#define EVENTFD_SEMAPHORE 1
int eventfd_open(struct task *t, uint64_t count, unsigned flags,
                 struct file **out);

/* signalfd4: a file reading (mask)'s pending signals; signalfd_set
 * changes the mask of one (-EINVAL for another file). */
int signalfd_open(struct task *t, uint64_t mask, uint32_t flags,
                  struct file **out);
int signalfd_set(struct file *f, uint64_t mask);
bool file_is_signalfd(const struct file *f);

/* timerfd_create: a file on a new timer of (t)'s process on (clock)
 * (LBOX_CLOCK_*); timerfd_timer gives it back (NULL for another file)
 * for timer_set and timer_left. */
struct k_timer;
int timerfd_open(struct task *t, int clock, uint32_t flags,
                 struct file **out);
struct k_timer *timerfd_timer(struct file *f);
bool file_is_timerfd(const struct file *f);

#endif /* LBOX_CORE_IPC_PIPE_H */
