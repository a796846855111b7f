// SPDX-License-Identifier: MIT
// Helper for cases/signals-async.sh: installs a SIGTERM and SIGINT
// handler (with SA_RESTART for "read-restart"), prints "ready", then
// waits in the way argv[1] names until a signal comes from outside the
// sandbox, and prints how the wait ended. "dispositions" prints which
// signals the program was started with ignored, and ends.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_got;

static void on_sig(int sig)
{
    g_got = sig;
}

int main(int argc, char **argv)
{
    const char *m = argc > 1 ? argv[1] : "";
    struct sigaction sa;
    char buf[16];

    if (!strcmp(m, "dispositions")) {
        printf("ignored:");
        for (int sig = 1; sig < 32; sig++)
            if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
                printf(" %d", sig);
        printf("\n");
        return 0;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sig;
    sa.sa_flags = !strcmp(m, "read-restart") ? SA_RESTART : 0;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    printf("ready\n");
    fflush(stdout);
    errno = 0;
    if (!strcmp(m, "sleep")) {
        struct timespec ts = {60, 0}, rem = {0, 0};
        int r = nanosleep(&ts, &rem);

        printf("nanosleep %d %s, time left %s\n", r, strerrorname_np(errno),
               rem.tv_sec > 30 ? "yes" : "no");
    } else if (!strcmp(m, "spin")) {
        volatile unsigned long i = 0;

        while (!g_got)
            i++;
        printf("spin ended\n");
    } else if (!strcmp(m, "read") || !strcmp(m, "read-restart")) {
        ssize_t n = read(0, buf, sizeof(buf));

        printf("read %zd %s\n", n, n < 0 ? strerrorname_np(errno) : "ok");
    } else if (!strcmp(m, "poll")) {
        struct pollfd p = {.fd = 0, .events = POLLIN};
        int r = poll(&p, 1, 60000);

        printf("poll %d %s\n", r, r < 0 ? strerrorname_np(errno) : "ok");
    } else if (!strcmp(m, "pause")) {
        int r = pause();

        printf("pause %d %s\n", r, strerrorname_np(errno));
    } else {
        return 2;
    }
    printf("handled %s\n", g_got == SIGTERM ? "SIGTERM" :
                           g_got == SIGINT ? "SIGINT" : "nothing");
    return 0;
}
