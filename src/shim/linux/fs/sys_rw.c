/* SPDX-License-Identifier: MIT */
/*
 * implements read(2), write(2), readv(2), writev(2), pread64(2), pwrite64(2),
 * preadv(2), pwritev(2), preadv2(2), pwritev2(2), lseek(2) for the Linux
 * shim (North side, kernel image). Data moves through a private-heap bounce
 * buffer of at most SHIM_IO_CHUNK bytes; a fault after some bytes moved
 * returns the count so far, as Linux does.
 */
#include "core/mm.h"
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/fs/sys_fs.h"
#include "shim/linux/syscalls.h"

/* One guest segment: the layout of struct iovec, reused as is. */
typedef struct linux_iovec io_seg;

/* Where a scatter/gather walk over the segments stands. */
struct seg_cursor {
    const io_seg *seg;
    size_t idx;
    size_t off;
};

static void cursor_skip_empty(struct seg_cursor *c)
{
    while (c->seg[c->idx].iov_len == c->off) {
        c->idx++;
        c->off = 0;
    }
}

/* Move (size) bytes between (buf) and the segments at (c): scatter them to
 * the guest (to_guest) or gather them from it. (moved) gets what moved. */
static int copy_segs(struct task *t, struct seg_cursor *c, char *buf,
                     size_t size, bool to_guest, size_t *moved)
{
    size_t done = 0;

    while (done < size) {
        gaddr_t at;
        size_t n, ok;
        int ret;

        cursor_skip_empty(c);
        n = MIN(size - done, c->seg[c->idx].iov_len - c->off);
        at = c->seg[c->idx].iov_base + c->off;
        if (to_guest)
            ret = copy_out_partial(t, at, buf + done, n, &ok);
        else
            ret = copy_in_partial(t, buf + done, at, n, &ok);
        if (ret < 0) {
            *moved = done + ok;
            return -EFAULT;
        }
        done += n;
        c->off += n;
    }
    *moved = done;
    return 0;
}

/*
 * Files that may return more data after a full chunk without blocking:
 * loop over chunks for these only. Pipes, ttys and sockets get one chunk;
 * a short read is always allowed there.
 */
static bool is_bulk(const struct file *f)
{
    return S_ISREG(f->inode->mode) || S_ISBLK(f->inode->mode);
}

/*
 * A file with a host handle is read by the host straight into the guest's
 * segments, with no bounce buffer and no copy. Each segment is checked
 * to be the guest's first (the host would write anywhere it may); a
 * fault in one returns what was read before it, as Linux does.
 */
static long read_host(struct task *t, struct file *f, const io_seg *seg,
                      size_t nseg, int64_t off)
{
    size_t done = 0;
    long n = 0;

    for (size_t i = 0; i < nseg; i++) {
        size_t len = seg[i].iov_len;

        if (len == 0)
            continue;
        if (!mm_guest_range_ok(t->proc->mm, seg[i].iov_base, len)) {
            n = -EFAULT;
            break;
        }
        n = vfs_read_host(t, f, (void *)seg[i].iov_base, len,
                          off < 0 ? -1 : off + (int64_t)done);
        if (n < 0)
            break;
        done += (size_t)n;
        if ((size_t)n < len)
            break;
    }
    return done ? (long)done : n;
}

/* Read (total) bytes into the segments, at (off) or the file position when
 * (off) < 0. */
static long do_readv(struct task *t, struct file *f, const io_seg *seg,
                     size_t total, int64_t off)
{
    struct seg_cursor c = { seg, 0, 0 };
    size_t done = 0, chunk = MIN(total, (size_t)SHIM_IO_CHUNK);
    char *buf;
    long ret = 0;

    if (S_ISDIR(f->inode->mode))
        return -EISDIR;
    if (total == 0)
        return 0;
    buf = rt_heap_alloc(task_heap(t), chunk);
    if (!buf)
        return -ENOMEM;
    while (done < total) {
        size_t want = MIN(total - done, chunk), moved;
        long n;

        if (off < 0)
            n = vfs_read(t, f, buf, want);
        else
            n = vfs_pread(t, f, buf, want, (uint64_t)off + done);
        if (n < 0) {
            ret = n;
            break;
        }
        if (copy_segs(t, &c, buf, (size_t)n, true, &moved) < 0) {
            done += moved;
            ret = -EFAULT;
            break;
        }
        done += (size_t)n;
        if ((size_t)n < want || !is_bulk(f))
            break;
    }
    rt_heap_free(task_heap(t), buf);
    return done ? (long)done : ret;
}

static long do_writev(struct task *t, struct file *f, const io_seg *seg,
                      size_t total, int64_t off)
{
    struct seg_cursor c = { seg, 0, 0 };
    size_t done = 0, chunk = MIN(total, (size_t)SHIM_IO_CHUNK);
    char *buf;
    long ret = 0;

    if (total == 0)
        return 0;
    buf = rt_heap_alloc(task_heap(t), chunk);
    if (!buf)
        return -ENOMEM;
    while (done < total) {
        size_t want = MIN(total - done, chunk), got;
        int fault = copy_segs(t, &c, buf, want, false, &got);
        long n;

        if (got == 0) {
            ret = -EFAULT;
            break;
        }
        if (off < 0)
            n = vfs_write(t, f, buf, got);
        else
            n = vfs_pwrite(t, f, buf, got, (uint64_t)off + done);
        if (n < 0) {
            ret = n;
            break;
        }
        done += (size_t)n;
        if ((size_t)n < got || fault < 0)
            break;
    }
    rt_heap_free(task_heap(t), buf);
    return done ? (long)done : ret;
}

/* The file at (fd) if it is open for reading (write) or -EBADF. */
static long rw_file(struct task *t, int fd, bool write, struct file **out)
{
    struct file *f = fd_get(t, fd);

    if (!f)
        return -EBADF;
    if (write ? !file_can_write(f) : !file_can_read(f)) {
        vfs_file_put(f);
        return -EBADF;
    }
    *out = f;
    return 0;
}

/* Positional I/O needs a seekable file. */
static bool can_pread(const struct file *f)
{
    return !S_ISFIFO(f->inode->mode) && !S_ISSOCK(f->inode->mode);
}

/*
 * Copy the guest iovec array in: -EINVAL past UIO_MAXIOV or for a length
 * with the sign bit set; the total is capped at MAX_RW_COUNT by shortening
 * segments, as Linux's import_iovec does.
 */
static long import_iov(struct task *t, gaddr_t uvec, uint64_t count,
                       io_seg **out, size_t *total)
{
    io_seg *seg;
    size_t sum = 0;
    int ret;

    *out = NULL;
    *total = 0;
    if (count > UIO_MAXIOV)
        return -EINVAL;
    if (count == 0)
        return 0;
    seg = rt_heap_alloc(task_heap(t), count * sizeof(*seg));
    if (!seg)
        return -ENOMEM;
    ret = copy_from_guest(t, seg, uvec, count * sizeof(*seg));
    if (ret < 0)
        goto fail;
    for (size_t i = 0; i < count; i++) {
        if ((int64_t)seg[i].iov_len < 0) {
            ret = -EINVAL;
            goto fail;
        }
        if (seg[i].iov_len > (uint64_t)MAX_RW_COUNT - sum)
            seg[i].iov_len = (uint64_t)MAX_RW_COUNT - sum;
        sum += seg[i].iov_len;
    }
    *out = seg;
    *total = sum;
    return 0;
fail:
    rt_heap_free(task_heap(t), seg);
    return ret;
}

/* (pos) < 0: the file position, else positional. */
static long rw_common(struct task *t, int fd, io_seg *one,
                      gaddr_t uvec, uint64_t count, bool write, int64_t pos,
                      int rwf)
{
    struct file *f;
    io_seg *seg = NULL;
    size_t total;
    long ret;

    ret = rw_file(t, fd, write, &f);
    if (ret < 0)
        return ret;
    if (pos >= 0 && !can_pread(f)) {
        ret = -ESPIPE;
        goto out_put;
    }
    if (one) {
        seg = one;
        total = MIN(one->iov_len, (uint64_t)MAX_RW_COUNT);
        seg->iov_len = total;
    } else {
        ret = import_iov(t, uvec, count, &seg, &total);
        if (ret < 0)
            goto out_put;
    }
    if (write)
        ret = do_writev(t, f, seg, total, pos);
    else if (total && vfs_file_host(f) >= 0)
        ret = read_host(t, f, seg, one ? 1 : count, pos);
    else
        ret = do_readv(t, f, seg, total, pos);
    if (write && ret > 0 && (rwf & (RWF_DSYNC | RWF_SYNC))) {
        int err = vfs_fsync(t, f);

        if (err < 0)
            ret = err;
    }
    if (ret == -EINTR)
        ret = -ERESTARTSYS;     /* a signal came while it waited */
    else if (ret == -EPIPE && write)
        shim_signal_self(t, K_SIGPIPE);
    if (!one)
        rt_heap_free(task_heap(t), seg);
out_put:
    vfs_file_put(f);
    return ret;
}

/* read(2), write(2), and pread64(2), pwrite64(2) when (positional). */
static long rw_one(struct task *t, const uint64_t a[6], bool write,
                   bool positional)
{
    io_seg one = { a[1], a[2] };
    int64_t pos = positional ? (int64_t)a[3] : -1;

    if (positional && pos < 0)
        return -EINVAL;
    return rw_common(t, (int)a[0], &one, 0, 1, write, pos, 0);
}

/* preadv(2), pwritev(2): on x86-64 the offset is a[3] whole; a[4] (pos_h)
 * is ignored as in Linux. */
static long rw_vec_at(struct task *t, const uint64_t a[6], bool write)
{
    int64_t pos = (int64_t)a[3];

    if (pos < 0)
        return -EINVAL;
    return rw_common(t, (int)a[0], NULL, a[1], a[2], write, pos, 0);
}

/*
 * preadv2(2), pwritev2(2): offset -1 is the file position. RWF_HIPRI is a
 * polling hint and RWF_DSYNC/RWF_SYNC are honoured with an fsync after the
 * write; RWF_NOWAIT and RWF_APPEND are not supported.
 */
#define RWF_SUPPORTED (RWF_HIPRI | RWF_DSYNC | RWF_SYNC)

static long rw_vec2(struct task *t, const uint64_t a[6], bool write)
{
    int64_t pos = (int64_t)a[3];
    int rwf = (int)a[5];

    if (rwf & ~RWF_SUPPORTED)
        return -EOPNOTSUPP;
    if (pos < -1)
        return -EINVAL;
    return rw_common(t, (int)a[0], NULL, a[1], a[2], write, pos, rwf);
}

long sys_read(struct task *t, const uint64_t a[6])
{
    return rw_one(t, a, false, false);
}

long sys_write(struct task *t, const uint64_t a[6])
{
    return rw_one(t, a, true, false);
}

long sys_readv(struct task *t, const uint64_t a[6])
{
    return rw_common(t, (int)a[0], NULL, a[1], a[2], false, -1, 0);
}

long sys_writev(struct task *t, const uint64_t a[6])
{
    return rw_common(t, (int)a[0], NULL, a[1], a[2], true, -1, 0);
}

long sys_pread64(struct task *t, const uint64_t a[6])
{
    return rw_one(t, a, false, true);
}

long sys_pwrite64(struct task *t, const uint64_t a[6])
{
    return rw_one(t, a, true, true);
}

long sys_preadv(struct task *t, const uint64_t a[6])
{
    return rw_vec_at(t, a, false);
}

long sys_pwritev(struct task *t, const uint64_t a[6])
{
    return rw_vec_at(t, a, true);
}

long sys_preadv2(struct task *t, const uint64_t a[6])
{
    return rw_vec2(t, a, false);
}

long sys_pwritev2(struct task *t, const uint64_t a[6])
{
    return rw_vec2(t, a, true);
}

long sys_lseek(struct task *t, const uint64_t a[6])
{
    int fd = (int)a[0];
    int64_t off = (int64_t)a[1];
    unsigned whence = (unsigned)a[2];
    struct file *f;
    long ret = fd_get_open(t, fd, &f);

    if (ret < 0)
        return ret;
    if (whence > SEEK_HOLE)
        ret = -EINVAL;
    else
        ret = vfs_lseek(t, f, off, (int)whence);
    vfs_file_put(f);
    return ret;
}
