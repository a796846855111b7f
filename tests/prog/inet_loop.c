// SPDX-License-Identifier: MIT
// TCP and UDP over the loopback, IPv4 and IPv6: bind (ephemeral ports,
// conflicts, SO_REUSEADDR, IPV6_V6ONLY), listen, connect (blocking and
// not), accept, names, data both ways, end of stream, options, datagrams
// with their senders, connected UDP and the errors Linux gives on the
// way. Compared line by line with a native run: only ports this run was
// given are used, and no port number is printed.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "check.h"

static struct sockaddr_in v4(const char *ip, uint16_t port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static struct sockaddr_in6 v6(const char *ip, uint16_t port)
{
    struct sockaddr_in6 a = {.sin6_family = AF_INET6,
                             .sin6_port = htons(port)};

    inet_pton(AF_INET6, ip, &a.sin6_addr);
    return a;
}

/* The port a socket is bound to, 0 on error. */
static uint16_t port_of(int s)
{
    struct sockaddr_storage a;
    socklen_t len = sizeof(a);

    if (getsockname(s, (struct sockaddr *)&a, &len) < 0)
        return 0;
    if (a.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&a)->sin_port);
    return ntohs(((struct sockaddr_in6 *)&a)->sin6_port);
}

/* "ip" of a name, as text (its port left out: it differs by run). */
static const char *ip_of(int s, bool peer, socklen_t *len_out)
{
    static char buf[64];
    struct sockaddr_storage a;
    socklen_t len = sizeof(a);
    int r = peer ? getpeername(s, (struct sockaddr *)&a, &len)
                 : getsockname(s, (struct sockaddr *)&a, &len);

    if (r < 0)
        return "error";
    if (len_out)
        *len_out = len;
    if (a.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&a)->sin_addr, buf,
                  sizeof(buf));
    else
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&a)->sin6_addr, buf,
                  sizeof(buf));
    return buf;
}

static int tcp_listener(int family, const char *ip)
{
    int l = socket(family, SOCK_STREAM, 0);
    int r;

    if (l < 0)
        return -1;
    if (family == AF_INET) {
        struct sockaddr_in a = v4(ip, 0);

        r = bind(l, (struct sockaddr *)&a, sizeof(a));
    } else {
        struct sockaddr_in6 a = v6(ip, 0);

        r = bind(l, (struct sockaddr *)&a, sizeof(a));
    }
    if (r < 0 || listen(l, 8) < 0) {
        close(l);
        return -1;
    }
    return l;
}

static void test_tcp4(void)
{
    struct sockaddr_in a, got;
    socklen_t len = sizeof(got);
    char buf[64];
    int l, c, s, v;
    uint16_t port;

    l = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(l >= 0, "tcp4 socket");
    CHECK(getsockname(l, (struct sockaddr *)&got, &len) == 0 &&
          len == sizeof(got) && got.sin_family == AF_INET &&
          got.sin_port == 0 && got.sin_addr.s_addr == 0,
          "tcp4 unbound name is 0.0.0.0:0");
    len = sizeof(v);
    CHECK(getsockopt(l, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 &&
          v == IPPROTO_TCP, "SO_PROTOCOL is TCP");
    CHECK(getsockopt(l, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 &&
          v == AF_INET, "SO_DOMAIN is AF_INET");
    a = v4("127.0.0.1", 0);
    CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0, "tcp4 bind port 0");
    port = port_of(l);
    CHECK(port >= 32768 && port <= 60999, "ephemeral port in Linux's range");
    CHECK_ERR(bind(l, (struct sockaddr *)&a, sizeof(a)), EINVAL,
              "bind a bound socket");
    CHECK_ERR(bind(l, (struct sockaddr *)&a, sizeof(a) - 1), EINVAL,
              "bind with a short address");
    CHECK_ERR(recv(l, buf, 1, MSG_DONTWAIT), ENOTCONN,
              "recv on an unconnected socket");
    CHECK_ERR(send(l, "x", 1, MSG_NOSIGNAL), EPIPE,
              "send on an unconnected socket");
    CHECK(listen(l, 4) == 0, "tcp4 listen");
    len = sizeof(v);
    CHECK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v == 1,
          "SO_ACCEPTCONN");

    c = socket(AF_INET, SOCK_STREAM, 0);
    a = v4("127.0.0.1", port);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0, "tcp4 connect");
    CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), EISCONN,
              "connect again");
    CHECK(strcmp(ip_of(c, false, NULL), "127.0.0.1") == 0 &&
          port_of(c) != port && port_of(c) != 0, "client name 127.0.0.1");
    CHECK(strcmp(ip_of(c, true, NULL), "127.0.0.1") == 0,
          "client peer is the listener");
    len = sizeof(got);
    s = accept(l, (struct sockaddr *)&got, &len);
    CHECK(s >= 0 && len == sizeof(got) && got.sin_family == AF_INET &&
          ntohs(got.sin_port) == port_of(c), "accept gives the client's name");
    CHECK(port_of(s) == port, "accepted socket has the listener's port");
    len = sizeof(v);
    CHECK(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v == 0,
          "accepted socket does not listen");
    CHECK(send(c, "hello", 5, 0) == 5, "client sends");
    CHECK(ioctl(s, FIONREAD, &v) == 0 && v == 5, "FIONREAD");
    CHECK(recv(s, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "hello", 5),
          "server receives");
    len = sizeof(got);
    memset(&got, 0x55, sizeof(got));
    CHECK(write(s, "back", 4) == 4 &&
          recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&got,
                   &len) == 4 && len == 0, "recvfrom on TCP gives no address");
    CHECK(shutdown(c, SHUT_WR) == 0, "client shuts writing");
    CHECK(recv(s, buf, sizeof(buf), 0) == 0, "server sees the end");
    {
        struct pollfd p = {.fd = s, .events = POLLIN | POLLOUT | POLLRDHUP};

        CHECK(poll(&p, 1, 0) == 1 &&
              p.revents == (POLLIN | POLLOUT | POLLRDHUP),
              "poll after the peer shut writing");
    }
    CHECK(send(s, "more", 4, 0) == 4 && recv(c, buf, 4, 0) == 4,
          "the other way still works");
    close(c);
    close(s);

    /* Nothing listens on a port only bound. */
    c = socket(AF_INET, SOCK_STREAM, 0);
    s = socket(AF_INET, SOCK_STREAM, 0);
    a = v4("127.0.0.1", 0);
    bind(s, (struct sockaddr *)&a, sizeof(a));
    a = v4("127.0.0.1", port_of(s));
    CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED,
              "connect to a port nothing listens on");
    close(c);
    close(s);

    /* The wildcard as a destination is this host. */
    c = socket(AF_INET, SOCK_STREAM, 0);
    a = v4("0.0.0.0", port);
    CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0,
          "connect to 0.0.0.0");
    CHECK(strcmp(ip_of(c, true, NULL), "127.0.0.1") == 0,
          "its peer is 127.0.0.1");
    s = accept(l, NULL, NULL);
    CHECK(s >= 0, "accept it");
    close(c);
    CHECK(recv(s, buf, sizeof(buf), 0) == 0, "closed peer: end of stream");
    close(s);
    close(l);
}

static void test_bind_rules(void)
{
    struct sockaddr_in a = v4("127.0.0.1", 0), w;
    int x, y, one = 1, v;
    socklen_t len = sizeof(v);
    uint16_t port;

    x = socket(AF_INET, SOCK_STREAM, 0);
    y = socket(AF_INET, SOCK_STREAM, 0);
    bind(x, (struct sockaddr *)&a, sizeof(a));
    port = port_of(x);
    a.sin_port = htons(port);
    CHECK_ERR(bind(y, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE,
              "bind a taken port");
    w = v4("0.0.0.0", port);
    CHECK_ERR(bind(y, (struct sockaddr *)&w, sizeof(w)), EADDRINUSE,
              "bind the wildcard over a taken port");
    close(y);
    y = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(setsockopt(x, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
          setsockopt(y, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0,
          "SO_REUSEADDR on both");
    CHECK(getsockopt(y, SOL_SOCKET, SO_REUSEADDR, &v, &len) == 0 && v == 1,
          "SO_REUSEADDR reads back");
    CHECK(bind(y, (struct sockaddr *)&a, sizeof(a)) == 0,
          "both bind the port while neither listens");
    CHECK(listen(x, 1) == 0, "one listens");
    CHECK_ERR(listen(y, 1), EADDRINUSE, "the other may not");
    close(x);
    close(y);

    x = socket(AF_INET, SOCK_DGRAM, 0);
    a = v4("192.0.2.1", 0);
    CHECK_ERR(bind(x, (struct sockaddr *)&a, sizeof(a)), EADDRNOTAVAIL,
              "bind an address this host does not have");
    {
        struct sockaddr_in6 b = v6("::1", 0);

        CHECK_ERR(bind(x, (struct sockaddr *)&b, sizeof(b)), EAFNOSUPPORT,
                  "bind an AF_INET socket to an IPv6 address");
    }
    close(x);
}

static void test_tcp6(void)
{
    struct sockaddr_in6 got;
    struct sockaddr_in a4;
    struct sockaddr_in6 a;
    socklen_t len;
    int l, c, s, v, one = 1;
    char buf[8];

    l = tcp_listener(AF_INET6, "::1");
    CHECK(l >= 0, "tcp6 listener on ::1");
    c = socket(AF_INET6, SOCK_STREAM, 0);
    a = v6("::1", port_of(l));
    CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0, "tcp6 connect");
    len = sizeof(got);
    s = accept(l, (struct sockaddr *)&got, &len);
    CHECK(s >= 0 && len == sizeof(got) && got.sin6_family == AF_INET6 &&
          ntohs(got.sin6_port) == port_of(c), "tcp6 accept");
    CHECK(strcmp(ip_of(s, true, &len), "::1") == 0 && len == 28,
          "tcp6 peer is ::1");
    CHECK(send(s, "six", 3, 0) == 3 && recv(c, buf, 3, 0) == 3,
          "tcp6 data");
    close(s);
    close(c);
    a4 = v4("127.0.0.1", port_of(l));
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&a4, sizeof(a4)), ECONNREFUSED,
              "IPv4 does not reach a ::1 listener");
    close(c);
    close(l);

    /* A dual-stack wildcard listener takes IPv4 as mapped addresses. */
    l = tcp_listener(AF_INET6, "::");
    len = sizeof(v);
    CHECK(l >= 0 && getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len) == 0 &&
          v == 0, "IPV6_V6ONLY is off by default");
    c = socket(AF_INET, SOCK_STREAM, 0);
    a4 = v4("127.0.0.1", port_of(l));
    CHECK(connect(c, (struct sockaddr *)&a4, sizeof(a4)) == 0,
          "IPv4 reaches a :: listener");
    s = accept(l, NULL, NULL);
    CHECK(s >= 0 && strcmp(ip_of(s, true, NULL), "::ffff:127.0.0.1") == 0,
          "its peer is ::ffff:127.0.0.1");
    CHECK(strcmp(ip_of(s, false, NULL), "::ffff:127.0.0.1") == 0,
          "and its own name too");
    close(s);
    close(c);
    close(l);

    l = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == 0,
          "IPV6_V6ONLY on");
    a = v6("::", 0);
    bind(l, (struct sockaddr *)&a, sizeof(a));
    CHECK_ERR(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)),
              EINVAL, "IPV6_V6ONLY after bind");
    listen(l, 1);
    c = socket(AF_INET, SOCK_STREAM, 0);
    a4 = v4("127.0.0.1", port_of(l));
    CHECK_ERR(connect(c, (struct sockaddr *)&a4, sizeof(a4)), ECONNREFUSED,
              "IPv4 does not reach a V6ONLY listener");
    close(c);
    close(l);
}

static void test_nonblocking(void)
{
    int l = tcp_listener(AF_INET, "127.0.0.1");
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), s, v;
    struct sockaddr_in a = v4("127.0.0.1", port_of(l));
    struct pollfd p = {.fd = c, .events = POLLOUT};
    socklen_t len = sizeof(v);

    fcntl(l, F_SETFL, O_NONBLOCK);
    CHECK_ERR(accept(l, NULL, NULL), EAGAIN, "accept with nothing queued");
    fcntl(l, F_SETFL, 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS,
              "non-blocking connect is under way");
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT), "then writable");
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0,
          "SO_ERROR 0");
    CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0,
          "connect again reports it done");
    CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof(a)), EISCONN,
              "and then EISCONN");
    p.fd = l;
    p.events = POLLIN;
    CHECK(poll(&p, 1, 5000) == 1 && p.revents == POLLIN,
          "listener readable");
    s = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    CHECK(s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK) &&
          (fcntl(s, F_GETFD) & FD_CLOEXEC), "accept4 flags");
    CHECK_ERR(recv(s, &v, 1, 0), EAGAIN, "nothing to read yet");
    close(s);
    close(c);
    close(l);
}

static void test_options(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
    int v, one = 1;
    socklen_t len = sizeof(v);
    struct linger lg = {1, 5}, lgot;

    CHECK(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 0,
          "TCP_NODELAY off by default");
    CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0 &&
          getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 1,
          "TCP_NODELAY on");
    v = 5;
    CHECK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)) == 0 &&
          getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &len) == 0 && v == 1,
          "SO_KEEPALIVE reads back as 1");
    CHECK(getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len) == 0 &&
          v == 7200, "TCP_KEEPIDLE default");
    v = 0;
    CHECK_ERR(setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)), EINVAL,
              "TCP_KEEPIDLE 0");
    CHECK(getsockopt(s, IPPROTO_IP, IP_TTL, &v, &len) == 0 && v == 64,
          "IP_TTL default");
    len = sizeof(lgot);
    CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0 &&
          getsockopt(s, SOL_SOCKET, SO_LINGER, &lgot, &len) == 0 &&
          len == sizeof(lgot) && lgot.l_onoff == 1 && lgot.l_linger == 5,
          "SO_LINGER");
    len = sizeof(v);
    CHECK_ERR(getsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, &len), EOPNOTSUPP,
              "getsockopt TCP_NODELAY on UDP");
    CHECK_ERR(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)),
              ENOPROTOOPT, "setsockopt TCP_NODELAY on UDP");
    v = 1;
    CHECK_ERR(setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)), EINVAL,
              "TCP_MAXSEG too small");
    CHECK(getsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, &len) == 0 && v == 536,
          "TCP_MAXSEG unconnected");
    CHECK(getsockopt(u, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 &&
          v == IPPROTO_UDP, "SO_PROTOCOL is UDP");
    CHECK(getsockopt(u, SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
          v == SOCK_DGRAM, "SO_TYPE is SOCK_DGRAM");
    CHECK_ERR(getsockopt(s, IPPROTO_TCP, 9999, &v, &len), ENOPROTOOPT,
              "an unknown TCP option");
    CHECK_ERR(socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT,
              "AF_INET SOCK_SEQPACKET");
    CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT,
              "a stream socket with UDP");
    {
        int sv[2];

        CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP,
                  "socketpair AF_INET");
    }
    close(s);
    close(u);
}

static void test_udp(void)
{
    int r = socket(AF_INET, SOCK_DGRAM, 0), w = socket(AF_INET, SOCK_DGRAM, 0);
    int x = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = v4("127.0.0.1", 0), from;
    socklen_t len = sizeof(from);
    char buf[16];
    uint16_t port;

    CHECK(bind(r, (struct sockaddr *)&a, sizeof(a)) == 0, "udp bind");
    port = port_of(r);
    a.sin_port = htons(port);
    CHECK_ERR(send(w, "x", 1, 0), EDESTADDRREQ, "send with no destination");
    CHECK(sendto(w, "ping", 4, 0, (struct sockaddr *)&a, sizeof(a)) == 4,
          "sendto from an unbound socket");
    CHECK(port_of(w) != 0 && strcmp(ip_of(w, false, NULL), "0.0.0.0") == 0,
          "the sender got a wildcard port");
    CHECK(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) ==
              4 && len == sizeof(from) &&
          from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
          ntohs(from.sin_port) == port_of(w), "recvfrom gives the sender");
    CHECK(sendto(w, "", 0, 0, (struct sockaddr *)&a, sizeof(a)) == 0 &&
          recv(r, buf, sizeof(buf), 0) == 0, "an empty datagram");
    CHECK(sendto(w, "0123456789", 10, 0, (struct sockaddr *)&a, sizeof(a)) ==
              10 && recv(r, buf, 4, MSG_TRUNC) == 10, "MSG_TRUNC");
    CHECK_ERR(recv(r, buf, 4, MSG_DONTWAIT), EAGAIN, "the rest is gone");

    /* Connected: a default destination, and a filter on what comes in. */
    CHECK(connect(r, (struct sockaddr *)&(struct sockaddr_in){
                      .sin_family = AF_INET, .sin_port = htons(port_of(w)),
                      .sin_addr.s_addr = htonl(INADDR_LOOPBACK)},
                  sizeof(a)) == 0, "udp connect");
    CHECK(strcmp(ip_of(r, true, NULL), "127.0.0.1") == 0, "udp peer name");
    CHECK(sendto(x, "stranger", 8, 0, (struct sockaddr *)&a, sizeof(a)) == 8,
          "a third socket sends");
    CHECK(send(w, "friend", 6, 0) < 0 && errno == EDESTADDRREQ,
          "the unconnected end still needs an address");
    CHECK(sendto(w, "friend", 6, 0, (struct sockaddr *)&a, sizeof(a)) == 6,
          "the peer sends");
    CHECK(recv(r, buf, sizeof(buf), 0) == 6 && !memcmp(buf, "friend", 6),
          "only the peer's datagram arrives");
    CHECK(send(r, "reply", 5, 0) == 5 && recv(w, buf, sizeof(buf), 0) == 5,
          "send on a connected socket");
    CHECK(connect(r, (struct sockaddr *)&(struct sockaddr){
                      .sa_family = AF_UNSPEC}, sizeof(struct sockaddr)) == 0,
          "AF_UNSPEC forgets the peer");
    CHECK_ERR(getpeername(r, (struct sockaddr *)&from, &len), ENOTCONN,
              "no peer then");
    close(w);
    close(x);

    /* A connected socket whose peer is gone hears of it. */
    x = socket(AF_INET, SOCK_DGRAM, 0);
    a = v4("127.0.0.1", 0);
    bind(x, (struct sockaddr *)&a, sizeof(a));
    a.sin_port = htons(port_of(x));
    close(x);
    w = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(connect(w, (struct sockaddr *)&a, sizeof(a)) == 0,
          "connect to a closed port");
    CHECK(strcmp(ip_of(w, false, NULL), "127.0.0.1") == 0,
          "connect picked the loopback source");
    CHECK(send(w, "lost", 4, 0) == 4, "the first send goes");
    CHECK_ERR(recv(w, buf, sizeof(buf), MSG_DONTWAIT), ECONNREFUSED,
              "then ECONNREFUSED");
    CHECK_ERR(recv(w, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN,
              "reported once");
    close(w);

    /* IPv6 datagrams, and IPv4 ones to a dual-stack socket. */
    {
        struct sockaddr_in6 b = v6("::", 0), f6;
        int r6 = socket(AF_INET6, SOCK_DGRAM, 0);
        int w4 = socket(AF_INET, SOCK_DGRAM, 0);

        bind(r6, (struct sockaddr *)&b, sizeof(b));
        a = v4("127.0.0.1", port_of(r6));
        len = sizeof(f6);
        CHECK(sendto(w4, "4to6", 4, 0, (struct sockaddr *)&a, sizeof(a)) == 4 &&
              recvfrom(r6, buf, sizeof(buf), 0, (struct sockaddr *)&f6,
                       &len) == 4 && len == sizeof(f6) &&
              IN6_IS_ADDR_V4MAPPED(&f6.sin6_addr) &&
              ntohs(f6.sin6_port) == port_of(w4),
              "IPv4 datagram to a :: socket comes from a mapped address");
        close(w4);
        close(r6);
    }
    close(r);
}

/* A megabyte through TCP while the other side reads with poll. */
static void *reader(void *arg)
{
    int s = *(int *)arg;
    long total = 0, sum = 0;
    unsigned char buf[4096];

    for (;;) {
        struct pollfd p = {.fd = s, .events = POLLIN};
        ssize_t n;

        poll(&p, 1, -1);
        n = read(s, buf, sizeof(buf));
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            sum += buf[i];
        total += n;
    }
    return (void *)(total * 1000 + sum % 1000);
}

static void test_bulk(void)
{
    int l = tcp_listener(AF_INET, "127.0.0.1"), c, s;
    struct sockaddr_in a = v4("127.0.0.1", port_of(l));
    static unsigned char data[1 << 20];
    long want = 0, sent = 0;
    pthread_t th;
    void *got;

    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (unsigned char)(i * 7);
        want += data[i];
    }
    want = (long)sizeof(data) * 1000 + want % 1000;
    c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof(a));
    s = accept(l, NULL, NULL);
    pthread_create(&th, NULL, reader, &s);
    while (sent < (long)sizeof(data)) {
        ssize_t n = write(c, data + sent, sizeof(data) - sent);

        if (n <= 0)
            break;
        sent += n;
    }
    close(c);
    pthread_join(th, &got);
    CHECK((long)got == want, "a megabyte through TCP, in order");
    close(s);
    close(l);
}

int main(void)
{
    test_begin();
    test_tcp4();
    test_bind_rules();
    test_tcp6();
    test_nonblocking();
    test_options();
    test_udp();
    test_bulk();
    return test_end();
}
