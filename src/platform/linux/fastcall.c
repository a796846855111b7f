/* SPDX-License-Identifier: MIT */
/*
 * System calls without a host trap (linux platform). A trapped guest
 * syscall costs a SIGSYS round trip through the host kernel: signal
 * frame, extended state, sigreturn (~5 us on the development VM, 4x a
 * native getpid). So the first time a call site traps, it is rewritten:
 *
 *     b8 nn nn nn nn    mov $nr, %eax         e9 rr rr rr rr   jmp stub
 *     0f 05             syscall          ->   0f 05            syscall
 *
 * and the site's stub (in lbox's memory within 2 GiB of it, which the
 * guest can run but neither map over nor change) does
 *
 *     mov $nr, %eax; lea site+7(%rip), %rcx; jmp *lbox_plat_fastcall
 *
 * The same works for libc's syscall(), whose last instruction before the
 * call loads the sixth argument (displaceable() has the list).
 *
 * The syscall instruction stays, so code that jumps straight to it with
 * its own rax still traps as before. A site is rewritten only when the
 * bytes are exactly that pair and the immediate is the number that
 * trapped, in a private mapping the guest may execute (the North side
 * says which, lbox_guest_code_prot); the page keeps the guest's
 * protection. Everything else, and any failure, stays on SIGSYS. What
 * the guest can see: its code pages differ in those five bytes (a
 * checksum of its own text would notice), and the rewritten pages become
 * private copies (docs/linux-compat.md).
 *
 * The host boundary is unchanged: lbox's host calls still come only from
 * the gate and the filter still checks each; entering lbox by a jump is
 * what a guest could always do, since lbox lives in its address space.
 *
 * Other threads may run the chunk and the site meanwhile. A stub chunk
 * is briefly not executable while a stub is added: a thread fetching an
 * instruction there faults, and the fault handler runs it again
 * (plat_fastcall_busy). A site's five bytes are written with one atomic
 * store of the aligned 8-byte word that holds them, so a thread runs
 * either the old instruction or the new one; a site that straddles two
 * such words is rewritten only while the process has one thread. Each
 * thread has its own fastcall stack and XSAVE area (plat_thread.c).
 * Patching is serialized by its own lock: it runs in the SIGSYS
 * handler, before the North side's entry. Stubs are never reused: code
 * unmapped and mapped again traps and gets a new one, until the chunks
 * are full.
 */
#include "host_abi.h"
#include "plat.h"
#include "rt/rt.h"

extern char __executable_start[], etext[];
void lbox_plat_fastcall(void);

#define STUB_SIZE 32
#define CHUNK_SIZE (64 * 1024)
#define CHUNK_MAX 8
#define REACH (1ULL << 30)  /* stub to site, well inside rel32's 2 GiB */

/* One region of stubs near some guest code: its first 8 bytes hold the
 * entry's address, stubs follow. */
struct chunk {
    uint64_t base;
    unsigned used;      /* bytes, the entry slot included */
};

int plat_cmpxchg64_safe(uint64_t *p, uint64_t old, uint64_t new);

static struct {
    struct rt_lock lock;
    bool on;
    bool no_room;       /* a reservation failed: ask no more (SIGSYS path) */
    struct chunk chunks[CHUNK_MAX];
    unsigned nchunks;
    uint64_t sites;
} g_fast;

bool plat_fastcall_busy(uint64_t rip, uint64_t addr)
{
    unsigned n = __atomic_load_n(&g_fast.nchunks, __ATOMIC_ACQUIRE);

    for (unsigned i = 0; i < n; i++) {
        uint64_t b = g_fast.chunks[i].base;

        if (rip >= b && rip < b + CHUNK_SIZE && addr >= b &&
            addr < b + CHUNK_SIZE)
            return true;
    }
    return false;
}

static bool near(uint64_t a, uint64_t b)
{
    return (a > b ? a - b : b - a) < REACH;
}

/* The chunk with room for a stub within reach of (site), made writable;
 * NULL if none. */
static struct chunk *stub_chunk(uint64_t site)
{
    struct chunk *c = NULL;
    void *addr;

    for (unsigned i = 0; i < g_fast.nchunks; i++) {
        if (near(g_fast.chunks[i].base, site) &&
            g_fast.chunks[i].used + STUB_SIZE <= CHUNK_SIZE) {
            c = &g_fast.chunks[i];
            break;
        }
    }
    if (c)
        return lbox_plat_page_protect((void *)c->base, CHUNK_SIZE,
                                      LBOX_PROT_READ | LBOX_PROT_WRITE) < 0
                   ? NULL : c;
    if (g_fast.nchunks == CHUNK_MAX || g_fast.no_room)
        return NULL;
    /* A failed search scans the address space: never on every trap. */
    addr = (void *)lbox_guest_reserve_near(site, REACH - CHUNK_SIZE,
                                           CHUNK_SIZE);
    if (!addr || lbox_plat_page_map(&addr, CHUNK_SIZE,
                                    LBOX_PROT_READ | LBOX_PROT_WRITE,
                                    LBOX_MAP_NOREPLACE) < 0) {
        g_fast.no_room = true;
        return NULL;
    }
    *(uint64_t *)addr = (uint64_t)lbox_plat_fastcall;
    c = &g_fast.chunks[g_fast.nchunks];
    *c = (struct chunk){.base = (uint64_t)addr, .used = STUB_SIZE};
    __atomic_store_n(&g_fast.nchunks, g_fast.nchunks + 1, __ATOMIC_RELEASE);
    return c;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * The five bytes before a syscall instruction that a stub may run in
 * their place: position-independent, and touching neither rcx nor r11
 * (the stub's, as the syscall's). (nr) says whether the immediate must
 * be the number that trapped.
 */
static bool displaceable(const uint8_t *code, long nr)
{
    static const uint8_t load_r9[5] = {0x4c, 0x8b, 0x4c, 0x24, 0x08};

    if (code[0] == 0xb8)    /* mov $nr, %eax */
        return (uint32_t)(code[1] | code[2] << 8 | code[3] << 16 |
                          (uint32_t)code[4] << 24) == (uint32_t)nr;
    /* mov 0x8(%rsp), %r9: the last argument, in libc's syscall(). */
    return !memcmp(code, load_r9, sizeof(load_r9));
}

/* The stub for (site): its displaced five bytes, then the entry with the
 * return address in rcx; at (at) in the chunk based at (base). */
static void write_stub(uint8_t *at, uint64_t base, uint64_t site,
                       const uint8_t *code)
{
    uint8_t *p = at;
    uint64_t ip;

    memcpy(p, code, 5);
    p += 5;
    *p++ = 0x48;                        /* lea site+7(%rip), %rcx */
    *p++ = 0x8d;
    *p++ = 0x0d;
    ip = (uint64_t)p + 4;
    put32(p, (uint32_t)(site + 7 - ip));
    p += 4;
    *p++ = 0xff;                        /* jmp *base(%rip) */
    *p++ = 0x25;
    ip = (uint64_t)p + 4;
    put32(p, (uint32_t)(base - ip));
    p += 4;
    while (p < at + STUB_SIZE)
        *p++ = 0xcc;                    /* int3 */
}

/* Put (jmp) over the site's first five bytes, which held (code): in one
 * atomic store when they lie in one aligned 8-byte word. */
static int write_site(uint64_t site, const uint8_t *code, const uint8_t *jmp)
{
    uint64_t word = ALIGN_DOWN(site, 8), old, new;
    unsigned off = (unsigned)(site - word);

    if (off > 3) {
        if (plat_threads_live() > 1)
            return -EBUSY;
        return lbox_plat_copy_safe((void *)site, jmp, 5);
    }
    if (lbox_plat_copy_safe(&old, (void *)word, 8) < 0 ||
        memcmp((uint8_t *)&old + off, code, 5))
        return -EFAULT;
    new = old;
    memcpy((uint8_t *)&new + off, jmp, 5);
    return plat_cmpxchg64_safe((uint64_t *)word, old, new) ? -EAGAIN : 0;
}

static void patch_locked(uint64_t rip, long nr)
{
    uint64_t site = rip - 7, page, stub;
    uint8_t code[7], jmp[5];
    struct chunk *c;
    size_t span;
    int prot;

    if (lbox_plat_copy_safe(code, (void *)site, sizeof(code)) < 0 ||
        code[5] != 0x0f || code[6] != 0x05 || !displaceable(code, nr))
        return;
    if ((site & 7) > 3 && plat_threads_live() > 1)
        return;     /* not atomically: leave it to trap */
    prot = lbox_guest_code_prot(site, sizeof(code));
    if (prot < 0 || !(prot & LBOX_PROT_EXEC))
        return;
    c = stub_chunk(site);
    if (!c)
        return;
    stub = c->base + c->used;
    write_stub((uint8_t *)stub, c->base, site, code);
    c->used += STUB_SIZE;
    if (lbox_plat_page_protect((void *)c->base, CHUNK_SIZE,
                               LBOX_PROT_READ | LBOX_PROT_EXEC) < 0)
        return;
    jmp[0] = 0xe9;
    put32(jmp + 1, (uint32_t)(stub - (site + 5)));
    page = ALIGN_DOWN(site, LBOX_PAGE_SIZE);
    span = ALIGN_UP(site + 5, LBOX_PAGE_SIZE) - page;
    if (lbox_plat_page_protect((void *)page, span,
                               prot | LBOX_PROT_WRITE) < 0)
        return;
    if (write_site(site, code, jmp) == 0)
        g_fast.sites++;
    lbox_plat_page_protect((void *)page, span, prot);
}

void plat_fastcall_patch(uint64_t rip, long nr)
{
    if (!g_fast.on || rip < 7 || nr < 0 || nr > 0xffff)
        return;
    if (rip >= (uint64_t)__executable_start && rip <= (uint64_t)etext)
        return;     /* lbox's own code: never */
    rt_lock(&g_fast.lock, false);
    patch_locked(rip, nr);
    rt_unlock(&g_fast.lock, false);
}

/* XSAVE with the host's enabled components, or no fast path at all. */
int plat_fastcall_init(struct plat_thread *pt)
{
    g_fast.on = pt->xsave != NULL;
    return 0;
}
