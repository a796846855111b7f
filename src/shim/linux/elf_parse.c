/* SPDX-License-Identifier: MIT */
/*
 * ELF64 and "#!" header validation for the Linux shim's loader (North side,
 * kernel image; also built into host-side tests and the fuzzer). Reads only
 * (buf)[0..size), decodes little-endian fields byte by byte, and checks
 * every sum for overflow; it allocates nothing and calls nothing.
 */
#include <lbox/errno.h>

#include "shim/linux/abi/elf.h"
#include "shim/linux/elf_parse.h"

#define PHENT_SIZE 56
#define EHDR_SIZE  64

static uint64_t ld(const uint8_t *p, int n)
{
    uint64_t v = 0;

    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* Decode the header fields the parser uses (caller checked 64 bytes). */
static void read_ehdr(const uint8_t *b, struct elf64_ehdr *e)
{
    for (int i = 0; i < EI_NIDENT; i++)
        e->e_ident[i] = b[i];
    e->e_type = (uint16_t)ld(b + 16, 2);
    e->e_machine = (uint16_t)ld(b + 18, 2);
    e->e_version = (uint32_t)ld(b + 20, 4);
    e->e_entry = ld(b + 24, 8);
    e->e_phoff = ld(b + 32, 8);
    e->e_phentsize = (uint16_t)ld(b + 54, 2);
    e->e_phnum = (uint16_t)ld(b + 56, 2);
}

static void read_phdr(const uint8_t *b, struct elf64_phdr *p)
{
    p->p_type = (uint32_t)ld(b, 4);
    p->p_flags = (uint32_t)ld(b + 4, 4);
    p->p_offset = ld(b + 8, 8);
    p->p_vaddr = ld(b + 16, 8);
    p->p_paddr = ld(b + 24, 8);
    p->p_filesz = ld(b + 32, 8);
    p->p_memsz = ld(b + 40, 8);
    p->p_align = ld(b + 48, 8);
}

static int fail(struct elf_info *out, int err, const char *why)
{
    out->error = why;
    return err;
}

/* Does [off, off+len) lie within a (size)-byte object? Overflow-safe. */
static bool in_range(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int check_ident(const struct elf64_ehdr *e, struct elf_info *out)
{
    const uint8_t *id = e->e_ident;

    if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
        return fail(out, -ENOEXEC, "not an ELF file (bad magic)");
    if (id[EI_CLASS] != ELFCLASS64)
        return fail(out, -ENOEXEC, "not a 64-bit ELF file");
    if (id[EI_DATA] != ELFDATA2LSB)
        return fail(out, -ENOEXEC, "not a little-endian ELF file");
    if (id[EI_VERSION] != EV_CURRENT || e->e_version != EV_CURRENT)
        return fail(out, -ENOEXEC, "unknown ELF version");
    if (e->e_type != ET_EXEC && e->e_type != ET_DYN)
        return fail(out, -ENOEXEC, "not an executable (ELF type)");
    if (e->e_machine != EM_X86_64)
        return fail(out, -ENOEXEC, "not an x86-64 ELF file");
    if (e->e_phentsize != PHENT_SIZE)
        return fail(out, -ENOEXEC, "bad program header entry size");
    if (e->e_phnum == 0)
        return fail(out, -ENOEXEC, "no program headers");
    if (e->e_phnum > ELF_MAX_PHNUM)
        return fail(out, -ENOEXEC, "too many program headers");
    return 0;
}

/*
 * Segments may share a page (Linux maps the later one over it), but only
 * where that keeps every byte right: the later one maps the same file page
 * (same vaddr-offset difference) and the earlier one has no zero fill that
 * would be overwritten by file bytes. Anything else is refused.
 */
static bool shares_page(const struct elf_seg *prev, const struct elf64_phdr *p)
{
    uint64_t last = (prev->vaddr + prev->memsz - 1) / ELF_PAGE_SIZE;

    if (last != p->p_vaddr / ELF_PAGE_SIZE)
        return false;
    return prev->memsz > prev->filesz || p->p_filesz == 0 ||
           prev->vaddr - prev->offset != p->p_vaddr - p->p_offset;
}

/* Check one PT_LOAD on its own and against the one before it. */
static int check_load(const struct elf64_phdr *p, uint64_t file_size,
                      const struct elf_seg *prev, struct elf_info *out)
{
    if (p->p_filesz > p->p_memsz)
        return fail(out, -ENOEXEC, "segment file size exceeds memory size");
    if (!in_range(p->p_offset, p->p_filesz, file_size))
        return fail(out, -ENOEXEC, "segment extends beyond end of file");
    if (p->p_memsz == 0)
        return 0;   /* maps nothing; Linux skips it too */
    if (!in_range(p->p_vaddr, p->p_memsz, ELF_USER_END))
        return fail(out, -EINVAL, "segment outside user address space");
    /* mmap needs the file page and memory page offsets to agree. */
    if (p->p_filesz && (p->p_offset ^ p->p_vaddr) % ELF_PAGE_SIZE)
        return fail(out, -ENOEXEC, "segment offset and address misaligned");
    if (prev && p->p_vaddr < prev->vaddr)
        return fail(out, -ENOEXEC, "segments not in ascending order");
    if (prev && p->p_vaddr < prev->vaddr + prev->memsz)
        return fail(out, -ENOEXEC, "segments overlap");
    if (prev && shares_page(prev, p))
        return fail(out, -ENOEXEC, "segments share a page inconsistently");
    return 0;
}

static void add_seg(const struct elf64_phdr *p, struct elf_info *out)
{
    struct elf_seg *s = &out->segs[out->nsegs++];
    uint64_t a = p->p_align;

    s->vaddr = p->p_vaddr;
    s->memsz = p->p_memsz;
    s->offset = p->p_offset;
    s->filesz = p->p_filesz;
    s->flags = p->p_flags & (PF_R | PF_W | PF_X);
    if (a > out->max_align && (a & (a - 1)) == 0)
        out->max_align = a;
}

static int check_interp(const struct elf64_phdr *p, uint64_t file_size,
                        struct elf_info *out)
{
    if (out->interp_size)
        return fail(out, -ENOEXEC, "more than one PT_INTERP");
    if (p->p_filesz < 2 || p->p_filesz > ELF_INTERP_MAX)
        return fail(out, -ENOEXEC, "bad interpreter path size");
    if (!in_range(p->p_offset, p->p_filesz, file_size))
        return fail(out, -ENOEXEC, "interpreter path beyond end of file");
    out->interp_off = p->p_offset;
    out->interp_size = p->p_filesz;
    return 0;
}

int elf_parse_interp(const void *bytes, struct elf_info *out)
{
    const uint8_t *s = bytes;
    uint64_t n = 0;

    if (out->interp_size < 2 || out->interp_size > ELF_INTERP_MAX)
        return fail(out, -ENOEXEC, "bad interpreter path size");
    if (s[out->interp_size - 1] != 0)
        return fail(out, -ENOEXEC, "interpreter path not NUL-terminated");
    while (n < out->interp_size - 1 && s[n])
        n++;
    if (n == 0)
        return fail(out, -ENOEXEC, "empty interpreter path");
    out->interp_len = n;
    return 0;
}

static int add_load(const struct elf64_phdr *p, uint64_t file_size,
                    struct elf_info *out)
{
    const struct elf_seg *prev = 0;
    int r;

    if (out->nsegs)
        prev = &out->segs[out->nsegs - 1];
    r = check_load(p, file_size, prev, out);
    if (r < 0 || p->p_memsz == 0)
        return r;
    if (out->nsegs == ELF_MAX_SEGS)
        return fail(out, -ENOEXEC, "too many PT_LOAD segments");
    add_seg(p, out);
    return 0;
}

static int check_phdr(const struct elf64_phdr *p, uint64_t file_size,
                      struct elf_info *out, bool *seen_phdr)
{
    switch (p->p_type) {
    case PT_LOAD:
        return add_load(p, file_size, out);
    case PT_INTERP:
        return check_interp(p, file_size, out);
    case PT_PHDR:
        if (*seen_phdr)
            return fail(out, -ENOEXEC, "more than one PT_PHDR");
        *seen_phdr = true;
        out->phdr_vaddr = p->p_vaddr;
        return 0;
    case PT_GNU_STACK:
        out->exec_stack = (p->p_flags & PF_X) != 0;
        return 0;
    case PT_TLS:
        out->has_tls = true;
        return 0;
    default:
        return 0;
    }
}

/* Image span, entry point and phdr address, once all segments are known. */
static int check_layout(bool is_exec, bool seen_phdr, struct elf_info *out)
{
    uint64_t phsize = (uint64_t)out->phnum * PHENT_SIZE;
    const struct elf_seg *last;
    bool entry_ok = false;

    if (out->nsegs == 0)
        return fail(out, -ENOEXEC, "no loadable segments");
    last = &out->segs[out->nsegs - 1];
    out->lo = out->segs[0].vaddr & ~(ELF_PAGE_SIZE - 1);
    /* vaddr + memsz <= ELF_USER_END, so rounding up cannot wrap. */
    out->hi = (last->vaddr + last->memsz + ELF_PAGE_SIZE - 1) &
              ~(ELF_PAGE_SIZE - 1);
    if (out->hi - out->lo > ELF_MAX_SPAN)
        return fail(out, -EINVAL, "image too large");
    if (is_exec && out->lo < ELF_MIN_EXEC_ADDR)
        return fail(out, -EINVAL, "segment below minimum load address");
    for (uint32_t i = 0; i < out->nsegs; i++) {
        const struct elf_seg *s = &out->segs[i];

        if ((s->flags & PF_X) && out->entry >= s->vaddr &&
            out->entry - s->vaddr < s->memsz)
            entry_ok = true;
        /* Linux's rule: the load whose file bytes hold the phdr table. */
        if (!seen_phdr && s->offset <= out->phoff &&
            out->phoff - s->offset < s->filesz &&
            in_range(out->phoff - s->offset, phsize, s->filesz))
            out->phdr_vaddr = s->vaddr + (out->phoff - s->offset);
    }
    /* Shared objects without an entry point (e_entry 0) parse, but the
     * loader refuses to run them. */
    out->has_entry = entry_ok;
    if (!entry_ok && !(out->is_dyn && out->entry == 0))
        return fail(out, -ENOEXEC, "entry point outside executable segments");
    if (seen_phdr && !in_range(out->phdr_vaddr, phsize, out->hi))
        return fail(out, -ENOEXEC, "PT_PHDR outside the image");
    if (seen_phdr && out->phdr_vaddr < out->lo)
        return fail(out, -ENOEXEC, "PT_PHDR outside the image");
    return 0;
}

static void reset(struct elf_info *out)
{
    uint8_t *p = (uint8_t *)out;

    for (size_t i = 0; i < sizeof(*out); i++)
        p[i] = 0;
}

int elf_parse(const void *buf, size_t size, uint64_t file_size,
              struct elf_info *out)
{
    const uint8_t *b = buf;
    struct elf64_ehdr e;
    struct elf64_phdr p;
    bool seen_phdr = false;
    uint64_t phend;
    int r;

    reset(out);
    if (size > file_size)
        size = (size_t)file_size;
    if (size < EHDR_SIZE)
        return fail(out, -ENOEXEC, "truncated ELF header");
    read_ehdr(b, &e);
    r = check_ident(&e, out);
    if (r < 0)
        return r;
    phend = (uint64_t)e.e_phnum * PHENT_SIZE;
    if (!in_range(e.e_phoff, phend, file_size))
        return fail(out, -ENOEXEC, "truncated program headers");
    phend += e.e_phoff;
    if (phend > ELF_PREFIX_MAX)
        return fail(out, -ENOEXEC, "program headers too far into the file");
    if (phend > size) {
        out->need = phend;
        return fail(out, -EAGAIN, "program headers beyond the buffer");
    }
    out->is_dyn = e.e_type == ET_DYN;
    out->entry = e.e_entry;
    out->phoff = e.e_phoff;
    out->phnum = e.e_phnum;
    out->max_align = ELF_PAGE_SIZE;
    for (uint32_t i = 0; i < e.e_phnum; i++) {
        read_phdr(b + e.e_phoff + (uint64_t)i * PHENT_SIZE, &p);
        r = check_phdr(&p, file_size, out, &seen_phdr);
        if (r < 0)
            return r;
    }
    r = check_layout(e.e_type == ET_EXEC, seen_phdr, out);
    if (r < 0 || out->interp_size == 0)
        return r;
    /* The path is often right after the phdrs, but may be anywhere. */
    if (in_range(out->interp_off, out->interp_size, size))
        return elf_parse_interp(b + out->interp_off, out);
    return 0;
}

/* --- "#!" scripts ------------------------------------------------------- */

/* Byte (i) of Linux's zero-padded 256-byte header buffer. */
static uint8_t at(const uint8_t *b, size_t n, size_t i)
{
    return i < n ? b[i] : 0;
}

static bool spacetab(uint8_t c)
{
    return c == ' ' || c == '\t';
}

static bool terminator(uint8_t c)
{
    return c == ' ' || c == '\t' || c == 0;
}

/* First index in [i, end) whose byte is not a blank; (end) if none. */
static size_t skip_blank(const uint8_t *b, size_t n, size_t i, size_t end)
{
    while (i < end && spacetab(at(b, n, i)))
        i++;
    return i;
}

/* First index in [i, end) holding a blank or NUL; (end) if none. */
static size_t find_term(const uint8_t *b, size_t n, size_t i, size_t end)
{
    while (i < end && !terminator(at(b, n, i)))
        i++;
    return i;
}

/* End of the line: the newline, or the limit if the name is not cut. */
static int line_end(const uint8_t *b, size_t n, size_t *end)
{
    const size_t lim = SHEBANG_BUF - 1;   /* last byte is Linux's NUL */
    size_t i;

    for (i = 0; i < SHEBANG_BUF && at(b, n, i) && at(b, n, i) != '\n'; i++)
        ;
    if (i < SHEBANG_BUF && at(b, n, i) == '\n') {
        *end = i;
        return 0;
    }
    i = skip_blank(b, n, 2, lim);
    if (i == lim || find_term(b, n, i, lim) == lim)
        return -ENOEXEC; /* all blank, or interpreter name truncated */
    *end = lim;
    return 0;
}

int shebang_parse(const void *buf, size_t size, struct shebang *out)
{
    const uint8_t *b = buf;
    size_t n = size < SHEBANG_BUF ? size : SHEBANG_BUF;
    size_t end, name, sep, arg;

    out->name_off = out->name_len = out->arg_off = out->arg_len = 0;
    out->has_arg = false;
    if (n < 2 || b[0] != '#' || b[1] != '!')
        return -ENOEXEC;
    if (line_end(b, n, &end) < 0)
        return -ENOEXEC;
    while (end > 2 && spacetab(at(b, n, end - 1)))
        end--;
    name = skip_blank(b, n, 2, end);
    if (name == end)
        return -ENOEXEC;
    sep = find_term(b, n, name, end);
    if (sep == name)
        return -ENOEXEC; /* name starts with NUL: nothing to run */
    out->name_off = name;
    out->name_len = sep - name;
    if (sep == end || at(b, n, sep) == 0)
        return 0;
    arg = skip_blank(b, n, sep, end);
    if (arg == end)
        return 0;
    out->has_arg = true;
    out->arg_off = arg;
    while (arg < end && at(b, n, arg))
        arg++;
    out->arg_len = arg - out->arg_off;
    if (out->arg_len == 0)
        out->arg_off = 0;   /* "" argument: the offset may be past (size) */
    return 0;
}
