// SPDX-License-Identifier: MIT
// AF_UNIX sockets with names: bind to paths and abstract names, listen,
// connect, accept, datagrams between named sockets, descriptors and
// credentials passed with the data (SCM_RIGHTS, SCM_CREDENTIALS), and the
// errors Linux gives on the way. Compared line by line with a native run.
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#include "check.h"

static socklen_t addr_of(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
                       strlen(path) + 1);
}

/* An abstract name unique to this run (the native run shares the host's
 * namespace with everything else). */
static socklen_t abstract_of(struct sockaddr_un *a, const char *tag)
{
    int n;

    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "lbox-%d-%s",
                 (int)getpid(), tag);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int listener(int type, const struct sockaddr_un *a, socklen_t len,
                    int backlog)
{
    int s = socket(AF_UNIX, type, 0);

    if (s < 0 || bind(s, (const struct sockaddr *)a, len) < 0 ||
        listen(s, backlog) < 0)
        return -1;
    return s;
}

static int connect_to(int type, const struct sockaddr_un *a, socklen_t len)
{
    int c = socket(AF_UNIX, type, 0);

    if (c < 0 || connect(c, (const struct sockaddr *)a, len) < 0) {
        close(c);
        return -1;
    }
    return c;
}

static void test_path_stream(void)
{
    struct sockaddr_un a, got;
    socklen_t len = addr_of(&a, sp("srv")), glen;
    struct { pid_t pid; uid_t uid; gid_t gid; } cred;
    struct stat st;
    char buf[32];
    int l, c, s, v;

    umask(022);
    l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(l >= 0, "socket AF_UNIX stream");
    CHECK_ERR(listen(l, 5), EINVAL, "listen before bind");
    CHECK(bind(l, (struct sockaddr *)&a, len) == 0, "bind a path");
    CHECK_ERR(bind(l, (struct sockaddr *)&a, len), EADDRINUSE,
              "bind again to the same path");
    {
        struct sockaddr_un b;
        socklen_t blen = addr_of(&b, sp("second"));

        CHECK_ERR(bind(l, (struct sockaddr *)&b, blen), EINVAL,
                  "bind a named socket to another path");
        CHECK_ERR(access(sp("second"), F_OK), ENOENT,
                  "the second node is not left behind");
    }
    CHECK(stat(sp("srv"), &st) == 0 && S_ISSOCK(st.st_mode) &&
          (st.st_mode & 0777) == 0755, "the path is a socket node, umask applied");
    CHECK_ERR(open(sp("srv"), O_RDWR), ENXIO, "open a socket node");
    glen = sizeof(got);
    CHECK(getsockname(l, (struct sockaddr *)&got, &glen) == 0 && glen == len &&
          !strcmp(got.sun_path, a.sun_path), "getsockname: the path");
    CHECK(listen(l, 5) == 0, "listen");
    glen = sizeof(v);
    CHECK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &glen) == 0 && v == 1,
          "SO_ACCEPTCONN");
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), ENOTCONN, "send unconnected");
    CHECK_ERR(recv(c, buf, 1, 0), EINVAL, "recv unconnected stream");
    glen = sizeof(got);
    CHECK_ERR(getpeername(c, (struct sockaddr *)&got, &glen), ENOTCONN,
              "getpeername unconnected");
    CHECK(connect(c, (struct sockaddr *)&a, len) == 0, "connect");
    CHECK_ERR(connect(c, (struct sockaddr *)&a, len), EISCONN,
              "connect twice");
    glen = sizeof(got);
    memset(&got, 0x55, sizeof(got));
    s = accept4(l, (struct sockaddr *)&got, &glen, SOCK_CLOEXEC);
    CHECK(s >= 0 && glen == 2 && got.sun_family == AF_UNIX,
          "accept4: an unnamed peer");
    CHECK(fcntl(s, F_GETFD) == FD_CLOEXEC, "accept4 SOCK_CLOEXEC");
    glen = sizeof(got);
    CHECK(getsockname(s, (struct sockaddr *)&got, &glen) == 0 && glen == len,
          "accepted socket's name is the listener's");
    glen = sizeof(got);
    CHECK(getpeername(c, (struct sockaddr *)&got, &glen) == 0 && glen == len &&
          !strcmp(got.sun_path, a.sun_path), "getpeername: the path");
    glen = sizeof(cred);
    CHECK(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &glen) == 0 &&
          cred.pid == getpid() && cred.uid == geteuid(), "SO_PEERCRED");
    CHECK(write(c, "hello", 5) == 5 && read(s, buf, sizeof(buf)) == 5 &&
          !memcmp(buf, "hello", 5), "client to server");
    CHECK(send(s, "back", 4, 0) == 4 && recv(c, buf, sizeof(buf), 0) == 4,
          "server to client");
    CHECK_ERR(sendto(c, "x", 1, 0, (struct sockaddr *)&a, len), EISCONN,
              "sendto with an address on a connected stream");
    CHECK_ERR(accept(c, NULL, NULL), EINVAL, "accept on a connected socket");
    CHECK(fcntl(l, F_SETFL, O_NONBLOCK) == 0, "listener nonblocking");
    CHECK_ERR(accept(l, NULL, NULL), EAGAIN, "accept with none waiting");
    close(s);
    CHECK(read(c, buf, sizeof(buf)) == 0, "EOF after the server closes");
    close(c);

    /* Rename keeps the socket reachable; unlink makes it unreachable. */
    CHECK(rename(sp("srv"), sp("moved")) == 0, "rename the node");
    addr_of(&got, sp("moved"));
    c = connect_to(SOCK_STREAM, &got, len + 2);
    CHECK(c >= 0, "connect by the new name");
    close(c);
    c = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&got, len + 2), EPROTOTYPE,
              "a datagram socket to a stream path");
    close(c);
    CHECK_ERR(connect_to(SOCK_STREAM, &a, len), ENOENT, "connect: no node");
    close(accept(l, NULL, NULL));
    close(l);
    CHECK_ERR(connect_to(SOCK_STREAM, &got, len + 2), ECONNREFUSED,
              "connect: the node outlives its socket");
    CHECK(unlink(sp("moved")) == 0, "unlink the node");
    close(open(sp("plain"), O_CREAT | O_WRONLY, 0644));
    addr_of(&got, sp("plain"));
    CHECK_ERR(connect_to(SOCK_STREAM, &got, len + 2), ECONNREFUSED,
              "connect to a regular file");
    l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(bind(l, (struct sockaddr *)&got, len + 2), EADDRINUSE,
              "bind over an existing file");
    close(l);
    unlink(sp("plain"));
}

static void test_abstract(void)
{
    struct sockaddr_un a, got;
    socklen_t len = abstract_of(&a, "abs"), glen;
    char buf[8];
    int l, l2, c, s;

    l = listener(SOCK_STREAM, &a, len, 5);
    CHECK(l >= 0, "abstract listener");
    glen = sizeof(got);
    CHECK(getsockname(l, (struct sockaddr *)&got, &glen) == 0 &&
          glen == len && got.sun_path[0] == 0 &&
          !memcmp(got.sun_path, a.sun_path, len - 2),
          "getsockname: the abstract name, no NUL added");
    l2 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(bind(l2, (struct sockaddr *)&a, len), EADDRINUSE,
              "abstract name taken");
    CHECK(bind(l2, (struct sockaddr *)&a, len - 1) == 0,
          "a shorter name is another name");
    close(l2);
    c = connect_to(SOCK_STREAM, &a, len);
    s = accept(l, NULL, NULL);
    CHECK(c >= 0 && s >= 0 && write(c, "abc", 3) == 3 &&
          read(s, buf, sizeof(buf)) == 3, "abstract connect and accept");
    close(s);
    close(c);
    close(l);
    CHECK_ERR(connect_to(SOCK_STREAM, &a, len), ECONNREFUSED,
              "abstract name gone with its socket");

    /* Autobind: the family alone. */
    l = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(l, (struct sockaddr *)&a, sizeof(sa_family_t)) == 0,
          "autobind");
    glen = sizeof(got);
    CHECK(getsockname(l, (struct sockaddr *)&got, &glen) == 0 && glen == 8 &&
          got.sun_path[0] == 0, "autobind: NUL and five hex digits");
    close(l);
}

static void test_backlog(void)
{
    struct sockaddr_un a;
    socklen_t len = abstract_of(&a, "backlog");
    int l = listener(SOCK_STREAM, &a, len, 1), c[4], n = 0, i, err;
    struct pollfd p = {.fd = l, .events = POLLIN};

    CHECK(poll(&p, 1, 0) == 0, "listener not readable when empty");
    for (i = 0; i < 4; i++) {
        c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (connect(c[i], (struct sockaddr *)&a, len) == 0) {
            n++;
        } else {
            err = errno;
            CHECK_EQ(err, EAGAIN, "connect to a full backlog: EAGAIN");
        }
    }
    CHECK_EQ(n, 2, "backlog 1 takes two connections");
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLIN,
          "listener readable with one waiting");
    for (i = 0; i < 4; i++)
        close(c[i]);
    close(l);
}

static void *slow_accept(void *arg)
{
    int l = *(int *)arg, s;
    char buf[4];

    usleep(100 * 1000);
    s = accept(l, NULL, NULL);
    if (s < 0 || read(s, buf, 1) != 1)
        return (void *)1;
    close(s);
    s = accept(l, NULL, NULL);
    close(s);
    return NULL;
}

static void test_blocking(void)
{
    struct sockaddr_un a;
    socklen_t len = abstract_of(&a, "block");
    int l = listener(SOCK_STREAM, &a, len, 0), c1, c2;
    pthread_t th;
    void *ret;

    c1 = connect_to(SOCK_STREAM, &a, len);
    CHECK(c1 >= 0, "first connection fills backlog 0");
    pthread_create(&th, NULL, slow_accept, &l);
    c2 = connect_to(SOCK_STREAM, &a, len);
    CHECK(c2 >= 0, "a connect waits for accept to make room");
    CHECK(write(c1, "x", 1) == 1, "write to the accepted one");
    pthread_join(th, &ret);
    CHECK(ret == NULL, "the accepting thread saw the data");
    close(c1);
    close(c2);
    close(l);
}

static void test_dgram(void)
{
    struct sockaddr_un a, b, got;
    socklen_t alen = addr_of(&a, sp("dsrv")), blen = addr_of(&b, sp("dcli"));
    socklen_t glen;
    char buf[16];
    int srv = socket(AF_UNIX, SOCK_DGRAM, 0), cli = socket(AF_UNIX, SOCK_DGRAM, 0);
    int other = socket(AF_UNIX, SOCK_DGRAM, 0);

    CHECK(bind(srv, (struct sockaddr *)&a, alen) == 0, "bind a datagram socket");
    CHECK_ERR(listen(srv, 1), EOPNOTSUPP, "listen on a datagram socket");
    CHECK_ERR(send(cli, "x", 1, 0), ENOTCONN, "send with no peer");
    CHECK(sendto(cli, "anon", 4, 0, (struct sockaddr *)&a, alen) == 4,
          "sendto a path");
    glen = sizeof(got);
    CHECK(recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&got, &glen) == 4 &&
          glen == 0, "recvfrom an unnamed sender: no address");
    CHECK(bind(cli, (struct sockaddr *)&b, blen) == 0, "bind the client");
    CHECK(sendto(cli, "named", 5, 0, (struct sockaddr *)&a, alen) == 5,
          "sendto from a named socket");
    glen = sizeof(got);
    CHECK(recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&got, &glen) == 5 &&
          glen == blen && !strcmp(got.sun_path, b.sun_path),
          "recvfrom: the sender's path");
    CHECK(sendto(srv, "reply", 5, 0, (struct sockaddr *)&got, glen) == 5 &&
          recv(cli, buf, sizeof(buf), 0) == 5, "reply to the sender");
    CHECK(connect(srv, (struct sockaddr *)&b, blen) == 0, "connect datagram");
    CHECK_ERR(sendto(other, "x", 1, 0, (struct sockaddr *)&a, alen), EPERM,
              "send to a socket connected elsewhere");
    CHECK(send(srv, "c", 1, 0) == 1 && recv(cli, buf, sizeof(buf), 0) == 1,
          "send on a connected datagram socket");
    {
        struct sockaddr un = {.sa_family = AF_UNSPEC};

        CHECK(connect(srv, &un, sizeof(un)) == 0, "AF_UNSPEC disconnects");
        CHECK_ERR(send(srv, "x", 1, 0), ENOTCONN, "no peer after disconnect");
    }
    CHECK(sendto(other, "y", 1, 0, (struct sockaddr *)&a, alen) == 1,
          "others may send again");
    CHECK(connect(other, (struct sockaddr *)&a, alen) == 0, "connect other");
    close(srv);
    CHECK_ERR(send(other, "z", 1, 0), ECONNREFUSED, "peer gone: ECONNREFUSED");
    addr_of(&got, sp("nothing"));
    CHECK_ERR(sendto(cli, "x", 1, 0, (struct sockaddr *)&got, alen + 3),
              ENOENT, "sendto a missing path");
    close(cli);
    close(other);
    unlink(sp("dsrv"));
    unlink(sp("dcli"));
}

static void test_seqpacket(void)
{
    struct sockaddr_un a;
    socklen_t len = abstract_of(&a, "seq");
    int l = listener(SOCK_SEQPACKET, &a, len, 2), c, s;
    char buf[16];

    CHECK_ERR(connect_to(SOCK_STREAM, &a, len), ECONNREFUSED,
              "abstract names are per type");
    c = connect_to(SOCK_SEQPACKET, &a, len);
    s = accept(l, NULL, NULL);
    CHECK(c >= 0 && s >= 0, "seqpacket connect and accept");
    send(c, "one", 3, 0);
    send(c, "two!", 4, 0);
    CHECK(recv(s, buf, sizeof(buf), 0) == 3 && recv(s, buf, sizeof(buf), 0) == 4,
          "seqpacket boundaries");
    close(c);
    CHECK(recv(s, buf, sizeof(buf), 0) == 0, "seqpacket EOF");
    close(s);
    close(l);
}

/* Send (data) with (nfd) descriptors on (s). */
static ssize_t send_fds(int s, const char *data, const int *fds, int nfd)
{
    char ctl[CMSG_SPACE(sizeof(int) * 8)] = {0};
    struct iovec iov = {(void *)data, strlen(data)};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    struct cmsghdr *h;

    if (nfd) {
        m.msg_control = ctl;
        m.msg_controllen = CMSG_SPACE(sizeof(int) * nfd);
        h = CMSG_FIRSTHDR(&m);
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_RIGHTS;
        h->cmsg_len = CMSG_LEN(sizeof(int) * nfd);
        memcpy(CMSG_DATA(h), fds, sizeof(int) * nfd);
    }
    return sendmsg(s, &m, 0);
}

/* Receive into (buf); the descriptors that came into (fds), their count
 * in *(nfd); (ctlsize) bytes of control buffer. */
static ssize_t recv_fds(int s, char *buf, size_t size, int *fds, int *nfd,
                        size_t ctlsize, int flags, int *mflags)
{
    char ctl[CMSG_SPACE(sizeof(int) * 8)];
    struct iovec iov = {buf, size};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
                       .msg_controllen = ctlsize};
    ssize_t n = recvmsg(s, &m, flags);

    *nfd = 0;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); n >= 0 && h;
         h = CMSG_NXTHDR(&m, h)) {
        if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
            int k = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));

            memcpy(fds + *nfd, CMSG_DATA(h), sizeof(int) * k);
            *nfd += k;
        }
    }
    if (mflags)
        *mflags = m.msg_flags;
    return n;
}

static void test_rights(void)
{
    int sv[2], p[2], fds[8], n, mf;
    char buf[32];

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe(p);
    CHECK(send_fds(sv[0], "a", &p[1], 1) == 1, "send a descriptor");
    CHECK(send(sv[0], "bc", 2, 0) == 2, "then plain bytes");
    CHECK(recv_fds(sv[1], buf, sizeof(buf), fds, &n, sizeof(buf), 0, NULL) == 1 &&
          n == 1, "the read with the descriptor stops after its bytes");
    CHECK(write(fds[0], "via", 3) == 3 && read(p[0], buf, sizeof(buf)) == 3 &&
          !memcmp(buf, "via", 3), "the received descriptor is the pipe");
    close(fds[0]);
    CHECK(recv(sv[1], buf, sizeof(buf), 0) == 2, "the rest");

    CHECK(send(sv[0], "xy", 2, 0) == 2 && send_fds(sv[0], "z", &p[1], 1) == 1 &&
          send(sv[0], "w", 1, 0) == 1, "bytes, then a descriptor, then bytes");
    CHECK(recv_fds(sv[1], buf, sizeof(buf), fds, &n, sizeof(buf), 0, NULL) == 3 &&
          n == 1 && !memcmp(buf, "xyz", 3),
          "bytes before a descriptor join its read");
    close(fds[0]);
    CHECK(recv(sv[1], buf, sizeof(buf), 0) == 1, "the byte after");

    /* Two descriptors, room for one. */
    {
        int two[2] = {p[0], p[1]};

        send_fds(sv[0], "t", two, 2);
        CHECK(recv_fds(sv[1], buf, sizeof(buf), fds, &n,
                       CMSG_LEN(sizeof(int)), 0, &mf) == 1 &&
              n == 1 && (mf & MSG_CTRUNC), "no room: MSG_CTRUNC, one kept");
        close(fds[0]);
    }
    /* Peek duplicates, a plain read drops them. */
    send_fds(sv[0], "p", &p[0], 1);
    CHECK(recv_fds(sv[1], buf, sizeof(buf), fds, &n, sizeof(buf), MSG_PEEK,
                   NULL) == 1 && n == 1, "MSG_PEEK gives the descriptor too");
    close(fds[0]);
    CHECK(recv_fds(sv[1], buf, sizeof(buf), fds, &n, sizeof(buf),
                   MSG_CMSG_CLOEXEC, NULL) == 1 && n == 1 &&
          fcntl(fds[0], F_GETFD) == FD_CLOEXEC, "MSG_CMSG_CLOEXEC");
    close(fds[0]);
    {
        int q[2];

        pipe(q);
        send_fds(sv[0], "d", &q[1], 1);
        close(q[1]);
        CHECK(read(sv[1], buf, sizeof(buf)) == 1 &&
              read(q[0], buf, sizeof(buf)) == 0,
              "read(2) closes passed descriptors: the pipe sees EOF");
        close(q[0]);
    }
    {
        int bad = 999;

        CHECK_ERR(send_fds(sv[0], "e", &bad, 1), EBADF, "passing a bad fd");
    }
    close(sv[0]);
    close(sv[1]);

    /* Datagrams carry them per message. */
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    send_fds(sv[0], "m1", &p[1], 1);
    send(sv[0], "m2", 2, 0);
    CHECK(recv_fds(sv[1], buf, sizeof(buf), fds, &n, sizeof(buf), 0, NULL) == 2 &&
          n == 1, "datagram with a descriptor");
    close(fds[0]);
    CHECK(recv_fds(sv[1], buf, sizeof(buf), fds, &n, sizeof(buf), 0, NULL) == 2 &&
          n == 0, "datagram without");
    close(sv[0]);
    close(sv[1]);
    close(p[0]);
    close(p[1]);
}

static void test_creds(void)
{
    char ctl[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov;
    struct msghdr m;
    struct cmsghdr *h;
    struct ucred uc;
    char buf[8];
    int sv[2], on = 1, got = 0, v;
    socklen_t len = sizeof(v);

    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == 0 &&
          getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &len) == 0 && v == 1,
          "SO_PASSCRED");
    send(sv[0], "c", 1, 0);
    iov = (struct iovec){buf, sizeof(buf)};
    m = (struct msghdr){.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
                        .msg_controllen = sizeof(ctl)};
    CHECK(recvmsg(sv[1], &m, 0) == 1, "recvmsg with SO_PASSCRED");
    for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
        if (h->cmsg_type == SCM_CREDENTIALS) {
            memcpy(&uc, CMSG_DATA(h), sizeof(uc));
            got = uc.pid == getpid() && uc.uid == getuid() &&
                  uc.gid == getgid();
        }
    }
    CHECK(got, "SCM_CREDENTIALS: the sender's pid, uid and gid");

    /* Claiming another pid is for root only. */
    uc = (struct ucred){.pid = 0x3ffffff0, .uid = getuid(), .gid = getgid()};
    m = (struct msghdr){.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
                        .msg_controllen = sizeof(ctl)};
    iov.iov_len = 1;
    h = CMSG_FIRSTHDR(&m);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_CREDENTIALS;
    h->cmsg_len = CMSG_LEN(sizeof(uc));
    memcpy(CMSG_DATA(h), &uc, sizeof(uc));
    CHECK_ERR(sendmsg(sv[0], &m, 0), geteuid() == 0 ? ESRCH : EPERM,
              "a forged pid: EPERM, or ESRCH for root");
    close(sv[0]);
    close(sv[1]);
}

static void test_reset(void)
{
    int sv[2];
    char buf[4];
    socklen_t len = sizeof(int);
    int v;

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    send(sv[1], "zz", 2, 0);
    send(sv[0], "unread", 6, 0);
    close(sv[1]);
    CHECK(recv(sv[0], buf, sizeof(buf), 0) == 2, "data first");
    CHECK_ERR(recv(sv[0], buf, sizeof(buf), 0), ECONNRESET,
              "peer closed with data unread: ECONNRESET");
    CHECK(recv(sv[0], buf, sizeof(buf), 0) == 0, "then EOF");
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0,
          "SO_ERROR taken");
    close(sv[0]);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_timeouts(void)
{
    struct timeval tv = {0, 50000}, got;
    struct sockaddr_un a;
    socklen_t len = abstract_of(&a, "timeo"), glen = sizeof(got);
    int sv[2], l;
    char buf[4];
    double t0;

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0,
          "SO_RCVTIMEO");
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &glen) == 0 &&
          got.tv_sec == 0 && got.tv_usec >= 50000 && got.tv_usec < 60000,
          "SO_RCVTIMEO read back");
    t0 = now_s();
    CHECK_ERR(recv(sv[0], buf, sizeof(buf), 0), EAGAIN,
              "recv past SO_RCVTIMEO");
    CHECK(now_s() - t0 >= 0.045, "it waited the timeout");
    tv.tv_usec = 1000000;
    CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)),
              EDOM, "a timeout's microseconds out of range");
    close(sv[0]);
    close(sv[1]);
    l = listener(SOCK_STREAM, &a, len, 1);
    tv.tv_usec = 20000;
    setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    CHECK_ERR(accept(l, NULL, NULL), EAGAIN, "accept past SO_RCVTIMEO");
    close(l);
}

int main(void)
{
    test_begin();
    scratch_make();
    test_path_stream();
    test_abstract();
    test_backlog();
    test_blocking();
    test_dgram();
    test_seqpacket();
    test_rights();
    test_creds();
    test_reset();
    test_timeouts();
    scratch_remove();
    return test_end();
}
