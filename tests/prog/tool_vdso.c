// SPDX-License-Identifier: MIT
// Integration test helper (guest program, not compared natively; the host
// vDSO differs): looks at the vDSO the way a libc does (AT_SYSINFO_EHDR,
// its dynamic symbols through DT_HASH, versions through DT_VERDEF) and
// calls its entries directly.
//
//   tool-vdso check   every check below, then "realtime NS" for the case
//                     to compare with the host's clock
//   tool-vdso loop N  N calls each of libc's clock_gettime (MONOTONIC and
//                     REALTIME), gettimeofday and time, for --stats
#include <elf.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "check.h"

typedef int cgt_fn(clockid_t, struct timespec *);
typedef int gtod_fn(struct timeval *, struct timezone *);
typedef time_t time_fn(time_t *);
typedef int getcpu_fn(unsigned *, unsigned *, void *);

static const Elf64_Ehdr *g_eh;
static uintptr_t g_base;
static const Elf64_Sym *g_syms;
static const char *g_strs;
static const Elf32_Word *g_hash;
static const Elf64_Half *g_versym;
static const Elf64_Verdef *g_verdef;
static const Elf64_Nhdr *g_note;
static size_t g_note_size;

static int parse(void)
{
    const Elf64_Phdr *ph = (const void *)((const char *)g_eh + g_eh->e_phoff);
    const Elf64_Dyn *dyn = NULL;
    int loads = 0;

    if (memcmp(g_eh->e_ident, ELFMAG, SELFMAG) ||
        g_eh->e_ident[EI_CLASS] != ELFCLASS64 || g_eh->e_type != ET_DYN)
        return -1;
    for (int i = 0; i < g_eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && loads++ == 0)
            g_base = (uintptr_t)g_eh + ph[i].p_offset - ph[i].p_vaddr;
        else if (ph[i].p_type == PT_DYNAMIC)
            dyn = (const void *)((const char *)g_eh + ph[i].p_offset);
        else if (ph[i].p_type == PT_NOTE) {
            g_note = (const void *)((const char *)g_eh + ph[i].p_offset);
            g_note_size = ph[i].p_filesz;
        }
    }
    if (loads != 1 || !dyn)
        return -1;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        const void *p = (const void *)(g_base + dyn->d_un.d_ptr);

        switch (dyn->d_tag) {
        case DT_SYMTAB: g_syms = p; break;
        case DT_STRTAB: g_strs = p; break;
        case DT_HASH: g_hash = p; break;
        case DT_VERSYM: g_versym = p; break;
        case DT_VERDEF: g_verdef = p; break;
        }
    }
    return g_syms && g_strs && g_hash && g_versym && g_verdef ? 0 : -1;
}

/* The name of version index (ndx), or NULL. */
static const char *version(unsigned ndx)
{
    const Elf64_Verdef *d = g_verdef;

    for (;;) {
        if (!(d->vd_flags & VER_FLG_BASE) && (d->vd_ndx & 0x7fff) == ndx) {
            const Elf64_Verdaux *aux =
                (const void *)((const char *)d + d->vd_aux);
            return g_strs + aux->vda_name;
        }
        if (!d->vd_next)
            return NULL;
        d = (const void *)((const char *)d + d->vd_next);
    }
}

/* (name) with version LINUX_2.6, as a function, or NULL. */
static void *sym(const char *name)
{
    for (Elf32_Word i = 0; i < g_hash[1]; i++) {
        const Elf64_Sym *s = &g_syms[i];
        const char *v = version(g_versym[i] & 0x7fff);

        if (ELF64_ST_TYPE(s->st_info) == STT_FUNC && s->st_shndx &&
            !strcmp(g_strs + s->st_name, name) && v && !strcmp(v, "LINUX_2.6"))
            return (void *)(g_base + s->st_value);
    }
    return NULL;
}

static int64_t ns(const struct timespec *t)
{
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int64_t sys_now(clockid_t c)
{
    struct timespec t;

    syscall(SYS_clock_gettime, c, &t);
    return ns(&t);
}

static int vdso_note_is_lbox(void)
{
    const char *p = (const char *)g_note, *end = p + g_note_size;

    while (g_note && p + sizeof(Elf64_Nhdr) <= end) {
        const Elf64_Nhdr *n = (const void *)p;
        const char *name = p + sizeof(*n);
        const uint32_t *desc = (const void *)(name + ((n->n_namesz + 3) & ~3u));

        if (n->n_namesz == 6 && !memcmp(name, "Linux", 6) && n->n_descsz == 4)
            return *desc == 0x060100;   /* uname's 6.1.0-lbox */
        p = (const char *)desc + ((n->n_descsz + 3) & ~3u);
    }
    return 0;
}

/* [vvar] r--p right below [vdso] r-xp at AT_SYSINFO_EHDR. */
static int maps_ok(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    unsigned long lo, hi, vvar_hi = 0, vdso_lo = 0;
    char perm[8];
    int vvar_ok = 0, vdso_ok = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) != 3)
            continue;
        if (strstr(line, "[vvar]")) {
            vvar_ok = !strcmp(perm, "r--p") && hi - lo == 4096;
            vvar_hi = hi;
        } else if (strstr(line, "[vdso]")) {
            vdso_ok = !strcmp(perm, "r-xp");
            vdso_lo = lo;
        }
    }
    fclose(f);
    return vvar_ok && vdso_ok && vvar_hi == vdso_lo &&
           vdso_lo == (unsigned long)g_eh;
}

static void check_all(void)
{
    cgt_fn *cgt, *getres;
    gtod_fn *gtod;
    time_fn *tm;
    getcpu_fn *getcpu;
    struct timespec t, u;
    struct timeval tv;
    unsigned cpu = 7, node = 7;
    int64_t v, s, worst = 0;
    int mono = 1, sane = 1;

    g_eh = (const void *)getauxval(AT_SYSINFO_EHDR);
    CHECK(g_eh != NULL, "AT_SYSINFO_EHDR present");
    if (!g_eh)
        return;
    CHECK(parse() == 0, "vDSO is an ELF shared object with DT_HASH and versions");
    if (!g_syms)
        return;
    static const char *const names[] = {
        "__vdso_clock_gettime", "clock_gettime", "__vdso_gettimeofday",
        "gettimeofday", "__vdso_time", "time", "__vdso_clock_getres",
        "clock_getres", "__vdso_getcpu", "getcpu"};
    int all = 1;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        all &= sym(names[i]) != NULL;
    CHECK(all, "vDSO exports its ten entries with version LINUX_2.6");
    CHECK(vdso_note_is_lbox(), "vDSO's Linux note gives lbox's version");
    CHECK(maps_ok(), "[vvar] and [vdso] in /proc/self/maps");
    CHECK(mprotect((void *)((uintptr_t)g_eh - 4096), 4096,
                   PROT_READ | PROT_WRITE) < 0 && errno == EACCES,
          "[vvar] cannot be made writable");

    cgt = sym("__vdso_clock_gettime");
    getres = sym("__vdso_clock_getres");
    gtod = sym("__vdso_gettimeofday");
    tm = sym("__vdso_time");
    getcpu = sym("__vdso_getcpu");
    static const clockid_t page_clocks[] = {
        CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_MONOTONIC_COARSE,
        CLOCK_MONOTONIC_RAW};
    for (size_t i = 0; i < sizeof(page_clocks) / sizeof(page_clocks[0]); i++) {
        clockid_t c = page_clocks[i];

        cgt(c, &t);
        for (int k = 0; k < 200000; k++) {
            cgt(c, &u);
            mono &= ns(&u) >= ns(&t);
            sane &= u.tv_nsec >= 0 && u.tv_nsec < 1000000000;
            t = u;
        }
        /* The trapped call, between two vDSO readings. */
        cgt(c, &t);
        s = sys_now(c);
        cgt(c, &u);
        mono &= ns(&t) <= s && s <= ns(&u);
        worst = s - ns(&t) > worst ? s - ns(&t) : worst;
        worst = ns(&t) - s > worst ? ns(&t) - s : worst;
    }
    CHECK(mono, "MONOTONIC, BOOTTIME, _COARSE, _RAW non-decreasing, with the syscall between");
    CHECK(sane, "tv_nsec in range");
    CHECK(worst < 1000000, "vDSO within 1 ms of the trapped clock_gettime");

    cgt(CLOCK_REALTIME, &t);
    v = sys_now(CLOCK_REALTIME);
    CHECK(v - ns(&t) >= -1000000 && v - ns(&t) < 1000000,
          "REALTIME within 1 ms of the trapped call");
    CHECK(cgt(CLOCK_REALTIME_COARSE, &u) == 0 && ns(&u) - ns(&t) < 1000000000,
          "REALTIME_COARSE");
    CHECK(cgt(CLOCK_PROCESS_CPUTIME_ID, &t) == 0 && ns(&t) > 0 &&
              ns(&t) < 60LL * 1000000000,
          "CLOCK_PROCESS_CPUTIME_ID through the syscall");
    CHECK(cgt(CLOCK_THREAD_CPUTIME_ID, &t) == 0 && ns(&t) > 0,
          "CLOCK_THREAD_CPUTIME_ID through the syscall");
    CHECK(cgt(12345, &t) == -EINVAL, "bad clock: -EINVAL");
    CHECK(cgt(CLOCK_TAI, &t) == -EINVAL, "CLOCK_TAI: -EINVAL, as trapped");

    CHECK(gtod(&tv, NULL) == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000,
          "gettimeofday");
    v = sys_now(CLOCK_REALTIME);
    CHECK(v - ((int64_t)tv.tv_sec * 1000000000 + tv.tv_usec * 1000) >= 0 &&
              v - ((int64_t)tv.tv_sec * 1000000000 + tv.tv_usec * 1000) <
                  1000000,
          "gettimeofday matches REALTIME");
    struct timezone tz = {99, 99};
    CHECK(gtod(NULL, &tz) == 0 && tz.tz_minuteswest == 0 &&
              tz.tz_dsttime == 0,
          "gettimeofday timezone UTC");
    time_t tt = 0;
    time_t r = tm(&tt);
    CHECK(r == tt && llabs(r - v / 1000000000) <= 1, "time");
    CHECK(tm(NULL) >= r, "time(NULL)");
    CHECK(getres(CLOCK_MONOTONIC, &t) == 0 && t.tv_sec == 0 &&
              t.tv_nsec > 0 && t.tv_nsec <= 10000000,
          "clock_getres MONOTONIC");
    syscall(SYS_clock_getres, CLOCK_REALTIME, &u);
    CHECK(getres(CLOCK_REALTIME, &t) == 0 && ns(&t) == ns(&u),
          "clock_getres REALTIME as trapped");
    CHECK(getres(CLOCK_MONOTONIC, NULL) == 0, "clock_getres NULL");
    CHECK(getres(12345, &t) == -EINVAL, "clock_getres bad clock");
    CHECK(getres(CLOCK_PROCESS_CPUTIME_ID, &t) == 0,
          "clock_getres PROCESS_CPUTIME_ID");
    CHECK(getcpu(&cpu, &node, NULL) == 0 && cpu == 0 && node == 0, "getcpu");

    cgt(CLOCK_REALTIME, &t);
    printf("realtime %lld\n", (long long)ns(&t));
}

static void loop(long n)
{
    struct timespec t;
    struct timeval tv;
    time_t sink = 0;

    for (long i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        clock_gettime(CLOCK_REALTIME, &t);
        gettimeofday(&tv, NULL);
        sink += time(NULL);
    }
    printf("loop %ld %d\n", n, sink > 0);
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "check"))
        check_all();
    else if (argc == 3 && !strcmp(argv[1], "loop"))
        loop(atol(argv[2]));
    else
        return 2;
    return g_failed;
}
