/* SPDX-License-Identifier: MIT */
/*
 * lbox's own ELF64 layouts and constants for the Linux x86-64 shim (North
 * side, kernel image; also compiled into host-side tests). Only what the
 * loader reads is here; the host's <elf.h> never decides these.
 */
#ifndef LBOX_SHIM_LINUX_ABI_ELF_H
#define LBOX_SHIM_LINUX_ABI_ELF_H

#include <stdint.h>

/* e_ident indices and values. */
#define EI_MAG0       0
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define EI_NIDENT     16
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1

/* e_type, e_machine. */
#define ET_EXEC       2
#define ET_DYN        3
#define EM_X86_64     62

/* p_type. */
#define PT_NULL       0
#define PT_LOAD       1
#define PT_DYNAMIC    2
#define PT_INTERP     3
#define PT_NOTE       4
#define PT_PHDR       6
#define PT_TLS        7
#define PT_GNU_STACK  0x6474e551

/* p_flags. */
#define PF_X          0x1
#define PF_W          0x2
#define PF_R          0x4

/* Auxiliary vector keys (Linux x86-64 numbering). */
#define AT_NULL          0
#define AT_PHDR          3
#define AT_PHENT         4
#define AT_PHNUM         5
#define AT_PAGESZ        6
#define AT_BASE          7
#define AT_FLAGS         8
#define AT_ENTRY         9
#define AT_UID           11
#define AT_EUID          12
#define AT_GID           13
#define AT_EGID          14
#define AT_PLATFORM      15
#define AT_HWCAP         16
#define AT_CLKTCK        17
#define AT_SECURE        23
#define AT_RANDOM        25
#define AT_HWCAP2        26
#define AT_EXECFN        31
#define AT_SYSINFO_EHDR  33
#define AT_MINSIGSTKSZ   51

/* The ELF64 file header, as laid out in the file (little-endian). */
struct elf64_ehdr {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;   /* file offset of the program header table */
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

/* One program header. */
struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;  /* file offset of the segment's bytes */
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;  /* bytes taken from the file */
    uint64_t p_memsz;   /* bytes in memory (the rest is zero) */
    uint64_t p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header layout");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 phdr layout");

#endif /* LBOX_SHIM_LINUX_ABI_ELF_H */
