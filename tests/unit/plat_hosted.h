/* SPDX-License-Identifier: MIT */
/*
 * Test-only controls of the hosted platform (tests/unit/plat_hosted.c), the
 * glibc-backed platform.h that unit tests link against. Safe to include from
 * freestanding test code: it needs no libc header.
 */
#ifndef LBOX_TESTS_PLAT_HOSTED_H
#define LBOX_TESTS_PLAT_HOSTED_H

/*
 * Point channel (chan) (LBOX_CHAN_*) at host file descriptor (fd), or at
 * nothing with fd < 0 (calls on it then return -ENODEV). Defaults: channels
 * 0, 1 and 2 are host fds 0, 1 and 2; the others are unset. The fd stays
 * owned by the caller.
 */
void plat_hosted_set_chan(int chan, int fd);

#endif /* LBOX_TESTS_PLAT_HOSTED_H */
