/* SPDX-License-Identifier: MIT */
/*
 * The disk budget of an rw mount (monitor's file server, host side): how
 * many bytes the guest may add to it. Counted by apparent size, which the
 * server sees without asking the disk: a write or truncate past the end
 * costs what it adds, a new entry costs one block; a removed file gives
 * back its size when it was its last link. A sparse write far past the end
 * therefore costs its full apparent size (conservative). Off (budget 0)
 * nothing is counted and no call is added.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "monitor/p9srv_int.h"


int64_t p9_budget_room(const struct p9_mount *m, int64_t want)
{
    int64_t left;

    if (!m->budget || want <= 0)
        return want;
    left = (int64_t)m->budget - m->used;
    if (left <= 0)
        return -ENOSPC;
    return want < left ? want : left;
}

int p9_budget_entry(struct p9_mount *m, int dirfd, const char *name)
{
    struct stat st;

    if (!m->budget || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return 0;   /* no bound, or no new entry */
    if (p9_budget_room(m, P9_BUDGET_ENTRY) < P9_BUDGET_ENTRY)
        return -ENOSPC;
    m->used += P9_BUDGET_ENTRY;
    return 1;
}

int p9_budget_size(struct p9_mount *m, int64_t from, int64_t to)
{
    if (!m->budget)
        return 0;
    if (to > from && p9_budget_room(m, to - from) < to - from)
        return -ENOSPC;
    m->used += to - from;
    return 0;
}

void p9_budget_charge(struct p9_mount *m, int64_t bytes)
{
    if (m->budget)
        m->used += bytes;
}

void p9_budget_unlink(struct p9_mount *m, int dirfd, const char *name)
{
    struct stat st;

    if (!m->budget || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return;
    if (S_ISDIR(st.st_mode) || st.st_nlink == 1)
        m->used -= P9_BUDGET_ENTRY + (S_ISREG(st.st_mode) ? st.st_size : 0);
}
