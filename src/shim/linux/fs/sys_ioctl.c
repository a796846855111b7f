/* SPDX-License-Identifier: MIT */
/*
 * implements ioctl(2) for the Linux shim (North side, kernel image): the
 * fd-level requests here, terminal requests copied in or out and passed to
 * vfs_ioctl with lbox memory.
 */
#include "shim/linux/fs/fs_util.h"
#include "shim/linux/fs/sys_fs.h"

enum { IO_NONE, IO_IN, IO_OUT, IO_INOUT };

/* Terminal and device requests the shim knows the argument size of. */
static const struct {
    unsigned cmd;
    unsigned size;
    int dir;
} g_ioctls[] = {
    { TCGETS,     LINUX_TERMIOS_SIZE, IO_OUT },
    { TCSETS,     LINUX_TERMIOS_SIZE, IO_IN },
    { TCSETSW,    LINUX_TERMIOS_SIZE, IO_IN },
    { TCSETSF,    LINUX_TERMIOS_SIZE, IO_IN },
    { TIOCGWINSZ, LINUX_WINSIZE_SIZE, IO_OUT },
    { TIOCSWINSZ, LINUX_WINSIZE_SIZE, IO_IN },
    { TIOCGPGRP,  4, IO_OUT },
    { TIOCSPGRP,  4, IO_IN },
    { TIOCGSID,   4, IO_OUT },
    { TIOCGPTN,   4, IO_OUT },
    { TIOCSPTLCK, 4, IO_IN },
};

/* FIONREAD on a regular file: bytes between the position and the end. */
static long fionread_reg(struct task *t, struct file *f, gaddr_t uarg)
{
    struct vfs_stat st;
    int64_t left;
    int n;
    int ret = vfs_fstat(t, f, &st);

    if (ret < 0)
        return ret;
    left = st.size - (int64_t)f->pos;
    n = left < 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : (int)left;
    return copy_to_guest(t, uarg, &n, sizeof(n));
}

static long dev_ioctl(struct task *t, struct file *f, unsigned cmd,
                      gaddr_t uarg)
{
    uint8_t karg[64];
    size_t i;
    long ret;

    for (i = 0; i < ARRAY_SIZE(g_ioctls); i++)
        if (g_ioctls[i].cmd == cmd)
            break;
    if (i == ARRAY_SIZE(g_ioctls))
        return -ENOTTY;
    /* Only character devices (ttys, ptys) take these: others say ENOTTY
     * before the argument is looked at, as Linux does. */
    if (!S_ISCHR(f->inode->mode))
        return -ENOTTY;
    memset(karg, 0, sizeof(karg));
    if (g_ioctls[i].dir == IO_IN || g_ioctls[i].dir == IO_INOUT) {
        ret = copy_from_guest(t, karg, uarg, g_ioctls[i].size);
        if (ret < 0)
            return ret;
    }
    ret = vfs_ioctl(t, f, cmd, karg);
    if (ret < 0)
        return ret;
    if (g_ioctls[i].dir == IO_OUT || g_ioctls[i].dir == IO_INOUT) {
        int err = copy_to_guest(t, uarg, karg, g_ioctls[i].size);

        if (err < 0)
            return err;
    }
    return ret;
}

long sys_ioctl(struct task *t, const uint64_t a[6])
{
    int fd = (int)a[0];
    unsigned cmd = (unsigned)a[1];
    gaddr_t uarg = a[2];
    struct file *f;
    long ret = fd_get_open(t, fd, &f);

    if (ret < 0)
        return ret;
    switch (cmd) {
    case FIOCLEX:
    case FIONCLEX:
        ret = fdt_set_cloexec(t->proc->fdt, fd, cmd == FIOCLEX);
        break;
    case FIONBIO: {
        int on;

        ret = copy_from_guest(t, &on, uarg, sizeof(on));
        if (ret < 0)
            break;
        rt_lock(&f->lock, true);
        if (on)
            f->flags |= O_NONBLOCK;
        else
            f->flags &= ~(uint32_t)O_NONBLOCK;
        rt_unlock(&f->lock, true);
        break;
    }
    case FIONREAD:
        if (S_ISREG(f->inode->mode)) {
            ret = fionread_reg(t, f, uarg);
        } else if (S_ISDIR(f->inode->mode)) {
            ret = -ENOTTY;
        } else {
            int n = 0;

            ret = vfs_ioctl(t, f, cmd, &n);
            if (ret >= 0)
                ret = copy_to_guest(t, uarg, &n, sizeof(n));
        }
        break;
    default:
        ret = dev_ioctl(t, f, cmd, uarg);
        break;
    }
    vfs_file_put(f);
    return ret;
}
