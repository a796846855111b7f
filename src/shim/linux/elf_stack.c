/* SPDX-License-Identifier: MIT */
/*
 * The Linux shim's initial stack (North side, kernel image): maps [stack]
 * for a program elf_load.c has mapped, and lays out Linux's strings, argc,
 * argv, envp and auxv there. Guest memory is written only through
 * lbox_plat_copy_safe.
 */
#include <lbox/platform.h>

#include "core/kernel.h"
#include "core/mm.h"
#include "rt/rt.h"
#include "shim/linux/abi/elf.h"
#include "shim/linux/elf_load_internal.h"

#define STACK_SIZE      (8ULL << 20)
#define STACK_TOP       (MM_USER_END - PAGE)
#define STACK_RND_PAGES (1ULL << 22)    /* top varies over 16 GiB */

/* Load-time variables of the hardware (cpuid). */
static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

/* Write lbox memory into guest memory (fault-safe). */
static int guest_write(uint64_t dst, const void *src, size_t size)
{
    return lbox_plat_copy_safe((void *)(uintptr_t)dst, src, size);
}

int elf_guest_zero(uint64_t dst, size_t size)
{
    static const uint8_t zeros[256];
    int r = 0;

    while (size && r == 0) {
        size_t n = MIN(size, sizeof(zeros));

        r = guest_write(dst, zeros, n);
        dst += n;
        size -= n;
    }
    return r;
}

long elf_map_stack(struct task *t, struct elf_exec *x)
{
    const unsigned fl = MM_STACK | MM_GROWSDOWN;
    const int prot = LBOX_PROT_READ | LBOX_PROT_WRITE;
    uint64_t rnd = x->rnd_stack;
    long a = -EEXIST;

    for (int i = 0; i < 8 && a < 0; i++) {
        uint64_t top = STACK_TOP - (rnd % STACK_RND_PAGES) * PAGE;

        rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
        a = mm_map(t, top - STACK_SIZE, STACK_SIZE, prot, fl | MM_NOREPLACE,
                   NULL, 0, "[stack]");
    }
    if (a < 0)  /* the top of the address space is taken: anywhere */
        a = mm_map(t, 0, STACK_SIZE, prot, fl, NULL, 0, "[stack]");
    return a < 0 ? a : a + (long)STACK_SIZE;
}

/* Copy string (s) below *(p); returns its guest address (0 on fault). */
static uint64_t push_str(uint64_t *p, const char *s)
{
    size_t n = strlen(s) + 1;

    *p -= n;
    return guest_write(*p, s, n) == 0 ? *p : 0;
}

/* The i-th argv string after "#!" rewriting. */
static const char *arg_at(const struct elf_exec *x, size_t i)
{
    if (i < (size_t)x->nprefix)
        return x->prefix[i];
    return x->user_argv[i - (size_t)x->nprefix + 1];
}

static const char *env_at(const struct elf_exec *x, size_t i)
{
    return x->envp[i];
}

/*
 * Put (count) strings below *(p) in ascending order (string 0 lowest),
 * storing their addresses in (ptrs). 0, or -EFAULT.
 */
static int push_group(uint64_t *p, size_t count, uint64_t *ptrs,
                      const struct elf_exec *x,
                      const char *(*get)(const struct elf_exec *, size_t))
{
    uint64_t at;
    size_t total = 0;

    for (size_t i = 0; i < count; i++)
        total += strlen(get(x, i)) + 1;
    *p -= total;
    at = *p;
    for (size_t i = 0; i < count; i++) {
        const char *s = get(x, i);
        size_t n = strlen(s) + 1;

        if (guest_write(at, s, n) < 0)
            return -EFAULT;
        ptrs[i] = at;
        at += n;
    }
    return 0;
}

/*
 * Strings the way Linux lays them out, from the top down: a zero word,
 * AT_EXECFN, envp strings, argv strings. Fills the argv/envp pointers in
 * x->vec; returns the lowest address used, or 0 on a fault.
 */
static uint64_t push_strings(struct elf_exec *x, uint64_t top,
                             uint64_t *execfn)
{
    uint64_t p = top - 8, *v = x->vec;

    if (elf_guest_zero(p, 8) < 0 || !(*execfn = push_str(&p, x->execfn)))
        return 0;
    if (push_group(&p, x->envc, v + 1 + x->argc + 1, x, env_at) < 0 ||
        push_group(&p, x->argc, v + 1, x, arg_at) < 0)
        return 0;
    return p;
}

/* AT_MINSIGSTKSZ: the XSAVE area plus the rest of a signal frame. */
static uint64_t min_sigstack(void)
{
    uint32_t r[4];
    uint64_t xsize = 512;

    cpuid(1, 0, r);
    if (r[2] & (1u << 27)) {    /* OSXSAVE */
        cpuid(0xd, 0, r);
        xsize = r[1];
    }
    return MAX(2048, ALIGN_UP(xsize + 1024, 64));
}

/* The auxiliary vector into (a); returns the words written. */
static size_t fill_auxv(struct task *t, struct elf_exec *x, uint64_t *a,
                        uint64_t execfn, uint64_t platform, uint64_t random)
{
    const struct elf_info *m = &x->main.info;
    const struct cred *c = task_cred(t);
    uint32_t r[4];
    size_t n = 0;

    cpuid(1, 0, r);
#define AUX(k, v) (a[n++] = (k), a[n++] = (uint64_t)(v))
    if (x->vdso)
        AUX(AT_SYSINFO_EHDR, x->vdso);
    AUX(AT_MINSIGSTKSZ, min_sigstack());
    AUX(AT_HWCAP, r[3]);
    AUX(AT_PAGESZ, PAGE);
    AUX(AT_CLKTCK, 100);
    AUX(AT_PHDR, m->phdr_vaddr + x->main.bias);
    AUX(AT_PHENT, sizeof(struct elf64_phdr));
    AUX(AT_PHNUM, m->phnum);
    AUX(AT_BASE, x->interp.f ? x->interp.bias : 0);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, m->entry + x->main.bias);
    AUX(AT_UID, c->uid);
    AUX(AT_EUID, c->euid);
    AUX(AT_GID, c->gid);
    AUX(AT_EGID, c->egid);
    AUX(AT_SECURE, 0);
    AUX(AT_RANDOM, random);
    AUX(AT_HWCAP2, 0);      /* FSGSBASE not advertised (yet) */
    AUX(AT_EXECFN, execfn);
    AUX(AT_PLATFORM, platform);
    AUX(AT_NULL, 0);
#undef AUX
    return n;
}

uint64_t elf_build_stack(struct task *t, struct elf_exec *x, uint64_t top)
{
    uint64_t execfn, platform, random, sp, *v = x->vec;
    uint64_t p = push_strings(x, top, &execfn);
    size_t n;

    if (!p)
        return 0;
    p -= ALIGN_DOWN(x->rnd_pad % 8192, 16);     /* Linux's align_stack */
    p &= ~15ULL;
    platform = push_str(&p, "x86_64");
    p -= sizeof(x->random);
    random = guest_write(p, x->random, sizeof(x->random)) == 0 ? p : 0;
    if (!platform || !random)
        return 0;
    v[0] = x->argc;
    v[1 + x->argc] = 0;
    v[1 + x->argc + 1 + x->envc] = 0;
    n = 1 + x->argc + 1 + x->envc + 1;
    n += fill_auxv(t, x, v + n, execfn, platform, random);
    sp = (p - n * 8) & ~15ULL;  /* rsp % 16 == 0 at entry, on argc */
    return guest_write(sp, v, n * 8) == 0 ? sp : 0;
}
