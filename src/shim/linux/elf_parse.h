/* SPDX-License-Identifier: MIT */
/*
 * ELF64 and "#!" header validation for the Linux shim's loader (North side,
 * kernel image; also built into host-side tests and the fuzzer). Pure code:
 * no platform calls, no allocation, every read bounds-checked, so arbitrary
 * file bytes can only produce an error with a reason.
 */
#ifndef LBOX_SHIM_LINUX_ELF_PARSE_H
#define LBOX_SHIM_LINUX_ELF_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_PAGE_SIZE     4096ULL
#define ELF_USER_END      0x800000000000ULL   /* 47-bit user half */
#define ELF_MIN_EXEC_ADDR 0x10000ULL          /* ET_EXEC below this: no */
#define ELF_MAX_PHNUM     128
#define ELF_MAX_SEGS      32                  /* PT_LOAD entries */
#define ELF_MAX_SPAN      (64ULL << 30)       /* whole image, bytes */
#define ELF_INTERP_MAX    4096                /* PT_INTERP incl. NUL */
/* Largest file prefix the parser may ask for (the phdr table's end). */
#define ELF_PREFIX_MAX    (256 * 1024)

/* One PT_LOAD segment, addresses unbiased (as in the file). */
struct elf_seg {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset;
    uint64_t filesz;
    uint32_t flags;     /* PF_R | PF_W | PF_X */
};

/* What elf_parse found: everything the loader needs, all validated. */
struct elf_info {
    const char *error;      /* OUT on failure: short static reason */
    uint64_t need;          /* OUT on -EAGAIN: prefix bytes to supply */
    bool is_dyn;            /* ET_DYN (needs a load bias) */
    bool has_entry;         /* false: ET_DYN, e_entry 0 outside any PF_X */
    bool exec_stack;        /* PT_GNU_STACK asks for PF_X (recorded only) */
    bool has_tls;           /* PT_TLS present */
    uint64_t entry;         /* e_entry */
    uint64_t lo;            /* lowest PT_LOAD vaddr, page-aligned down */
    uint64_t hi;            /* highest PT_LOAD end, page-aligned up */
    uint64_t max_align;     /* largest power-of-two p_align seen (>= page) */
    uint64_t phdr_vaddr;    /* the phdr table in memory, 0 if not mapped */
    uint64_t phoff;         /* e_phoff */
    uint16_t phnum;
    uint64_t interp_off;    /* PT_INTERP bytes: offset in file ... */
    uint64_t interp_size;   /* ... and p_filesz (incl. NUL); 0 if none */
    uint64_t interp_len;    /* path length once checked, else 0 */
    uint32_t nsegs;
    struct elf_seg segs[ELF_MAX_SEGS];
};

/*
 * Validate the ELF64 x86-64 executable whose first (size) bytes are in
 * (buf) and whose whole size is (file_size). Returns 0 with (out) filled;
 * -EAGAIN with out->need set when the program headers lie beyond (size)
 * (call again with out->need bytes; never more than ELF_PREFIX_MAX);
 * -ENOEXEC for a malformed or foreign file and -EINVAL for an image that
 * does not fit the user address space, both with out->error set.
 *
 * A PT_INTERP path lying within (buf) is checked here (out->interp_len set,
 * the path is at out->interp_off); one further into the file is only
 * range-checked (interp_size set, interp_len 0) and the caller reads its
 * interp_size bytes and passes them to elf_parse_interp.
 */
int elf_parse(const void *buf, size_t size, uint64_t file_size,
              struct elf_info *out);

/*
 * Check the PT_INTERP bytes (out->interp_size of them, read from the file
 * at out->interp_off): NUL-terminated, non-empty. Sets out->interp_len
 * (up to the first NUL). 0, or -ENOEXEC with out->error.
 */
int elf_parse_interp(const void *bytes, struct elf_info *out);

/* Bytes of a "#!" line the loader considers (Linux's BINPRM_BUF_SIZE). */
#define SHEBANG_BUF 256

/* A parsed "#!" line: offsets into the caller's buffer. */
struct shebang {
    size_t name_off, name_len;  /* interpreter path */
    size_t arg_off, arg_len;    /* optional argument; arg_len 0: none */
    bool has_arg;
};

/*
 * Parse the first (size) bytes of a file as a "#!" script line, the way
 * Linux does: interpreter up to the first blank, then one optional
 * argument (the rest of the line, trimmed; it may be "", then has_arg is
 * set with arg_len 0). Only the first SHEBANG_BUF bytes count. Returns 0,
 * or -ENOEXEC if (buf) is not a usable "#!" line (no "#!", no interpreter,
 * or an interpreter name cut by the limit). Names end at a NUL byte, if
 * one comes first.
 */
int shebang_parse(const void *buf, size_t size, struct shebang *out);

#endif /* LBOX_SHIM_LINUX_ELF_PARSE_H */
