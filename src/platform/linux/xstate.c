/* SPDX-License-Identifier: MIT */
/*
 * The guest's extended state during an entry (linux platform): where it
 * is (the host signal frame's FP area for a trapped call or a fault, the
 * thread's XSAVE area for a fastcall), and loading an area a guest wrote
 * (a signal frame at sigreturn) so that the CPU takes it.
 *
 * The XSAVE standard layout: the 512-byte legacy (FXSAVE) region, MXCSR
 * at 24 and MXCSR_MASK at 28, bytes 464..511 left to software (Linux
 * keeps its _fpx_sw_bytes there), then the 64-byte header (XSTATE_BV at
 * 512, XCOMP_BV at 520, the rest reserved) and each component at the
 * offset CPUID leaf 0xd gives.
 *
 * XRSTOR faults (#GP) on an MXCSR with bits the CPU lacks, a nonzero
 * XCOMP_BV or reserved header bytes, and on some components' contents
 * (AMX's tile configuration, MPX's bound configuration); the fastcall
 * path runs XRSTOR itself and the host kernel kills a process whose
 * signal frame fails it. So a loaded area keeps only the components whose
 * every bit pattern is valid (LOADABLE), and gets a clean header.
 */
#include "host_abi.h"
#include "plat.h"
#include "rt/rt.h"

#define XS_LEGACY 512
#define XS_HEADER 64
#define XS_SW_OFF 464      /* software-available bytes of the legacy area */
#define XS_SW_SIZE 48
#define XS_MXCSR 24
#define XS_BV 512
#define XS_COMP_MAX 10

/* x87, SSE, AVX, AVX-512 opmask, ZMM_Hi256, Hi16_ZMM, PKRU. */
#define LOADABLE 0x2e7ULL

#define FP_XSTATE_MAGIC1 0x46505853U

static struct {
    uint32_t mxcsr_mask;
    uint32_t off[XS_COMP_MAX], size[XS_COMP_MAX];
} g_xs = {.mxcsr_mask = 0xffbf};

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
            : "a"(leaf), "c"(sub));
}

void plat_xstate_probe(struct plat_xstate *xs)
{
    uint8_t fx[512] __attribute__((aligned(16)));
    uint32_t r[4], lo, hi, mask;

    *xs = (struct plat_xstate){0};
    __asm__ volatile("fxsave64 %0" : "=m"(fx));
    memcpy(&mask, fx + 28, 4);
    if (mask)
        g_xs.mxcsr_mask = mask;
    cpuid(1, 0, r);
    if (!(r[2] & (1u << 26)) || !(r[2] & (1u << 27)))
        return;     /* no XSAVE, or the host did not enable it */
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    cpuid(0xd, 0, r);
    if (r[1] < XS_LEGACY + XS_HEADER || r[1] > 64 * 1024)
        return;
    xs->size = r[1];
    xs->features = (uint64_t)hi << 32 | lo;
    for (uint32_t i = 2; i < XS_COMP_MAX; i++) {
        if (!(xs->features & (1ULL << i)))
            continue;
        cpuid(0xd, i, r);
        g_xs.size[i] = r[0];
        g_xs.off[i] = r[1];
    }
}

void plat_xstate_from_frame(struct plat_xstate *xs, void *fpregs)
{
    uint8_t *a = fpregs;
    uint32_t magic, size;
    uint64_t features;

    *xs = (struct plat_xstate){0};
    if (!a)
        return;
    *xs = (struct plat_xstate){.area = a, .size = XS_LEGACY, .features = 3};
    /* struct _fpx_sw_bytes: magic1, extended_size, xfeatures, xstate_size */
    memcpy(&magic, a + XS_SW_OFF, 4);
    memcpy(&features, a + XS_SW_OFF + 8, 8);
    memcpy(&size, a + XS_SW_OFF + 16, 4);
    if (magic == FP_XSTATE_MAGIC1 && size >= XS_LEGACY + XS_HEADER &&
        size <= 64 * 1024) {
        xs->size = size;
        xs->features = features;
    }
}

static struct plat_xstate *entry_xs(void)
{
    struct plat_xstate *xs = plat_self()->entry;

    return xs && xs->size ? xs : NULL;
}

int lbox_plat_xstate_info(struct lbox_xstate_info *out)
{
    struct plat_xstate *xs = entry_xs();

    if (!xs)
        return -ENOSYS;
    *out = (struct lbox_xstate_info){.size = xs->size,
                                     .features = xs->features};
    return 0;
}

int lbox_plat_xstate_save(void *dst, size_t size)
{
    struct plat_xstate *xs = entry_xs();

    if (!xs)
        return -ENOSYS;
    if (size < xs->size)
        return -EINVAL;
    return lbox_plat_copy_safe(dst, xs->area, xs->size);
}

/* Clear XSTATE_BV bits of components the first (n) bytes do not hold. */
static uint64_t held(uint64_t bv, size_t n)
{
    for (uint32_t i = 2; i < XS_COMP_MAX; i++)
        if ((bv & (1ULL << i)) &&
            (!g_xs.size[i] || g_xs.off[i] + g_xs.size[i] > n))
            bv &= ~(1ULL << i);
    return n < XS_LEGACY ? 0 : bv;
}

int lbox_plat_xstate_load(const void *src, size_t size, uint64_t features)
{
    struct plat_xstate *xs = entry_xs();
    uint8_t sw[XS_SW_SIZE];
    uint64_t bv = 0;
    uint32_t mxcsr = 0x1f80;
    uint16_t fcw = 0x37f;
    size_t n;
    int err = 0;

    if (!xs)
        return -ENOSYS;
    /* The host frame's own description of itself must survive. */
    memcpy(sw, xs->area + XS_SW_OFF, XS_SW_SIZE);
    features &= xs->features & LOADABLE;
    n = size < xs->size ? size : xs->size;
    if (features && n >= XS_LEGACY) {
        if (n < XS_LEGACY + XS_HEADER)
            n = XS_LEGACY;
        err = lbox_plat_copy_safe(xs->area, src, n);
    }
    if (features && n >= XS_LEGACY && !err) {
        if (n >= XS_LEGACY + XS_HEADER)
            memcpy(&bv, xs->area + XS_BV, 8);
        else
            bv = 3;
        bv = held(bv & features, n);
        memcpy(&mxcsr, xs->area + XS_MXCSR, 4);
        mxcsr &= g_xs.mxcsr_mask;
    } else {
        memset(xs->area, 0, XS_LEGACY);
        memcpy(xs->area, &fcw, 2);
    }
    if (!(features & 2))
        mxcsr = 0x1f80;
    memcpy(xs->area + XS_MXCSR, &mxcsr, 4);
    memcpy(xs->area + XS_SW_OFF, sw, XS_SW_SIZE);
    if (xs->size >= XS_LEGACY + XS_HEADER) {
        memset(xs->area + XS_BV, 0, XS_HEADER);
        memcpy(xs->area + XS_BV, &bv, 8);
    }
    return err;
}
