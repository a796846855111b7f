/* SPDX-License-Identifier: MIT */
/*
 * The Linux shim's program loader (North side, kernel image): follows "#!"
 * chains, validates the ELF executable and its interpreter through
 * elf_parse, then maps them with mm_map, has elf_stack.c build Linux's
 * initial stack and sets the start registers. Guest memory is written only
 * through lbox_plat_copy_safe.
 */
#include <lbox/platform.h>

#include "core/fs/vfs.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "rt/rt.h"
#include "shim/linux/abi/elf.h"
#include "shim/linux/elf_load.h"
#include "shim/linux/elf_load_internal.h"
#include "shim/linux/elf_parse.h"
#include "shim/linux/vdso.h"

#define HDR_READ        4096            /* first read of a file */
#define ARG_TOTAL_MAX   (2ULL << 20)    /* a quarter of an 8 MiB stack */
#define ARG_STRLEN_MAX  (32 * PAGE)     /* Linux's MAX_ARG_STRLEN */
#define BRK_RND         (32ULL << 20)   /* Linux's x86-64 brk spread */
#define BIAS_ALIGN_MAX  (1ULL << 30)    /* larger p_align is not honoured */

static void set_msg(struct elf_exec *x, const char *what, const char *why)
{
    if (!x->msg || !x->msg_size)
        return;
    if (what)
        rt_snprintf(x->msg, x->msg_size, "%s: %s", what, why ? why : "");
    else
        rt_snprintf(x->msg, x->msg_size, "%s", why ? why : "");
}

/* --- prepare: open, read, parse ----------------------------------------- */

/* Read exactly (size) bytes at (off); a short file is -EIO. */
static int pread_full(struct task *t, struct file *f, void *buf, size_t size,
                      uint64_t off)
{
    size_t done = 0;

    while (done < size) {
        long n = vfs_pread(t, f, (char *)buf + done, size - done, off + done);

        if (n < 0)
            return (int)n;
        if (n == 0)
            return -EIO;    /* the file shrank under us */
        done += (size_t)n;
    }
    return 0;
}

/* Open (path) for execution: a regular file we may execute. */
static int open_exec(struct task *t, const char *path, struct file **out,
                     uint64_t *size)
{
    struct vfs_stat st;
    struct file *f;
    int r = vfs_open(t, &t->proc->cwd, path, O_RDONLY, 0, &f);

    if (r < 0)
        return r;
    r = vfs_fstat(t, f, &st);
    if (r == 0 && !S_ISREG(st.mode))
        r = -EACCES;
    if (r == 0)
        r = vfs_permission(task_cred(t), f->inode, MAY_EXEC);
    if (r == 0 && st.size < 0)
        r = -EIO;
    if (r < 0) {
        vfs_file_put(f);
        return r;
    }
    *out = f;
    *size = (uint64_t)st.size;
    return 0;
}

/* Read the PT_INTERP path when it lay beyond the header buffer. */
static int read_interp_path(struct task *t, struct elf_image *img)
{
    struct elf_info *in = &img->info;
    char *b;
    int r;

    if (!in->interp_size || in->interp_len)
        return 0;
    b = rt_heap_alloc(task_heap(t), in->interp_size);
    if (!b)
        return -ENOMEM;
    r = pread_full(t, img->f, b, in->interp_size, in->interp_off);
    if (r == 0)
        r = elf_parse_interp(b, in) < 0 ? -ENOEXEC : 0;
    rt_heap_free(task_heap(t), b);
    return r;
}

/*
 * Parse the ELF headers of (img)->f, (hdr) holding its first (n) bytes
 * (a HDR_READ-byte heap buffer). Reads more when the phdrs lie further.
 */
static int parse_image(struct task *t, struct elf_image *img, uint8_t *hdr,
                       size_t n, uint64_t size)
{
    uint8_t *big;
    int r = elf_parse(hdr, n, size, &img->info);

    if (r == -EAGAIN) {
        size_t need = (size_t)img->info.need;

        big = rt_heap_alloc(task_heap(t), need);
        if (!big)
            return -ENOMEM;
        r = pread_full(t, img->f, big, need, 0);
        if (r == 0)
            r = elf_parse(big, need, size, &img->info);
        rt_heap_free(task_heap(t), big);
        if (r == -EAGAIN)
            r = -EIO;   /* the file changed between reads */
    }
    if (r == 0)
        r = read_interp_path(t, img);
    return r;
}

/* The interpreter's path into a new heap string (lbox memory). */
static char *interp_path(struct task *t, struct elf_image *img)
{
    const struct elf_info *in = &img->info;
    char *p = rt_heap_alloc(task_heap(t), in->interp_len + 1);

    if (!p)
        return NULL;
    if (pread_full(t, img->f, p, in->interp_len, in->interp_off) < 0) {
        rt_heap_free(task_heap(t), p);
        return NULL;
    }
    p[in->interp_len] = 0;
    return p;
}

/* Insert at the front of argv what a "#!" line in (hdr) asks for. */
static int add_script(struct task *t, struct elf_exec *x, const uint8_t *hdr,
                      size_t n, const char **next)
{
    struct shebang sb;
    const char *cur = *next;
    char *name, *arg = NULL;
    bool cur_owned;
    int k = 0, add;

    if (shebang_parse(hdr, n, &sb) < 0) {
        set_msg(x, NULL, "bad \"#!\" line");
        return -ENOEXEC;
    }
    add = sb.has_arg ? 3 : 2;
    if (x->nprefix + add - 1 > PREFIX_MAX)
        return -ELOOP;
    name = rt_heap_zalloc(task_heap(t), sb.name_len + 1);
    if (sb.has_arg)
        arg = rt_heap_zalloc(task_heap(t), sb.arg_len + 1);
    if (!name || (sb.has_arg && !arg)) {
        rt_heap_free(task_heap(t), name);
        rt_heap_free(task_heap(t), arg);
        return -ENOMEM;
    }
    memcpy(name, hdr + sb.name_off, sb.name_len);
    if (arg)
        memcpy(arg, hdr + sb.arg_off, sb.arg_len);
    /*
     * argv[0] gives way to: interp [arg] file. Past the first level the
     * old argv[0] is (cur) itself (the previous interpreter name), which
     * moves to its new slot with its ownership.
     */
    cur_owned = x->prefix_owned[0] && x->prefix[0] == cur;
    if (x->prefix_owned[0] && !cur_owned)
        rt_heap_free(task_heap(t), (char *)x->prefix[0]);
    memmove(&x->prefix[add], &x->prefix[1],
            (size_t)(x->nprefix - 1) * sizeof(x->prefix[0]));
    memmove(&x->prefix_owned[add], &x->prefix_owned[1],
            (size_t)(x->nprefix - 1) * sizeof(x->prefix_owned[0]));
    x->prefix[k] = name;
    x->prefix_owned[k++] = true;
    if (arg) {
        x->prefix[k] = arg;
        x->prefix_owned[k++] = true;
    }
    x->prefix[k] = cur;
    x->prefix_owned[k] = cur_owned;
    x->nprefix += add - 1;
    *next = name;
    return 0;
}

/*
 * Open (path), follow "#!" lines, and parse the ELF executable at the end
 * of the chain into x->main.
 */
static int load_main(struct task *t, struct elf_exec *x, uint8_t *hdr)
{
    const char *cur = x->execfn;
    uint64_t size;
    size_t n;
    int r;

    for (int depth = 0;; depth++) {
        r = open_exec(t, cur, &x->main.f, &size);
        if (r < 0 && depth > 0)
            set_msg(x, "\"#!\" interpreter", cur);
        if (r < 0)
            return r;
        n = (size_t)MIN(size, (uint64_t)HDR_READ);
        r = pread_full(t, x->main.f, hdr, n, 0);
        if (r < 0)
            return r;
        if (n < 2 || hdr[0] != '#' || hdr[1] != '!')
            break;
        if (depth == SCRIPT_DEPTH) {
            set_msg(x, NULL, "\"#!\" scripts nested too deeply");
            return -ELOOP;
        }
        r = add_script(t, x, hdr, n, &cur);
        if (r < 0)
            return r;
        vfs_file_put(x->main.f);
        x->main.f = NULL;
    }
    r = parse_image(t, &x->main, hdr, n, size);
    if (r == -ENOEXEC || r == -EINVAL)
        set_msg(x, NULL, x->main.info.error);
    if (r == 0 && !x->main.info.has_entry) {
        set_msg(x, NULL, "no entry point (a shared library?)");
        r = -ENOEXEC;
    }
    return r;
}

/* Open and parse the PT_INTERP program: an ELF without its own. */
static int load_interp(struct task *t, struct elf_exec *x, uint8_t *hdr)
{
    struct elf_image *in = &x->interp;
    char *path = interp_path(t, &x->main);
    const char *why = NULL;
    uint64_t size;
    size_t n;
    int r;

    if (!path)
        return -ENOMEM;
    r = open_exec(t, path, &in->f, &size);
    if (r < 0)
        goto out_msg;
    n = (size_t)MIN(size, (uint64_t)HDR_READ);
    r = pread_full(t, in->f, hdr, n, 0);
    if (r == 0)
        r = parse_image(t, in, hdr, n, size);
    if (r == -ENOEXEC || r == -EINVAL) {
        why = in->info.error;
        r = -ELIBBAD;
    } else if (r == 0 && in->info.interp_size) {
        why = "has a PT_INTERP of its own";
        r = -ELIBBAD;
    } else if (r == 0 && !in->info.has_entry) {
        why = "no entry point";
        r = -ELIBBAD;
    }
out_msg:
    if (r < 0) {
        char what[96];

        rt_snprintf(what, sizeof(what), "interpreter %s", path);
        set_msg(x, what, why ? why : "cannot be loaded");
    }
    rt_heap_free(task_heap(t), path);
    return r;
}

/* Add one string of (s) to the argument totals; -E2BIG past the limits. */
static int count_str(struct elf_exec *x, const char *s)
{
    size_t n = strnlen(s, ARG_STRLEN_MAX) + 1;

    if (n > ARG_STRLEN_MAX)
        return -E2BIG;
    x->strings_size += n;
    return x->strings_size > ARG_TOTAL_MAX ? -E2BIG : 0;
}

/* Size argv and envp like Linux: strings plus pointers within 2 MiB. */
static int count_args(struct elf_exec *x)
{
    size_t user = 0;
    int r = count_str(x, x->execfn);

    while (x->user_argv && x->user_argv[user])
        user++;
    x->argc = (size_t)x->nprefix + (user ? user - 1 : 0);
    for (int i = 0; i < x->nprefix && r == 0; i++)
        r = count_str(x, x->prefix[i]);
    for (size_t i = 1; i < user && r == 0; i++)
        r = count_str(x, x->user_argv[i]);
    for (x->envc = 0; x->envp && x->envp[x->envc] && r == 0; x->envc++)
        r = count_str(x, x->envp[x->envc]);
    if (r == 0 && x->strings_size + (x->argc + x->envc) * 8 > ARG_TOTAL_MAX)
        r = -E2BIG;
    if (r < 0)
        set_msg(x, NULL, "argument list too long");
    return r;
}

/* Everything commit needs that could fail for want of memory or entropy. */
static int prepare_commit(struct task *t, struct elf_exec *x)
{
    uint64_t rnd[3] = {0, 0, 0};
    int r;

    x->vec_words = 1 + x->argc + 1 + x->envc + 1 + 2 * AUXV_PAIRS;
    x->vec = rt_heap_zalloc(task_heap(t), x->vec_words * 8);
    x->exe_path = rt_heap_alloc(task_heap(t), VFS_PATH_MAX);
    if (!x->vec || !x->exe_path)
        return -ENOMEM;
    if (vfs_file_path(x->main.f, &t->proc->root, x->exe_path,
                      VFS_PATH_MAX) < 0)
        return -ENAMETOOLONG;
    r = lbox_plat_random(x->random, sizeof(x->random));
    if (r == 0)
        r = lbox_plat_random(rnd, sizeof(rnd));
    x->rnd_stack = rnd[0];
    x->rnd_brk = rnd[1];
    x->rnd_pad = rnd[2];
    return r;
}

/* An ET_EXEC image sits where it says: it must not hit lbox's memory. */
static int check_fixed(struct task *t, struct elf_exec *x,
                       const struct elf_image *img)
{
    const struct elf_info *in = &img->info;

    if (in->is_dyn || mm_guest_range_ok(t->proc->mm, in->lo, in->hi - in->lo))
        return 0;
    set_msg(x, NULL, "image overlaps memory reserved by lbox");
    return -EINVAL;
}

int elf_exec_prepare(struct task *t, const char *path, char *const argv[],
                     char *const envp[], struct elf_exec **out, char *msg,
                     size_t msg_size)
{
    struct elf_exec *x = rt_heap_zalloc(task_heap(t), sizeof(*x));
    uint8_t *hdr = rt_heap_alloc(task_heap(t), HDR_READ);
    int r = -ENOMEM;

    if (msg && msg_size)
        msg[0] = 0;
    if (!x || !hdr)
        goto out_free;
    x->msg = msg;
    x->msg_size = msg_size;
    x->user_argv = argv;
    x->envp = envp;
    x->execfn = rt_heap_strdup(task_heap(t), path);
    x->prefix[0] = argv && argv[0] ? argv[0] : "";  /* Linux adds "" */
    x->nprefix = 1;
    if (!x->execfn)
        goto out_free;
    r = load_main(t, x, hdr);
    if (r == 0 && x->main.info.interp_size)
        r = load_interp(t, x, hdr);
    if (r == 0)
        r = check_fixed(t, x, &x->main);
    if (r == 0 && x->interp.f)
        r = check_fixed(t, x, &x->interp);
    if (r == 0)
        r = count_args(x);
    if (r == 0)
        r = prepare_commit(t, x);
out_free:
    rt_heap_free(task_heap(t), hdr);
    if (r < 0) {
        elf_exec_free(t, x);
        x = NULL;
    } else {
        x->msg = NULL;  /* the caller's buffer is not ours past here */
    }
    *out = x;
    return r;
}

void elf_exec_free(struct task *t, struct elf_exec *x)
{
    struct rt_heap *h = task_heap(t);

    if (!x)
        return;
    if (x->main.f)
        vfs_file_put(x->main.f);
    if (x->interp.f)
        vfs_file_put(x->interp.f);
    for (int i = 0; i < x->nprefix; i++)
        if (x->prefix_owned[i])
            rt_heap_free(h, (char *)x->prefix[i]);
    rt_heap_free(h, x->execfn);
    rt_heap_free(h, x->exe_path);
    rt_heap_free(h, x->vec);
    rt_heap_free(h, x);
}

/* --- commit: map the images --------------------------------------------- */

static int seg_prot(uint32_t flags)
{
    return ((flags & PF_R) ? LBOX_PROT_READ : 0) |
           ((flags & PF_W) ? LBOX_PROT_WRITE : 0) |
           ((flags & PF_X) ? LBOX_PROT_EXEC : 0);
}

/* The file-backed pages of (s); the rest of the last one zeroed. */
static int map_file_part(struct task *t, struct file *f,
                         const struct elf_seg *s, uint64_t bias)
{
    uint64_t start = s->vaddr + bias, page = ALIGN_DOWN(start, PAGE);
    uint64_t fend = start + s->filesz, fpend = ALIGN_UP(fend, PAGE);
    bool zero = s->memsz > s->filesz && fend != fpend;
    int prot = seg_prot(s->flags);
    long a;
    int r;

    a = mm_map(t, page, fpend - page, zero ? prot | LBOX_PROT_WRITE : prot,
               MM_FIXED, f, s->offset - (start - page), NULL);
    if (a < 0)
        return (int)a;
    if (!zero)
        return 0;
    r = elf_guest_zero(fend, fpend - fend);
    if (r == 0 && !(prot & LBOX_PROT_WRITE))
        r = mm_protect(t, page, fpend - page, prot);
    return r;
}

/* One PT_LOAD: file pages, then anonymous zero pages up to memsz. */
static int map_seg(struct task *t, struct file *f, const struct elf_seg *s,
                   const struct elf_seg *prev, uint64_t bias)
{
    uint64_t start = s->vaddr + bias, page = ALIGN_DOWN(start, PAGE);
    uint64_t astart = page, aend = ALIGN_UP(start + s->memsz, PAGE);
    long a;
    int r;

    if (s->filesz) {
        r = map_file_part(t, f, s, bias);
        if (r < 0)
            return r;
        astart = ALIGN_UP(start + s->filesz, PAGE);
    }
    if (aend > astart) {
        a = mm_map(t, astart, aend - astart, seg_prot(s->flags), MM_FIXED,
                   NULL, 0, NULL);
        if (a < 0)
            return (int)a;
    }
    /* A page shared with the previous segment (same file page, checked by
     * the parser) keeps both segments' rights. */
    if (prev && ALIGN_UP(prev->vaddr + prev->memsz + bias, PAGE) > page)
        return mm_protect(t, page, PAGE,
                          seg_prot(s->flags) | seg_prot(prev->flags));
    return 0;
}

/*
 * Reserve the image's whole span (inaccessible) so the segments and the
 * holes between them are ours, at the fixed place or a random one.
 */
static int reserve_span(struct task *t, struct elf_image *img)
{
    const struct elf_info *in = &img->info;
    uint64_t span = in->hi - in->lo;
    uint64_t align = MIN(in->max_align, BIAS_ALIGN_MAX);
    long a = -EEXIST;

    if (!in->is_dyn) {
        a = mm_map(t, in->lo, span, LBOX_PROT_NONE, MM_NOREPLACE, NULL, 0,
                   NULL);
        img->bias = 0;
        return a < 0 ? (int)a : 0;
    }
    for (int i = 0; i < 8 && a == -EEXIST; i++) {
        uint64_t base = mm_random_base(t->proc->mm, span + align - PAGE);

        base = ALIGN_UP(base, align);
        a = mm_map(t, base, span, LBOX_PROT_NONE, MM_NOREPLACE, NULL, 0,
                   NULL);
    }
    if (a < 0)
        return (int)a;
    img->bias = (uint64_t)a - in->lo;
    return 0;
}

static int map_image(struct task *t, struct elf_image *img)
{
    const struct elf_info *in = &img->info;
    const struct elf_seg *prev = NULL;
    int r = reserve_span(t, img);

    for (uint32_t i = 0; i < in->nsegs && r == 0; i++) {
        const struct elf_seg *s = &in->segs[i];

        /* Holes between segments are left unmapped, as Linux does. */
        if (prev) {
            uint64_t gs = ALIGN_UP(prev->vaddr + prev->memsz, PAGE);
            uint64_t ge = ALIGN_DOWN(s->vaddr, PAGE);

            if (ge > gs)
                r = mm_unmap(t, gs + img->bias, ge - gs);
        }
        if (r == 0)
            r = map_seg(t, img->f, s, prev, img->bias);
        prev = s;
    }
    return r;
}

/* The program break starts a random distance past the main image. */
static void set_brk(struct task *t, struct elf_exec *x)
{
    uint64_t end = x->main.info.hi + x->main.bias;
    uint64_t off = ALIGN_DOWN(x->rnd_brk % BRK_RND, PAGE);

    if (end + off >= MM_USER_END)
        off = 0;
    mm_set_brk_base(t->proc->mm, end + off);
}

/* /proc/self/exe and comm (basename of the path as given, 15 bytes). */
static void set_names(struct task *t, struct elf_exec *x)
{
    struct process *p = t->proc;
    const char *base = strrchr(x->execfn, '/');

    base = base ? base + 1 : x->execfn;
    if (p->exe_path)
        rt_heap_free(task_heap(t), p->exe_path);
    p->exe_path = x->exe_path;
    x->exe_path = NULL;
    strlcpy(p->comm, base, sizeof(p->comm));
    memcpy(t->comm, p->comm, sizeof(t->comm));
}

int elf_exec_commit(struct task *t, struct elf_exec *x,
                    struct lbox_regs *regs)
{
    const struct elf_image *start = x->interp.f ? &x->interp : &x->main;
    uint64_t sp;
    long top;
    int r = map_image(t, &x->main);

    if (r == 0 && x->interp.f)
        r = map_image(t, &x->interp);
    if (r == 0)
        r = vdso_map(t, &x->vdso);
    if (r < 0)
        return r;
    set_brk(t, x);
    top = elf_map_stack(t, x);
    if (top < 0)
        return (int)top;
    sp = elf_build_stack(t, x, (uint64_t)top);
    if (!sp)
        return -EFAULT;
    memset(regs, 0, sizeof(*regs));
    regs->rip = start->info.entry + start->bias;
    regs->rsp = sp;
    regs->rdx = 0;          /* no atexit function for the program */
    regs->rflags = 0x202;   /* IF, reserved bit 1 */
    set_names(t, x);
    return 0;
}

int elf_exec(struct task *t, const char *path, char *const argv[],
             char *const envp[], struct lbox_regs *regs, char *msg,
             size_t msg_size)
{
    struct elf_exec *x;
    int r = elf_exec_prepare(t, path, argv, envp, &x, msg, msg_size);

    if (r < 0)
        return r;
    mm_clear_guest(t);
    r = elf_exec_commit(t, x, regs);
    if (r < 0 && msg && msg_size)
        rt_snprintf(msg, msg_size, "cannot map the program (error %d)", r);
    elf_exec_free(t, x);
    return r;
}
