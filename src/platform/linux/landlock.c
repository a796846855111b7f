/* SPDX-License-Identifier: MIT */
/*
 * Landlock for the sandbox process (linux platform): the second wall
 * behind seccomp. The kernel image opens no host file and makes no
 * network call, so it handles every file and TCP right Landlock knows and
 * grants none, and scopes abstract unix sockets and signals to itself.
 */
#include "host_abi.h"
#include "plat.h"
#include "rt/rt.h"

/* Access rights known at each Landlock ABI version. */
static uint64_t fs_rights(long abi)
{
    uint64_t r = (1ULL << 13) - 1;          /* ABI 1 */

    if (abi >= 2)
        r |= 1ULL << 13;                    /* REFER */
    if (abi >= 3)
        r |= 1ULL << 14;                    /* TRUNCATE */
    if (abi >= 5)
        r |= 1ULL << 15;                    /* IOCTL_DEV */
    return r;
}

int plat_landlock_restrict(void)
{
    struct h_landlock_ruleset_attr attr = {0};
    size_t size = sizeof(attr.handled_access_fs);
    long abi, fd, err;

    abi = hcall3(HNR_landlock_create_ruleset, 0, 0,
                 H_LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1) {
        rt_log("lbox: Landlock is not available on this host (%ld); "
               "seccomp alone guards the sandbox\n", abi);
        return 0;
    }
    attr.handled_access_fs = fs_rights(abi);
    if (abi >= 4) {
        attr.handled_access_net = 0x3;      /* BIND_TCP | CONNECT_TCP */
        size = 2 * sizeof(uint64_t);
    }
    if (abi >= 6) {
        attr.scoped = 0x3;                  /* ABSTRACT_UNIX | SIGNAL */
        size = sizeof(attr);
    }
    fd = hcall3(HNR_landlock_create_ruleset, &attr, size, 0);
    if (fd < 0)
        return (int)fd;
    err = hcall4(HNR_prctl, H_PR_SET_NO_NEW_PRIVS, 1, 0, 0);
    if (!err)
        err = hcall2(HNR_landlock_restrict_self, fd, 0);
    /* The ruleset fd is not needed after restrict_self; close it so the
     * sandbox holds no descriptor but its channels. */
    hcall1(3 /* close */, fd);
    return (int)err;
}
