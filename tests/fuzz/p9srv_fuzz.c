/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the monitor's 9P2000.L file server (host side):
 * each input is a byte stream a hostile sandbox could send, served against
 * a small export (one read-write, one read-only mount) until EOF. Replies
 * are drained and dropped. Any crash, sanitizer report or hang is a bug.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/p9srv.h"

static char g_rw[64], g_ro[64];

static void make_tree(const char *dir)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof(p), "%s/file", dir);
    f = fopen(p, "w");
    if (f) {
        fputs("hello from the export\n", f);
        fclose(f);
    }
    snprintf(p, sizeof(p), "%s/sub", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/sub/inner", dir);
    f = fopen(p, "w");
    if (f)
        fclose(f);
    snprintf(p, sizeof(p), "%s/out", dir);
    symlink("/etc", p);
    snprintf(p, sizeof(p), "%s/up", dir);
    symlink("../../..", p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct rlimit fsize = {1 << 20, 1 << 20};

    (void)argc, (void)argv;
    strcpy(g_rw, "/tmp/lbox-p9fuzz-rw-XXXXXX");
    strcpy(g_ro, "/tmp/lbox-p9fuzz-ro-XXXXXX");
    if (!mkdtemp(g_rw) || !mkdtemp(g_ro))
        abort();
    make_tree(g_rw);
    make_tree(g_ro);
    /* Writes through the rw mount stay small. */
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &fsize);
    return 0;
}

static void *drain(void *arg)
{
    int fd = *(int *)arg;
    char buf[65536];

    while (read(fd, buf, sizeof(buf)) > 0)
        ;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mon_mount m[2] = {{.host = g_rw, .guest = "/", .rw = true},
                             {.host = g_ro, .guest = "/ro", .rw = false}};
    struct mon_p9srv_config cfg = {
        .mounts = m, .nmounts = 2, .uid = getuid(), .gid = getgid(),
    };
    struct mon_p9srv *srv;
    pthread_t th;
    int sv[2];

    /* The whole input must fit in the socket buffer before serving. */
    if (size > 60000)
        return 0;
    if (mon_p9srv_new(&cfg, &srv) < 0)
        abort();
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        abort();
    if (size && write(sv[1], data, size) != (ssize_t)size)
        abort();
    shutdown(sv[1], SHUT_WR);
    pthread_create(&th, NULL, drain, &sv[1]);
    mon_p9srv_serve(srv, sv[0]);
    close(sv[0]);
    pthread_join(th, NULL);
    close(sv[1]);
    mon_p9srv_free(srv);
    return 0;
}
