/* SPDX-License-Identifier: MIT */
/*
 * procfs tree (core, kernel image): the static directories, /proc/self,
 * /proc/<pid> with its fd and task directories, lookup, readdir and
 * attributes.
 * Contents come from procfs_gen.c when a file is opened.
 */
#include "core/fdtable.h"
#include "core/fs/procfs_internal.h"
#include "core/task.h"

enum proc_kind {
    K_DIR, K_FILE, K_LINK, K_SELF, K_PIDDIR, K_FDDIR, K_FDLINK,
    K_TASKDIR,      /* /proc/<pid>/task */
    K_TIDDIR,       /* /proc/<pid>/task/<tid>: g_pid's files but "task" */
    K_THREAD_SELF,  /* /proc/thread-self */
};
enum { L_MOUNTS = 1, L_EXE, L_CWD, L_ROOT };

struct proc_ent {
    const char *name;
    int kind;
    int arg;                     /* generator, link id */
    const struct proc_ent *sub;  /* K_DIR: children, ended by a NULL name */
    uint32_t id;                 /* inode number of a static entry */
};

static const struct proc_ent g_random[] = {
    {"boot_id", K_FILE, G_BOOT_ID, NULL, 40},
    {"uuid", K_FILE, G_UUID, NULL, 41},
    {NULL, 0, 0, NULL, 0},
};
static const struct proc_ent g_kernel[] = {
    {"hostname", K_FILE, G_HOSTNAME, NULL, 30},
    {"domainname", K_FILE, G_DOMAINNAME, NULL, 31},
    {"ostype", K_FILE, G_OSTYPE, NULL, 32},
    {"osrelease", K_FILE, G_OSRELEASE, NULL, 33},
    {"pid_max", K_FILE, G_PID_MAX, NULL, 34},
    {"ngroups_max", K_FILE, G_NGROUPS_MAX, NULL, 35},
    {"random", K_DIR, 0, g_random, 36},
    {NULL, 0, 0, NULL, 0},
};
static const struct proc_ent g_vm[] = {
    {"overcommit_memory", K_FILE, G_OVERCOMMIT, NULL, 50},
    {NULL, 0, 0, NULL, 0},
};
static const struct proc_ent g_sys[] = {
    {"kernel", K_DIR, 0, g_kernel, 20},
    {"vm", K_DIR, 0, g_vm, 21},
    {NULL, 0, 0, NULL, 0},
};
static const struct proc_ent g_root[] = {
    {"cpuinfo", K_FILE, G_CPUINFO, NULL, 2},
    {"meminfo", K_FILE, G_MEMINFO, NULL, 3},
    {"uptime", K_FILE, G_UPTIME, NULL, 4},
    {"version", K_FILE, G_VERSION, NULL, 5},
    {"loadavg", K_FILE, G_LOADAVG, NULL, 6},
    {"filesystems", K_FILE, G_FILESYSTEMS, NULL, 7},
    {"stat", K_FILE, G_STAT_ALL, NULL, 8},
    {"mounts", K_LINK, L_MOUNTS, NULL, 9},
    {"sys", K_DIR, 0, g_sys, 10},
    {NULL, 0, 0, NULL, 0},
};
/* /proc/<pid>/: ids are per-pid indexes. */
static const struct proc_ent g_pid[] = {
    {"exe", K_LINK, L_EXE, NULL, 1},
    {"cwd", K_LINK, L_CWD, NULL, 2},
    {"root", K_LINK, L_ROOT, NULL, 3},
    {"fd", K_FDDIR, 0, NULL, 4},
    {"maps", K_FILE, G_MAPS, NULL, 5},
    {"status", K_FILE, G_STATUS, NULL, 6},
    {"stat", K_FILE, G_STAT, NULL, 7},
    {"statm", K_FILE, G_STATM, NULL, 8},
    {"cmdline", K_FILE, G_CMDLINE, NULL, 9},
    {"comm", K_FILE, G_COMM, NULL, 10},
    {"environ", K_FILE, G_ENVIRON, NULL, 11},
    {"mounts", K_FILE, G_MOUNTS, NULL, 12},
    {"task", K_TASKDIR, 0, NULL, 13},
    {NULL, 0, 0, NULL, 0},
};
static const struct proc_ent g_root_ent = {"", K_DIR, 0, g_root, 1};

/* What a procfs inode is (its priv, shared heap). */
struct proc_node {
    int kind;
    const struct proc_ent *ent;  /* static entry (K_DIR/FILE/LINK) */
    int pid;                     /* per-process nodes */
    int tid;                     /* per-thread ones (K_TIDDIR and below) */
    int fd;                      /* K_FDLINK */
};

static const struct inode_ops procfs_iops;
static const struct file_ops proc_dir_fops, proc_file_fops;

static struct procfs_sb *psb(struct inode *ino)
{
    return container_of(ino->sb, struct procfs_sb, sb);
}

static struct proc_node *pnode(struct inode *ino)
{
    return ino->priv;
}

/* The attached process if it has pid (pid), else NULL. */
static struct process *proc_of(struct procfs_sb *s, int pid)
{
    struct process *p = s->proc;
    return p && p->pid == pid ? p : NULL;
}

/* Thread (tid) of process (pid), or NULL. */
static struct task *thread_of(struct procfs_sb *s, int pid, int tid)
{
    struct process *p = proc_of(s, pid);

    return p ? task_find(p, tid) : NULL;
}

/* The (idx)th thread of (p) by tid, oldest first (the list is newest
 * first and tids only grow), or NULL past the last. */
static struct task *nth_thread(struct process *p, uint64_t idx)
{
    uint64_t n = 0;
    struct task *t;

    for (t = p->threads; t; t = t->next)
        n++;
    if (idx >= n)
        return NULL;
    for (t = p->threads; ++idx < n; t = t->next)
        ;
    return t;
}

static uint32_t kind_mode(int kind)
{
    switch (kind) {
    case K_FILE:
        return S_IFREG | 0444;
    case K_LINK:
    case K_SELF:
    case K_THREAD_SELF:
    case K_FDLINK:
        return S_IFLNK | 0777;
    default:
        return S_IFDIR | 0555;
    }
}

/* Per-thread nodes number from the tid with bit 14 set, so the first
 * thread's differ from its process's. */
static uint64_t node_ino(const struct proc_node *n)
{
    uint64_t hi = (uint64_t)(n->tid ? n->tid : n->pid) << 32;
    uint64_t thr = n->tid ? 0x4000 : 0;

    switch (n->kind) {
    case K_SELF:
        return 0xfffe;
    case K_THREAD_SELF:
        return 0xfffa;
    case K_PIDDIR:
        return hi | 0xffff;
    case K_TASKDIR:
        return hi | 0xfffb;
    case K_TIDDIR:
        return hi | 0xfffc;
    case K_FDDIR:
        return hi | thr | 0xfffd;
    case K_FDLINK:
        return hi | 0x80000000u | thr << 16 | (uint32_t)n->fd;
    default:
        return n->pid ? hi | thr | n->ent->id : n->ent->id;
    }
}

static int node_new(struct inode *dir, int kind, const struct proc_ent *ent,
                    int pid, int tid, int fd, struct inode **out)
{
    struct rt_heap *h = dir->sb->k->shared;
    struct proc_node *n = rt_heap_zalloc(h, sizeof(*n));
    struct inode *ino;

    if (!n)
        return -ENOMEM;
    n->kind = kind;
    n->ent = ent;
    n->pid = pid;
    n->tid = tid;
    n->fd = fd;
    ino = vfs_inode_new(dir->sb, &procfs_iops, kind_mode(kind), node_ino(n), n);
    if (!ino) {
        rt_heap_free(h, n);
        return -ENOMEM;
    }
    *out = ino;
    return 0;
}

static void procfs_evict(struct inode *ino)
{
    rt_heap_free(ino->sb->k->shared, ino->priv);
}

static int parse_int(const char *s, int *out)
{
    uint64_t v;

    if (!s[0] || (s[0] == '0' && s[1]))
        return -ENOENT;
    for (const char *c = s; *c; c++)
        if (*c < '0' || *c > '9')
            return -ENOENT;
    if (rt_parse_u64(s, &v) < 0 || v > 0x7fffffff)
        return -ENOENT;
    *out = (int)v;
    return 0;
}

/* A per-process table entry that is not in a thread's directory. */
static bool skipped(const struct proc_node *dir, const struct proc_ent *e)
{
    return dir->kind == K_TIDDIR && e->kind == K_TASKDIR;
}

/*
 * The (idx)th entry of directory (dir) for readdir: 0 and fills (name,
 * ino, type), 1 for an empty slot to skip, -ENOENT past the end.
 */
static int dir_entry(struct inode *dir, uint64_t idx, char *name,
                     uint64_t *ino, unsigned *type)
{
    struct procfs_sb *s = psb(dir);
    struct proc_node *n = pnode(dir), tmp = {0};
    const struct proc_ent *ents = NULL;
    bool per_pid = n->kind == K_PIDDIR || n->kind == K_TIDDIR;
    size_t count = 0;

    if (n->kind == K_FDDIR) {
        struct process *p = proc_of(s, n->pid);
        if (!p || !p->fdt || idx >= (uint64_t)fdt_max(p->fdt))
            return -ENOENT;
        if (!fdt_peek(p->fdt, (int)idx))
            return 1;
        rt_snprintf(name, 16, "%d", (int)idx);
        tmp.kind = K_FDLINK;
        tmp.pid = n->pid;
        tmp.tid = n->tid;
        tmp.fd = (int)idx;
        *ino = node_ino(&tmp);
        *type = DT_LNK;
        return 0;
    }
    if (n->kind == K_TASKDIR) {
        struct process *p = proc_of(s, n->pid);
        struct task *t = p ? nth_thread(p, idx) : NULL;

        if (!t)
            return -ENOENT;
        rt_snprintf(name, 16, "%d", t->tid);
        tmp.kind = K_TIDDIR;
        tmp.pid = n->pid;
        tmp.tid = t->tid;
        *ino = node_ino(&tmp);
        *type = DT_DIR;
        return 0;
    }
    ents = per_pid ? g_pid : n->ent->sub;
    while (ents[count].name)
        count++;
    if (idx < count) {
        const struct proc_ent *e = &ents[idx];
        if (skipped(n, e))
            return 1;
        strlcpy(name, e->name, VFS_NAME_MAX + 1);
        tmp.kind = e->kind;
        tmp.ent = e;
        tmp.pid = per_pid ? n->pid : 0;
        tmp.tid = n->tid;
        *ino = node_ino(&tmp);
        *type = VFS_DT_FROM_MODE(kind_mode(e->kind));
        return 0;
    }
    if (n->kind != K_DIR || n->ent != &g_root_ent)
        return -ENOENT;
    idx -= count;
    if (idx == 0) {
        strlcpy(name, "self", VFS_NAME_MAX + 1);
        *ino = 0xfffe;
        *type = DT_LNK;
        return 0;
    }
    if (idx == 1) {
        strlcpy(name, "thread-self", VFS_NAME_MAX + 1);
        *ino = 0xfffa;
        *type = DT_LNK;
        return 0;
    }
    if (idx == 2) {
        if (!s->proc)
            return 1;
        rt_snprintf(name, 16, "%d", s->proc->pid);
        *ino = ((uint64_t)s->proc->pid << 32) | 0xffff;
        *type = DT_DIR;
        return 0;
    }
    return -ENOENT;
}

static int proc_iterate(struct file *f, vfs_filldir_t fill, void *ctx)
{
    char name[VFS_NAME_MAX + 1];
    uint64_t ino;
    unsigned type;

    if (!vfs_fill_dots(f, fill, ctx, f->inode->ino, 1))
        return 0;
    for (;;) {
        int r = dir_entry(f->inode, f->pos - 2, name, &ino, &type);
        if (r < 0)
            break;
        if (r == 0 && fill(ctx, name, strlen(name), ino, f->pos + 1, type))
            break;
        f->pos++;
    }
    return 0;
}

static int procfs_lookup(struct inode *dir, const char *name,
                         struct inode **out)
{
    struct procfs_sb *s = psb(dir);
    struct proc_node *n = pnode(dir);
    const struct proc_ent *ents;
    bool per_pid = n->kind == K_PIDDIR || n->kind == K_TIDDIR;
    int pid;

    if (n->kind == K_FDDIR) {
        struct process *p = proc_of(s, n->pid);
        int fd;
        if (!p || !p->fdt || parse_int(name, &fd) < 0 ||
            !fdt_peek(p->fdt, fd))
            return -ENOENT;
        return node_new(dir, K_FDLINK, NULL, n->pid, n->tid, fd, out);
    }
    if (n->kind == K_TASKDIR) {
        if (parse_int(name, &pid) < 0 || !thread_of(s, n->pid, pid))
            return -ENOENT;
        return node_new(dir, K_TIDDIR, NULL, n->pid, pid, 0, out);
    }
    ents = per_pid ? g_pid : n->ent->sub;
    for (; ents->name; ents++) {
        if (strcmp(ents->name, name) == 0 && !skipped(n, ents))
            return node_new(dir, ents->kind, ents, per_pid ? n->pid : 0,
                            n->tid, 0, out);
    }
    if (n->kind != K_DIR || n->ent != &g_root_ent)
        return -ENOENT;
    if (strcmp(name, "self") == 0)
        return node_new(dir, K_SELF, NULL, 0, 0, 0, out);
    if (strcmp(name, "thread-self") == 0)
        return node_new(dir, K_THREAD_SELF, NULL, 0, 0, 0, out);
    if (parse_int(name, &pid) == 0 && proc_of(s, pid))
        return node_new(dir, K_PIDDIR, NULL, pid, 0, 0, out);
    return -ENOENT;
}

/* readlink's answer for a link to (d): its path from (p)'s root. */
static long link_to(struct kernel *k, struct process *p, struct dentry *d,
                    char *buf, size_t size)
{
    char *path = rt_heap_alloc(k->shared, VFS_PATH_MAX);
    bool reachable;
    long n;

    if (!path)
        return -ENOMEM;
    n = d_path(d, p->root.dentry, true, path, VFS_PATH_MAX, &reachable);
    if (n >= 0)
        n = vfs_readlink_copy(buf, size, path);
    rt_heap_free(k->shared, path);
    return n;
}

static long procfs_readlink(struct inode *ino, char *buf, size_t size)
{
    struct procfs_sb *s = psb(ino);
    struct proc_node *n = pnode(ino);
    struct process *p = proc_of(s, n->pid);
    char tmp[32];

    switch (n->kind) {
    case K_SELF:
        if (!s->proc)
            return -ENOENT;
        rt_snprintf(tmp, sizeof(tmp), "%d", s->proc->pid);
        return vfs_readlink_copy(buf, size, tmp);
    case K_THREAD_SELF: {
        struct task *self = task_current();

        if (!s->proc || !self || self->proc != s->proc)
            return -ENOENT;
        rt_snprintf(tmp, sizeof(tmp), "%d/task/%d", s->proc->pid, self->tid);
        return vfs_readlink_copy(buf, size, tmp);
    }
    case K_FDLINK: {
        struct file *f = p && p->fdt ? fdt_peek(p->fdt, n->fd) : NULL;
        if (!f)
            return -ENOENT;
        return link_to(ino->sb->k, p, f->dentry, buf, size);
    }
    case K_LINK:
        if (n->ent->arg == L_MOUNTS)
            return vfs_readlink_copy(buf, size, "self/mounts");
        if (!p)
            return -ENOENT;
        if (n->ent->arg == L_EXE)
            return p->exe_path ? vfs_readlink_copy(buf, size, p->exe_path) : -ENOENT;
        if (n->ent->arg == L_CWD && p->cwd.dentry)
            return link_to(ino->sb->k, p, p->cwd.dentry, buf, size);
        if (n->ent->arg == L_CWD || !p->root.dentry)
            return vfs_readlink_copy(buf, size, "/");
        return link_to(ino->sb->k, p, p->root.dentry, buf, size);
    default:
        return -EINVAL;
    }
}

int procfs_magic_link(struct inode *ino, struct dentry **out)
{
    struct proc_node *n;
    struct process *p;
    struct file *f;

    if (ino->ops != &procfs_iops)
        return 0;
    n = pnode(ino);
    if (n->kind != K_FDLINK)
        return 0;
    p = proc_of(psb(ino), n->pid);
    f = p && p->fdt ? fdt_peek(p->fdt, n->fd) : NULL;
    if (!f)
        return -ENOENT;
    *out = dget(f->dentry);
    return 1;
}

static int procfs_getattr(struct inode *ino, struct vfs_stat *st)
{
    struct procfs_sb *s = psb(ino);
    struct proc_node *n = pnode(ino);
    struct process *p = n->pid ? proc_of(s, n->pid) : NULL;
    struct kernel *k = ino->sb->k;
    int64_t t = k->boot_realtime_ns;

    memset(st, 0, sizeof(*st));
    st->dev = ino->sb->dev;
    st->ino = ino->ino;
    st->mode = ino->mode;
    st->nlink = S_ISDIR(ino->mode) ? 2 : 1;
    st->blksize = 1024;
    if (p) {
        st->uid = p->cred.euid;
        st->gid = p->cred.egid;
        t += (int64_t)p->start_ns - k->boot_ns;
    }
    st->atime.sec = st->mtime.sec = st->ctime.sec = t / 1000000000;
    st->atime.nsec = st->mtime.nsec = st->ctime.nsec = t % 1000000000;
    st->btime = st->ctime;
    return 0;
}

static int procfs_statfs(struct inode *ino, struct vfs_statfs *st)
{
    (void)ino;
    st->type = PROC_SUPER_MAGIC;
    st->bsize = st->frsize = 4096;
    st->namelen = VFS_NAME_MAX;
    return 0;
}

/* --- files --------------------------------------------------------------- */

struct proc_buf {
    char *data;
    size_t len;
};

static int procfs_open(struct inode *ino, struct file *f, struct task *t)
{
    struct procfs_sb *s = psb(ino);
    struct proc_node *n = pnode(ino);
    struct rt_heap *h = ino->sb->k->shared;
    struct sbuf b = {.h = h};
    struct process *p = NULL;
    struct task *thr = NULL;
    struct proc_buf *pb;
    int err;

    if (S_ISDIR(ino->mode)) {
        f->ops = &proc_dir_fops;
        return 0;
    }
    if (n->kind != K_FILE)
        return -ELOOP;
    if ((f->flags & O_ACCMODE) != O_RDONLY || (f->flags & O_TRUNC))
        return -EACCES;
    if (n->pid) {
        /* Prefer the caller's own view when it asks about itself. */
        p = t && t->proc && t->proc->pid == n->pid ? t->proc
                                                    : proc_of(s, n->pid);
        if (!p)
            return -ESRCH;
    }
    if (n->tid) {
        thr = task_find(p, n->tid);
        if (!thr)
            return -ESRCH;
    }
    err = procfs_generate(s, n->ent->arg, p, thr, &b);
    if (err == 0)
        err = b.err;
    if (err < 0)
        goto fail;
    pb = rt_heap_zalloc(h, sizeof(*pb));
    if (!pb) {
        err = -ENOMEM;
        goto fail;
    }
    pb->data = b.data;
    pb->len = b.len;
    f->priv = pb;
    f->ops = &proc_file_fops;
    return 0;
fail:
    rt_heap_free(h, b.data);
    return err;
}

static long proc_read(struct file *f, void *buf, size_t size, uint64_t *pos)
{
    struct proc_buf *pb = f->priv;
    size_t n;

    if (*pos >= pb->len)
        return 0;
    n = MIN(size, pb->len - *pos);
    memcpy(buf, pb->data + *pos, n);
    *pos += n;
    return (long)n;
}

static long proc_llseek(struct file *f, int64_t off, int whence)
{
    struct proc_buf *pb = f->priv;
    int64_t base = whence == SEEK_SET ? 0
                   : whence == SEEK_CUR ? (int64_t)f->pos
                   : whence == SEEK_END ? (int64_t)pb->len : -1;
    int64_t res;

    if (base < 0)
        return -EINVAL;
    if (__builtin_add_overflow(base, off, &res) || res < 0)
        return -EINVAL;
    f->pos = (uint64_t)res;
    return res;
}

static void proc_release(struct file *f)
{
    struct proc_buf *pb = f->priv;
    struct rt_heap *h = f->inode->sb->k->shared;

    if (pb && f->ops == &proc_file_fops) {
        rt_heap_free(h, pb->data);
        rt_heap_free(h, pb);
    }
}

static const struct file_ops proc_file_fops = {
    .read = proc_read,
    .llseek = proc_llseek,
    .release = proc_release,
};

static const struct file_ops proc_dir_fops = {
    .iterate = proc_iterate,
};

static const struct inode_ops procfs_iops = {
    .lookup = procfs_lookup,
    .readlink = procfs_readlink,
    .getattr = procfs_getattr,
    .statfs = procfs_statfs,
    .open = procfs_open,
    .evict = procfs_evict,
};

struct inode *procfs_new(struct kernel *k)
{
    struct procfs_sb *s = rt_heap_zalloc(k->shared, sizeof(*s));
    struct proc_node *n;
    struct inode *root;
    uint8_t r[16];

    if (!s)
        return NULL;
    vfs_sb_init(&s->sb, k, PROC_SUPER_MAGIC, "proc", "proc", s);
    if (lbox_plat_random(r, sizeof(r)) < 0)
        memset(r, 0, sizeof(r));
    procfs_uuid_format(s->boot_id, r);
    n = rt_heap_zalloc(k->shared, sizeof(*n));
    if (!n)
        goto fail;
    n->kind = K_DIR;
    n->ent = &g_root_ent;
    root = vfs_inode_new(&s->sb, &procfs_iops, S_IFDIR | 0555, 1, n);
    if (!root) {
        rt_heap_free(k->shared, n);
        goto fail;
    }
    return root;
fail:
    rt_heap_free(k->shared, s);
    return NULL;
}

void procfs_attach_process(struct inode *root, struct process *p)
{
    psb(root)->proc = p;
}

static int set_blob(struct inode *root, char **dst, size_t *dsize,
                    const char *buf, size_t size)
{
    struct rt_heap *h = root->sb->k->shared;
    char *c = rt_heap_alloc(h, size ? size : 1);

    if (!c)
        return -ENOMEM;
    memcpy(c, buf, size);
    rt_heap_free(h, *dst);
    *dst = c;
    *dsize = size;
    return 0;
}

int procfs_set_cmdline(struct inode *root, const char *buf, size_t size)
{
    struct procfs_sb *s = psb(root);
    return set_blob(root, &s->cmdline, &s->cmdline_size, buf, size);
}

int procfs_set_environ(struct inode *root, const char *buf, size_t size)
{
    struct procfs_sb *s = psb(root);
    return set_blob(root, &s->environ, &s->environ_size, buf, size);
}
