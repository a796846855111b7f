/* SPDX-License-Identifier: MIT */
/*
 * Implements sendfile(2) for the Linux shim: a copy between two open files
 * through an lbox buffer, with Linux's offset and count rules.
 */
#include "core/fdtable.h"
#include "shim/linux/syscalls.h"

#define SENDFILE_MAX 0x7ffff000L    /* MAX_RW_COUNT */

long sys_sendfile(struct task *t, const uint64_t a[6])
{
    struct file *out = fdt_get(t->proc->fdt, (int)a[0]);
    struct file *in = fdt_get(t->proc->fdt, (int)a[1]);
    uint64_t count = MIN(a[3], (uint64_t)SENDFILE_MAX), done = 0;
    int64_t off = 0;
    char *buf = NULL;
    long ret;

    if (!out || !in) {
        ret = -EBADF;
        goto out;
    }
    if ((in->flags & O_ACCMODE) == O_WRONLY || (in->flags & O_PATH) ||
        (out->flags & O_ACCMODE) == O_RDONLY || (out->flags & O_PATH)) {
        ret = -EBADF;
        goto out;
    }
    if (out->flags & O_APPEND) {
        ret = -EINVAL;
        goto out;
    }
    if (a[2]) {
        if (copy_from_guest(t, &off, a[2], sizeof(off)) < 0) {
            ret = -EFAULT;
            goto out;
        }
        if (off < 0) {
            ret = -EINVAL;
            goto out;
        }
    }
    buf = rt_heap_alloc(task_heap(t), SHIM_IO_CHUNK);
    if (!buf) {
        ret = -ENOMEM;
        goto out;
    }
    ret = 0;
    while (done < count) {
        size_t n = (size_t)MIN(count - done, (uint64_t)SHIM_IO_CHUNK);
        long r = a[2] ? vfs_pread(t, in, buf, n, (uint64_t)off + done)
                      : vfs_read(t, in, buf, n);
        long w;

        if (r <= 0) {
            ret = r;
            break;
        }
        w = vfs_write(t, out, buf, (size_t)r);
        if (w < 0) {
            ret = w;
            break;
        }
        done += (uint64_t)w;
        if (w < r) {
            if (!a[2])  /* give back what was read but not written */
                vfs_lseek(t, in, w - r, SEEK_CUR);
            break;
        }
        if ((size_t)r < n)
            break;
    }
    if (done)
        ret = (long)done;
    if (a[2] && done) {
        off += (int64_t)done;
        copy_to_guest(t, a[2], &off, sizeof(off));
    }
out:
    rt_heap_free(task_heap(t), buf);
    if (out)
        vfs_file_put(out);
    if (in)
        vfs_file_put(in);
    return ret;
}
