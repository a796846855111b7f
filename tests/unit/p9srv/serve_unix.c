// SPDX-License-Identifier: MIT
/* Test wrapper (host side): serves one host directory with the monitor's
 * 9P server on a unix socket, one confined child per connection, so that
 * diod's client tools can talk to it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/p9srv.h"

/* Usage: p9srv-serve-unix SOCKET HOSTDIR GUESTNAME NCONN */
int main(int argc, char **argv)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct mon_mount mount;
    struct mon_p9srv_config cfg;
    int lfd, nconn;

    if (argc != 5 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "usage: %s SOCKET HOSTDIR GUEST NCONN\n", argv[0]);
        return 2;
    }
    mount = (struct mon_mount){ .host = argv[2], .guest = argv[3] };
    cfg = (struct mon_p9srv_config){
        .mounts = &mount, .nmounts = 1,
        .uid = geteuid() == 0 ? 65534 : geteuid(),
        .gid = geteuid() == 0 ? 65534 : getegid(),
    };
    nconn = atoi(argv[4]);
    alarm(60);      /* never outlive a broken test */
    strcpy(sa.sun_path, argv[1]);
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(argv[1]);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(lfd, 4) < 0) {
        perror("listen");
        return 2;
    }
    printf("ready\n");
    fflush(stdout);
    for (int i = 0; i < nconn; i++) {
        int status, cfd = accept(lfd, NULL, NULL);
        pid_t pid;

        if (cfd < 0) {
            perror("accept");
            return 2;
        }
        pid = fork();
        if (pid == 0) {
            struct mon_p9srv *srv;
            int err;

            close(lfd);
            err = mon_p9srv_new(&cfg, &srv);
            if (!err)
                err = mon_p9srv_sandbox(srv);
            if (!err)
                err = mon_p9srv_serve(srv, cfd);
            if (err)
                fprintf(stderr, "p9srv: %s\n", strerror(-err));
            _exit(err ? 1 : 0);
        }
        close(cfd);
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            fprintf(stderr, "p9srv: connection %d failed\n", i);
            return 1;
        }
    }
    unlink(argv[1]);
    return 0;
}
