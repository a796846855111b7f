/* SPDX-License-Identifier: MIT */
/*
 * Saving and restoring the user's terminal around a sandbox (monitor, host
 * side). See tty.h.
 */
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/tty.h"

void mon_tty_save(struct mon_tty_state *s)
{
    s->n = 0;
    for (int fd = 0; fd < 3; fd++) {
        struct stat st;
        bool seen = false;

        if (!isatty(fd) || fstat(fd, &st) < 0)
            continue;
        for (unsigned i = 0; i < s->n; i++)
            seen |= s->t[i].rdev == st.st_rdev;
        if (seen || tcgetattr(fd, &s->t[s->n].attr) < 0)
            continue;
        s->t[s->n].fd = fd;
        s->t[s->n].rdev = st.st_rdev;
        s->t[s->n].has_ws = ioctl(fd, TIOCGWINSZ, &s->t[s->n].ws) == 0;
        s->n++;
    }
}

void mon_tty_restore(const struct mon_tty_state *s)
{
    sigset_t ttou, old;

    /* From a background job, tcsetattr() would stop lbox with SIGTTOU;
     * blocked, the change is made (POSIX). */
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, &old);
    for (unsigned i = 0; i < s->n; i++) {
        struct winsize now;

        tcsetattr(s->t[i].fd, TCSANOW, &s->t[i].attr);
        /* An unchanged size is left alone: setting it signals SIGWINCH. */
        if (s->t[i].has_ws && ioctl(s->t[i].fd, TIOCGWINSZ, &now) == 0 &&
            (now.ws_row != s->t[i].ws.ws_row ||
             now.ws_col != s->t[i].ws.ws_col ||
             now.ws_xpixel != s->t[i].ws.ws_xpixel ||
             now.ws_ypixel != s->t[i].ws.ws_ypixel))
            ioctl(s->t[i].fd, TIOCSWINSZ, &s->t[i].ws);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}
