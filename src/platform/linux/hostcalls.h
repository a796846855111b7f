/* SPDX-License-Identifier: MIT */
/*
 * The host allowlist as data (linux platform). hostcalls.def holds one row
 * per host system call the kernel image may make after its seccomp filter
 * is installed; this header turns rows into struct hostcall. The same rows
 * feed the BPF builder (filter.c), `lbox policy dump`, the generator of
 * docs/host-interface.md and the table's own tests. Plain C11, no host
 * headers, so host-side tools can include it too.
 */
#ifndef LBOX_PLATFORM_LINUX_HOSTCALLS_H
#define LBOX_PLATFORM_LINUX_HOSTCALLS_H

#include <stdint.h>

enum hc_kind {
    HC_ANY,     /* not checked (pointers, lengths the host bounds itself) */
    HC_ONEOF,   /* equal to one of v[0..n-1] */
    HC_BITS,    /* only bits in v[0] set, and every bit of v[1] set */
    HC_MAX,     /* unsigned value <= v[0] */
    HC_MIN,     /* unsigned value >= v[0] */
    HC_SELF,    /* the sandbox process's own host pid, known at start */
};

#define HC_MAX_VALUES 8

struct hc_arg {
    uint8_t kind;
    uint8_t n;
    uint32_t v[HC_MAX_VALUES];
};

struct hostcall {
    uint32_t nr;
    const char *name;
    const char *owner;      /* the component that needs it */
    const char *reason;
    struct hc_arg arg[6];
};

#define HC_NARGS_(a, b, c, d, e, f, g, h, n, ...) n
#define HC_NARGS(...) HC_NARGS_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)

/* Matchers used in hostcalls.def. Every matched argument must also have
 * its upper 32 bits clear. A call may have several rows: it is allowed
 * when any one of them matches. */
#define ANY        {HC_ANY, 0, {0}}
#define ONEOF(...) {HC_ONEOF, HC_NARGS(__VA_ARGS__), {__VA_ARGS__}}
#define EQ(x)      {HC_ONEOF, 1, {x}}
#define BITS(allowed, required) {HC_BITS, 2, {allowed, required}}
#define UPTO(x)    {HC_MAX, 1, {x}}
#define FROM(x)    {HC_MIN, 1, {x}}
#define SELF_PID   {HC_SELF, 0, {0}}

/* Fixed channel descriptors the monitor hands to the kernel image. */
#define HC_FD_STDIN  0
#define HC_FD_STDOUT 1
#define HC_FD_STDERR 2
#define HC_FD_9P     3
#define HC_FD_9P_USER 5
/* Read-only host files a file server lent (platform.h's host file
 * handles) arrive at this number or above: the monitor fills every lower
 * one with a placeholder, and nothing in the sandbox can close those. */
#define HC_FD_LENT_MIN 8

extern const struct hostcall g_hostcalls[];
extern const unsigned g_hostcalls_count;

#endif /* LBOX_PLATFORM_LINUX_HOSTCALLS_H */
