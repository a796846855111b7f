/* SPDX-License-Identifier: MIT */
/*
 * Pipes, socket pairs, eventfds and signalfds inside the sandbox (core, kernel
 * image): objects in the shared region that never reach the host.
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

/* socketpair(AF_UNIX): two connected sockets of (type) (SOCK_STREAM 1,
 * SOCK_DGRAM 2, SOCK_SEQPACKET 5); (flags) O_NONBLOCK. */
int usock_pair(struct task *t, int type, uint32_t flags, struct file **a,
               struct file **b);
bool file_is_usock(const struct file *f);

/* Send and receive on a socket of usock_pair. (flags): USOCK_PEEK,
 * USOCK_DONTWAIT, USOCK_WAITALL, USOCK_TRUNC (return a datagram's whole
 * length). *(truncated) says a message was cut. -EPIPE (the caller
 * raises SIGPIPE unless MSG_NOSIGNAL), -EAGAIN, -EINTR. */
#define USOCK_PEEK     0x2
#define USOCK_TRUNC    0x20
#define USOCK_DONTWAIT 0x40
#define USOCK_WAITALL  0x100
long usock_send(struct file *f, const void *buf, size_t n, unsigned flags);
long usock_recv(struct file *f, void *buf, size_t n, unsigned flags,
                bool *truncated);
/* shutdown(2) (how 0, 1, 2); the type; the buffer sizes SO_SNDBUF and
 * SO_RCVBUF report. */
int usock_shutdown(struct file *f, int how);
int usock_type(const struct file *f);
uint32_t usock_bufsize(const struct file *f, bool send);
void usock_set_bufsize(struct file *f, bool send, uint32_t bytes);
/* The creds of the peer's creator (SO_PEERCRED). */
void usock_peer(const struct file *f, int *pid, uint32_t *uid, uint32_t *gid);

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
