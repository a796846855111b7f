/* SPDX-License-Identifier: MIT */
/*
 * Host Linux ABI the linux platform speaks to the host kernel: syscall
 * numbers, the raw sigaction and ucontext layouts, seccomp and Landlock
 * structures. Written out here because the kernel image sees no host
 * headers; only src/platform/linux/ includes this.
 */
#ifndef LBOX_PLATFORM_LINUX_HOST_ABI_H
#define LBOX_PLATFORM_LINUX_HOST_ABI_H

#include <stdint.h>

#define HNR_read            0
#define HNR_write           1
#define HNR_close           3
#define HNR_pread64         17
#define HNR_pwrite64        18
#define HNR_mmap            9
#define HNR_mprotect        10
#define HNR_munmap          11
#define HNR_rt_sigaction    13
#define HNR_rt_sigprocmask  14
#define HNR_setitimer       38
#define HNR_rt_sigreturn    15
#define HNR_ioctl           16
#define HNR_mremap          25
#define HNR_ppoll           271
#define HNR_madvise         28
#define HNR_recvmsg         47
#define HNR_getpid          39
#define HNR_clone           56
#define HNR_exit            60
#define HNR_sigaltstack     131
#define HNR_prctl           157
#define HNR_arch_prctl      158
#define HNR_futex           202
#define HNR_clock_gettime   228
#define HNR_clock_getres    229
#define HNR_clock_nanosleep 230
#define HNR_exit_group      231
#define HNR_tgkill          234
#define HNR_seccomp         317
#define HNR_getrandom       318
#define HNR_landlock_create_ruleset 444
#define HNR_landlock_restrict_self  446

#define H_PROT_READ  1
#define H_PROT_WRITE 2
#define H_PROT_EXEC  4
#define H_MAP_SHARED    0x1
#define H_MAP_PRIVATE   0x2
#define H_MAP_FIXED     0x10
#define H_MAP_ANONYMOUS 0x20
#define H_MAP_NORESERVE 0x4000
#define H_MAP_FIXED_NOREPLACE 0x100000
#define H_MREMAP_MAYMOVE 1
#define H_MREMAP_FIXED 2
#define H_MADV_NORMAL   0
#define H_MADV_DONTNEED 4

#define H_SIGILL  4
#define H_SIGTRAP 5
#define H_SIGBUS  7
#define H_SIGFPE  8
#define H_SIGSEGV 11
#define H_SIGSYS  31
#define H_SA_SIGINFO  0x4
#define H_SA_ONSTACK  0x08000000
#define H_SA_RESTORER 0x04000000
#define H_SA_NODEFER  0x40000000
#define H_SA_RESTART  0x10000000
#define H_SIG_DFL 0
#define H_SIG_IGN 1
#define H_SIGPIPE 13
#define H_SIGALRM 14
#define H_SIGPROF 27
#define H_SI_KERNEL 0x80

struct h_sigaction {
    void *handler;
    uint64_t flags;
    void (*restorer)(void);
    uint64_t mask;
};

struct h_stack {
    void *sp;
    int32_t flags;
    uint64_t size;
};

/* uc_mcontext.gregs indices. */
enum {
    HREG_R8, HREG_R9, HREG_R10, HREG_R11, HREG_R12, HREG_R13, HREG_R14,
    HREG_R15, HREG_RDI, HREG_RSI, HREG_RBP, HREG_RBX, HREG_RDX, HREG_RAX,
    HREG_RCX, HREG_RSP, HREG_RIP, HREG_EFL, HREG_CSGSFS, HREG_ERR,
    HREG_TRAPNO, HREG_OLDMASK, HREG_CR2, HREG_COUNT
};

struct h_ucontext {
    uint64_t flags;
    struct h_ucontext *link;
    struct h_stack stack;
    uint64_t gregs[HREG_COUNT];
    void *fpregs;
    uint64_t reserved1[8];
    uint64_t sigmask;
};

struct h_siginfo {
    int32_t signo, err, code, pad;
    union {
        struct {
            uint64_t call_addr;
            int32_t syscall;
            uint32_t arch;
        } sys;
        uint64_t addr;
        uint8_t raw[112];
    };
};
_Static_assert(sizeof(struct h_siginfo) == 128, "siginfo layout");
_Static_assert(__builtin_offsetof(struct h_ucontext, gregs) == 40, "ucontext");

#define H_PR_SET_NO_NEW_PRIVS 38
#define H_SECCOMP_SET_MODE_FILTER 1
#define H_SECCOMP_RET_KILL_PROCESS 0x80000000u
#define H_SECCOMP_RET_TRAP  0x00030000u
#define H_SECCOMP_RET_ALLOW 0x7fff0000u
#define H_AUDIT_ARCH_X86_64 0xc000003eu

struct h_sock_filter {
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
};
struct h_sock_fprog {
    uint16_t len;
    struct h_sock_filter *filter;
};

#define H_LANDLOCK_CREATE_RULESET_VERSION 1
struct h_landlock_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

#define H_AT_NULL   0
#define H_AT_RANDOM 25
#define H_AT_HWCAP2 26
#define H_HWCAP2_FSGSBASE (1 << 1)

#define H_ARCH_SET_GS 0x1001
#define H_ARCH_SET_FS 0x1002
#define H_ARCH_GET_FS 0x1003

#define H_FUTEX_WAIT 0
#define H_FUTEX_WAKE 1
#define H_FUTEX_PRIVATE 128

/* recvmsg(2) with one SCM_RIGHTS descriptor at most. */
#define H_SOL_SOCKET 1
#define H_SCM_RIGHTS 1
#define H_MSG_CTRUNC 0x8
#define H_MSG_CMSG_CLOEXEC 0x40000000

struct h_iovec {
    void *base;
    uint64_t len;
};

struct h_msghdr {
    void *name;
    uint32_t namelen;
    struct h_iovec *iov;
    uint64_t iovlen;
    void *control;
    uint64_t controllen;
    int32_t flags;
};

struct h_cmsghdr {
    uint64_t len;
    int32_t level;
    int32_t type;
};

struct h_timespec {
    int64_t sec, nsec;
};

#endif /* LBOX_PLATFORM_LINUX_HOST_ABI_H */
