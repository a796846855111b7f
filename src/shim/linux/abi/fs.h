/* SPDX-License-Identifier: MIT */
/*
 * Linux x86-64 file-system ABI layouts and constants the shim copies to and
 * from the guest (North side, kernel image): stat, statx, statfs, dirents,
 * iovec, time structs, fcntl and ioctl numbers. Numbers are Linux's, written
 * down once here so host headers never decide them.
 */
#ifndef LBOX_SHIM_LINUX_ABI_FS_H
#define LBOX_SHIM_LINUX_ABI_FS_H

#include <stddef.h>
#include <stdint.h>

/* --- time ---------------------------------------------------------------- */
struct linux_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};
_Static_assert(sizeof(struct linux_timespec) == 16, "timespec");

struct linux_timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};
_Static_assert(sizeof(struct linux_timeval) == 16, "timeval");

struct linux_utimbuf {
    int64_t actime;
    int64_t modtime;
};
_Static_assert(sizeof(struct linux_utimbuf) == 16, "utimbuf");

#define UTIME_NOW  ((1L << 30) - 1L)
#define UTIME_OMIT ((1L << 30) - 2L)

/* --- stat(2): struct stat of x86-64 (arch/x86/include/uapi/asm/stat.h) --- */
struct linux_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;      /* 512-byte units */
    int64_t st_atime_sec;
    int64_t st_atime_nsec;
    int64_t st_mtime_sec;
    int64_t st_mtime_nsec;
    int64_t st_ctime_sec;
    int64_t st_ctime_nsec;
    int64_t unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat");
_Static_assert(offsetof(struct linux_stat, st_nlink) == 16, "st_nlink");
_Static_assert(offsetof(struct linux_stat, st_mode) == 24, "st_mode");
_Static_assert(offsetof(struct linux_stat, st_rdev) == 40, "st_rdev");
_Static_assert(offsetof(struct linux_stat, st_size) == 48, "st_size");
_Static_assert(offsetof(struct linux_stat, st_atime_sec) == 72, "st_atime");
_Static_assert(offsetof(struct linux_stat, st_ctime_nsec) == 112, "st_ctime");

/* --- statx(2) ------------------------------------------------------------- */
struct linux_statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};

struct linux_statx {
    uint32_t stx_mask;
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    struct linux_statx_timestamp stx_atime;
    struct linux_statx_timestamp stx_btime;
    struct linux_statx_timestamp stx_ctime;
    struct linux_statx_timestamp stx_mtime;
    uint32_t stx_rdev_major;
    uint32_t stx_rdev_minor;
    uint32_t stx_dev_major;
    uint32_t stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align;
    uint32_t stx_dio_offset_align;
    uint64_t spare3[12];
};
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx");
_Static_assert(offsetof(struct linux_statx, stx_mode) == 28, "stx_mode");
_Static_assert(offsetof(struct linux_statx, stx_ino) == 32, "stx_ino");
_Static_assert(offsetof(struct linux_statx, stx_atime) == 64, "stx_atime");
_Static_assert(offsetof(struct linux_statx, stx_mtime) == 112, "stx_mtime");
_Static_assert(offsetof(struct linux_statx, stx_rdev_major) == 128, "rdev");
_Static_assert(offsetof(struct linux_statx, stx_mnt_id) == 144, "mnt_id");

#define STATX_TYPE        0x00000001U
#define STATX_MODE        0x00000002U
#define STATX_NLINK       0x00000004U
#define STATX_UID         0x00000008U
#define STATX_GID         0x00000010U
#define STATX_ATIME       0x00000020U
#define STATX_MTIME       0x00000040U
#define STATX_CTIME       0x00000080U
#define STATX_INO         0x00000100U
#define STATX_SIZE        0x00000200U
#define STATX_BLOCKS      0x00000400U
#define STATX_BASIC_STATS 0x000007ffU
#define STATX_BTIME       0x00000800U
#define STATX_RESERVED    0x80000000U

#define AT_STATX_SYNC_TYPE    0x6000
#define AT_STATX_FORCE_SYNC   0x2000
#define AT_STATX_DONT_SYNC    0x4000

/* Major/minor of a glibc makedev()-encoded dev_t (what vfs_stat holds). */
static inline uint32_t linux_dev_major(uint64_t dev)
{
    return (uint32_t)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffULL));
}

static inline uint32_t linux_dev_minor(uint64_t dev)
{
    return (uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffULL));
}

/* --- statfs(2): struct statfs of x86-64 ----------------------------------- */
struct linux_statfs {
    int64_t f_type;
    int64_t f_bsize;
    uint64_t f_blocks;
    uint64_t f_bfree;
    uint64_t f_bavail;
    uint64_t f_files;
    uint64_t f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen;
    int64_t f_frsize;
    int64_t f_flags;
    int64_t f_spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs");
_Static_assert(offsetof(struct linux_statfs, f_fsid) == 56, "f_fsid");
_Static_assert(offsetof(struct linux_statfs, f_flags) == 80, "f_flags");

#define ST_VALID 0x0020 /* f_flags is filled in (always set by Linux) */

/* --- directory entries ---------------------------------------------------- */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};
_Static_assert(offsetof(struct linux_dirent64, d_name) == 19, "dirent64");

/* The old getdents(2) record; d_type sits in the last byte of the record. */
struct linux_dirent {
    uint64_t d_ino;
    uint64_t d_off;
    uint16_t d_reclen;
    char d_name[];
};
_Static_assert(offsetof(struct linux_dirent, d_name) == 18, "dirent");

/* --- iovec ----------------------------------------------------------------- */
struct linux_iovec {
    uint64_t iov_base;  /* guest address */
    uint64_t iov_len;
};
_Static_assert(sizeof(struct linux_iovec) == 16, "iovec");

#define UIO_MAXIOV   1024
/* Linux caps one read/write at INT_MAX rounded down to a page. */
#define MAX_RW_COUNT 0x7ffff000L

#define RWF_HIPRI  0x01
#define RWF_DSYNC  0x02
#define RWF_SYNC   0x04
#define RWF_NOWAIT 0x08
#define RWF_APPEND 0x10

/* --- open ------------------------------------------------------------------ */
struct linux_open_how {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
};
_Static_assert(sizeof(struct linux_open_how) == 24, "open_how");
#define OPEN_HOW_SIZE_VER0 24

#define RESOLVE_NO_XDEV       0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS   0x04
#define RESOLVE_BENEATH       0x08
#define RESOLVE_IN_ROOT       0x10
#define RESOLVE_CACHED        0x20

#define CLOSE_RANGE_UNSHARE 0x2
#define CLOSE_RANGE_CLOEXEC 0x4

/* --- fcntl ----------------------------------------------------------------- */
#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_GETLK         5
#define F_SETLK         6
#define F_SETLKW        7
#define F_SETOWN        8
#define F_GETOWN        9
#define F_SETSIG        10
#define F_GETSIG        11
#define F_OFD_GETLK     36
#define F_OFD_SETLK     37
#define F_OFD_SETLKW    38
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ    1031
#define F_GETPIPE_SZ    1032

#define FD_CLOEXEC 1

#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2

struct linux_flock {
    int16_t l_type;
    int16_t l_whence;
    int32_t pad0;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
    int32_t pad1;
};
_Static_assert(sizeof(struct linux_flock) == 32, "struct flock");
_Static_assert(offsetof(struct linux_flock, l_start) == 8, "l_start");
_Static_assert(offsetof(struct linux_flock, l_pid) == 24, "l_pid");

/* --- ioctl ----------------------------------------------------------------- */
#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TIOCSCTTY  0x540E
#define TIOCGPGRP  0x540F
#define TIOCSPGRP  0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B
#define FIONBIO    0x5421
#define TIOCGSID   0x5429
#define TIOCGPTN   0x80045430U
#define TIOCSPTLCK 0x40045431U
#define FIONCLEX   0x5450
#define FIOCLEX    0x5451

#define LINUX_TERMIOS_SIZE 36   /* struct termios (kernel's, c_cc[19]) */
#define LINUX_WINSIZE_SIZE 8

/* --- misc ------------------------------------------------------------------ */
#define RLIMIT_NOFILE 7
#define NR_OPEN_MAX   1048576   /* fs.nr_open default: fds above are EMFILE */

#define FALLOC_FL_KEEP_SIZE 0x01

#define POSIX_FADV_NORMAL     0
#define POSIX_FADV_RANDOM     1
#define POSIX_FADV_SEQUENTIAL 2
#define POSIX_FADV_WILLNEED   3
#define POSIX_FADV_DONTNEED   4
#define POSIX_FADV_NOREUSE    5

#endif /* LBOX_SHIM_LINUX_ABI_FS_H */
