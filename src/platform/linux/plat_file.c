/* SPDX-License-Identifier: MIT */
/*
 * Host files a file server lent the sandbox (platform.h), on Linux: the
 * handle is a descriptor at or above HC_FD_LENT_MIN, and the filter lets
 * nothing but pread, pwrite, mmap and close reach it.
 */
#include "host_abi.h"
#include "hostcalls.h"
#include "plat.h"
#include "rt/rt.h"

long lbox_plat_file_read(int handle, void *buf, size_t size, uint64_t off)
{
    long n;

    if (handle < HC_FD_LENT_MIN)
        return -EBADF;
    do
        n = hcall4(HNR_pread64, handle, buf, size, off);
    while (n == -EINTR);
    return n;
}

long lbox_plat_file_write(int handle, const void *buf, size_t size,
                          uint64_t off)
{
    long n;

    if (!g_plat_lent_writes)
        return -ENOSYS;     /* not in this sandbox's filter */
    if (handle < HC_FD_LENT_MIN)
        return -EBADF;
    do
        n = hcall4(HNR_pwrite64, handle, buf, size, off);
    while (n == -EINTR);
    return n;
}

int lbox_plat_file_map(int handle, void *addr, size_t size, int prot,
                       uint64_t off, unsigned flags)
{
    long r;

    if (handle < HC_FD_LENT_MIN || (flags & ~LBOX_FILE_SHARED))
        return -EBADF;
    r = hcall6(HNR_mmap, addr, size, prot & (H_PROT_READ | H_PROT_WRITE |
                                             H_PROT_EXEC),
               ((flags & LBOX_FILE_SHARED) ? H_MAP_SHARED : H_MAP_PRIVATE) |
                   H_MAP_FIXED, handle, off);
    if (r < 0 && r > -4096)
        return (int)r;
    return (void *)r == addr ? 0 : -EIO;
}

void lbox_plat_file_close(int handle)
{
    if (handle >= HC_FD_LENT_MIN)
        hcall1(HNR_close, handle);
}
