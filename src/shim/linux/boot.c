/* SPDX-License-Identifier: MIT */
/*
 * Booting the sandbox (Linux shim, kernel image): the shared kernel region
 * and heaps, the kernel, process and task objects, the file tree (tmpfs
 * root, /dev, /proc, the monitor's 9P mounts), standard streams, and the
 * first program. Then lbox_main jumps into the guest.
 */
#include "core/clock.h"
#include "core/fdtable.h"
#include "core/fs/devfs.h"
#include "core/fs/procfs.h"
#include "core/fs/tmpfs.h"
#include "core/mm.h"
#include "core/p9/p9fs.h"
#include "core/p9/p9_client.h"
#include "shim/linux/boot.h"
#include "shim/linux/elf_load.h"
#include "shim/linux/syscalls.h"

/* Address space reserved for the shared kernel region and the private
 * heap; pages are committed only when touched. */
#define BOOT_SHARED_SIZE (4ULL << 30)
#define BOOT_HEAP_SIZE   (4ULL << 30)
#define BOOT_P9_MSIZE    (512 * 1024 + 24)

static int map_heap(size_t size, bool shared, struct rt_heap **out)
{
    void *base = NULL;
    unsigned flags = LBOX_MAP_NORESERVE | (shared ? LBOX_MAP_SHARED : 0);
    int err = lbox_plat_page_map(&base, size, LBOX_PROT_READ | LBOX_PROT_WRITE,
                                 flags);

    if (err < 0)
        return err;
    *out = rt_heap_init(base, size, shared);
    return *out ? 0 : -ENOMEM;
}

static int new_process(struct kernel *k, struct rt_heap *heap,
                       const struct boot_config *cfg, struct task **out)
{
    struct process *p = rt_heap_zalloc(heap, sizeof(*p));
    struct task *t = rt_heap_zalloc(heap, sizeof(*t));
    struct shim_proc *sp = rt_heap_zalloc(heap, sizeof(*sp));
    struct lbox_range r[8];
    int n, err;

    if (!p || !t || !sp)
        return -ENOMEM;
    p->k = k;
    p->heap = heap;
    p->pid = p->pgid = p->sid = (int)k->next_pid++;
    p->ppid = 0;
    p->cred = (struct cred){.uid = cfg->uid, .euid = cfg->uid,
                            .suid = cfg->uid, .fsuid = cfg->uid,
                            .gid = cfg->gid, .egid = cfg->gid,
                            .sgid = cfg->gid, .fsgid = cfg->gid};
    p->umask = 022;
    memcpy(p->rlimits, cfg->rlimits, sizeof(p->rlimits));
    /* Ignored signals stay ignored across execve: the program lbox runs
     * starts with those lbox was given (a background job's SIGINT). */
    for (int sig = 1; sig <= K_NSIG; sig++)
        if ((cfg->sig_ignored & sig_bit(sig)) &&
            !(K_SIG_UNBLOCKABLE & sig_bit(sig)))
            p->sigactions[sig - 1].handler = K_SIG_IGN;
    sp->trace = cfg->trace;
    sp->stats = cfg->stats;
    p->north = sp;
    lbox_plat_clock_get(LBOX_CLOCK_MONOTONIC, (int64_t *)&p->start_ns);
    err = mm_new(p, &p->mm);
    if (err < 0)
        return err;
    n = lbox_plat_self_ranges(r, (int)ARRAY_SIZE(r));
    for (int i = 0; i < n && i < (int)ARRAY_SIZE(r); i++) {
        err = mm_reserve_lbox(p->mm, r[i].start, r[i].end, r[i].name);
        if (err < 0)
            return err;
    }
    err = fdt_new(heap, &p->fdt);
    if (err < 0)
        return err;
    t->proc = p;
    t->k = k;
    t->tid = p->pid;
    t->plat = lbox_plat_thread_self();
    p->threads = t;
    p->nthreads = 1;
    *out = t;
    return 0;
}

/* mkdir -p for mount points in the tmpfs root. */
static int make_dirs(struct task *t, const char *path)
{
    char buf[VFS_PATH_MAX];
    size_t len = strlcpy(buf, path, sizeof(buf));

    if (len >= sizeof(buf))
        return -ENAMETOOLONG;
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != 0)
            continue;
        buf[i] = 0;
        int err = vfs_mkdir(t, &t->proc->root, buf, 0755);

        if (err < 0 && err != -EEXIST)
            return err;
        buf[i] = i < len ? '/' : 0;
    }
    return 0;
}

static int mount_fs(struct task *t, const char *path, struct inode *root)
{
    int err;

    if (!root)
        return -ENOMEM;
    err = make_dirs(t, path);
    if (!err)
        err = vfs_mount(t->k, path, root);
    return err;
}

/* The client of the default view's file server, or of the one serving the
 * user's own mounts; connected on first use. */
static int file_channel(struct kernel *k, bool user, struct p9_client **out)
{
    struct p9_client **c = user ? &k->p9_user : &k->p9;
    int chan = user ? LBOX_CHAN_FS_USER : LBOX_CHAN_FS;
    int err;

    if (!*c) {
        err = p9_client_connect(k, chan, BOOT_P9_MSIZE, c);
        if (err < 0) {
            rt_log("lbox-kernel: file server handshake failed on channel "
                   "%d (%d)\n", chan, err);
            return err;
        }
        p9_client_own_server(*c);   /* the monitor's own servers */
    }
    *out = *c;
    return 0;
}

/*
 * Mounts graft onto the dentry of their mount point, so a mount beneath
 * another (-v DIR:/work/src/out under the view's /work/src) must come
 * after it, or the later one would cover it. A path is longer than any
 * of its ancestors: a stable sort by length puts parents first. Guest
 * paths are distinct (the monitor drops a view mount a -v takes).
 */
static void mount_order(const struct boot_config *cfg, unsigned *order)
{
    for (unsigned i = 0; i < cfg->nmounts; i++) {
        size_t len = strlen(cfg->mounts[i].guest);
        unsigned j = i;

        for (; j > 0 && strlen(cfg->mounts[order[j - 1]].guest) > len; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
}

static int mount_tree(struct task *t, const struct boot_config *cfg)
{
    unsigned order[BOOT_MAX_MOUNTS];
    struct kernel *k = t->k;
    struct inode *root = tmpfs_new(k, "none", S_IFDIR | 0755, 0, 0);
    struct inode *proc;
    int err;

    if (!root)
        return -ENOMEM;
    err = vfs_init(k, root, &t->proc->root);
    if (err < 0)
        return err;
    err = mount_fs(t, "/dev", devfs_new(k));
    if (err < 0)
        rt_log("lbox-kernel: /dev: %d\n", err);
    if (!err) {
        proc = procfs_new(k);
        if (proc)
            procfs_attach_process(proc, t->proc);
        err = mount_fs(t, "/proc", proc);
    }
    if (!err)
        err = make_dirs(t, "/tmp");
    if (!err)
        err = vfs_setattr(t, &t->proc->root, "/tmp", 0,
                          &(struct vfs_setattr){.valid = VFS_ATTR_MODE,
                                                .mode = 01777});
    if (err < 0)
        return err;
    mount_order(cfg, order);
    for (unsigned i = 0; i < cfg->nmounts; i++) {
        const struct boot_mount *m = &cfg->mounts[order[i]];
        struct inode *mroot = NULL;
        struct p9_client *c;

        err = file_channel(k, m->user, &c);
        if (err < 0)
            return err;
        err = p9fs_mount(k, c, m->guest, m->guest, !m->rw, cfg->uid,
                         &mroot);
        if (!err)
            err = mount_fs(t, m->guest, mroot);
        if (err < 0) {
            rt_log("lbox-kernel: cannot mount %s (%d)\n", m->guest, err);
            return err;
        }
    }
    for (unsigned i = 0; i < cfg->nlinks; i++) {
        err = vfs_symlink(t, cfg->links[i].target, &t->proc->root,
                          cfg->links[i].path);
        if (err < 0 && err != -EEXIST)
            return err;
    }
    return 0;
}

static int open_stdio(struct task *t)
{
    for (int fd = 0; fd < 3; fd++) {
        struct file *f;
        int err = devfs_open_stdio(t, LBOX_CHAN_STDIN + fd, &f);

        if (err < 0)
            return err;
        err = fdt_install_at(t->proc->fdt, fd, f, false, 1024);
        if (err < 0)
            return err;
    }
    return 0;
}

int boot_kernel(const struct boot_config *cfg, struct task **out)
{
    struct cred guest_cred;
    struct rt_heap *shared, *heap;
    struct kernel *k;
    struct task *t;
    int err;

    err = map_heap(BOOT_SHARED_SIZE, true, &shared);
    if (!err)
        err = map_heap(BOOT_HEAP_SIZE, false, &heap);
    if (err < 0)
        return err;
    k = rt_heap_zalloc(shared, sizeof(*k));
    if (!k)
        return -ENOMEM;
    k->shared = shared;
    k->next_pid = 1;
    k->mem_total = cfg->mem_total;
    /* A quarter: a 4 KiB tmpfs block takes two pages of the heap until
     * the page cache (issue 12), and the bound should give ENOSPC before
     * the memory bound ends the sandbox. */
    k->tmpfs_size = cfg->tmpfs_size ? cfg->tmpfs_size : cfg->mem_total / 4;
    k->ncpus = cfg->ncpus;
    strlcpy(k->hostname, cfg->hostname, sizeof(k->hostname));
    strlcpy(k->domainname, "(none)", sizeof(k->domainname));
    err = lbox_clock_boot(k);
    if (err < 0)
        return err;
    err = new_process(k, heap, cfg, &t);
    if (err < 0)
        return err;
    /* The heaps are lbox's: keep guest mappings out of them. */
    mm_reserve_lbox(t->proc->mm, (uint64_t)shared,
                    (uint64_t)shared + BOOT_SHARED_SIZE, "[lbox]");
    mm_reserve_lbox(t->proc->mm, (uint64_t)heap,
                    (uint64_t)heap + BOOT_HEAP_SIZE, "[lbox]");
    lbox_plat_set_tls(t);
    /* The tree is lbox's: build it as root, then become the guest. */
    guest_cred = t->proc->cred;
    t->proc->cred = (struct cred){0};
    err = mount_tree(t, cfg);
    t->proc->cred = guest_cred;
    if (err < 0) {
        rt_log("lbox-kernel: cannot build the file tree (%d)\n", err);
        return err;
    }
    err = vfs_resolve_dir(t, &t->proc->root, cfg->cwd, &t->proc->cwd);
    if (err < 0) {
        rt_log("lbox-kernel: working directory %s: error %d\n", cfg->cwd,
               err);
        return err;
    }
    err = open_stdio(t);
    if (err < 0)
        return err;
    *out = t;
    return 0;
}

static bool is_executable(struct task *t, const char *path)
{
    struct vfs_stat st;

    if (vfs_stat(t, &t->proc->cwd, path, 0, &st) < 0 || !S_ISREG(st.mode))
        return false;
    return vfs_access(t, &t->proc->cwd, path, X_OK, 0) == 0;
}

int boot_find_program(struct task *t, const char *name, char *const envp[],
                      char *out)
{
    const char *path = "/usr/local/bin:/usr/bin:/bin";

    if (strchr(name, '/')) {
        if (strlcpy(out, name, VFS_PATH_MAX) >= VFS_PATH_MAX)
            return -ENAMETOOLONG;
        return 0;
    }
    for (char *const *e = envp; *e; e++)
        if (str_starts_with(*e, "PATH="))
            path = *e + 5;
    while (*path) {
        const char *end = strchr(path, ':');
        size_t dlen = end ? (size_t)(end - path) : strlen(path);
        int n = rt_snprintf(out, VFS_PATH_MAX, "%.*s%s%s", (int)dlen, path,
                            dlen ? "/" : "", name);

        if (n > 0 && n < VFS_PATH_MAX && is_executable(t, out))
            return 0;
        path += dlen + (end ? 1 : 0);
    }
    return -ENOENT;
}

_Noreturn void lbox_main(int argc, char **argv, char **envp)
{
    struct boot_config cfg;
    struct lbox_regs regs;
    struct task *t;
    char *path, msg[160];
    int err;

    if (boot_parse(argc, argv, envp, &cfg) < 0)
        lbox_plat_exit(125);
    err = boot_kernel(&cfg, &t);
    if (err < 0) {
        rt_log("lbox-kernel: boot failed (%d)\n", err);
        lbox_plat_exit(125);
    }
    path = rt_heap_alloc(task_heap(t), VFS_PATH_MAX);
    if (!path)
        lbox_plat_exit(125);
    err = boot_find_program(t, cfg.argv[0], cfg.envp, path);
    if (err < 0) {
        rt_log("lbox: %s: command not found\n", cfg.argv[0]);
        lbox_plat_exit(127);
    }
    proc_set_cmdline(t, cfg.argv);
    err = elf_exec(t, path, cfg.argv, cfg.envp, &regs, msg, sizeof(msg));
    if (err < 0) {
        const char *why = errno_name(-err);

        rt_log("lbox: %s: %s%s%s\n", path, msg[0] ? msg : "cannot execute",
               why ? ": " : "", why ? why : "");
        lbox_plat_exit(err == -ENOENT ? 127 : 126);
    }
    lbox_plat_enter_guest(&regs);
}
