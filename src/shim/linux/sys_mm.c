/* SPDX-License-Identifier: MIT */
/*
 * Implements mmap(2), munmap(2), mprotect(2), mremap(2), madvise(2) and
 * brk(2) for the Linux shim: flag decoding here, semantics in core/mm.c.
 */
#include "core/fdtable.h"
#include "core/mm.h"
#include "shim/linux/syscalls.h"

#define L_MAP_SHARED          0x01
#define L_MAP_PRIVATE         0x02
#define L_MAP_SHARED_VALIDATE 0x03
#define L_MAP_TYPE            0x0f
#define L_MAP_FIXED           0x10
#define L_MAP_ANONYMOUS       0x20
#define L_MAP_GROWSDOWN       0x100
#define L_MAP_DENYWRITE       0x800
#define L_MAP_EXECUTABLE      0x1000
#define L_MAP_LOCKED          0x2000
#define L_MAP_NORESERVE       0x4000
#define L_MAP_POPULATE        0x8000
#define L_MAP_NONBLOCK        0x10000
#define L_MAP_STACK           0x20000
#define L_MAP_HUGETLB         0x40000
#define L_MAP_FIXED_NOREPLACE 0x100000
#define L_MAP_KNOWN (L_MAP_TYPE | L_MAP_FIXED | L_MAP_ANONYMOUS | \
    L_MAP_GROWSDOWN | L_MAP_DENYWRITE | L_MAP_EXECUTABLE | L_MAP_LOCKED | \
    L_MAP_NORESERVE | L_MAP_POPULATE | L_MAP_NONBLOCK | L_MAP_STACK | \
    L_MAP_FIXED_NOREPLACE)

long sys_mmap(struct task *t, const uint64_t a[6])
{
    uint64_t addr = a[0], len = a[1], off = a[5];
    int prot = (int)a[2], flags = (int)a[3], fd = (int)a[4];
    unsigned mflags = 0;
    struct file *f = NULL;
    long ret;

    if (prot & ~(LBOX_PROT_READ | LBOX_PROT_WRITE | LBOX_PROT_EXEC))
        return -EINVAL;
    if ((flags & L_MAP_TYPE) != L_MAP_PRIVATE &&
        (flags & L_MAP_TYPE) != L_MAP_SHARED &&
        (flags & L_MAP_TYPE) != L_MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (flags & L_MAP_HUGETLB)
        return -EINVAL;
    if ((flags & L_MAP_TYPE) == L_MAP_SHARED_VALIDATE && (flags & ~L_MAP_KNOWN))
        return -EOPNOTSUPP;
    if (off & (LBOX_PAGE_SIZE - 1))
        return -EINVAL;
    if (len == 0)
        return -EINVAL;
    if (flags & L_MAP_FIXED)
        mflags |= MM_FIXED;
    else if (flags & L_MAP_FIXED_NOREPLACE)
        mflags |= MM_NOREPLACE;
    if (flags & L_MAP_GROWSDOWN)
        mflags |= MM_GROWSDOWN;
    if (!(flags & L_MAP_ANONYMOUS)) {
        f = fdt_get(t->proc->fdt, fd);
        if (!f)
            return -EBADF;
        if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_WRONLY) {
            ret = -EACCES;
            goto out;
        }
        if (!S_ISREG(f->inode->mode)) {
            ret = -ENODEV;
            goto out;
        }
        /*
         * Shared and writable needs a file open for writing (Linux's
         * EACCES). A file whose pages lbox holds (tmpfs, the page cache
         * of an rw mount) is shared for real; a writable shared mapping
         * of any other is refused rather than lose writes, and a
         * read-only one is a copy no one can tell apart.
         */
        if ((flags & L_MAP_TYPE) != L_MAP_PRIVATE) {
            if ((prot & LBOX_PROT_WRITE) && (f->flags & O_ACCMODE) != O_RDWR) {
                ret = -EACCES;
                goto out;
            }
            if (vfs_file_shareable(f)) {
                mflags |= MM_SHARED;
            } else if (prot & LBOX_PROT_WRITE) {
                ret = -ENODEV;
                goto out;
            }
        }
    }
    /* Shared anonymous memory is mapped private: with one process in the
     * sandbox (until fork exists) nobody can tell the difference. */
    ret = mm_map(t, addr, len, prot, mflags, f, off, NULL);
out:
    if (f)
        vfs_file_put(f);
    return ret;
}

long sys_munmap(struct task *t, const uint64_t a[6])
{
    return mm_unmap(t, a[0], a[1]);
}

/* MS_ASYNC 1, MS_INVALIDATE 2, MS_SYNC 4: every form writes back now. */
long sys_msync(struct task *t, const uint64_t a[6])
{
    unsigned flags = (unsigned)a[2];

    if (flags & ~7u || (flags & 5) == 5)
        return -EINVAL;
    return mm_sync(t, a[0], a[1]);
}

long sys_mprotect(struct task *t, const uint64_t a[6])
{
    int prot = (int)a[2];

    /* PROT_GROWSDOWN/GROWSUP (0x01000000/0x02000000) are accepted hints. */
    prot &= ~0x03000000;
    return mm_protect(t, a[0], a[1], prot);
}

long sys_mremap(struct task *t, const uint64_t a[6])
{
    return mm_remap(t, a[0], a[1], a[2], (unsigned)a[3], a[4]);
}

long sys_madvise(struct task *t, const uint64_t a[6])
{
    return mm_advise(t, a[0], a[1], (int)a[2]);
}

long sys_brk(struct task *t, const uint64_t a[6])
{
    return (long)mm_brk(t, a[0]);
}
