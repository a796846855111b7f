/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the Linux shim's program loader files (North side,
 * kernel image): elf_load.c (prepare, map) and elf_stack.c (the initial
 * stack and auxv).
 */
#ifndef LBOX_SHIM_LINUX_ELF_LOAD_INTERNAL_H
#define LBOX_SHIM_LINUX_ELF_LOAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lbox/platform.h>

#include "core/kernel.h"
#include "shim/linux/elf_parse.h"

#define PAGE            LBOX_PAGE_SIZE
#define SCRIPT_DEPTH    4               /* Linux's BINPRM_MAX_RECURSION */
#define PREFIX_MAX      (1 + 3 * SCRIPT_DEPTH) /* argv words scripts add */
#define AUXV_PAIRS      21              /* what elf_build_stack writes */

/* One ELF file, open and parsed. */
struct elf_image {
    struct file *f;
    struct elf_info info;
    uint64_t bias;      /* load bias, set when mapped */
};

struct elf_exec {
    struct elf_image main;
    struct elf_image interp;        /* interp.f NULL: none */
    char *execfn;                   /* the path as given (AT_EXECFN) */
    char *exe_path;                 /* canonical path of main.f */
    /* argv = prefix[0..nprefix) + user_argv[1..]; prefix holds what "#!"
     * lines added, owned strings marked in prefix_owned. */
    const char *prefix[PREFIX_MAX];
    bool prefix_owned[PREFIX_MAX];
    int nprefix;
    char *const *user_argv;
    char *const *envp;
    size_t argc, envc;
    size_t strings_size;            /* all argv + envp + execfn bytes */
    uint64_t *vec;                  /* argc .. auxv, built at commit */
    size_t vec_words;
    uint8_t random[16];             /* AT_RANDOM bytes */
    uint64_t rnd_stack, rnd_brk, rnd_pad;
    uint64_t vdso;                  /* AT_SYSINFO_EHDR, mapped at commit */
    char *msg;                      /* caller's reason buffer */
    size_t msg_size;
};

/* Zero (size) bytes of guest memory at (dst) (fault-safe): 0 or -errno. */
int elf_guest_zero(uint64_t dst, size_t size);

/* Map the 8 MiB [stack] with a random top; returns the top or -errno. */
long elf_map_stack(struct task *t, struct elf_exec *x);

/*
 * Build Linux's initial stack below (top): strings, then argc, argv, envp
 * and the auxv (from x->vec, sized by prepare). Returns rsp, or 0 when a
 * guest write faulted.
 */
uint64_t elf_build_stack(struct task *t, struct elf_exec *x, uint64_t top);

#endif /* LBOX_SHIM_LINUX_ELF_LOAD_INTERNAL_H */
