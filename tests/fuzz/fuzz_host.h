/* SPDX-License-Identifier: MIT */
/*
 * Host-side helpers (glibc) for the in-process fuzzers of kernel-image code
 * (syscall_fuzz.c, p9c_fuzz.c): what freestanding code cannot do itself.
 * Safe to include from freestanding code: it needs no libc header.
 */
#ifndef LBOX_TESTS_FUZZ_HOST_H
#define LBOX_TESTS_FUZZ_HOST_H

#include <stddef.h>
#include <stdint.h>

/*
 * Run fn(arg). A lbox_plat_exit or lbox_plat_exit_signal inside it (the
 * guest ended its process) returns here instead of ending the fuzzer:
 * returns 1 then, 0 when fn returned.
 */
int fuzz_host_run(void (*fn)(void *), void *arg);

/* A new read-write host fd of /dev/null, or -1. */
int fuzz_host_devnull(void);

/*
 * A connected stream socket pair; (data) is queued for reading at *(cfd)
 * and then end of stream. *(sfd) keeps what is written to *(cfd) unread.
 * Returns 0 or -1.
 */
int fuzz_host_feed(const uint8_t *data, size_t size, int *cfd, int *sfd);

void fuzz_host_close(int fd);

#endif /* LBOX_TESTS_FUZZ_HOST_H */
