/* SPDX-License-Identifier: MIT */
/*
 * The seccomp filter of the kernel image (linux platform), built from
 * hostcalls.def. Calls from the gate's one `syscall` instruction are
 * checked against the allowlist and kill the process when not on it;
 * calls from anywhere else (the guest) trap into SIGSYS. Built into a
 * static buffer: installing it allocates nothing, so no lbox state can be
 * half-made if it fails.
 */
#include "host_abi.h"
#include "hostcalls.h"
#include "plat.h"
#include "rt/rt.h"

const struct hostcall g_hostcalls[] = {
#define HOSTCALL(name_, nr_, owner_, reason_, a0, a1, a2, a3, a4, a5) \
    {nr_, #name_, owner_, reason_, {a0, a1, a2, a3, a4, a5}},
#include "hostcalls.def"
#undef HOSTCALL
};
const unsigned g_hostcalls_count = ARRAY_SIZE(g_hostcalls);

#define BPF_LD_W_ABS 0x20
#define BPF_JEQ_K    0x15
#define BPF_JGT_K    0x25
#define BPF_JGE_K    0x35
#define BPF_JSET_K   0x45
#define BPF_AND_K    0x54
#define BPF_RET_K    0x06

#define SD_NR      0
#define SD_ARCH    4
#define SD_IP_LO   8
#define SD_IP_HI   12
#define SD_ARG_LO(i) (16 + 8 * (i))
#define SD_ARG_HI(i) (20 + 8 * (i))

#define FILTER_MAX 1024

struct bpf {
    struct h_sock_filter insn[FILTER_MAX];
    unsigned len;
    bool overflow;
};

static struct bpf g_filter;

static unsigned emit(struct bpf *b, uint16_t code, uint8_t jt, uint8_t jf,
                     uint32_t k)
{
    if (b->len >= FILTER_MAX) {
        b->overflow = true;
        return b->len;
    }
    b->insn[b->len] = (struct h_sock_filter){code, jt, jf, k};
    return b->len++;
}

/* Point the jump at (at) (its jt or jf) to instruction (target). */
static void patch(struct bpf *b, unsigned at, bool jt, unsigned target)
{
    unsigned off = target - at - 1;

    if (at >= FILTER_MAX || off > 255) {
        b->overflow = true;
        return;
    }
    if (jt)
        b->insn[at].jt = (uint8_t)off;
    else
        b->insn[at].jf = (uint8_t)off;
}

/* Jumps taken when an argument does not match: to the next row. */
struct miss_list {
    unsigned at[64];
    bool jt[64];
    unsigned n;
};

static void want_miss(struct bpf *b, struct miss_list *kl, unsigned at,
                      bool jt)
{
    if (kl->n >= ARRAY_SIZE(kl->at)) {
        b->overflow = true;
        return;
    }
    kl->at[kl->n] = at;
    kl->jt[kl->n++] = jt;
}

static void emit_arg_check(struct bpf *b, struct miss_list *kl, int i,
                           const struct hc_arg *m)
{
    unsigned ok[HC_MAX_VALUES], j;

    if (m->kind == HC_ANY)
        return;
    emit(b, BPF_LD_W_ABS, 0, 0, SD_ARG_HI(i));
    want_miss(b, kl, emit(b, BPF_JEQ_K, 0, 0, 0), false);
    emit(b, BPF_LD_W_ABS, 0, 0, SD_ARG_LO(i));
    switch (m->kind) {
    case HC_ONEOF:
        for (j = 0; j + 1 < m->n; j++)
            ok[j] = emit(b, BPF_JEQ_K, 0, 0, m->v[j]);
        want_miss(b, kl, emit(b, BPF_JEQ_K, 0, 0, m->v[m->n - 1]), false);
        for (j = 0; j + 1 < m->n; j++)
            patch(b, ok[j], true, b->len);
        break;
    case HC_BITS:
        want_miss(b, kl, emit(b, BPF_JSET_K, 0, 0, ~m->v[0]), true);
        if (m->v[1]) {
            emit(b, BPF_AND_K, 0, 0, m->v[1]);
            want_miss(b, kl, emit(b, BPF_JEQ_K, 0, 0, m->v[1]), false);
        }
        break;
    case HC_MAX:
        want_miss(b, kl, emit(b, BPF_JGT_K, 0, 0, m->v[0]), true);
        break;
    case HC_MIN:
        want_miss(b, kl, emit(b, BPF_JGE_K, 0, 0, m->v[0]), false);
        break;
    case HC_SELF:
        want_miss(b, kl, emit(b, BPF_JEQ_K, 0, 0,
                              (uint32_t)plat_host_pid()), false);
        break;
    default:
        b->overflow = true;
    }
}

/*
 * One row: [ld nr; jeq nr ? checks : next row] checks, allow. An argument
 * that does not match falls through to the next row, which may allow the
 * same call with other arguments; past the last row the call is killed.
 */
static void emit_rule(struct bpf *b, const struct hostcall *hc)
{
    struct miss_list kl = {.n = 0};
    unsigned head, i;

    emit(b, BPF_LD_W_ABS, 0, 0, SD_NR);
    head = emit(b, BPF_JEQ_K, 0, 0, hc->nr);
    for (i = 0; i < 6; i++)
        emit_arg_check(b, &kl, (int)i, &hc->arg[i]);
    emit(b, BPF_RET_K, 0, 0, H_SECCOMP_RET_ALLOW);
    for (i = 0; i < kl.n; i++)
        patch(b, kl.at[i], kl.jt[i], b->len);
    patch(b, head, false, b->len);
}

bool g_plat_lent_writes = true;

static int build_filter(struct bpf *b)
{
    uint64_t gate = (uint64_t)(uintptr_t)lbox_gate_ret;
    unsigned i;

    b->len = 0;
    b->overflow = false;
    emit(b, BPF_LD_W_ABS, 0, 0, SD_ARCH);
    emit(b, BPF_JEQ_K, 1, 0, H_AUDIT_ARCH_X86_64);
    emit(b, BPF_RET_K, 0, 0, H_SECCOMP_RET_KILL_PROCESS);
    /* Not from the gate: the guest's call, served by the shim. */
    emit(b, BPF_LD_W_ABS, 0, 0, SD_IP_LO);
    emit(b, BPF_JEQ_K, 1, 0, (uint32_t)gate);
    emit(b, BPF_RET_K, 0, 0, H_SECCOMP_RET_TRAP);
    emit(b, BPF_LD_W_ABS, 0, 0, SD_IP_HI);
    emit(b, BPF_JEQ_K, 1, 0, (uint32_t)(gate >> 32));
    emit(b, BPF_RET_K, 0, 0, H_SECCOMP_RET_TRAP);
    for (i = 0; i < g_hostcalls_count; i++)
        if (g_plat_lent_writes || g_hostcalls[i].nr != HNR_pwrite64)
            emit_rule(b, &g_hostcalls[i]);
    emit(b, BPF_RET_K, 0, 0, H_SECCOMP_RET_KILL_PROCESS);
    return b->overflow ? -E2BIG : 0;
}

int plat_filter_install(void)
{
    struct h_sock_fprog prog;
    long err = build_filter(&g_filter);

    if (err < 0)
        return (int)err;
    err = hcall4(HNR_prctl, H_PR_SET_NO_NEW_PRIVS, 1, 0, 0);
    if (err < 0)
        return (int)err;
    prog.len = (uint16_t)g_filter.len;
    prog.filter = g_filter.insn;
    return (int)hcall3(HNR_seccomp, H_SECCOMP_SET_MODE_FILTER, 0, &prog);
}
