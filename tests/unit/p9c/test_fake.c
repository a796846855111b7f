/* SPDX-License-Identifier: MIT */
/*
 * 9P client against a hostile server (kernel-side test code): a fake server
 * sends one malformed reply per scenario; the client must answer -EPROTO or
 * -EIO, stop using the connection when it cannot trust it, and never crash.
 */
#include "core/p9/p9_client.h"
#include "p9c_check.h"
#include "p9c_host.h"
#include "plat_hosted.h"

enum op { OP_CONNECT, OP_ATTACH, OP_WALK, OP_READ, OP_READLINK,
          OP_READDIR, OP_GETATTR, OP_WALKATTR, OP_LISTDIR };

struct scenario {
    int fake;
    const char *name;
    enum op op;       /* the call that meets the broken reply */
    int expect;       /* its result */
    bool dead;        /* client stopped afterwards */
};

static const struct scenario g_cases[] = {
    {FAKE_VERSION_STRING, "version string", OP_CONNECT, -EPROTO, true},
    {FAKE_VERSION_BIG_MSIZE, "version msize big", OP_CONNECT, -EPROTO, true},
    {FAKE_VERSION_TINY, "version msize tiny", OP_CONNECT, -EPROTO, true},
    {FAKE_VERSION_LERROR, "version lerror", OP_CONNECT, -EPROTO, true},
    {FAKE_ATTACH_TAG, "wrong tag", OP_ATTACH, -EPROTO, true},
    {FAKE_ATTACH_TYPE, "wrong type", OP_ATTACH, -EPROTO, true},
    {FAKE_ATTACH_OVERSIZE, "oversize", OP_ATTACH, -EPROTO, true},
    {FAKE_ATTACH_UNDERSIZE, "undersize", OP_ATTACH, -EPROTO, true},
    {FAKE_ATTACH_TRUNC, "truncated qid", OP_ATTACH, -EPROTO, true},
    {FAKE_ATTACH_EOF, "eof", OP_ATTACH, -EIO, true},
    {FAKE_ATTACH_HALF, "half header", OP_ATTACH, -EIO, true},
    {FAKE_LERROR_SHORT, "short rlerror", OP_ATTACH, -EPROTO, true},
    {FAKE_LERROR_HUGE, "huge ecode", OP_GETATTR, -EIO, false},
    {FAKE_LERROR_ZERO, "zero ecode", OP_GETATTR, -EIO, false},
    {FAKE_WALK_NWQID, "nwqid > nwname", OP_WALK, -EPROTO, true},
    {FAKE_WALK_SHORT, "missing qids", OP_WALK, -EPROTO, true},
    {FAKE_READ_BEYOND, "rread past message", OP_READ, -EPROTO, true},
    {FAKE_READ_TOO_MUCH, "rread over request", OP_READ, -EPROTO, true},
    {FAKE_READLINK_TRUNC, "truncated string", OP_READLINK, -EPROTO, true},
    {FAKE_READDIR_SLASH, "dirent with slash", OP_READDIR, -EPROTO, false},
    {FAKE_READDIR_TOO_MUCH, "rreaddir over request", OP_READDIR, -EPROTO,
     true},
    {FAKE_GETATTR_SHORT, "short rgetattr", OP_GETATTR, -EPROTO, true},
    {FAKE_WALKATTR_FILE_LINK, "file with a target", OP_WALKATTR, -EPROTO, true},
    {FAKE_WALKATTR_LINK_EMPTY, "symlink without one", OP_WALKATTR, -EPROTO,
     true},
    {FAKE_LISTDIR_FILE_LINK, "listed file with a target", OP_LISTDIR, -EPROTO,
     false},
    {FAKE_LISTDIR_TYPE, "listed type mismatch", OP_LISTDIR, -EPROTO, false},
    {FAKE_LISTDIR_TOO_MUCH, "rlistdir over request", OP_LISTDIR, -EPROTO,
     true},
};

static struct rt_heap *g_shared;

/* Run (op) on (root); the readdir op also parses what it got. */
static long run_op(struct p9_client *c, enum op op, uint32_t root)
{
    static const char *const names[] = {"a", "b"};
    static uint8_t buf[512];
    struct p9_attr a;
    struct p9_dirent d;
    size_t pos = 0;
    uint32_t fid;
    long n;
    int r;

    switch (op) {
    case OP_WALK:
        n = p9_walk(c, root, 2, names, &fid, NULL);
        if (n == 0)
            p9_clunk(c, fid);
        return n;
    case OP_READ:
        n = p9_read(c, root, 0, buf, 10, 0);
        return n == 10 && memcmp(buf, "0123456789", 10) == 0 ? 0 : n;
    case OP_READLINK:
        n = p9_readlink(c, root, (char *)buf, sizeof(buf));
        return n == 6 && memcmp(buf, "target", 6) == 0 ? 0 : n;
    case OP_READDIR:
        n = p9_readdir(c, root, 0, buf, 100);
        if (n <= 0)
            return n ? n : -1;
        while ((r = p9_dirent_next(buf, (size_t)n, &pos, &d)) == 1)
            ;
        return r;
    case OP_WALKATTR: {
        char *link;

        n = p9_walkattr(c, root, "l", &fid, &a, &link);
        if (n < 0)
            return n;
        n = link && !strcmp(link, "target") && (a.mode & S_IFMT) == S_IFLNK ? 0 : -1;
        rt_heap_free(g_shared, link);
        p9_clunk(c, fid);
        return n;
    }
    case OP_LISTDIR: {
        struct p9_listent e;
        bool eof = false;
        int seen = 0;

        n = p9_listdir(c, root, 0, NULL, 0, buf, sizeof(buf), &eof);
        if (n <= 0)
            return n ? n : -1;
        while ((r = p9_listent_next(buf, (size_t)n, &pos, &e)) == 1) {
            if (e.a.valid && e.link_len == 6 && !memcmp(e.link, "target", 6))
                seen++;
        }
        return r < 0 ? r : seen == 1 && eof ? 0 : -1;
    }
    case OP_GETATTR:
        n = p9_getattr(c, root, P9_GETATTR_BASIC, &a);
        if (n == 0 && (a.mode != 040755 || a.size != 4096))
            return -1;
        return n;
    default:
        return -1;
    }
}

static void run_case(struct kernel *k, const struct scenario *s)
{
    struct p9_client *c = NULL;
    uint32_t root = P9_NOFID;
    int failed = g_failed;
    long ret;
    int fd;

    fd = p9c_host_fake_start(s->fake);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    plat_hosted_set_chan(LBOX_CHAN_FS, fd);
    ret = p9_client_connect(k, LBOX_CHAN_FS, 8192, &c);
    if (s->op == OP_CONNECT) {
        CHECK_EQ(ret, s->expect);
        CHECK(c == NULL);
        goto out;
    }
    CHECK_EQ(ret, 0);
    if (ret < 0)
        goto out;
    p9_client_own_server(c);
    ret = p9_attach(c, "/x", 0, &root, NULL);
    if (s->op == OP_ATTACH) {
        CHECK_EQ(ret, s->expect);
    } else {
        CHECK_EQ(ret, 0);
        ret = run_op(c, s->op, root);
        CHECK_EQ(ret, s->expect);
    }
    CHECK_EQ(p9_client_is_dead(c), s->dead);
    if (s->dead) {
        CHECK_EQ(p9_getattr(c, 0, P9_GETATTR_BASIC, &(struct p9_attr){0}),
                 -EIO);
    } else {
        /* The connection is still in step: the same call now works. */
        CHECK_EQ(run_op(c, OP_GETATTR, root), 0);
    }
    if (root != P9_NOFID)
        p9_clunk(c, root);
    CHECK_EQ(p9_client_fids_in_use(c), 0);
    p9_client_free(c);
out:
    p9c_host_fake_stop(fd);
    if (g_failed != failed)
        say("  ... in scenario \"%s\"\n", s->name);
}

/* A well-behaved fake that sends every reply byte by byte: the client
 * must reassemble short reads. */
static void test_good(struct kernel *k)
{
    struct p9_client *c = NULL;
    uint32_t root;
    int fd = p9c_host_fake_start(FAKE_GOOD);

    CHECK(fd >= 0);
    plat_hosted_set_chan(LBOX_CHAN_FS, fd);
    CHECK_EQ(p9_client_connect(k, LBOX_CHAN_FS, 65536, &c), 0);
    if (c) {
        CHECK_EQ(p9_client_msize(c), 8192);
        CHECK_EQ(p9_attach(c, "/x", 0, &root, NULL), 0);
        /* lbox's extensions go only to lbox's own server. */
        CHECK_EQ(run_op(c, OP_WALKATTR, root), -EOPNOTSUPP);
        CHECK_EQ(run_op(c, OP_LISTDIR, root), -EOPNOTSUPP);
        p9_client_own_server(c);
        for (enum op op = OP_WALK; op <= OP_LISTDIR; op++)
            CHECK_EQ(run_op(c, op, root), 0);
        CHECK_EQ(p9_clunk(c, root), 0);
        CHECK(!p9_client_is_dead(c));
        p9_client_free(c);
    }
    p9c_host_fake_stop(fd);
}

int main(void)
{
    struct kernel k;
    char dir[64];
    size_t used;

    CHECK_EQ(test_kernel_init(&k, 16UL << 20), 0);
    CHECK_EQ(p9c_host_setup(dir, sizeof(dir)), 0); /* SIGPIPE off */
    p9c_host_cleanup(dir);
    g_shared = k.shared;
    used = rt_heap_used(k.shared);
    test_good(&k);
    for (size_t i = 0; i < ARRAY_SIZE(g_cases); i++)
        run_case(&k, &g_cases[i]);
    CHECK_EQ(rt_heap_used(k.shared), used);
    return check_done("p9c-fake");
}
