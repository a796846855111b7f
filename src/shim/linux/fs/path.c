/* SPDX-License-Identifier: MIT */
/*
 * Path arguments and *at() starting places for the Linux shim (North side,
 * kernel image): copies guest path strings into private-heap buffers and
 * turns a dirfd into the vfs_loc a walk starts from.
 */
#include "core/fdtable.h"
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/shim.h"

long path_get(struct task *t, gaddr_t src, bool allow_empty, char **out)
{
    char *buf = rt_heap_alloc(task_heap(t), VFS_PATH_MAX);
    long len;

    if (!buf)
        return -ENOMEM;
    len = strncpy_from_guest(t, buf, src, VFS_PATH_MAX);
    if (len == 0 && !allow_empty)
        len = -ENOENT;
    if (len < 0) {
        rt_heap_free(task_heap(t), buf);
        return len;
    }
    *out = buf;
    return len;
}

void path_put(struct task *t, char *path)
{
    if (path)
        rt_heap_free(task_heap(t), path);
}

int at_loc(struct task *t, int dirfd, const char *path, struct vfs_loc *out)
{
    struct file *f;
    int ret;

    if (path && path[0] == '/')
        return vfs_loc_dup(t->k, &t->proc->root, out);
    if (dirfd == AT_FDCWD)
        return vfs_loc_dup(t->k, &t->proc->cwd, out);
    f = fdt_get(t->proc->fdt, dirfd);
    if (!f)
        return -EBADF;
    if (S_ISDIR(f->inode->mode))
        ret = vfs_file_loc(t, f, out);
    else if (path && path[0] == '\0')
        ret = vfs_file_self_loc(f, out);
    else
        ret = -ENOTDIR;
    vfs_file_put(f);
    return ret;
}

uint64_t nofile_limit(struct task *t)
{
    uint64_t cur = t->proc->rlimits[RLIMIT_NOFILE].cur;

    return MIN(cur, (uint64_t)NR_OPEN_MAX);
}

struct file *fd_get(struct task *t, int fd)
{
    return fdt_get(t->proc->fdt, fd);
}

long fd_get_open(struct task *t, int fd, struct file **out)
{
    struct file *f = fd_get(t, fd);

    if (!f)
        return -EBADF;
    if (file_is_path(f)) {
        vfs_file_put(f);
        return -EBADF;
    }
    *out = f;
    return 0;
}

int copy_in_partial(struct task *t, void *dst, gaddr_t src, size_t size,
                    size_t *done)
{
    size_t off = 0;

    *done = 0;
    if (copy_from_guest(t, dst, src, size) == 0) {
        *done = size;
        return 0;
    }
    /* Find how far the readable part goes, one page at a time. */
    while (off < size) {
        size_t room = LBOX_PAGE_SIZE - ((src + off) & (LBOX_PAGE_SIZE - 1));
        size_t n = MIN(size - off, room);

        if (copy_from_guest(t, (char *)dst + off, src + off, n) < 0)
            break;
        off += n;
    }
    *done = off;
    return -EFAULT;
}

int copy_out_partial(struct task *t, gaddr_t dst, const void *src,
                     size_t size, size_t *done)
{
    size_t off = 0;

    *done = 0;
    if (copy_to_guest(t, dst, src, size) == 0) {
        *done = size;
        return 0;
    }
    while (off < size) {
        size_t room = LBOX_PAGE_SIZE - ((dst + off) & (LBOX_PAGE_SIZE - 1));
        size_t n = MIN(size - off, room);

        if (copy_to_guest(t, dst + off, (const char *)src + off, n) < 0)
            break;
        off += n;
    }
    *done = off;
    return -EFAULT;
}
