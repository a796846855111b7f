/* SPDX-License-Identifier: MIT */
/*
 * implements getdents64(2), getdents(2), getcwd(2), chdir(2), fchdir(2),
 * chroot(2) for the Linux shim (North side, kernel image).
 */
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/fs/sys_fs.h"

/* Directory records are built in a bounce buffer, then copied out. */
struct dirent_ctx {
    char *buf;
    size_t size;
    size_t used;
    bool old_format;  /* getdents: struct linux_dirent, d_type last */
    bool too_small;   /* the first entry did not fit */
};

static int fill_dirent(void *arg, const char *name, size_t name_len,
                       uint64_t ino, uint64_t next_pos, unsigned type)
{
    struct dirent_ctx *c = arg;
    size_t reclen;
    char *rec;

    if (c->old_format)
        reclen = ALIGN_UP(offsetof(struct linux_dirent, d_name) + name_len
                          + 2, 8);
    else
        reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + name_len
                          + 1, 8);
    if (reclen > c->size - c->used) {
        if (c->used == 0)
            c->too_small = true;
        return 1;
    }
    rec = c->buf + c->used;
    memset(rec, 0, reclen);
    if (c->old_format) {
        struct linux_dirent d = { ino, next_pos, (uint16_t)reclen };

        memcpy(rec, &d, offsetof(struct linux_dirent, d_name));
        memcpy(rec + offsetof(struct linux_dirent, d_name), name, name_len);
        rec[reclen - 1] = (char)type;
    } else {
        struct linux_dirent64 d = { ino, (int64_t)next_pos, (uint16_t)reclen,
                                    (uint8_t)type };

        memcpy(rec, &d, offsetof(struct linux_dirent64, d_name));
        memcpy(rec + offsetof(struct linux_dirent64, d_name), name,
               name_len);
    }
    c->used += reclen;
    return 0;
}

static long do_getdents(struct task *t, int fd, gaddr_t ubuf, unsigned count,
                        bool old_format)
{
    struct dirent_ctx c = { 0 };
    struct file *f;
    long ret = fd_get_open(t, fd, &f);

    if (ret < 0)
        return ret;
    if (!S_ISDIR(f->inode->mode)) {
        ret = -ENOTDIR;
        goto out_put;
    }
    c.size = MIN((size_t)count, (size_t)SHIM_IO_CHUNK);
    c.old_format = old_format;
    c.buf = rt_heap_alloc(task_heap(t), c.size ? c.size : 1);
    if (!c.buf) {
        ret = -ENOMEM;
        goto out_put;
    }
    ret = vfs_iterate(t, f, fill_dirent, &c);
    if (ret == 0 && c.too_small)
        ret = -EINVAL;
    if (ret == 0) {
        ret = copy_to_guest(t, ubuf, c.buf, c.used);
        if (ret == 0)
            ret = (long)c.used;
    }
    rt_heap_free(task_heap(t), c.buf);
out_put:
    vfs_file_put(f);
    return ret;
}

long sys_getdents64(struct task *t, const uint64_t a[6])
{
    return do_getdents(t, (int)a[0], a[1], (unsigned)a[2], false);
}

long sys_getdents(struct task *t, const uint64_t a[6])
{
    return do_getdents(t, (int)a[0], a[1], (unsigned)a[2], true);
}

/*
 * getcwd: the cwd as seen from the process root, computed from the dentry
 * tree; a cwd outside the root (after chroot without chdir) is
 * "(unreachable)" + path, as in Linux, and a removed one has no path:
 * ENOENT. Returns the length including the NUL.
 */
long sys_getcwd(struct task *t, const uint64_t a[6])
{
    static const char unreachable[] = "(unreachable)";
    size_t plen = sizeof(unreachable) - 1, len;
    char *buf;
    bool deleted;
    long ret;
    int r;

    buf = rt_heap_alloc(task_heap(t), plen + VFS_PATH_MAX);
    if (!buf)
        return -ENOMEM;
    r = vfs_loc_path(&t->proc->cwd, &t->proc->root, buf + plen,
                     VFS_PATH_MAX, &deleted);
    if (r < 0) {
        ret = r;
        goto out;
    }
    if (deleted) {
        ret = -ENOENT;
        goto out;
    }
    if (r == 1)
        memcpy(buf, unreachable, plen);
    else
        plen = 0;
    len = strlen(buf + sizeof(unreachable) - 1) + plen + 1;
    ret = -ERANGE;
    if (a[1] < len)
        goto out;
    ret = copy_to_guest(t, a[0], buf + sizeof(unreachable) - 1 - plen, len);
    if (ret == 0)
        ret = (long)len;
out:
    rt_heap_free(task_heap(t), buf);
    return ret;
}

/* Replace (slot) (cwd or root) by (loc), taking it over. */
static void set_loc(struct vfs_loc *slot, struct vfs_loc *loc)
{
    struct vfs_loc old = *slot;

    *slot = *loc;
    vfs_loc_put(&old);
}

/* A directory the caller may search (vfs_resolve_dir checks MAY_EXEC). */
static long resolve_dir(struct task *t, gaddr_t upath, struct vfs_loc *out)
{
    struct vfs_loc at;
    char *path;
    long ret;

    ret = path_get(t, upath, false, &path);
    if (ret < 0)
        return ret;
    ret = at_loc(t, AT_FDCWD, path, &at);
    if (ret == 0) {
        ret = vfs_resolve_dir(t, &at, path, out);
        vfs_loc_put(&at);
    }
    path_put(t, path);
    return ret;
}

long sys_chdir(struct task *t, const uint64_t a[6])
{
    struct vfs_loc loc;
    long ret = resolve_dir(t, a[0], &loc);

    if (ret < 0)
        return ret;
    set_loc(&t->proc->cwd, &loc);
    return 0;
}

long sys_fchdir(struct task *t, const uint64_t a[6])
{
    int fd = (int)a[0];
    struct vfs_loc loc;
    struct file *f = fd_get(t, fd);
    long ret;

    if (!f)
        return -EBADF;
    if (!S_ISDIR(f->inode->mode)) {
        ret = -ENOTDIR;
        goto out;
    }
    ret = vfs_permission(task_cred(t), f->inode, MAY_EXEC);
    if (ret < 0)
        goto out;
    ret = vfs_file_loc(t, f, &loc);
    if (ret == 0)
        set_loc(&t->proc->cwd, &loc);
out:
    vfs_file_put(f);
    return ret;
}

/* chroot: the path (existence, search permission) is checked first,
 * then the privilege, as in Linux. */
long sys_chroot(struct task *t, const uint64_t a[6])
{
    struct vfs_loc loc;
    long ret = resolve_dir(t, a[0], &loc);

    if (ret < 0)
        return ret;
    if (task_cred(t)->euid != 0) {
        vfs_loc_put(&loc);
        return -EPERM;
    }
    set_loc(&t->proc->root, &loc);
    return 0;
}
