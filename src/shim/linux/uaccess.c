/* SPDX-License-Identifier: MIT */
/*
 * Guest memory access for the Linux shim (kernel image). Every guest
 * pointer is checked against the user half and lbox's own ranges, then
 * copied with the platform's fault-safe routines: a bad pointer is -EFAULT
 * for the guest, never a crash of lbox.
 */
#include "core/mm.h"
#include "shim/linux/shim.h"

int copy_from_guest(struct task *t, void *dst, gaddr_t src, size_t size)
{
    if (!size)
        return 0;
    if (!mm_guest_range_ok(t->proc->mm, src, size))
        return -EFAULT;
    return lbox_plat_copy_safe(dst, (const void *)src, size);
}

int copy_to_guest(struct task *t, gaddr_t dst, const void *src, size_t size)
{
    if (!size)
        return 0;
    if (!mm_guest_range_ok(t->proc->mm, dst, size))
        return -EFAULT;
    return lbox_plat_copy_safe((void *)dst, src, size);
}

int clear_guest(struct task *t, gaddr_t dst, size_t size)
{
    static const char zero[256];

    while (size) {
        size_t n = MIN(size, sizeof(zero));
        int err = copy_to_guest(t, dst, zero, n);

        if (err < 0)
            return err;
        dst += n;
        size -= n;
    }
    return 0;
}

/* Page by page, so a string that ends just before lbox memory or the end
 * of the user half is still read. */
long strncpy_from_guest(struct task *t, char *dst, gaddr_t src, size_t max)
{
    size_t done = 0;

    while (done < max) {
        size_t room = LBOX_PAGE_SIZE - ((src + done) & (LBOX_PAGE_SIZE - 1));
        size_t n = MIN(room, max - done);
        long len;

        if (!mm_guest_range_ok(t->proc->mm, src + done, n))
            return -EFAULT;
        len = lbox_plat_strncpy_safe(dst + done, (const char *)(src + done),
                                     n);
        if (len >= 0)
            return (long)done + len;
        if (len != -ENAMETOOLONG)
            return len;
        done += n;
    }
    return -ENAMETOOLONG;
}
