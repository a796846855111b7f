// SPDX-License-Identifier: MIT
// Integration test (guest program): pipes, eventfds, AF_UNIX socket
// pairs and epoll inside one process, compared with Linux: end of file,
// EPIPE and SIGPIPE, O_NONBLOCK, PIPE_BUF atomicity, pipe sizes, packet
// pipes, FIONREAD, datagram and seqpacket boundaries, shutdown, socket
// options, and epoll's level, edge and one-shot modes, nesting, loops
// and descriptors that close. A read blocked on an empty pipe is
// interrupted by an alarm whose handler writes into the pipe (the
// self-pipe trick): with SA_RESTART the read goes on and gets the byte.
// signalfd takes blocked signals; timerfd counts expiries, wakes epoll
// and a blocking read.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>

#include "check.h"

static volatile int g_sigpipe, g_self_w = -1;

static void on_pipe(int sig)
{
    (void)sig;
    g_sigpipe++;
}

static void on_alarm(int sig)
{
    (void)sig;
    if (write(g_self_w, "!", 1) != 1)
        _exit(3);
}

static void test_pipe(void)
{
    int p[2], n;
    char buf[70000], link[64], path[64];
    struct stat st;
    struct pollfd pf;

    CHECK(pipe2(p, O_CLOEXEC) == 0, "pipe2");
    CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC, "O_CLOEXEC on both ends");
    CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode) &&
          (st.st_mode & 0777) == 0600, "fstat: a FIFO, 0600");
    snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
    n = (int)readlink(path, link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = 0;
    CHECK(!strncmp(link, "pipe:[", 6), "/proc/self/fd names it pipe:[N]");
    CHECK(write(p[1], "hello", 5) == 5, "write");
    CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 5, "FIONREAD");
    pf = (struct pollfd){.fd = p[0], .events = POLLIN};
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "poll readable");
    CHECK(read(p[0], buf, 3) == 3 && read(p[0], buf, 10) == 2 &&
          !memcmp(buf, "lo", 2), "reads take what is there");
    CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
    CHECK_ERR(read(p[0], buf, 1), EAGAIN, "empty nonblocking read");
    CHECK(fcntl(p[1], F_GETPIPE_SZ) == 65536, "F_GETPIPE_SZ 64 KiB");
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 5000) == 8192, "F_SETPIPE_SZ rounds up");
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    memset(buf, 'a', sizeof(buf));
    CHECK(write(p[1], buf, 8000) == 8000, "fill most of 8 KiB");
    CHECK_ERR(write(p[1], buf, 4000), EAGAIN, "PIPE_BUF write is atomic");
    CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY, "shrink below data");
    pf = (struct pollfd){.fd = p[1], .events = POLLOUT};
    CHECK(poll(&pf, 1, 0) == 0, "full: not writable");
    while (read(p[0], buf, sizeof(buf)) > 0)
        ;
    close(p[1]);
    pf = (struct pollfd){.fd = p[0], .events = POLLIN};
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLHUP, "POLLHUP");
    CHECK(read(p[0], buf, 1) == 0, "end of file once writers close");
    close(p[0]);

    signal(SIGPIPE, on_pipe);
    pipe(p);
    close(p[0]);
    CHECK_ERR(write(p[1], "x", 1), EPIPE, "write with no reader");
    CHECK(g_sigpipe == 1, "SIGPIPE raised");
    close(p[1]);

    CHECK(pipe2(p, O_DIRECT) == 0, "packet pipe");
    write(p[1], "abc", 3);
    write(p[1], "defg", 4);
    CHECK(read(p[0], buf, 2) == 2 && read(p[0], buf, 10) == 4 &&
          !memcmp(buf, "defg", 4), "one packet per read, rest dropped");
    close(p[0]);
    close(p[1]);
    CHECK_ERR(pipe2(p, 0x40), EINVAL, "pipe2 unknown flag");
}

static void test_self_pipe(void)
{
    struct sigaction sa;
    struct itimerval it = {{0, 0}, {0, 30000}};
    int p[2];
    char c = 0;

    pipe(p);
    g_self_w = p[1];
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    CHECK(read(p[0], &c, 1) == 1 && c == '!',
          "blocked read restarts and gets the handler's byte");
    sa.sa_flags = 0;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    {
        char d[2];
        ssize_t r = read(p[0], d, 2);
        int e = errno;

        /* The handler's byte arrives after the read failed. */
        CHECK(r == -1 && e == EINTR && read(p[0], d, 2) == 1,
              "without SA_RESTART: EINTR");
    }
    close(p[0]);
    close(p[1]);
}

static void test_eventfd(void)
{
    uint64_t v;
    int e = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    struct pollfd pf = {.fd = e, .events = POLLIN | POLLOUT};

    CHECK(e >= 0, "eventfd");
    CHECK(poll(&pf, 1, 0) == 1 && pf.revents == (POLLIN | POLLOUT),
          "eventfd readable and writable");
    CHECK(read(e, &v, 8) == 8 && v == 1 && read(e, &v, 8) == 8 && v == 1,
          "semaphore reads one at a time");
    CHECK_ERR(read(e, &v, 8), EAGAIN, "eventfd at 0");
    CHECK_ERR(read(e, &v, 4), EINVAL, "eventfd short read");
    v = 0xfffffffffffffffeULL;
    CHECK(write(e, &v, 8) == 8, "eventfd to its maximum");
    v = 1;
    CHECK_ERR(write(e, &v, 8), EAGAIN, "eventfd would overflow");
    v = ~0ULL;
    CHECK_ERR(write(e, &v, 8), EINVAL, "eventfd 2^64-1");
    close(e);
    e = eventfd(0, 0);
    v = 5;
    write(e, &v, 8);
    write(e, &v, 8);
    CHECK(read(e, &v, 8) == 8 && v == 10, "counter mode takes all");
    close(e);
}

static void test_socketpair(void)
{
    int s[2], v;
    char buf[64];
    socklen_t len = sizeof(v);
    struct {
        pid_t pid;
        uid_t uid;
        gid_t gid;
    } cred;
    struct iovec iov[2];
    struct msghdr m;
    struct sockaddr_storage ss;

    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s) == 0,
          "socketpair stream");
    CHECK(getsockopt(s[0], SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
          v == SOCK_STREAM, "SO_TYPE");
    len = sizeof(cred);
    CHECK(getsockopt(s[0], SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
          cred.pid == getpid() && cred.uid == getuid(), "SO_PEERCRED");
    len = sizeof(ss);
    CHECK(getsockname(s[0], (struct sockaddr *)&ss, &len) == 0 && len == 2 &&
          ss.ss_family == AF_UNIX, "getsockname: unnamed");
    CHECK(send(s[0], "ping", 4, 0) == 4, "send");
    CHECK(recv(s[1], buf, 2, MSG_PEEK) == 2 && recv(s[1], buf, 10, 0) == 4 &&
          !memcmp(buf, "ping", 4), "MSG_PEEK then recv");
    CHECK_ERR(recv(s[1], buf, 10, MSG_DONTWAIT), EAGAIN, "MSG_DONTWAIT");
    iov[0] = (struct iovec){"ab", 2};
    iov[1] = (struct iovec){"cd", 2};
    memset(&m, 0, sizeof(m));
    m.msg_iov = iov;
    m.msg_iovlen = 2;
    CHECK(sendmsg(s[1], &m, 0) == 4 && read(s[0], buf, 10) == 4 &&
          !memcmp(buf, "abcd", 4), "sendmsg gathers");
    shutdown(s[0], SHUT_WR);
    CHECK(read(s[1], buf, 10) == 0, "shutdown SHUT_WR: peer reads EOF");
    CHECK(write(s[1], "back", 4) == 4 && read(s[0], buf, 10) == 4,
          "the other way still works");
    close(s[1]);
    CHECK_ERR(send(s[0], "x", 1, MSG_NOSIGNAL), EPIPE,
              "send to a closed peer: EPIPE");
    close(s[0]);

    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, s) == 0, "socketpair dgram");
    send(s[0], "one", 3, 0);
    send(s[0], "twotwo", 6, 0);
    CHECK(ioctl(s[1], FIONREAD, &v) == 0 && v == 3, "FIONREAD: next message");
    CHECK(recv(s[1], buf, 2, 0) == 2, "datagram cut to the buffer");
    CHECK(recv(s[1], buf, 2, MSG_TRUNC) == 6, "MSG_TRUNC: its full length");
    send(s[0], "three", 5, 0);
    iov[0] = (struct iovec){buf, 3};
    m.msg_iov = iov;
    m.msg_iovlen = 1;
    CHECK(recvmsg(s[1], &m, 0) == 3 && (m.msg_flags & MSG_TRUNC),
          "recvmsg sets MSG_TRUNC");
    close(s[0]);
    close(s[1]);

    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, s) == 0, "seqpacket");
    send(s[0], "a", 1, 0);
    send(s[0], "bc", 2, 0);
    CHECK(recv(s[1], buf, 10, 0) == 1 && recv(s[1], buf, 10, 0) == 2,
          "seqpacket keeps boundaries");
    close(s[0]);
    CHECK(recv(s[1], buf, 10, 0) == 0, "seqpacket EOF after close");
    close(s[1]);
    CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, s), EOPNOTSUPP,
              "AF_INET pair");
    CHECK_ERR(send(0 + 100, "x", 1, 0), EBADF, "send on a bad fd");
    {
        int p[2];

        pipe(p);
        CHECK_ERR(send(p[1], "x", 1, 0), ENOTSOCK, "send on a pipe");
        close(p[0]);
        close(p[1]);
    }
}

static void test_epoll(void)
{
    struct epoll_event ev, out[4];
    int ep = epoll_create1(EPOLL_CLOEXEC), ep2, p[2], q[2], d, fd;
    char c;

    CHECK(ep >= 0, "epoll_create1");
    pipe(p);
    ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = 0x1234};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "EPOLL_CTL_ADD");
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST, "add twice");
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT, "mod absent");
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL, "add itself");
    fd = open("/proc/self/status", O_RDONLY);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 0 + fd, &ev), EPERM,
              "a regular file: EPERM");
    close(fd);
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "nothing ready");
    CHECK(epoll_wait(ep, out, 4, 20) == 0, "timeout");
    write(p[1], "ab", 2);
    CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].events == EPOLLIN &&
          out[0].data.u64 == 0x1234, "level: ready with its data");
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "level: still ready");
    ev.events = EPOLLIN | EPOLLET;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    CHECK(epoll_wait(ep, out, 4, 0) == 1 && epoll_wait(ep, out, 4, 0) == 0,
          "edge: once");
    write(p[1], "c", 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "edge: again after new data");
    ev.events = EPOLLIN | EPOLLONESHOT;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    CHECK(epoll_wait(ep, out, 4, 0) == 1 && epoll_wait(ep, out, 4, 0) == 0,
          "one-shot: disabled after one");
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "one-shot: re-armed by MOD");

    ep2 = epoll_create(1);
    ev = (struct epoll_event){.events = EPOLLIN};
    CHECK(epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev) == 0, "nest an epoll");
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev), ELOOP, "loop: ELOOP");
    ev.events = EPOLLIN | EPOLLONESHOT;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    CHECK(epoll_wait(ep2, out, 4, 0) == 1, "nested: ready when inner is");

    /* A closed descriptor leaves the set, a dup'ed one stays. */
    ev = (struct epoll_event){.events = EPOLLIN};
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    pipe(q);
    write(q[1], "z", 1);
    ev = (struct epoll_event){.events = EPOLLIN, .data.fd = q[0]};
    epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev);
    d = dup(q[0]);
    close(q[0]);
    CHECK(epoll_wait(ep, out, 4, 0) == 2, "dup keeps the file in the set");
    close(d);
    CHECK(epoll_wait(ep, out, 4, 0) == 1, "last close removes it");
    ev = (struct epoll_event){.events = EPOLLOUT};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, q[1], &ev) == 0 &&
          epoll_wait(ep, out, 4, 0) == 2, "write end with no reader");
    epoll_ctl(ep, EPOLL_CTL_DEL, q[1], NULL);
    CHECK(epoll_wait(ep, out, 1, 0) == 1, "maxevents 1");
    CHECK_ERR(epoll_wait(ep, out, 0, 0), EINVAL, "maxevents 0");
    read(p[0], &c, 1);
    close(q[1]);
    close(p[0]);
    close(p[1]);
    close(ep2);
    close(ep);
}

static void test_signalfd(void)
{
    struct signalfd_siginfo si;
    struct pollfd pf;
    sigset_t m, old;
    int fd;

    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, &old);
    fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK(fd >= 0, "signalfd");
    CHECK_ERR(read(fd, &si, sizeof(si)), EAGAIN, "signalfd empty");
    raise(SIGUSR1);
    pf = (struct pollfd){.fd = fd, .events = POLLIN};
    CHECK(poll(&pf, 1, 0) == 1, "signalfd readable when pending");
    CHECK(read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR1 &&
          si.ssi_code == SI_TKILL && si.ssi_pid == (uint32_t)getpid(),
          "signalfd reads the siginfo");
    CHECK_ERR(read(fd, &si, 8), EINVAL, "signalfd short read");
    sigaddset(&m, SIGUSR2);
    CHECK(signalfd(fd, &m, 0) == fd, "signalfd changes its mask");
    close(fd);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void test_timerfd(void)
{
    struct itimerspec ts = {{0, 10 * 1000 * 1000}, {0, 10 * 1000 * 1000}},
                      cur;
    struct epoll_event ev = {.events = EPOLLIN}, out;
    uint64_t ticks = 0;
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    int ep = epoll_create1(0);

    CHECK(fd >= 0, "timerfd_create");
    CHECK_ERR(read(fd, &ticks, 8), EAGAIN, "timerfd before it runs");
    CHECK(timerfd_settime(fd, 0, &ts, NULL) == 0, "timerfd_settime");
    timerfd_gettime(fd, &cur);
    CHECK(cur.it_interval.tv_nsec == 10 * 1000 * 1000 &&
          cur.it_value.tv_sec == 0, "timerfd_gettime");
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    CHECK(epoll_wait(ep, &out, 1, 1000) == 1, "epoll wakes on expiry");
    CHECK(read(fd, &ticks, 8) == 8 && ticks >= 1, "read takes the count");
    fcntl(fd, F_SETFL, 0);
    CHECK(read(fd, &ticks, 8) == 8 && ticks >= 1,
          "a blocking read waits for the next");
    ts = (struct itimerspec){{0, 0}, {0, 0}};
    timerfd_settime(fd, 0, &ts, NULL);
    timerfd_gettime(fd, &cur);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0,
          "timerfd disarmed");
    CHECK_ERR(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL,
              "timerfd on a CPU clock");
    CHECK_ERR(timerfd_settime(ep, 0, &ts, NULL), EINVAL,
              "timerfd_settime on an epoll");
    close(ep);
    close(fd);
}

int main(void)
{
    test_begin();
    test_pipe();
    test_self_pipe();
    test_eventfd();
    test_socketpair();
    test_epoll();
    test_signalfd();
    test_timerfd();
    return test_end();
}
