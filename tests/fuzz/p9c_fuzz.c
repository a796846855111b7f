/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the 9P2000.L client (kernel-side code, in process
 * on the hosted platform): the input is the byte stream the file server
 * sends, queued on a socket pair set as LBOX_CHAN_FS and followed by end
 * of stream. The client connects, then runs a fixed script of calls,
 * ignoring their errors. Every call must return: a protocol error or the
 * end of the stream marks the client dead, and then everything fails with
 * -EIO at once. The requests the client writes stay unread in the other
 * end's buffer (a few hundred bytes per input).
 */
#include <lbox/platform.h>

#include "core/fs/vfs_abi.h"
#include "core/kernel.h"
#include "core/p9/p9_client.h"

#include "../unit/plat_hosted.h"
#include "fuzz_host.h"

#define MSIZE (64 * 1024 + 24)
#define BUFSZ 8192

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kernel g_k;
static char *g_buf;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    size_t sz = 64u << 20;
    void *p = NULL;

    (void)argc;
    (void)argv;
    if (lbox_plat_page_map(&p, sz, LBOX_PROT_READ | LBOX_PROT_WRITE,
                           LBOX_MAP_NORESERVE) < 0)
        lbox_plat_exit(2);
    g_k.shared = rt_heap_init(p, sz, true);
    g_buf = g_k.shared ? rt_heap_alloc(g_k.shared, BUFSZ) : NULL;
    if (!g_buf)
        lbox_plat_exit(2);
    return 0;
}

static void walk_entries(long n)
{
    struct p9_dirent d;
    size_t pos = 0;
    unsigned sum = 0;

    while (n > 0 && p9_dirent_next(g_buf, (size_t)n, &pos, &d) > 0)
        for (uint16_t i = 0; i < d.name_len; i++)
            sum += (unsigned char)d.name[i] + d.type;
    (void)sum;
}

static void script(struct p9_client *c)
{
    static const char *const names[3] = {"a", "b", "c"};
    struct p9_qid qid;
    struct p9_attr attr;
    struct p9_statfs st;
    struct p9_iattr ia = {.valid = P9_SETATTR_MODE | P9_SETATTR_SIZE,
                          .mode = 0600, .size = 10};
    uint32_t root, fid, dir, io = 0, dio = 0;
    bool have_fid, have_dir;
    long n;

    if (p9_attach(c, "/", 0, &root, &qid) < 0)
        return;
    have_fid = p9_walk(c, root, 3, names, &fid, &qid) == 0;
    if (!have_fid)
        fid = root;
    p9_getattr(c, fid, P9_GETATTR_ALL, &attr);
    p9_lopen(c, fid, O_RDWR, &qid, &io);
    n = p9_read(c, fid, 0, g_buf, BUFSZ, io);
    if (n > 0 && (size_t)n > BUFSZ)
        __builtin_trap();       /* more than asked for */
    have_dir = p9_walk(c, root, 0, names, &dir, &qid) == 0;
    if (have_dir) {
        p9_lopen(c, dir, O_RDONLY | O_DIRECTORY, &qid, &dio);
        n = p9_readdir(c, dir, 0, g_buf, BUFSZ);
        if (n > BUFSZ)
            __builtin_trap();
        walk_entries(n);
        p9_lcreate(c, dir, "new", O_RDWR | O_CREAT, 0644, 0, &qid, &io);
        p9_write(c, dir, 0, "hello", 5, io);
        p9_mkdir(c, root, "d", 0755, 0, &qid);
        p9_symlink(c, root, "l", "target", 0, &qid);
        p9_mknod(c, root, "n", S_IFIFO | 0644, 0, 0, 0, &qid);
        p9_renameat(c, root, "d", root, "e");
        p9_link(c, root, dir, "h");
        p9_unlinkat(c, root, "e", P9_AT_REMOVEDIR);
        p9_clunk(c, dir);
    }
    n = p9_readlink(c, fid, g_buf, 256);
    if (n > 256)
        __builtin_trap();
    p9_statfs(c, fid, &st);
    p9_setattr(c, fid, &ia);
    p9_fsync(c, fid, true);
    if (have_fid)
        p9_remove(c, fid);
    p9_clunk(c, root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct p9_client *c = NULL;
    int cfd, sfd;

    if (fuzz_host_feed(data, size, &cfd, &sfd) < 0)
        return 0;
    plat_hosted_set_chan(LBOX_CHAN_FS, cfd);
    if (p9_client_connect(&g_k, LBOX_CHAN_FS, MSIZE, &c) == 0) {
        script(c);
        p9_client_free(c);
    }
    plat_hosted_set_chan(LBOX_CHAN_FS, -1);
    fuzz_host_close(cfd);
    fuzz_host_close(sfd);
    return 0;
}
