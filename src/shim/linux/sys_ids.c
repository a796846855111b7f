/* SPDX-License-Identifier: MIT */
/*
 * Implements the process identity calls for the Linux shim: getpid(2),
 * getppid(2), gettid(2), the uid/gid families (get/set, res, fs, groups)
 * and the process group and session calls. Identities are the library
 * OS's own: changing them inside never changes anything on the host.
 */
#include "shim/linux/syscalls.h"

#define ID_KEEP 0xffffffffu

long sys_getpid(struct task *t, const uint64_t a[6])
{
    (void)a;
    return t->proc->pid;
}

long sys_getppid(struct task *t, const uint64_t a[6])
{
    (void)a;
    return t->proc->ppid;
}

long sys_gettid(struct task *t, const uint64_t a[6])
{
    (void)a;
    return t->tid;
}

long sys_getuid(struct task *t, const uint64_t a[6])
{
    (void)a;
    return t->proc->cred.uid;
}

long sys_geteuid(struct task *t, const uint64_t a[6])
{
    (void)a;
    return t->proc->cred.euid;
}

long sys_getgid(struct task *t, const uint64_t a[6])
{
    (void)a;
    return t->proc->cred.gid;
}

long sys_getegid(struct task *t, const uint64_t a[6])
{
    (void)a;
    return t->proc->cred.egid;
}

/*
 * setresuid(2) rules, shared by the gid side: an unprivileged caller may
 * only set each id to one of its current real, effective or saved ids.
 */
static bool may_set(bool privileged, uint32_t v, uint32_t r, uint32_t e,
                    uint32_t s)
{
    return privileged || v == ID_KEEP || v == r || v == e || v == s;
}

static long set_res(struct task *t, uint32_t *r, uint32_t *e, uint32_t *s,
                    uint32_t *fs, uint32_t nr, uint32_t ne, uint32_t ns)
{
    bool priv = t->proc->cred.euid == 0;

    if (!may_set(priv, nr, *r, *e, *s) || !may_set(priv, ne, *r, *e, *s) ||
        !may_set(priv, ns, *r, *e, *s))
        return -EPERM;
    if (nr != ID_KEEP)
        *r = nr;
    if (ne != ID_KEEP)
        *e = ne;
    if (ns != ID_KEEP)
        *s = ns;
    *fs = *e;
    return 0;
}

long sys_setresuid(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;

    return set_res(t, &c->uid, &c->euid, &c->suid, &c->fsuid, (uint32_t)a[0],
                   (uint32_t)a[1], (uint32_t)a[2]);
}

long sys_setresgid(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;

    return set_res(t, &c->gid, &c->egid, &c->sgid, &c->fsgid, (uint32_t)a[0],
                   (uint32_t)a[1], (uint32_t)a[2]);
}

/* setuid(2): privileged sets all three, else only the effective id. */
long sys_setuid(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;
    uint32_t id = (uint32_t)a[0];

    if (id == ID_KEEP)
        return -EINVAL;
    if (c->euid == 0)
        return set_res(t, &c->uid, &c->euid, &c->suid, &c->fsuid, id, id, id);
    return set_res(t, &c->uid, &c->euid, &c->suid, &c->fsuid, ID_KEEP, id,
                   ID_KEEP);
}

long sys_setgid(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;
    uint32_t id = (uint32_t)a[0];

    if (id == ID_KEEP)
        return -EINVAL;
    if (c->euid == 0)
        return set_res(t, &c->gid, &c->egid, &c->sgid, &c->fsgid, id, id, id);
    return set_res(t, &c->gid, &c->egid, &c->sgid, &c->fsgid, ID_KEEP, id,
                   ID_KEEP);
}

long sys_setreuid(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;
    uint32_t r = (uint32_t)a[0], e = (uint32_t)a[1];
    uint32_t s = (r != ID_KEEP || (e != ID_KEEP && e != c->uid)) ?
                 (e != ID_KEEP ? e : c->euid) : ID_KEEP;

    return set_res(t, &c->uid, &c->euid, &c->suid, &c->fsuid, r, e, s);
}

long sys_setregid(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;
    uint32_t r = (uint32_t)a[0], e = (uint32_t)a[1];
    uint32_t s = (r != ID_KEEP || (e != ID_KEEP && e != c->gid)) ?
                 (e != ID_KEEP ? e : c->egid) : ID_KEEP;

    return set_res(t, &c->gid, &c->egid, &c->sgid, &c->fsgid, r, e, s);
}

static long get_res(struct task *t, const uint64_t a[6], uint32_t r,
                    uint32_t e, uint32_t s)
{
    if (copy_to_guest(t, a[0], &r, 4) < 0 ||
        copy_to_guest(t, a[1], &e, 4) < 0 ||
        copy_to_guest(t, a[2], &s, 4) < 0)
        return -EFAULT;
    return 0;
}

long sys_getresuid(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;

    return get_res(t, a, c->uid, c->euid, c->suid);
}

long sys_getresgid(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;

    return get_res(t, a, c->gid, c->egid, c->sgid);
}

/* setfsuid/setfsgid return the old value and never fail visibly. */
long sys_setfsuid(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;
    uint32_t old = c->fsuid, id = (uint32_t)a[0];

    if (c->euid == 0 || id == c->uid || id == c->euid || id == c->suid)
        c->fsuid = id;
    return old;
}

long sys_setfsgid(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;
    uint32_t old = c->fsgid, id = (uint32_t)a[0];

    if (c->euid == 0 || id == c->gid || id == c->egid || id == c->sgid)
        c->fsgid = id;
    return old;
}

long sys_getgroups(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;
    int size = (int)a[0];

    if (size < 0)
        return -EINVAL;
    if (size == 0)
        return c->ngroups;
    if ((uint32_t)size < c->ngroups)
        return -EINVAL;
    if (copy_to_guest(t, a[1], c->groups, c->ngroups * sizeof(uint32_t)) < 0)
        return -EFAULT;
    return c->ngroups;
}

long sys_setgroups(struct task *t, const uint64_t a[6])
{
    struct cred *c = &t->proc->cred;
    uint64_t n = a[0];
    uint32_t groups[ARRAY_SIZE(c->groups)];

    if (c->euid != 0)
        return -EPERM;
    if (n > 65536)
        return -EINVAL;
    if (n > ARRAY_SIZE(c->groups))
        return -ENOMEM;     /* lbox keeps up to 32 supplementary groups */
    if (copy_from_guest(t, groups, a[1], n * sizeof(uint32_t)) < 0)
        return -EFAULT;
    memcpy(c->groups, groups, n * sizeof(uint32_t));
    c->ngroups = (uint32_t)n;
    return 0;
}

long sys_getpgrp(struct task *t, const uint64_t a[6])
{
    (void)a;
    return t->proc->pgid;
}

long sys_getpgid(struct task *t, const uint64_t a[6])
{
    int pid = (int)a[0];

    if (pid != 0 && pid != t->proc->pid)
        return -ESRCH;
    return t->proc->pgid;
}

long sys_setpgid(struct task *t, const uint64_t a[6])
{
    int pid = (int)a[0], pgid = (int)a[1];

    if (pgid < 0)
        return -EINVAL;
    if (pid != 0 && pid != t->proc->pid)
        return -ESRCH;
    if (t->proc->sid == t->proc->pid)
        return -EPERM;      /* a session leader cannot move */
    if (pgid != 0 && pgid != t->proc->pid && pgid != t->proc->pgid)
        return -EPERM;
    t->proc->pgid = pgid ? pgid : t->proc->pid;
    return 0;
}

long sys_getsid(struct task *t, const uint64_t a[6])
{
    int pid = (int)a[0];

    if (pid != 0 && pid != t->proc->pid)
        return -ESRCH;
    return t->proc->sid;
}

long sys_setsid(struct task *t, const uint64_t a[6])
{
    (void)a;
    if (t->proc->pgid == t->proc->pid)
        return -EPERM;
    t->proc->sid = t->proc->pgid = t->proc->pid;
    return t->proc->sid;
}
