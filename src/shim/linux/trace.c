/* SPDX-License-Identifier: MIT */
/*
 * --trace and --stats output (Linux shim): one strace-like line per guest
 * syscall on the diagnostic stream, and a count table at exit.
 */
#include "core/fs/vfs_abi.h"
#include "core/p9/p9_client.h"
#include "shim/linux/syscalls.h"

#define TRACE_LINE 1024
#define TRACE_STR 48

struct out {
    char buf[TRACE_LINE];
    size_t len;
};

static void put(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->len >= sizeof(o->buf) - 1)
        return;
    va_start(ap, fmt);
    n = rt_vsnprintf(o->buf + o->len, sizeof(o->buf) - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len = MIN(o->len + (size_t)n, sizeof(o->buf) - 1);
}

/* A guest string or buffer, escaped and cut like strace does. */
static void put_guest_bytes(struct out *o, struct task *t, uint64_t addr,
                            size_t size, bool is_string)
{
    char raw[TRACE_STR + 1];
    size_t n = MIN(size, (size_t)TRACE_STR), i;
    long len;

    if (is_string) {
        len = strncpy_from_guest(t, raw, addr, sizeof(raw));
        if (len == -ENAMETOOLONG)
            len = TRACE_STR;
        else if (len < 0) {
            put(o, "%#lx", (unsigned long)addr);
            return;
        }
        n = (size_t)len;
        size = n + (len == TRACE_STR);
    } else if (copy_from_guest(t, raw, addr, n) < 0) {
        put(o, "%#lx", (unsigned long)addr);
        return;
    }
    put(o, "\"");
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)raw[i];

        if (c == '\n')
            put(o, "\\n");
        else if (c == '\t')
            put(o, "\\t");
        else if (c == '"' || c == '\\')
            put(o, "\\%c", c);
        else if (c < 32 || c >= 127)
            put(o, "\\%o", c);
        else
            put(o, "%c", c);
    }
    put(o, "\"%s", size > n ? "..." : "");
}

static void put_open_flags(struct out *o, uint64_t f)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        {O_CREAT, "O_CREAT"}, {O_EXCL, "O_EXCL"}, {O_NOCTTY, "O_NOCTTY"},
        {O_TRUNC, "O_TRUNC"}, {O_APPEND, "O_APPEND"},
        {O_NONBLOCK, "O_NONBLOCK"}, {O_DIRECTORY, "O_DIRECTORY"},
        {O_NOFOLLOW, "O_NOFOLLOW"}, {O_CLOEXEC, "O_CLOEXEC"},
        {O_PATH, "O_PATH"}, {O_LARGEFILE, "O_LARGEFILE"},
    };
    static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR",
                                      "O_ACCMODE"};

    put(o, "%s", acc[f & O_ACCMODE]);
    f &= ~(uint64_t)O_ACCMODE;
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if ((f & names[i].bit) == names[i].bit) {
            put(o, "|%s", names[i].name);
            f &= ~(uint64_t)names[i].bit;
        }
    }
    if (f)
        put(o, "|%#lo", (unsigned long)f);
}

static void put_arg(struct out *o, struct task *t, char kind, uint64_t v,
                    uint64_t next)
{
    switch (kind) {
    case 'd':
        put(o, "%d", (int)v);
        break;
    case 'u':
        put(o, "%lu", (unsigned long)v);
        break;
    case 'o':
        put(o, "%#lo", (unsigned long)v);
        break;
    case 'p':
        if (v)
            put(o, "%#lx", (unsigned long)v);
        else
            put(o, "NULL");
        break;
    case 's':
        put_guest_bytes(o, t, v, 0, true);
        break;
    case 'B':
        put_guest_bytes(o, t, v, (size_t)next, false);
        break;
    case 'f':
        if ((int)v == AT_FDCWD)
            put(o, "AT_FDCWD");
        else
            put(o, "%d", (int)v);
        break;
    case 'O':
        put_open_flags(o, v);
        break;
    default:
        put(o, "%#lx", (unsigned long)v);
    }
}

void trace_syscall(struct task *t, long nr, const uint64_t a[6], long ret)
{
    const struct syscall_desc *d = NULL;
    struct out o = {.len = 0};
    const char *args = "";

    if (nr >= 0 && nr < SYSCALL_TABLE_SIZE && g_syscall_table[nr].name)
        d = &g_syscall_table[nr];
    put(&o, "[lbox %d] ", t->tid);
    if (d) {
        put(&o, "%s(", d->name);
        args = d->args ? d->args : "";
        for (int i = 0; i < 6 && args[i]; i++) {
            if (i)
                put(&o, ", ");
            put_arg(&o, t, args[i], a[i], i < 5 ? a[i + 1] : 0);
        }
        if (!d->args)
            put(&o, "...");
    } else {
        put(&o, "syscall_%ld(...", nr);
    }
    if (nr == 60 || nr == 231)
        put(&o, ") = ?\n");
    else if (ret < 0 && ret > -4096)
        put(&o, ") = -1 %s%s\n", errno_name(-ret) ? errno_name(-ret) : "?",
            d && d->kind == SYS_NOSYS ? " (not implemented in lbox)" : "");
    else if (args[0] == 'x' && (nr == 9 || nr == 12 || nr == 25))
        put(&o, ") = %#lx\n", (unsigned long)ret);
    else
        put(&o, ") = %ld\n", ret);
    lbox_plat_log(o.buf, o.len);
}

/* 9P requests to the file server, summed over the system and user
 * channels: what a host file operation cost in round trips. */
static void p9_stats_print(struct kernel *k)
{
    struct p9_client *cl[] = {k->p9, k->p9_user};
    uint64_t total = 0;

    rt_log("lbox: 9P requests (all processes)\n");
    rt_log("%10s  %s\n", "requests", "message");
    for (unsigned type = 0; type < P9_NTYPES; type++) {
        uint64_t n = 0;

        for (size_t i = 0; i < ARRAY_SIZE(cl); i++)
            n += cl[i] ? p9_client_sent(cl[i], (uint8_t)type) : 0;
        if (!n)
            continue;
        total += n;
        rt_log("%10lu  T%s\n", (unsigned long)n,
               p9_msg_name((uint8_t)type) ? p9_msg_name((uint8_t)type) : "?");
    }
    rt_log("%10lu  total\n", (unsigned long)total);
}

void stats_print(struct task *t)
{
    struct shim_proc *sp = shim_proc(t);
    struct out o;
    uint64_t total = 0;

    rt_log("lbox: syscall statistics (pid %d)\n", t->proc->pid);
    rt_log("%10s %8s  %s\n", "calls", "errors", "syscall");
    for (unsigned nr = 0; nr < SYSCALL_TABLE_SIZE; nr++) {
        const struct syscall_desc *d = &g_syscall_table[nr];

        if (!sp->counts[nr])
            continue;
        total += sp->counts[nr];
        o.len = 0;
        put(&o, "%10lu %8lu  %s%s\n", (unsigned long)sp->counts[nr],
            (unsigned long)sp->errors[nr], d->name,
            d->kind == SYS_NOSYS ? "  (unimplemented)" : "");
        lbox_plat_log(o.buf, o.len);
    }
    if (sp->unknown)
        rt_log("%10lu %8lu  (unknown numbers)\n", (unsigned long)sp->unknown,
               (unsigned long)sp->unknown);
    rt_log("%10lu           total\n", (unsigned long)(total + sp->unknown));
    p9_stats_print(t->k);
}
