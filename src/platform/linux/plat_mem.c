/* SPDX-License-Identifier: MIT */
/* Page management of platform.h on Linux: anonymous host mappings only. */
#include "host_abi.h"
#include "plat.h"

static int host_prot(int prot)
{
    return prot & (H_PROT_READ | H_PROT_WRITE | H_PROT_EXEC);
}

int lbox_plat_page_map(void **addr, size_t size, int prot, unsigned flags)
{
    long hflags = H_MAP_ANONYMOUS;
    long r;

    hflags |= (flags & LBOX_MAP_SHARED) ? H_MAP_SHARED : H_MAP_PRIVATE;
    if (flags & LBOX_MAP_FIXED)
        hflags |= H_MAP_FIXED;
    else if (flags & LBOX_MAP_NOREPLACE)
        hflags |= H_MAP_FIXED_NOREPLACE;
    if (flags & LBOX_MAP_NORESERVE)
        hflags |= H_MAP_NORESERVE;
    r = hcall6(HNR_mmap, *addr, size, host_prot(prot), hflags, -1, 0);
    if (r < 0 && r > -4096)
        return (int)r;
    if ((flags & LBOX_MAP_NOREPLACE) && (void *)r != *addr) {
        /* Pre-4.17 kernels treat the flag as a hint. */
        hcall2(HNR_munmap, r, size);
        return -EEXIST;
    }
    *addr = (void *)r;
    return 0;
}

int lbox_plat_page_unmap(void *addr, size_t size)
{
    return (int)hcall2(HNR_munmap, addr, size);
}

int lbox_plat_page_protect(void *addr, size_t size, int prot)
{
    return (int)hcall3(HNR_mprotect, addr, size, host_prot(prot));
}

int lbox_plat_page_remap(void *old_addr, size_t old_size, size_t new_size,
                         unsigned flags, void **new_addr)
{
    long hflags = 0, r;

    if (flags & ~(LBOX_REMAP_MAYMOVE | LBOX_REMAP_FIXED))
        return -EINVAL;
    if (flags & LBOX_REMAP_MAYMOVE)
        hflags |= H_MREMAP_MAYMOVE;
    if (flags & LBOX_REMAP_FIXED)
        hflags |= H_MREMAP_FIXED;
    r = lbox_gate_syscall(HNR_mremap, (long)old_addr, (long)old_size,
                          (long)new_size, hflags,
                          (flags & LBOX_REMAP_FIXED) ? (long)*new_addr : 0, 0);

    if (r < 0 && r > -4096)
        return (int)r;
    *new_addr = (void *)r;
    return 0;
}

/* mremap with old_size 0 makes a second mapping of a shared one. */
int lbox_plat_page_alias(void *src, size_t size, void *dst, int prot)
{
    long r;

    if (((uintptr_t)src | (uintptr_t)dst | size) & (LBOX_PAGE_SIZE - 1) ||
        !size)
        return -EINVAL;
    r = lbox_gate_syscall(HNR_mremap, (long)src, 0, (long)size,
                          H_MREMAP_MAYMOVE | H_MREMAP_FIXED, (long)dst, 0);
    if (r < 0 && r > -4096)
        return (int)r;
    if (prot == (LBOX_PROT_READ | LBOX_PROT_WRITE))
        return 0;
    return lbox_plat_page_protect(dst, size, prot);
}

int lbox_plat_page_advise(void *addr, size_t size, int advice)
{
    switch (advice) {
    case LBOX_ADVICE_DONTNEED:
        return (int)hcall3(HNR_madvise, addr, size, H_MADV_DONTNEED);
    case LBOX_ADVICE_NORMAL:
        return 0;
    default:
        return -EINVAL;
    }
}
