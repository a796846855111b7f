/* SPDX-License-Identifier: MIT */
/*
 * What the host kernel left in the kernel image's address space at exec,
 * removed before any guest byte (linux platform): the vDSO, whose ELF note
 * names the host's real kernel version, with its data pages ([vvar],
 * [vvar_vclock]), whose clock data give the host's uptime; and the
 * auxiliary vector on the initial stack (host uids, the exec path, the
 * random bytes the stack protector was seeded from).
 *
 * Runs before Landlock and the seccomp filter: it reads /proc/self/maps,
 * which nothing after may. The guest's vDSO is lbox's own, built from
 * src/shim/linux/vdso/ (docs/linux-compat.md), in anonymous pages.
 */
#include "host_abi.h"
#include "plat.h"
#include "rt/rt.h"

#define HNR_openat  257
#define HNR_close   3
#define H_AT_FDCWD  (-100)
#define H_O_RDONLY_CLOEXEC 02000000
#define H_AT_SYSINFO_EHDR 33
#define H_AT_EXECFN 31
#define H_AT_PLATFORM 15
#define H_AT_BASE_PLATFORM 24
#define PAGE 4096ULL

static bool is_vdso_name(const char *s, size_t n)
{
    static const char *const names[] = {"[vdso]", "[vvar]", "[vvar_vclock]"};

    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (n == strlen(names[i]) && !memcmp(s, names[i], n))
            return true;
    return false;
}

static uint64_t parse_hex(const char **p, const char *end)
{
    uint64_t v = 0;

    for (; *p < end; (*p)++) {
        char c = **p;
        unsigned d;

        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            break;
        v = v << 4 | d;
    }
    return v;
}

/* One maps line "lo-hi perms off dev ino   name": unmap it if it is one
 * of the vDSO's. Returns 1 if it was. */
static int maybe_unmap(const char *line, const char *end)
{
    const char *p = line, *name = end;
    uint64_t lo, hi;

    lo = parse_hex(&p, end);
    if (p == end || *p++ != '-')
        return 0;
    hi = parse_hex(&p, end);
    while (name > line && name[-1] != ' ')
        name--;
    if (hi <= lo || !is_vdso_name(name, (size_t)(end - name)))
        return 0;
    return hcall2(HNR_munmap, lo, hi - lo) == 0;
}

/* Unmap every vDSO mapping /proc/self/maps names; how many, or -errno. */
static long unmap_by_maps(void)
{
    static char buf[4096];
    size_t have = 0;
    long fd, n, found = 0;

    fd = hcall4(HNR_openat, H_AT_FDCWD, "/proc/self/maps",
                H_O_RDONLY_CLOEXEC, 0);
    if (fd < 0)
        return fd;
    /* Unmapping while reading is safe: the kernel resumes by address. */
    for (;;) {
        char *nl;

        n = hcall3(HNR_read, fd, buf + have, sizeof(buf) - have);
        if (n <= 0)
            break;
        have += (size_t)n;
        while ((nl = memchr(buf, '\n', have))) {
            found += maybe_unmap(buf, nl);
            have -= (size_t)(nl + 1 - buf);
            memmove(buf, nl + 1, have);
        }
        if (have == sizeof(buf))    /* no line is this long: drop it */
            have = 0;
    }
    hcall1(HNR_close, fd);
    return n < 0 ? n : found;
}

/* Without /proc: the vDSO image by its own program headers. Its data
 * pages cannot be found this way and stay. */
static void unmap_by_elf(uint64_t ehdr)
{
    const uint8_t *e = (const uint8_t *)ehdr;
    uint64_t phoff, end = 0;
    uint16_t phnum, phentsize;

    if (memcmp(e, "\177ELF", 4))
        return;
    memcpy(&phoff, e + 32, 8);
    memcpy(&phentsize, e + 54, 2);
    memcpy(&phnum, e + 56, 2);
    for (uint16_t i = 0; i < phnum && phentsize >= 56; i++) {
        const uint8_t *ph = e + phoff + (uint64_t)i * phentsize;
        uint32_t type;
        uint64_t vaddr, memsz;

        memcpy(&type, ph, 4);
        memcpy(&vaddr, ph + 16, 8);
        memcpy(&memsz, ph + 40, 8);
        if (type == 1 && vaddr + memsz > end)     /* PT_LOAD */
            end = vaddr + memsz;
    }
    if (end)
        hcall2(HNR_munmap, ehdr, (end + PAGE - 1) & ~(PAGE - 1));
}

void plat_hostfacts_scrub(uint64_t *auxv)
{
    uint64_t ehdr = 0;
    uint64_t *a;
    long found;

    for (a = auxv; a[0] != H_AT_NULL; a += 2) {
        if (a[0] == H_AT_SYSINFO_EHDR)
            ehdr = a[1];
        else if (a[0] == H_AT_RANDOM)
            memset((void *)a[1], 0, 16);    /* the guard has its copy */
        else if (a[0] == H_AT_EXECFN || a[0] == H_AT_PLATFORM ||
                 a[0] == H_AT_BASE_PLATFORM)
            memset((void *)a[1], 0, strlen((const char *)a[1]));
    }
    memset(auxv, 0, (size_t)((uint8_t *)a - (uint8_t *)auxv));
    if (!ehdr)
        return;
    found = unmap_by_maps();
    if (found <= 0) {
        unmap_by_elf(ehdr);
        rt_log("lbox-kernel: cannot read /proc/self/maps (%ld): the host "
               "vDSO's data pages stay mapped\n", found);
    }
}
