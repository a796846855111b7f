/* SPDX-License-Identifier: MIT */
/*
 * devfs and the standard streams (core, kernel image): /dev's device nodes
 * and the open files behind the guest's fds 0, 1 and 2.
 */
#ifndef LBOX_CORE_FS_DEVFS_H
#define LBOX_CORE_FS_DEVFS_H

#include "core/fs/vfs.h"

/*
 * A new devfs instance (mount it on /dev): null, zero, full, random,
 * urandom, tty and the stdin/stdout/stderr/fd symlinks into /proc/self.
 * Returns its root inode (one reference) or NULL.
 */
struct inode *devfs_new(struct kernel *k);

/*
 * The open file for the guest's fd (chan) (LBOX_CHAN_STDIN/STDOUT/STDERR)
 * at boot: reads and writes go to lbox_plat_chan_read/write(chan). A
 * terminal shows as the character device 136:0 ("/dev/pts/0") opened
 * O_RDWR (reads come from the stdin channel); anything else as a FIFO
 * ("pipe:[N]"), O_RDONLY for stdin and O_WRONLY otherwise.
 *
 * ioctl (Linux numbers, (arg) already copied into lbox memory):
 *   TCGETS 0x5401 / TCSETS 0x5402 / TCSETSW 0x5403 / TCSETSF 0x5404:
 *     arg is the 36-byte kernel struct termios (c_iflag, c_oflag, c_cflag,
 *     c_lflag u32, c_line u8, c_cc[19]); it is the prefix of the 60-byte
 *     layout LBOX_TTY_GETATTR/SETATTR use. TCSETSW/TCSETSF act like TCSETS
 *     (the platform has no drain/flush).
 *   TIOCGWINSZ 0x5413 / TIOCSWINSZ 0x5414: 8-byte struct winsize.
 *   TIOCGPGRP 0x540F / TIOCSPGRP 0x5410: 4-byte pid. The foreground group
 *     is the guest's own number, kept per stream (initially the opener's
 *     process group), not the host's.
 * Non-terminals answer -ENOTTY.
 */
int devfs_open_stdio(struct task *t, int chan, struct file **out);

#define DEVFS_TCGETS     0x5401
#define DEVFS_TCSETS     0x5402
#define DEVFS_TCSETSW    0x5403
#define DEVFS_TCSETSF    0x5404
#define DEVFS_TIOCGPGRP  0x540F
#define DEVFS_TIOCSPGRP  0x5410
#define DEVFS_TIOCGWINSZ 0x5413
#define DEVFS_TIOCSWINSZ 0x5414
#define DEVFS_KTERMIOS_SIZE 36

#endif /* LBOX_CORE_FS_DEVFS_H */
