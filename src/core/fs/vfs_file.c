/* SPDX-License-Identifier: MIT */
/*
 * Open file descriptions (core, kernel image): allocation and references,
 * read/write at the file position, seeking, directory iteration and the
 * f*() attribute calls.
 */
#include "core/fs/vfs_internal.h"
#include "core/ipc/epoll.h"

int vfs_file_alloc(struct dentry *d, uint32_t flags, struct file **out)
{
    struct kernel *k = inode_kernel(d->inode);
    struct file *f = rt_heap_zalloc(k->shared, sizeof(*f));

    if (!f)
        return -ENOMEM;
    f->refs = 1;
    f->flags = flags;
    f->dentry = dget(d);
    f->inode = d->inode;
    *out = f;
    return 0;
}

int vfs_file_open_dentry(struct task *t, struct dentry *d, uint32_t flags,
                         struct file **out)
{
    struct inode *ino = d->inode;
    struct file *f;
    int err = vfs_file_alloc(d, flags, &f);

    if (err < 0)
        return err;
    if (ino->ops && ino->ops->open) {
        err = ino->ops->open(ino, f, t);
        if (err < 0) {
            vfs_file_put(f);
            return err;
        }
    }
    *out = f;
    return 0;
}

int vfs_file_open_inode(struct task *t, struct inode *ino, uint32_t flags,
                        const char *name, struct file **out)
{
    struct dentry *d;
    int err;

    vfs_inode_get(ino);
    d = d_alloc_root(inode_kernel(ino), ino, name ? name : "", true);
    if (!d) {
        vfs_inode_put(ino);
        return -ENOMEM;
    }
    err = vfs_file_open_dentry(t, d, flags, out);
    dput(d);
    return err;
}

struct file *vfs_file_get(struct file *f)
{
    __atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
    return f;
}

void vfs_file_put(struct file *f)
{
    struct kernel *k;

    if (!f || __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    k = inode_kernel(f->inode);
    if (f->ep_items)
        epoll_file_gone(f);
    if (f->ops && f->ops->release)
        f->ops->release(f);
    dput(f->dentry);
    rt_heap_free(k->shared, f);
}

int vfs_file_self_loc(struct file *f, struct vfs_loc *out)
{
    out->dentry = dget(f->dentry);
    out->inode = f->inode;
    return 0;
}

int vfs_file_loc(struct task *t, struct file *f, struct vfs_loc *out)
{
    (void)t;
    if (!S_ISDIR(f->inode->mode))
        return -ENOTDIR;
    return vfs_file_self_loc(f, out);
}

long vfs_file_path(struct file *f, const struct vfs_loc *root, char *buf,
                   size_t size)
{
    bool reachable;

    return d_path(f->dentry, root ? root->dentry : NULL, true, buf, size,
                  &reachable);
}

/* --- data ---------------------------------------------------------------- */

static bool readable(const struct file *f)
{
    uint32_t acc = f->flags & O_ACCMODE;
    return !(f->flags & O_PATH) && (acc == O_RDONLY || acc == O_RDWR);
}

static bool writable(const struct file *f)
{
    uint32_t acc = f->flags & O_ACCMODE;
    return !(f->flags & O_PATH) && (acc == O_WRONLY || acc == O_RDWR);
}

/* Only seekable files serialize on the position (Linux FMODE_ATOMIC_POS). */
static bool pos_locked(const struct file *f)
{
    return S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode);
}

/* A file whose llseek says -ESPIPE is a stream: no pread/pwrite. */
static bool is_stream(struct file *f)
{
    uint32_t m = f->inode->mode;

    if (S_ISFIFO(m) || S_ISSOCK(m))
        return true;
    return f->ops && f->ops->llseek && f->ops->llseek(f, 0, SEEK_CUR) == -ESPIPE;
}

static int64_t file_size(struct file *f)
{
    struct vfs_stat st;
    int err = vfs_getattr(f->inode, &st);

    return err < 0 ? err : st.size;
}

/* O_APPEND on a regular file moves (pos) to the end before each write,
 * even a pwrite (as Linux does). */
static long append_pos(struct file *f, uint64_t *pos)
{
    int64_t sz;

    if (!(f->flags & O_APPEND) || !S_ISREG(f->inode->mode))
        return 0;
    sz = file_size(f);
    if (sz < 0)
        return sz;
    *pos = (uint64_t)sz;
    return 0;
}

long vfs_read(struct task *t, struct file *f, void *buf, size_t size)
{
    bool lk = pos_locked(f);
    uint64_t pos;
    long n;

    (void)t;
    if (!readable(f))
        return -EBADF;
    if (S_ISDIR(f->inode->mode))
        return -EISDIR;
    if (!f->ops || !f->ops->read)
        return -EINVAL;
    if (lk)
        rt_lock(&f->lock, true);
    pos = f->pos;
    n = f->ops->read(f, buf, size, &pos);
    if (n >= 0)
        f->pos = pos;
    if (lk)
        rt_unlock(&f->lock, true);
    return n;
}

long vfs_write(struct task *t, struct file *f, const void *buf, size_t size)
{
    bool lk = pos_locked(f);
    uint64_t pos;
    long n;

    (void)t;
    if (!writable(f))
        return -EBADF;
    if (!f->ops || !f->ops->write)
        return -EINVAL;
    if (lk)
        rt_lock(&f->lock, true);
    pos = f->pos;
    n = append_pos(f, &pos);
    if (n < 0)
        goto out;
    n = f->ops->write(f, buf, size, &pos);
    if (n >= 0)
        f->pos = pos;
out:
    if (lk)
        rt_unlock(&f->lock, true);
    return n;
}

int vfs_file_host(struct file *f)
{
    if (!readable(f) || !S_ISREG(f->inode->mode) || !f->ops ||
        !f->ops->host_handle)
        return -ENOSYS;
    return f->ops->host_handle(f);
}

int vfs_file_map_page(struct file *f, uint64_t idx, void **page)
{
    if (!S_ISREG(f->inode->mode) || !f->ops || !f->ops->map_page)
        return -ENODEV;
    return f->ops->map_page(f, idx, page);
}

/* On a read-only mount nothing in the sandbox changes a file, so a
 * private copy cannot be told from a shared view and costs no pages. */
bool vfs_file_shareable(const struct file *f)
{
    return S_ISREG(f->inode->mode) && !f->inode->sb->read_only && f->ops &&
           f->ops->map_page;
}

int vfs_file_shared_host(struct file *f)
{
    if (!S_ISREG(f->inode->mode) || !f->ops || !f->ops->shared_handle)
        return -ENOSYS;
    return f->ops->shared_handle(f);
}

int vfs_file_writeback(struct file *f, uint64_t off, uint64_t len)
{
    if (!f->ops || !f->ops->writeback)
        return 0;
    return f->ops->writeback(f, off, len);
}

long vfs_read_host(struct task *t, struct file *f, void *buf, size_t size,
                   int64_t off)
{
    int h = vfs_file_host(f);
    long n;

    (void)t;
    if (h < 0)
        return h;
    if (off >= 0)
        return lbox_plat_file_read(h, buf, size, (uint64_t)off);
    rt_lock(&f->lock, true);
    n = lbox_plat_file_read(h, buf, size, f->pos);
    if (n > 0)
        f->pos += (uint64_t)n;
    rt_unlock(&f->lock, true);
    return n;
}

long vfs_pread(struct task *t, struct file *f, void *buf, size_t size,
               uint64_t off)
{
    (void)t;
    if (!readable(f))
        return -EBADF;
    if (S_ISDIR(f->inode->mode))
        return -EISDIR;
    if ((int64_t)off < 0)
        return -EINVAL;
    if (is_stream(f))
        return -ESPIPE;
    if (!f->ops || !f->ops->read)
        return -EINVAL;
    return f->ops->read(f, buf, size, &off);
}

long vfs_pwrite(struct task *t, struct file *f, const void *buf, size_t size,
                uint64_t off)
{
    long ret;

    (void)t;
    if (!writable(f))
        return -EBADF;
    if ((int64_t)off < 0)
        return -EINVAL;
    if (is_stream(f))
        return -ESPIPE;
    if (!f->ops || !f->ops->write)
        return -EINVAL;
    ret = append_pos(f, &off);
    if (ret < 0)
        return ret;
    return f->ops->write(f, buf, size, &off);
}

long vfs_lseek(struct task *t, struct file *f, int64_t off, int whence)
{
    bool dir = S_ISDIR(f->inode->mode);
    int64_t base, res;
    long ret;

    (void)t;
    if (f->flags & O_PATH)
        return -EBADF;
    if (f->ops && f->ops->llseek) {
        rt_lock(&f->lock, true);
        ret = f->ops->llseek(f, off, whence);
        rt_unlock(&f->lock, true);
        return ret;
    }
    if (S_ISFIFO(f->inode->mode) || S_ISSOCK(f->inode->mode))
        return -ESPIPE;
    rt_lock(&f->lock, true);
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)f->pos;
        break;
    case SEEK_END:
    case SEEK_DATA:
    case SEEK_HOLE:
        if (dir) {
            ret = -EINVAL;
            goto out;
        }
        base = file_size(f);
        if (base < 0) {
            ret = base;
            goto out;
        }
        if (whence != SEEK_END) {
            /* No holes are reported: data up to the end, a hole there. */
            if (off < 0 || off >= base) {
                ret = off < 0 ? -EINVAL : -ENXIO;
                goto out;
            }
            res = whence == SEEK_DATA ? off : base;
            f->pos = (uint64_t)res;
            ret = res;
            goto out;
        }
        break;
    default:
        ret = -EINVAL;
        goto out;
    }
    if (__builtin_add_overflow(base, off, &res) || res < 0) {
        ret = -EINVAL;
        goto out;
    }
    f->pos = (uint64_t)res;
    ret = res;
out:
    rt_unlock(&f->lock, true);
    return ret;
}

int vfs_iterate(struct task *t, struct file *f, vfs_filldir_t fill, void *ctx)
{
    int err;

    (void)t;
    if (f->flags & O_PATH)
        return -EBADF;
    if (!S_ISDIR(f->inode->mode) || !f->ops || !f->ops->iterate)
        return -ENOTDIR;
    rt_lock(&f->lock, true);
    err = f->ops->iterate(f, fill, ctx);
    rt_unlock(&f->lock, true);
    return err;
}

/* --- attributes ---------------------------------------------------------- */

int vfs_fstat(struct task *t, struct file *f, struct vfs_stat *st)
{
    (void)t;
    return vfs_getattr(f->inode, st);
}

int vfs_fstatfs_inode(struct inode *ino, struct vfs_statfs *st)
{
    int err = 0;

    memset(st, 0, sizeof(*st));
    if (ino->ops && ino->ops->statfs) {
        err = ino->ops->statfs(ino, st);
    } else {
        st->type = ino->sb->magic;
        st->bsize = st->frsize = 4096;
        st->namelen = VFS_NAME_MAX;
    }
    if (err == 0 && ino->sb->read_only)
        st->flags |= ST_RDONLY;
    return err;
}

int vfs_fstatfs(struct task *t, struct file *f, struct vfs_statfs *st)
{
    (void)t;
    return vfs_fstatfs_inode(f->inode, st);
}

int vfs_fsync(struct task *t, struct file *f)
{
    (void)t;
    if (f->flags & O_PATH)
        return -EBADF;
    if (f->ops && f->ops->fsync)
        return f->ops->fsync(f);
    if (S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode))
        return 0;
    return -EINVAL;
}

long vfs_ioctl(struct task *t, struct file *f, unsigned cmd, void *arg)
{
    (void)t;
    if (f->flags & O_PATH)
        return -EBADF;
    if (!f->ops || !f->ops->ioctl)
        return -ENOTTY;
    return f->ops->ioctl(f, cmd, arg);
}

int vfs_fsetattr(struct task *t, struct file *f, const struct vfs_setattr *sa)
{
    if (f->flags & O_PATH)
        return -EBADF;
    if ((sa->valid & VFS_ATTR_SIZE) && !writable(f))
        return -EINVAL;
    return vfs_setattr_inode(t, f->inode, sa, true);
}

int vfs_setattr_inode(struct task *t, struct inode *ino,
                      const struct vfs_setattr *sa, bool by_fd)
{
    const struct cred *c = task_cred(t);
    struct vfs_setattr s = *sa;
    struct vfs_stat st;
    bool owner, root = c->fsuid == 0;
    int err;

    err = vfs_getattr(ino, &st);
    if (err < 0)
        return err;
    owner = c->fsuid == st.uid;
    if (s.valid & VFS_ATTR_SIZE) {
        if (S_ISDIR(st.mode))
            return -EISDIR;
        if (!S_ISREG(st.mode) || s.size < 0)
            return -EINVAL;
        if (!by_fd) {
            err = vfs_permission(c, ino, MAY_WRITE);
            if (err < 0)
                return err;
        }
    }
    if (vfs_is_ro(ino))
        return -EROFS;
    if (s.valid & (VFS_ATTR_UID | VFS_ATTR_GID)) {
        if ((s.valid & VFS_ATTR_UID) && !root &&
            (!owner || s.uid != st.uid))
            return -EPERM;
        if ((s.valid & VFS_ATTR_GID) && !root &&
            (!owner || (s.gid != st.gid && !vfs_cred_in_group(c, s.gid))))
            return -EPERM;
        /* Changing owners drops set-id bits of regular files. */
        if (S_ISREG(st.mode) && !(s.valid & VFS_ATTR_MODE)) {
            uint32_t m = st.mode & 07777;
            m &= ~(uint32_t)S_ISUID;
            if (m & 010)
                m &= ~(uint32_t)S_ISGID;
            if (m != (st.mode & 07777)) {
                s.valid |= VFS_ATTR_MODE;
                s.mode = m;
            }
        }
    }
    if (s.valid & VFS_ATTR_MODE) {
        uint32_t gid = (s.valid & VFS_ATTR_GID) ? s.gid : st.gid;
        if (!owner && !root)
            return -EPERM;
        s.mode &= 07777;
        if (!root && !vfs_cred_in_group(c, gid))
            s.mode &= ~(uint32_t)S_ISGID;
    }
    if (s.valid & (VFS_ATTR_ATIME | VFS_ATTR_MTIME)) {
        if (!owner && !root)
            return -EPERM;
    } else if (s.valid & (VFS_ATTR_ATIME_NOW | VFS_ATTR_MTIME_NOW)) {
        if (!owner && !root) {
            err = vfs_permission(c, ino, MAY_WRITE);
            if (err < 0)
                return err;
        }
    }
    if (!ino->ops || !ino->ops->setattr)
        return -EPERM;
    return ino->ops->setattr(ino, &s);
}
