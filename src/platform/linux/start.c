/* SPDX-License-Identifier: MIT */
/*
 * Start-up of the kernel image (linux platform): apply its own relative
 * relocations, seed the stack protector, set up per-thread state and
 * lbox's signal handlers, lock the process down (Landlock, seccomp) and
 * hand over to the North side. Runs before any guest byte.
 */
#include "host_abi.h"
#include "plat.h"
#include "rt/rt.h"

struct elf64_dyn {
    int64_t tag;
    uint64_t val;
};
struct elf64_rela {
    uint64_t offset;
    uint64_t info;
    int64_t addend;
};
#define DT_NULL 0
#define DT_RELA 7
#define DT_RELASZ 8
#define DT_RELAENT 9
#define R_X86_64_RELATIVE 8

uintptr_t __stack_chk_guard;
bool g_plat_fsgsbase;

static uint64_t g_stack_top;

#define PLAT_BOOT_STACK_SPAN (16ULL << 20)

/*
 * Runs before relocation: only PC-relative references, no globals that
 * hold pointers, no stack protector. The image is linked with hidden
 * visibility, so RELATIVE is the only relocation type it has.
 */
__attribute__((no_stack_protector, used)) void
plat_relocate(uintptr_t base, const struct elf64_dyn *dyn)
{
    uintptr_t rela = 0, relasz = 0;

    for (; dyn->tag != DT_NULL; dyn++) {
        if (dyn->tag == DT_RELA)
            rela = dyn->val;
        else if (dyn->tag == DT_RELASZ)
            relasz = dyn->val;
    }
    for (uintptr_t off = 0; off < relasz; off += sizeof(struct elf64_rela)) {
        const struct elf64_rela *r = (const void *)(base + rela + off);

        if ((uint32_t)r->info == R_X86_64_RELATIVE)
            *(uint64_t *)(base + r->offset) = base + r->addend;
    }
}

__attribute__((noreturn)) void __stack_chk_fail(void)
{
    static const char msg[] = "lbox: stack smashing detected in the kernel image\n";

    hcall3(HNR_write, 2, msg, sizeof(msg) - 1);
    for (;;)
        hcall1(HNR_exit_group, 127);
}

static _Noreturn void boot_fail(const char *what, long err)
{
    rt_log("lbox-kernel: %s failed (%ld)\n", what, err);
    lbox_plat_exit(125);
}

static _Noreturn void plat_boot(int argc, char **argv, char **envp,
                                uint64_t *auxv)
{
    struct plat_thread *pt;
    long err;

    plat_hostfacts_scrub(auxv);
    plat_tsc_probe();
    plat_clock_res_probe();
    pt = plat_threads_init();
    err = -ENOMEM;      /* no thread arena */
    if (pt) {
        plat_set_gs(pt);
        err = plat_signals_init(pt);
    }
    if (!err)
        err = plat_fastcall_init(pt);
    if (err < 0)
        boot_fail("threads and signal handlers", err);
    err = plat_landlock_restrict();
    if (err < 0)
        boot_fail("landlock", err);
    /* Before the "--" only: the guest's own arguments are not options. */
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--no-lent-writes"))
            g_plat_lent_writes = false;
    err = plat_filter_install();
    if (err < 0)
        boot_fail("seccomp filter", err);
    lbox_main(argc, argv, envp);
}

/* The initial stack: argc, argv[], NULL, envp[], NULL, auxv pairs. */
__attribute__((no_stack_protector, noreturn, used)) void
plat_start(uint64_t *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    char **p = envp;
    uint64_t *auxv, *auxv0;

    while (*p)
        p++;
    /* The strings argv and envp point to sit at the top of the stack. */
    g_stack_top = ((uint64_t)(p > envp ? p[-1] : argv[0]) + 0x200000) &
                  ~0xfffULL;
    auxv0 = (uint64_t *)(p + 1);
    for (auxv = auxv0; auxv[0] != H_AT_NULL; auxv += 2) {
        if (auxv[0] == H_AT_RANDOM) {
            uintptr_t guard;

            __builtin_memcpy(&guard, (const void *)auxv[1], sizeof(guard));
            guard &= ~(uintptr_t)0xff; /* a NUL byte stops string overruns */
            __stack_chk_guard = guard;
        } else if (auxv[0] == H_AT_HWCAP2) {
            g_plat_fsgsbase = auxv[1] & H_HWCAP2_FSGSBASE;
        }
    }
    plat_boot(argc, argv, envp, auxv0);
}

int lbox_plat_self_ranges(struct lbox_range *out, int max)
{
    extern char __executable_start[], _end[];
    struct lbox_range r[3] = {
        {(uint64_t)__executable_start, (uint64_t)_end, "[lbox-kernel]"},
        {0, 0, "[lbox]"},       /* the thread arena */
        /* The host's initial stack, where lbox_main runs: the rlimit
         * lets it grow to 8 MiB; keep a margin. */
        {g_stack_top - PLAT_BOOT_STACK_SPAN, g_stack_top, "[lbox]"},
    };
    int n = (int)ARRAY_SIZE(r);

    plat_threads_range(&r[1].start, &r[1].end);
    for (int i = 0; i < n && i < max; i++)
        out[i] = r[i];
    return n;
}
