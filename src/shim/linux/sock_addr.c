/* SPDX-License-Identifier: MIT */
/*
 * Socket addresses across the guest boundary (Linux shim): struct
 * sockaddr_un, sockaddr_in and sockaddr_in6 to and from core's struct
 * usock_addr, and finding a socket by descriptor.
 */
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/sock.h"

#define L_AF_UNSPEC 0
#define L_SOCKADDR_MAX 128      /* sizeof(struct sockaddr_storage) */
#define L_SIN_LEN 16
#define L_SIN6_LEN 28
#define L_SIN6_LEN_RFC2133 24   /* without sin6_scope_id: Linux takes it */

long sock_get(struct task *t, int fd, struct file **out)
{
    struct file *f = fd_get(t, fd);

    if (!f)
        return -EBADF;
    if (!file_is_usock(f)) {
        vfs_file_put(f);
        return -ENOTSOCK;
    }
    *out = f;
    return 0;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static long get_unix(const uint8_t *raw, uint64_t len, struct usock_addr *out)
{
    size_t n = (size_t)len - 2;

    if (len > 2 + USOCK_PATH_MAX)
        return -EINVAL;
    if (n && !raw[2]) {
        out->len = (uint32_t)n;                 /* abstract: every byte */
        memcpy(out->path, raw + 2, n);
    } else if (n) {
        n = strnlen((const char *)raw + 2, n);
        memcpy(out->path, raw + 2, n);
        out->len = (uint32_t)n + 1;             /* a path, and its NUL */
    }
    return 0;
}

/* sockaddr_in: family, port (big-endian), address; AF_UNSPEC passes
 * for AF_INET as Linux lets it. */
static long get_in(const uint8_t *raw, uint64_t len, uint16_t family,
                   struct usock_addr *out)
{
    if (len < L_SIN_LEN)
        return -EINVAL;
    if (family != L_AF_INET && family != L_AF_UNSPEC)
        return -EAFNOSUPPORT;
    out->port = be16(raw + 2);
    out->ip[10] = out->ip[11] = 0xff;
    memcpy(out->ip + 12, raw + 4, 4);
    return 0;
}

/* sockaddr_in6: family, port, flow info, address, scope id. */
static long get_in6(const uint8_t *raw, uint64_t len, uint16_t family,
                    struct usock_addr *out)
{
    if (len < L_SIN6_LEN_RFC2133)
        return -EINVAL;
    if (family != L_AF_INET6)
        return -EAFNOSUPPORT;
    out->port = be16(raw + 2);
    memcpy(&out->flowinfo, raw + 4, 4);
    memcpy(out->ip, raw + 8, 16);
    if (len >= L_SIN6_LEN)
        memcpy(&out->scope_id, raw + 24, 4);
    return 0;
}

long sock_get_addr(struct task *t, const struct file *f, gaddr_t uaddr,
                   uint64_t len, struct usock_addr *out)
{
    uint8_t raw[L_SOCKADDR_MAX];
    int domain = usock_domain(f);
    uint16_t family;

    if (len > L_SOCKADDR_MAX)
        return -EINVAL;
    if (copy_from_guest(t, raw, uaddr, (size_t)len) < 0)
        return -EFAULT;
    if (len < 2)
        return -EINVAL;
    memcpy(&family, raw, 2);
    memset(out, 0, sizeof(*out));
    if (domain == USOCK_INET)
        return get_in(raw, len, family, out);
    if (domain == USOCK_INET6)
        return get_in6(raw, len, family, out);
    if (family != L_AF_UNIX)
        return -EINVAL;
    return get_unix(raw, len, out);
}

long sock_get_dest(struct task *t, const struct file *f, gaddr_t uaddr,
                   uint64_t len, struct usock_addr *out)
{
    long ret = sock_get_addr(t, f, uaddr, len, out);

    if (ret == 0 && usock_domain(f) == USOCK_UNIX && !out->len)
        return -EINVAL;
    return ret;
}

/* (a) as the guest sees it on a socket of (domain): the bytes in (raw),
 * their count returned; 0 when there is no address. */
static uint32_t format(int domain, const struct usock_addr *a,
                       uint32_t unnamed_len, uint8_t *raw)
{
    uint16_t family = (uint16_t)domain;

    memset(raw, 0, L_SIN6_LEN);
    memcpy(raw, &family, 2);
    if (domain == USOCK_UNIX) {
        memcpy(raw + 2, a->path, a->len);
        return a->len ? 2 + a->len : unnamed_len;
    }
    if (!a->port && !unnamed_len)
        return 0;
    put_be16(raw + 2, a->port);
    if (domain == USOCK_INET) {
        memcpy(raw + 4, a->ip + 12, 4);
        return L_SIN_LEN;
    }
    memcpy(raw + 8, a->ip, 16);
    memcpy(raw + 24, &a->scope_id, 4);
    return L_SIN6_LEN;
}

long sock_write_addr(struct task *t, const struct file *f,
                     const struct usock_addr *a, uint32_t unnamed_len,
                     gaddr_t uaddr, uint32_t *len)
{
    uint8_t raw[2 + USOCK_PATH_MAX + 1];
    uint32_t full = format(usock_domain(f), a, unnamed_len, raw);

    if ((int32_t)*len < 0)
        return -EINVAL;
    if (copy_to_guest(t, uaddr, raw, MIN(*len, full)) < 0)
        return -EFAULT;
    *len = full;
    return 0;
}

long sock_put_addr(struct task *t, const struct file *f,
                   const struct usock_addr *a, uint32_t unnamed_len,
                   gaddr_t uaddr, gaddr_t ulen)
{
    uint32_t len;
    long ret;

    if (!ulen)
        return 0;
    if (copy_from_guest(t, &len, ulen, sizeof(len)) < 0)
        return -EFAULT;
    ret = sock_write_addr(t, f, a, unnamed_len, uaddr, &len);
    if (ret == 0 && copy_to_guest(t, ulen, &len, sizeof(len)) < 0)
        ret = -EFAULT;
    return ret;
}
