/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the Linux shim's syscall argument decoding
 * (kernel-side code, in process on the hosted platform): boots a kernel
 * with a tmpfs root, /dev and /proc but no 9P mounts, then dispatches the
 * input's syscalls through lbox_syscall_entry. No input may crash lbox.
 *
 * Input: u8 flags (bit 0: the guest is uid/gid 1000, else root; bit 1:
 * --trace on), u16 n, n bytes copied to the start of the guest arena, then
 * records of 51 bytes: u16 nr, u8 kinds, u64 raw[6] (little-endian). Bit i
 * of kinds makes argument i a guest pointer: the arena's base + raw[i] %
 * its size, or for the memory-management calls (mmap, mprotect, munmap,
 * brk, mremap, madvise) the mappable region's base + raw[i] % its size;
 * otherwise it is raw[i] as is.
 *
 * Guest memory is one fixed window: the 64 KiB arena and a 1 MiB region
 * for mappings (left unmapped at the start of each input). The platform's self ranges (lbox_plat_self_ranges, below)
 * cover the rest of the user half, so lbox's own guest-range checks keep
 * every call off the fuzzer's memory: no pointer or address needs
 * clamping, and a call that touched memory outside the window would be a
 * real bug (a guest reaching lbox's memory).
 *
 * What would end, block or replace the process is handled without
 * skipping (see fuzz_host.c): exit, exit_group and fatal kill/tkill/tgkill
 * jump back here and end the input; sleeps, futex waits and polls do not
 * wait; standard streams are /dev/null, so reading fd 0 never blocks.
 * arch_prctl(ARCH_SET_FS) only stores the value on the hosted platform.
 * Skipped numbers (never dispatched):
 *   - execve (59), execveat (322): they replace the image; the loader needs
 *     address space outside the window, and the ELF parser has its own
 *     fuzzer (elf_fuzz.c).
 *   - rt_sigreturn (15): would load the whole register set from a guest
 *     stack the harness has not built.
 *
 * Per-input state is reset after each input: all fds closed and stdio
 * reopened, guest mappings dropped, the file tree rebuilt from scratch,
 * credentials, umask, limits, signal state, root and cwd restored.
 */
#include <lbox/platform.h>

#include "core/fdtable.h"
#include "core/fs/devfs.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "shim/linux/boot.h"
#include "shim/linux/syscalls.h"

#include "../unit/plat_hosted.h"
#include "fuzz_host.h"

#define WIN_BASE 0x300000000000ULL
#define ARENA_SIZE (64u * 1024)
#define MAP_SIZE (1024u * 1024)
#define WIN_SIZE (ARENA_SIZE + MAP_SIZE)
#define MAP_BASE (WIN_BASE + ARENA_SIZE)
#define REC_SIZE 51
#define MAX_RECS 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct task *g_t;
static struct vfs_loc g_root;
static struct k_rlimit g_rlimits[K_RLIMIT_COUNT];
static struct kernel g_k0;
static struct process g_p0;

/* Everything but the window is "lbox's": guest calls must stay out. */
int lbox_plat_self_ranges(struct lbox_range *out, int max)
{
    if (max < 2)
        return 0;
    out[0] = (struct lbox_range){0, WIN_BASE, "[fuzzer]"};
    out[1] = (struct lbox_range){WIN_BASE + WIN_SIZE, MM_USER_END,
                                 "[fuzzer]"};
    return 2;
}

/* The arena mapped afresh; the mappable region left free so that mmap
 * hints into it are honoured. */
static int map_window(void)
{
    void *p = (void *)WIN_BASE;
    int err = lbox_plat_page_map(&p, ARENA_SIZE,
                                 LBOX_PROT_READ | LBOX_PROT_WRITE,
                                 LBOX_MAP_FIXED);

    if (err == 0)
        err = lbox_plat_page_unmap((void *)MAP_BASE, MAP_SIZE);
    return err;
}

static bool is_mm_call(uint64_t nr, int arg)
{
    switch (nr) {
    case 9: case 10: case 11: case 12: case 28:
        return arg == 0;
    case 25:
        return arg == 0 || arg == 4;
    }
    return false;
}

static bool skipped(uint64_t nr)
{
    return nr == 59 || nr == 322 || nr == 15;
}

/* --- the file tree ------------------------------------------------------- */

struct names {
    char *buf;
    size_t len, cap;
    bool grew;
};

static int collect(void *ctx, const char *name, size_t name_len,
                   uint64_t ino, uint64_t next_pos, unsigned type)
{
    struct names *n = ctx;
    size_t need = name_len + 2;

    (void)ino;
    (void)next_pos;
    if ((name_len == 1 && name[0] == '.') ||
        (name_len == 2 && name[0] == '.' && name[1] == '.'))
        return 0;
    if (n->len + need > n->cap) {
        size_t cap = MAX(n->cap * 2, n->len + need + 256);
        char *b = rt_heap_realloc(task_heap(g_t), n->buf, cap);

        if (!b)
            return 1;
        n->buf = b;
        n->cap = cap;
    }
    n->buf[n->len] = type == DT_DIR ? 'd' : 'f';
    memcpy(n->buf + n->len + 1, name, name_len);
    n->buf[n->len + 1 + name_len] = 0;
    n->len += need;
    n->grew = true;
    return 0;
}

/* Remove everything under (dir) (a path); at the top, not /dev or /proc. */
static void remove_tree(const char *dir, bool top)
{
    struct names n = {0};
    struct file *f;
    char *path;

    if (vfs_open(g_t, &g_root, dir, O_RDONLY | O_DIRECTORY, 0, &f) < 0)
        return;
    do {
        n.grew = false;
        if (vfs_iterate(g_t, f, collect, &n) < 0)
            break;
    } while (n.grew);
    vfs_file_put(f);
    path = rt_heap_alloc(task_heap(g_t), VFS_PATH_MAX);
    for (size_t i = 0; path && i < n.len; i += strlen(n.buf + i) + 1) {
        const char *name = n.buf + i + 1;

        if (top && (!strcmp(name, "dev") || !strcmp(name, "proc")))
            continue;
        if (rt_snprintf(path, VFS_PATH_MAX, "%s/%s", top ? "" : dir,
                        name) >= (int)VFS_PATH_MAX)
            continue;
        if (n.buf[i] == 'd') {
            vfs_setattr(g_t, &g_root, path, 0, &(struct vfs_setattr){
                        .valid = VFS_ATTR_MODE, .mode = 0755});
            remove_tree(path, false);
            vfs_unlink(g_t, &g_root, path, AT_REMOVEDIR);
        } else {
            vfs_unlink(g_t, &g_root, path, 0);
        }
    }
    rt_heap_free(task_heap(g_t), path);
    rt_heap_free(task_heap(g_t), n.buf);
}

static void make_file(const char *path, const char *text, uint32_t mode)
{
    struct file *f;

    if (vfs_open(g_t, &g_root, path, O_CREAT | O_WRONLY | O_TRUNC, mode,
                 &f) < 0)
        return;
    vfs_write(g_t, f, text, strlen(text));
    vfs_file_put(f);
}

/* The tree each input starts from; built as root. */
static void build_tree(void)
{
    vfs_setattr(g_t, &g_root, "/", 0, &(struct vfs_setattr){
                .valid = VFS_ATTR_MODE | VFS_ATTR_UID | VFS_ATTR_GID,
                .mode = 0755, .uid = 0, .gid = 0});
    remove_tree("/", true);
    vfs_mkdir(g_t, &g_root, "/tmp", 0777);
    vfs_setattr(g_t, &g_root, "/tmp", 0, &(struct vfs_setattr){
                .valid = VFS_ATTR_MODE, .mode = 01777});
    vfs_mkdir(g_t, &g_root, "/a", 0755);
    vfs_mkdir(g_t, &g_root, "/a/d", 0700);
    make_file("/a/f", "hello, fuzzer\n", 0644);
    make_file("/a/x", "#!/bin/sh\n", 0755);
    make_file("/tmp/t", "0123456789abcdef", 0666);
    vfs_symlink(g_t, "/a/f", &g_root, "/s");
    vfs_symlink(g_t, "../a", &g_root, "/tmp/up");
    vfs_setattr(g_t, &g_root, "/tmp/t", 0, &(struct vfs_setattr){
                .valid = VFS_ATTR_UID | VFS_ATTR_GID, .uid = 1000,
                .gid = 1000});
}

/* --- per-input state ------------------------------------------------------ */

static void open_stdio(void)
{
    for (int fd = 0; fd < 3; fd++) {
        struct file *f;

        if (devfs_open_stdio(g_t, LBOX_CHAN_STDIN + fd, &f) == 0 &&
            fdt_install_at(g_t->proc->fdt, fd, f, false, 1024) < 0)
            vfs_file_put(f);
    }
}

static void reset(uint8_t flags)
{
    struct process *p = g_t->proc;
    struct kernel *k = g_t->k;
    uint32_t id = (flags & 1) ? 1000 : 0;

    fdt_close_range(p->fdt, 0, ~0u, false);
    mm_clear_guest(g_t);
    p->cred = (struct cred){0};
    vfs_loc_put(&p->root);
    vfs_loc_dup(k, &g_root, &p->root);
    vfs_loc_put(&p->cwd);
    vfs_loc_dup(k, &g_root, &p->cwd);
    build_tree();
    open_stdio();
    p->cred = (struct cred){.uid = id, .euid = id, .suid = id, .fsuid = id,
                            .gid = id, .egid = id, .sgid = id, .fsgid = id};
    p->umask = 022;
    p->pgid = g_p0.pgid;
    p->sid = g_p0.sid;
    memcpy(p->rlimits, g_rlimits, sizeof(g_rlimits));
    memset(p->sigactions, 0, sizeof(p->sigactions));
    memset(&p->sigq, 0, sizeof(p->sigq));
    memset(&p->timers, 0, sizeof(p->timers));
    memset(&g_t->sigq, 0, sizeof(g_t->sigq));
    g_t->restore_sigmask = false;
    memcpy(k->hostname, g_k0.hostname, sizeof(k->hostname));
    memcpy(k->domainname, g_k0.domainname, sizeof(k->domainname));
    g_t->sigmask = 0;
    g_t->clear_child_tid = g_t->robust_list = g_t->robust_list_size = 0;
    g_t->altstack_sp = g_t->altstack_size = g_t->altstack_flags = 0;
    shim_proc(g_t)->trace = (flags & 2) != 0;
    mm_set_brk_base(p->mm, MAP_BASE + MAP_SIZE / 2);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char *kargv[] = {"lbox-kernel", "--hostname=fuzz", "--",
                            "/bin/true", NULL};
    static char *kenvp[] = {"PATH=/bin", NULL};
    struct boot_config cfg;
    void *w = (void *)WIN_BASE;
    int nul = fuzz_host_devnull();

    (void)argc;
    (void)argv;
    if (lbox_plat_page_map(&w, WIN_SIZE, LBOX_PROT_READ | LBOX_PROT_WRITE,
                           LBOX_MAP_NOREPLACE) < 0 || nul < 0)
        lbox_plat_exit(2);
    for (int c = LBOX_CHAN_STDIN; c <= LBOX_CHAN_STDERR; c++)
        plat_hosted_set_chan(c, nul);
    if (boot_parse(4, kargv, kenvp, &cfg) < 0 ||
        boot_kernel(&cfg, &g_t) < 0)
        lbox_plat_exit(2);
    if (vfs_loc_dup(g_t->k, &g_t->proc->root, &g_root) < 0)
        lbox_plat_exit(2);
    memcpy(g_rlimits, g_t->proc->rlimits, sizeof(g_rlimits));
    g_k0 = *g_t->k;
    g_p0 = *g_t->proc;
    return 0;
}

static void dispatch(void *regs)
{
    lbox_syscall_entry(regs);
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;

    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t alen, pos;
    uint8_t flags;
    int nrec = 0;

    if (size < 3)
        return 0;
    flags = data[0];
    alen = MIN((size_t)get_le(data + 1, 2), size - 3);
    reset(flags);
    if (map_window() < 0)
        return 0;
    memcpy((void *)WIN_BASE, data + 3, MIN(alen, (size_t)ARENA_SIZE));
    for (pos = 3 + alen; pos + REC_SIZE <= size && nrec < MAX_RECS;
         pos += REC_SIZE, nrec++) {
        const uint8_t *r = data + pos;
        uint64_t nr = get_le(r, 2), a[6];
        uint8_t kinds = r[2];
        /* Signal frames go at the arena's end. */
        struct lbox_regs regs = {.rsp = WIN_BASE + ARENA_SIZE};

        if (skipped(nr))
            continue;
        for (int i = 0; i < 6; i++) {
            a[i] = get_le(r + 3 + 8 * i, 8);
            if (!(kinds & (1u << i)))
                continue;
            if (is_mm_call(nr, i))
                a[i] = MAP_BASE + a[i] % MAP_SIZE;
            else
                a[i] = WIN_BASE + a[i] % ARENA_SIZE;
        }
        regs.rax = nr;
        regs.rdi = a[0];
        regs.rsi = a[1];
        regs.rdx = a[2];
        regs.r10 = a[3];
        regs.r8 = a[4];
        regs.r9 = a[5];
        if (fuzz_host_run(dispatch, &regs))
            break;      /* the guest's process ended */
    }
    return 0;
}
