/* SPDX-License-Identifier: MIT */
/*
 * The Linux shim's file-system syscall handlers (North side, kernel image),
 * one family per src/shim/linux/fs/sys_*.c file. Each has the sys_fn
 * signature and is wired in by name from src/shim/linux/syscalls.def.
 */
#ifndef LBOX_SHIM_LINUX_FS_SYS_FS_H
#define LBOX_SHIM_LINUX_FS_SYS_FS_H

#include "shim/linux/shim.h"

/* sys_rw.c */
sys_fn sys_read;
sys_fn sys_write;
sys_fn sys_readv;
sys_fn sys_writev;
sys_fn sys_pread64;
sys_fn sys_pwrite64;
sys_fn sys_preadv;
sys_fn sys_pwritev;
sys_fn sys_preadv2;
sys_fn sys_pwritev2;
sys_fn sys_lseek;

/* sys_open.c */
sys_fn sys_open;
sys_fn sys_openat;
sys_fn sys_creat;
sys_fn sys_openat2;
sys_fn sys_close;
sys_fn sys_close_range;

/* sys_dup.c */
sys_fn sys_dup;
sys_fn sys_dup2;
sys_fn sys_dup3;
sys_fn sys_fcntl;

/* sys_ioctl.c */
sys_fn sys_ioctl;

/* sys_stat.c */
sys_fn sys_stat;
sys_fn sys_lstat;
sys_fn sys_fstat;
sys_fn sys_newfstatat;
sys_fn sys_statx;
sys_fn sys_statfs;
sys_fn sys_fstatfs;
sys_fn sys_access;
sys_fn sys_faccessat;
sys_fn sys_faccessat2;
sys_fn sys_readlink;
sys_fn sys_readlinkat;

/* sys_dir.c */
sys_fn sys_getdents64;
sys_fn sys_getdents;
sys_fn sys_getcwd;
sys_fn sys_chdir;
sys_fn sys_fchdir;
sys_fn sys_chroot;

/* sys_namei.c */
sys_fn sys_mkdir;
sys_fn sys_mkdirat;
sys_fn sys_rmdir;
sys_fn sys_unlink;
sys_fn sys_unlinkat;
sys_fn sys_rename;
sys_fn sys_renameat;
sys_fn sys_renameat2;
sys_fn sys_link;
sys_fn sys_linkat;
sys_fn sys_symlink;
sys_fn sys_symlinkat;
sys_fn sys_mknod;
sys_fn sys_mknodat;

/* sys_attr.c */
sys_fn sys_chmod;
sys_fn sys_fchmod;
sys_fn sys_fchmodat;
sys_fn sys_chown;
sys_fn sys_lchown;
sys_fn sys_fchown;
sys_fn sys_fchownat;
sys_fn sys_utimensat;
sys_fn sys_utimes;
sys_fn sys_futimesat;
sys_fn sys_utime;

/* sys_sync.c */
sys_fn sys_truncate;
sys_fn sys_ftruncate;
sys_fn sys_fsync;
sys_fn sys_fdatasync;
sys_fn sys_sync;
sys_fn sys_syncfs;
sys_fn sys_umask;
sys_fn sys_fallocate;
sys_fn sys_fadvise64;

#endif /* LBOX_SHIM_LINUX_FS_SYS_FS_H */
