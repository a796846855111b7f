/* SPDX-License-Identifier: MIT */
/*
 * Implements execve(2) for the Linux shim: the new image replaces the old
 * one inside the same host process (no host execve). Everything that can
 * fail is checked before the old image is dropped.
 */
#include "core/fdtable.h"
#include "core/mm.h"
#include "shim/linux/boot.h"
#include "shim/linux/elf_load.h"
#include "shim/linux/syscalls.h"

#define EXEC_MAX_STRLEN (128 * 1024)    /* MAX_ARG_STRLEN */
#define EXEC_MAX_TOTAL  (2 * 1024 * 1024)
#define EXEC_MAX_COUNT  0x7fffffff

struct strv {
    char **v;
    size_t n;
};

static void strv_free(struct task *t, struct strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        rt_heap_free(task_heap(t), s->v[i]);
    rt_heap_free(task_heap(t), s->v);
}

/* Copy a guest char *[] into lbox memory; (total) counts all strings. */
static long copy_strv(struct task *t, gaddr_t src, struct strv *out,
                      size_t *total)
{
    size_t cap = 0;
    char *buf = NULL;
    long err = 0;

    out->v = NULL;
    out->n = 0;
    for (;;) {
        uint64_t p = 0;
        long len;

        if (src && copy_from_guest(t, &p, src + out->n * 8, 8) < 0) {
            err = -EFAULT;
            break;
        }
        if (out->n + 1 >= cap) {
            char **v;

            cap = cap ? cap * 2 : 16;
            v = rt_heap_realloc(task_heap(t), out->v, cap * sizeof(*v));
            if (!v) {
                err = -ENOMEM;
                break;
            }
            out->v = v;
        }
        out->v[out->n] = NULL;
        if (!src || !p)
            break;
        if (out->n >= EXEC_MAX_COUNT) {
            err = -E2BIG;
            break;
        }
        buf = rt_heap_alloc(task_heap(t), EXEC_MAX_STRLEN);
        if (!buf) {
            err = -ENOMEM;
            break;
        }
        len = strncpy_from_guest(t, buf, p, EXEC_MAX_STRLEN);
        if (len < 0) {
            rt_heap_free(task_heap(t), buf);
            err = len == -ENAMETOOLONG ? -E2BIG : len;
            break;
        }
        *total += (size_t)len + 1 + 8;
        if (*total > EXEC_MAX_TOTAL) {
            rt_heap_free(task_heap(t), buf);
            err = -E2BIG;
            break;
        }
        out->v[out->n] = rt_heap_realloc(task_heap(t), buf, (size_t)len + 1);
        if (!out->v[out->n])
            out->v[out->n] = buf;
        out->n++;
    }
    if (err < 0)
        strv_free(t, out);
    return err;
}

void proc_set_cmdline(struct task *t, char *const argv[])
{
    size_t size = 0, pos = 0;
    char *buf;

    for (char *const *a = argv; *a; a++)
        size += strlen(*a) + 1;
    buf = rt_heap_alloc(task_heap(t), size ? size : 1);
    if (!buf)
        return;
    for (char *const *a = argv; *a; a++) {
        size_t n = strlen(*a) + 1;

        memcpy(buf + pos, *a, n);
        pos += n;
    }
    rt_heap_free(task_heap(t), t->proc->cmdline);
    t->proc->cmdline = buf;
    t->proc->cmdline_size = size;
}

/* What survives an exec and what does not (execve(2) "effects"). */
static void reset_for_exec(struct task *t)
{
    struct process *p = t->proc;

    fdt_close_on_exec(p->fdt);
    for (int i = 0; i < 64; i++) {
        struct k_sigaction *a = &p->sigactions[i];

        if (a->handler > 1)
            *a = (struct k_sigaction){0, 0, 0, 0};
    }
    t->altstack_sp = t->altstack_size = t->altstack_flags = 0;
    timer_exec(t);
    t->robust_list = t->robust_list_size = 0;
    t->clear_child_tid = 0;
    lbox_plat_set_guest_tp(0);
}

long sys_execve(struct task *t, const uint64_t a[6])
{
    struct strv argv = {0}, envp = {0};
    struct elf_exec *x = NULL;
    size_t total = 0;
    char *path = NULL, msg[2];
    long err;

    err = path_get(t, a[0], false, &path);
    if (err < 0)
        return err;
    err = copy_strv(t, a[1], &argv, &total);
    if (err < 0)
        goto out_path;
    err = copy_strv(t, a[2], &envp, &total);
    if (err < 0)
        goto out_argv;
    err = elf_exec_prepare(t, path, argv.v, envp.v, &x, msg, sizeof(msg));
    if (err < 0)
        goto out_envp;
    /* The point of no return. The other threads go first, and the
     * caller takes the process's id, as on Linux. */
    err = task_end_others(t);
    if (err < 0) {
        elf_exec_free(t, x);
        goto out_envp;          /* it leaves at the entry's end */
    }
    t->tid = t->proc->pid;
    mm_clear_guest(t);
    reset_for_exec(t);
    err = elf_exec_commit(t, x, t->regs);
    if (err < 0) {
        rt_log("lbox: execve %s failed after the old image was gone (%ld)\n",
               path, err);
        lbox_plat_exit_signal(11);
    }
    proc_set_cmdline(t, argv.v);
    t->regs = NULL;     /* the entry must not overwrite the new registers */
    err = 0;
    elf_exec_free(t, x);
out_envp:
    strv_free(t, &envp);
out_argv:
    strv_free(t, &argv);
out_path:
    path_put(t, path);
    return err;
}
