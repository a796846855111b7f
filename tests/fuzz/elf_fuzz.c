/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the Linux shim's ELF and "#!" parser (host side;
 * built by run-elf-fuzz with clang -fsanitize=fuzzer,address,undefined).
 * The input is a file's bytes; the parser sees a prefix of it (as the
 * loader's first read would) and, when asked, more, and its results are
 * checked for consistency.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lbox/errno.h>

#include "shim/linux/elf_parse.h"

/* An exact-size heap copy, so ASan flags any read past (n). */
static int parse_prefix(const uint8_t *data, size_t n, uint64_t file_size,
                        struct elf_info *info)
{
    uint8_t *b = malloc(n ? n : 1);
    int r;

    memcpy(b, data, n);
    r = elf_parse(b, n, file_size, info);
    free(b);
    return r;
}

static void check_info(const struct elf_info *in, uint64_t file_size)
{
    if (in->nsegs == 0 || in->nsegs > ELF_MAX_SEGS || in->hi <= in->lo ||
        in->hi > ELF_USER_END || in->hi - in->lo > ELF_MAX_SPAN)
        abort();
    for (uint32_t i = 0; i < in->nsegs; i++) {
        const struct elf_seg *s = &in->segs[i];

        if (s->filesz > s->memsz || s->offset + s->filesz > file_size ||
            s->offset + s->filesz < s->offset || s->vaddr < in->lo ||
            s->vaddr + s->memsz > in->hi)
            abort();
        if (i && s->vaddr < in->segs[i - 1].vaddr + in->segs[i - 1].memsz)
            abort();
    }
    if (in->interp_size && (in->interp_off + in->interp_size > file_size ||
                            in->interp_size > ELF_INTERP_MAX))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_info info;
    struct shebang sb;
    size_t first = size < 4096 ? size : 4096;
    int r = parse_prefix(data, first, size, &info);

    if (r == -EAGAIN) {
        if (info.need <= first || info.need > size ||
            info.need > ELF_PREFIX_MAX)
            abort();
        r = parse_prefix(data, (size_t)info.need, size, &info);
        if (r == -EAGAIN)
            abort();    /* asked twice for the same bytes */
    }
    if (r == 0 && info.interp_size && !info.interp_len)
        r = elf_parse_interp(data + info.interp_off, &info);
    if (r == 0)
        check_info(&info, size);
    else if (!info.error || (r != -ENOEXEC && r != -EINVAL))
        abort();
    if (shebang_parse(data, size, &sb) == 0) {
        if (sb.name_len == 0 || sb.name_off + sb.name_len > SHEBANG_BUF ||
            sb.name_off + sb.name_len > size ||
            (sb.arg_len && sb.arg_off + sb.arg_len > size) ||
            memchr(data + sb.name_off, 0, sb.name_len))
            abort();
    }
    return 0;
}
