/* SPDX-License-Identifier: MIT */
/*
 * Guest address-space bookkeeping (core, kernel image): which ranges the
 * guest has mapped, with what protection and backing, so that mmap,
 * munmap, mprotect, mremap and brk are served through the platform's page
 * calls, /proc/self/maps can be listed, and no guest request ever touches
 * lbox's own memory.
 */
#ifndef LBOX_CORE_MM_H
#define LBOX_CORE_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kernel.h"

/* Highest guest address + 1 (x86-64 user half, 47 bits). */
#define MM_USER_END 0x800000000000ULL

/* mm_map flags. */
#define MM_FIXED     0x1  /* replace whatever guest mapping is there */
#define MM_NOREPLACE 0x2  /* exactly at addr, -EEXIST if occupied */
#define MM_STACK     0x4  /* show as [stack] */
#define MM_GROWSDOWN 0x8
#define MM_SHARED    0x10 /* MAP_SHARED of (f): the file's own pages */

struct mm;

int mm_new(struct process *p, struct mm **out);

/*
 * Record a range lbox itself owns (kernel image, shared region, lbox
 * stacks and heaps): guest mappings may never overlap it.
 */
int mm_reserve_lbox(struct mm *mm, uint64_t start, uint64_t end,
                    const char *name);

/*
 * Map (len) bytes of guest memory with (prot) (LBOX_PROT_*). Without
 * MM_FIXED/MM_NOREPLACE (addr) is a hint. With (f) the range is filled
 * from the file at (off) (a private copy; (f) is not kept beyond the name
 * shown in maps), or with MM_SHARED shows the file's own pages (the area
 * holds a reference to (f); pages it may have written are written back
 * when it goes and at msync). (name) labels anonymous maps ("[heap]");
 * may be NULL. Returns the address or -errno.
 */
long mm_map(struct task *t, uint64_t addr, uint64_t len, int prot,
            unsigned flags, struct file *f, uint64_t off, const char *name);
/*
 * Show (len) bytes of lbox's own pages at (src) (page-aligned, in the
 * shared kernel region) to the guest at exactly (addr), which must be
 * free, read-only and named (name): the guest sees what lbox writes there
 * and can never make the range writable or executable (mprotect says
 * -EACCES), like Linux's [vvar]. Returns (addr) or -errno.
 */
long mm_map_lbox(struct task *t, uint64_t addr, void *src, uint64_t len,
                 const char *name);
int mm_unmap(struct task *t, uint64_t addr, uint64_t len);
/* msync(2): write shared file pages of the range back; -ENOMEM when part
 * of it is not mapped. */
int mm_sync(struct task *t, uint64_t addr, uint64_t len);
int mm_protect(struct task *t, uint64_t addr, uint64_t len, int prot);
/* mremap(2) semantics: (flags) MREMAP_MAYMOVE 1, MREMAP_FIXED 2. */
long mm_remap(struct task *t, uint64_t old_addr, uint64_t old_len,
              uint64_t new_len, unsigned flags, uint64_t new_addr);
/* madvise(2) with Linux advice numbers; unknown advice is -EINVAL. */
int mm_advise(struct task *t, uint64_t addr, uint64_t len, int advice);

/* Program break: set its base once per image, then brk(2) semantics. */
void mm_set_brk_base(struct mm *mm, uint64_t base);
uint64_t mm_brk(struct task *t, uint64_t new_brk);

/* Is [addr, addr+len) entirely guest-addressable (user half, not lbox's)? */
bool mm_guest_range_ok(struct mm *mm, uint64_t addr, uint64_t len);

/* The protection of [addr, addr + len) when it lies in one private area
 * (guest code the platform may rewrite), else -1. */
int mm_code_prot(struct mm *mm, uint64_t addr, uint64_t len);
/* Reserve (len) bytes for lbox (mm_reserve_lbox) at a free place within
 * (reach) of (near); the address, or 0. */
uint64_t mm_reserve_near(struct mm *mm, uint64_t near, uint64_t reach,
                         uint64_t len, const char *name);

/* Drop every guest mapping (execve). lbox reservations stay. */
void mm_clear_guest(struct task *t);

/* /proc/self/maps text into (buf); returns the length needed. */
size_t mm_format_maps(struct mm *mm, char *buf, size_t size);

/* Totals for /proc/self/status (bytes). */
uint64_t mm_total_size(struct mm *mm);

/* A random page-aligned address in the mmap area for a (len)-byte image
 * (ELF loader's load bias). */
uint64_t mm_random_base(struct mm *mm, uint64_t len);

#endif /* LBOX_CORE_MM_H */
