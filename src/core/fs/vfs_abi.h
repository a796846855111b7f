/* SPDX-License-Identifier: MIT */
/*
 * File-system constants used by the core (kernel image): open flags, mode
 * bits, AT_* flags, dirent types. The numbers are Linux x86-64's, taken once
 * as lbox's own so the Linux shim passes them through unchanged; host
 * headers never decide them.
 */
#ifndef LBOX_CORE_VFS_ABI_H
#define LBOX_CORE_VFS_ABI_H

#define O_ACCMODE   00000003
#define O_RDONLY    00000000
#define O_WRONLY    00000001
#define O_RDWR      00000002
#define O_CREAT     00000100
#define O_EXCL      00000200
#define O_NOCTTY    00000400
#define O_TRUNC     00001000
#define O_APPEND    00002000
#define O_NONBLOCK  00004000
#define O_DSYNC     00010000
#define O_ASYNC     00020000
#define O_DIRECT    00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW  00400000
#define O_NOATIME   01000000
#define O_CLOEXEC   02000000
#define O_SYNC      04010000
#define O_PATH      010000000
#define O_TMPFILE   020200000

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISUID  0004000
#define S_ISGID  0002000
#define S_ISVTX  0001000
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS          0x200
#define AT_REMOVEDIR        0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_NO_AUTOMOUNT     0x800
#define AT_EMPTY_PATH       0x1000

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

#define MAY_EXEC  1
#define MAY_WRITE 2
#define MAY_READ  4

#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4

#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12
#define VFS_DT_FROM_MODE(m) (((m) & S_IFMT) >> 12)

#define VFS_RENAME_NOREPLACE 1
#define VFS_RENAME_EXCHANGE  2
#define VFS_RENAME_WHITEOUT  4

#define VFS_NAME_MAX    255
#define VFS_PATH_MAX    4096
#define VFS_SYMLINK_MAX 40

/* statfs f_type values. */
#define TMPFS_MAGIC     0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define V9FS_MAGIC      0x01021997
#define DEVFS_MAGIC     0x01021994 /* devtmpfs reports tmpfs's */

/* poll(2) event bits. */
#define VFS_POLLIN     0x001
#define VFS_POLLPRI    0x002
#define VFS_POLLOUT    0x004
#define VFS_POLLERR    0x008
#define VFS_POLLHUP    0x010
#define VFS_POLLNVAL   0x020
#define VFS_POLLRDNORM 0x040
#define VFS_POLLRDBAND 0x080
#define VFS_POLLWRNORM 0x100
#define VFS_POLLWRBAND 0x200

#define ST_RDONLY 1
#define ST_NOSUID 2

#endif /* LBOX_CORE_VFS_ABI_H */
