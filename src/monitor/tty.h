/* SPDX-License-Identifier: MIT */
#ifndef LBOX_MONITOR_TTY_H
#define LBOX_MONITOR_TTY_H

#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <termios.h>

/*
 * The user's terminal as it was before the guest ran (monitor, host side).
 * The guest may change the attributes and window size of the terminals on
 * its standard streams (hostcalls.def allows TCSETS* and TIOCSWINSZ); the
 * monitor puts them back when the sandbox ends, however it ends.
 */
struct mon_tty_state {
    unsigned n;
    struct {
        int fd;
        dev_t rdev;
        struct termios attr;
        struct winsize ws;
        bool has_ws;
    } t[3];
};

/* Record each distinct terminal among fds 0, 1 and 2. */
void mon_tty_save(struct mon_tty_state *s);

/* Put them back; done from the background too (SIGTTOU held off). */
void mon_tty_restore(const struct mon_tty_state *s);

#endif /* LBOX_MONITOR_TTY_H */
