/* SPDX-License-Identifier: MIT */
/*
 * procfs file contents (core, kernel image): the text of cpuinfo, meminfo,
 * uptime, version, the sysctl files and /proc/<pid>/{maps,status,stat,...},
 * generated into a shared-heap buffer when the file is opened.
 */
#include "core/clock.h"
#include "core/fdtable.h"
#include "core/fs/procfs_internal.h"
#include "core/task.h"
#include "core/mm.h"

#define LBOX_RELEASE "6.1.0-lbox"
#define TICKS_PER_SEC 100

/* --- text buffer ------------------------------------------------------------ */

char *sbuf_reserve(struct sbuf *b, size_t size)
{
    size_t need;

    if (b->err)
        return NULL;
    if (__builtin_add_overflow(b->len, size + 1, &need)) {
        b->err = -ENOMEM;
        return NULL;
    }
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *d;
        while (cap < need)
            cap *= 2;
        d = rt_heap_realloc(b->h, b->data, cap);
        if (!d) {
            b->err = -ENOMEM;
            return NULL;
        }
        b->data = d;
        b->cap = cap;
    }
    return b->data + b->len;
}

void sbuf_put(struct sbuf *b, const void *data, size_t size)
{
    char *p = sbuf_reserve(b, size);

    if (!p)
        return;
    memcpy(p, data, size);
    b->len += size;
    p[size] = '\0';
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    int n;

    va_start(ap, fmt);
    n = rt_vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        sbuf_put(b, small, (size_t)n);
        return;
    }
    char *p = sbuf_reserve(b, (size_t)n);
    if (!p)
        return;
    va_start(ap, fmt);
    rt_vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* --- /proc/cpuinfo ------------------------------------------------------------ */

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

struct flag_bit {
    uint8_t reg;   /* index into the flag words below */
    uint8_t bit;
    const char *name;
};

/* Words: 0 leaf1 edx, 1 ext edx, 2 leaf1 ecx, 3 ext ecx, 4 leaf7 ebx,
 * 5 leaf7 ecx. Names as Linux prints them, in its word order. */
static const struct flag_bit g_flags[] = {
    {0, 0, "fpu"}, {0, 1, "vme"}, {0, 2, "de"}, {0, 3, "pse"},
    {0, 4, "tsc"}, {0, 5, "msr"}, {0, 6, "pae"}, {0, 7, "mce"},
    {0, 8, "cx8"}, {0, 9, "apic"}, {0, 11, "sep"}, {0, 12, "mtrr"},
    {0, 13, "pge"}, {0, 14, "mca"}, {0, 15, "cmov"}, {0, 16, "pat"},
    {0, 17, "pse36"}, {0, 19, "clflush"}, {0, 23, "mmx"}, {0, 24, "fxsr"},
    {0, 25, "sse"}, {0, 26, "sse2"}, {0, 27, "ss"}, {0, 28, "ht"},
    {1, 11, "syscall"}, {1, 20, "nx"}, {1, 26, "pdpe1gb"}, {1, 27, "rdtscp"},
    {1, 29, "lm"},
    {2, 0, "pni"}, {2, 1, "pclmulqdq"}, {2, 3, "monitor"}, {2, 9, "ssse3"},
    {2, 12, "fma"}, {2, 13, "cx16"}, {2, 19, "sse4_1"}, {2, 20, "sse4_2"},
    {2, 21, "x2apic"}, {2, 22, "movbe"}, {2, 23, "popcnt"}, {2, 25, "aes"},
    {2, 26, "xsave"}, {2, 28, "avx"}, {2, 29, "f16c"}, {2, 30, "rdrand"},
    {2, 31, "hypervisor"},
    {3, 0, "lahf_lm"}, {3, 5, "abm"}, {3, 6, "sse4a"}, {3, 8, "3dnowprefetch"},
    {4, 0, "fsgsbase"}, {4, 3, "bmi1"}, {4, 4, "hle"}, {4, 5, "avx2"},
    {4, 7, "smep"}, {4, 8, "bmi2"}, {4, 9, "erms"}, {4, 10, "invpcid"},
    {4, 11, "rtm"}, {4, 16, "avx512f"}, {4, 17, "avx512dq"}, {4, 18, "rdseed"},
    {4, 19, "adx"}, {4, 20, "smap"}, {4, 21, "avx512ifma"},
    {4, 23, "clflushopt"}, {4, 24, "clwb"}, {4, 28, "avx512cd"},
    {4, 29, "sha_ni"}, {4, 30, "avx512bw"}, {4, 31, "avx512vl"},
    {5, 1, "avx512vbmi"}, {5, 2, "umip"}, {5, 3, "pku"},
    {5, 6, "avx512_vbmi2"}, {5, 8, "gfni"}, {5, 9, "vaes"},
    {5, 10, "vpclmulqdq"}, {5, 11, "avx512_vnni"}, {5, 12, "avx512_bitalg"},
    {5, 14, "avx512_vpopcntdq"}, {5, 22, "rdpid"},
};

/* One "processor : 0" block: lbox reports a single CPU (the platform has no
 * call for the host's CPU count or affinity yet). */
static void gen_cpuinfo(struct sbuf *b)
{
    uint32_t r[4], max, maxext, words[6] = {0};
    uint32_t family, model, stepping, vendor[4] = {0};
    char name[49] = {0};

    cpuid(0, 0, r);
    max = r[0];
    vendor[0] = r[1];
    vendor[1] = r[3];
    vendor[2] = r[2];
    cpuid(1, 0, r);
    stepping = r[0] & 0xf;
    model = (r[0] >> 4) & 0xf;
    family = (r[0] >> 8) & 0xf;
    if (family == 0xf)
        family += (r[0] >> 20) & 0xff;
    if (family == 0x6 || family >= 0xf)
        model |= ((r[0] >> 16) & 0xf) << 4;
    words[0] = r[3];
    words[2] = r[2];
    if (max >= 7) {
        cpuid(7, 0, r);
        words[4] = r[1];
        words[5] = r[2];
    }
    cpuid(0x80000000, 0, r);
    maxext = r[0];
    if (maxext >= 0x80000001) {
        cpuid(0x80000001, 0, r);
        words[1] = r[3];
        words[3] = r[2];
    }
    if (maxext >= 0x80000004) {
        for (uint32_t i = 0; i < 3; i++) {
            cpuid(0x80000002 + i, 0, r);
            memcpy(name + 16 * i, r, 16);
        }
    }
    const char *nm = name;
    while (*nm == ' ')
        nm++;
    sbuf_printf(b, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\n"
                   "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n",
                (const char *)vendor, family, model, nm, stepping);
    sbuf_printf(b, "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\n"
                   "cpu cores\t: 1\napicid\t\t: 0\ninitial apicid\t: 0\n"
                   "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\n"
                   "wp\t\t: yes\nflags\t\t:",
                max);
    for (size_t i = 0; i < ARRAY_SIZE(g_flags); i++) {
        if (words[g_flags[i].reg] & (1u << g_flags[i].bit))
            sbuf_printf(b, " %s", g_flags[i].name);
    }
    sbuf_printf(b, "\nclflush size\t: 64\ncache_alignment\t: 64\n");
    if (maxext >= 0x80000008) {
        cpuid(0x80000008, 0, r);
        sbuf_printf(b, "address sizes\t: %u bits physical, %u bits virtual\n",
                    r[0] & 0xff, (r[0] >> 8) & 0xff);
    }
    sbuf_printf(b, "power management:\n\n");
}

/* --- system-wide files ---------------------------------------------------- */


/* Figures are lbox's own: the total the monitor gave (or a fixed one),
 * minus the shared heap and the guest mappings in use. */
static void gen_meminfo(struct kernel *k, struct process *p, struct sbuf *b)
{
    uint64_t total = k->mem_total ? k->mem_total / 1024 : PROCFS_MEM_TOTAL_KB;
    uint64_t used, freek;

    used = rt_heap_used(k->shared) / 1024;
    if (p && p->mm)
        used += mm_total_size(p->mm) / 1024;
    freek = used < total ? total - used : 0;
    sbuf_printf(b,
                "MemTotal:       %8llu kB\nMemFree:        %8llu kB\n"
                "MemAvailable:   %8llu kB\nBuffers:               0 kB\n"
                "Cached:                0 kB\nSwapCached:            0 kB\n"
                "Active:         %8llu kB\nInactive:              0 kB\n",
                (unsigned long long)total, (unsigned long long)freek,
                (unsigned long long)freek, (unsigned long long)used);
    sbuf_printf(b,
                "SwapTotal:             0 kB\nSwapFree:              0 kB\n"
                "Dirty:                 0 kB\nWriteback:             0 kB\n"
                "AnonPages:      %8llu kB\nMapped:                0 kB\n"
                "Shmem:                 0 kB\nCommitLimit:    %8llu kB\n"
                "Committed_AS:   %8llu kB\n"
                "VmallocTotal:   34359738367 kB\nVmallocUsed:           0 kB\n"
                "HugePages_Total:       0\nHugePages_Free:        0\n"
                "Hugepagesize:       2048 kB\n",
                (unsigned long long)used, (unsigned long long)total,
                (unsigned long long)used);
}

static void gen_text(struct sbuf *b, const char *s)
{
    sbuf_printf(b, "%s\n", s);
}

void procfs_uuid_format(char out[37], uint8_t r[16])
{
    r[6] = (r[6] & 0x0f) | 0x40;
    r[8] = (r[8] & 0x3f) | 0x80;
    rt_snprintf(out, 37,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                "%02x%02x%02x%02x%02x%02x",
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
                r[10], r[11], r[12], r[13], r[14], r[15]);
}

/* --- per-process files ------------------------------------------------------ */

static uint64_t sig_bits(struct process *p, bool ignored)
{
    uint64_t m = 0;

    /* sigactions[i] is signal i + 1. */
    for (int i = 0; i < 64; i++) {
        uint64_t h = p->sigactions[i].handler;
        if (ignored ? h == 1 : h > 1)
            m |= 1ULL << i;
    }
    return m;
}

static int fd_size(struct process *p)
{
    int n = p->fdt ? fdt_max(p->fdt) : 0;
    return n <= 64 ? 64 : (int)ALIGN_UP((unsigned)n, 64u);
}

/* What a file shows of thread (t), or of the process's first thread
 * when (t) is NULL (what Linux's /proc/<pid> shows). */
static struct task *shown(struct process *p, struct task *t)
{
    return t ? t : task_find(p, p->pid);
}

static void gen_status(struct process *p, struct task *t, struct sbuf *b)
{
    const struct cred *c = &p->cred;
    uint64_t vm = p->mm ? mm_total_size(p->mm) / 1024 : 0;
    struct task *st = shown(p, t);
    uint64_t blocked = st ? st->sigmask : 0;
    bool root = c->euid == 0;

    sbuf_printf(b, "Name:\t%.16s\nUmask:\t%04o\nState:\tR (running)\n"
                   "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
                st ? st->comm : p->comm, p->umask & 0777, p->pid,
                st ? st->tid : p->pid, p->ppid);
    sbuf_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n"
                   "FDSize:\t%d\nGroups:\t",
                c->uid, c->euid, c->suid, c->fsuid, c->gid, c->egid, c->sgid,
                c->fsgid, fd_size(p));
    for (uint32_t i = 0; i < c->ngroups && i < ARRAY_SIZE(c->groups); i++)
        sbuf_printf(b, "%u ", c->groups[i]);
    sbuf_printf(b, "\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
                p->pid, st ? st->tid : p->pid, p->pgid, p->sid);
    sbuf_printf(b, "VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmLck:\t       0 kB\n"
                   "VmPin:\t       0 kB\nVmHWM:\t%8llu kB\nVmRSS:\t%8llu kB\n"
                   "VmData:\t%8llu kB\nVmStk:\t     132 kB\nVmExe:\t       0 kB\n"
                   "VmLib:\t       0 kB\nVmPTE:\t       0 kB\nVmSwap:\t       0 kB\n",
                (unsigned long long)vm, (unsigned long long)vm,
                (unsigned long long)vm, (unsigned long long)vm,
                (unsigned long long)vm);
    sbuf_printf(b, "Threads:\t%u\nSigQ:\t0/%llu\nSigPnd:\t%016llx\n"
                   "ShdPnd:\t%016llx\nSigBlk:\t%016llx\nSigIgn:\t%016llx\n"
                   "SigCgt:\t%016llx\n",
                __atomic_load_n(&p->nthreads, __ATOMIC_ACQUIRE),
                (unsigned long long)p->rlimits[11 % K_RLIMIT_COUNT].cur,
                0ULL, 0ULL, (unsigned long long)blocked,
                (unsigned long long)sig_bits(p, true),
                (unsigned long long)sig_bits(p, false));
    sbuf_printf(b, "CapInh:\t0000000000000000\nCapPrm:\t%s\nCapEff:\t%s\n"
                   "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n"
                   "NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n"
                   "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n"
                   "Mems_allowed:\t1\nMems_allowed_list:\t0\n"
                   "voluntary_ctxt_switches:\t0\n"
                   "nonvoluntary_ctxt_switches:\t0\n",
                root ? "000001ffffffffff" : "0000000000000000",
                root ? "000001ffffffffff" : "0000000000000000");
}

static void gen_stat(struct kernel *k, struct process *p, struct task *t,
                     struct sbuf *b)
{
    struct task *st = shown(p, t);
    uint64_t vm = p->mm ? mm_total_size(p->mm) : 0;
    int64_t cpu = 0;
    uint64_t start = p->start_ns > (uint64_t)k->boot_ns
                         ? (p->start_ns - (uint64_t)k->boot_ns) /
                               (1000000000 / TICKS_PER_SEC)
                         : 0;

    lbox_plat_clock_get(LBOX_CLOCK_PROCESS, &cpu);
    /* Fields 1-52 in proc(5) order. */
    sbuf_printf(b, "%d (%.16s) R %d %d %d 0 -1 4194304 0 0 0 0 %lld 0 0 0 "
                   "20 0 %u 0 %llu %llu %llu 18446744073709551615 ",
                st ? st->tid : p->pid, st ? st->comm : p->comm, p->ppid,
                p->pgid, p->sid,
                (long long)(cpu / (1000000000 / TICKS_PER_SEC)),
                __atomic_load_n(&p->nthreads, __ATOMIC_ACQUIRE),
                (unsigned long long)start, (unsigned long long)vm,
                (unsigned long long)(vm / 4096));
    sbuf_printf(b, "0 0 0 0 0 0 0 %llu %llu 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 "
                   "0 0 0\n",
                (unsigned long long)sig_bits(p, true),
                (unsigned long long)sig_bits(p, false));
}

static void gen_maps(struct process *p, struct sbuf *b)
{
    size_t need;
    char *dst;

    if (!p->mm)
        return;
    need = mm_format_maps(p->mm, NULL, 0);
    /* Maps can change between the two calls: leave some slack. */
    dst = sbuf_reserve(b, need + 4096);
    if (!dst)
        return;
    need = mm_format_maps(p->mm, dst, need + 4096);
    b->len += MIN(need, need + 4096 - 1);
}

static void gen_mounts(struct kernel *k, struct sbuf *b)
{
    size_t need = vfs_format_mounts(k, NULL, 0);
    char *dst = sbuf_reserve(b, need + 1024);

    if (!dst)
        return;
    need = vfs_format_mounts(k, dst, need + 1024);
    b->len += MIN(need, need + 1024 - 1);
}

int procfs_generate(struct procfs_sb *s, int gen, struct process *p,
                    struct task *t, struct sbuf *b)
{
    struct kernel *k = s->sb.k;
    int64_t up;
    uint8_t r[16];
    char uuid[37];

    switch (gen) {
    case G_CPUINFO:
        gen_cpuinfo(b);
        break;
    case G_MEMINFO:
        gen_meminfo(k, s->proc, b);
        break;
    case G_UPTIME:
        up = lbox_clock_uptime(k) / 10000000;
        sbuf_printf(b, "%lld.%02lld %lld.%02lld\n", (long long)(up / 100),
                    (long long)(up % 100), (long long)(up / 100),
                    (long long)(up % 100));
        break;
    case G_VERSION:
        gen_text(b, "Linux version " LBOX_RELEASE " (lbox@lbox) (gcc) "
                    "#1 SMP PREEMPT_DYNAMIC lbox");
        break;
    case G_LOADAVG:
        sbuf_printf(b, "0.00 0.00 0.00 1/1 %d\n", s->proc ? s->proc->pid : 1);
        break;
    case G_FILESYSTEMS:
        sbuf_printf(b, "nodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\n"
                       "nodev\tdevpts\nnodev\t9p\n");
        break;
    case G_STAT_ALL:
        sbuf_printf(b, "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n"
                       "intr 0\nctxt 0\nbtime %lld\nprocesses 1\n"
                       "procs_running 1\nprocs_blocked 0\nsoftirq 0\n",
                    (long long)(k->boot_realtime_ns / 1000000000));
        break;
    case G_HOSTNAME:
        gen_text(b, k->hostname);
        break;
    case G_DOMAINNAME:
        gen_text(b, k->domainname[0] ? k->domainname : "(none)");
        break;
    case G_OSTYPE:
        gen_text(b, "Linux");
        break;
    case G_OSRELEASE:
        gen_text(b, LBOX_RELEASE);
        break;
    case G_PID_MAX:
        gen_text(b, "4194304");
        break;
    case G_NGROUPS_MAX:
        gen_text(b, "65536");
        break;
    case G_BOOT_ID:
        gen_text(b, s->boot_id);
        break;
    case G_UUID: {
        int err = lbox_plat_random(r, sizeof(r));
        if (err < 0)
            return err;
        procfs_uuid_format(uuid, r);
        gen_text(b, uuid);
        break;
    }
    case G_OVERCOMMIT:
        gen_text(b, "0");
        break;
    case G_MAPS:
        gen_maps(p, b);
        break;
    case G_STATUS:
        gen_status(p, t, b);
        break;
    case G_STAT:
        gen_stat(k, p, t, b);
        break;
    case G_STATM: {
        uint64_t pages = p->mm ? mm_total_size(p->mm) / 4096 : 0;
        sbuf_printf(b, "%llu %llu 0 0 0 %llu 0\n", (unsigned long long)pages,
                    (unsigned long long)pages, (unsigned long long)pages);
        break;
    }
    case G_CMDLINE:
        if (p->cmdline)
            sbuf_put(b, p->cmdline, p->cmdline_size);
        else if (p == s->proc && s->cmdline)
            sbuf_put(b, s->cmdline, s->cmdline_size);
        break;
    case G_COMM:
        sbuf_printf(b, "%.16s\n", t ? t->comm : p->comm);
        break;
    case G_ENVIRON:
        if (p == s->proc && s->environ)
            sbuf_put(b, s->environ, s->environ_size);
        break;
    case G_MOUNTS:
        gen_mounts(k, b);
        break;
    default:
        return -ENOENT;
    }
    /* An empty file still needs a buffer to point at. */
    if (!b->data)
        sbuf_reserve(b, 0);
    return b->err;
}
