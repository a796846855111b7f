/* SPDX-License-Identifier: MIT */
/*
 * `lbox doctor` (monitor, host side): probes each wall the sandbox relies
 * on (docs/threat-model.md) and says what this host has. Seccomp with
 * SECCOMP_RET_KILL_PROCESS is required; the rest are defence in depth that
 * lbox runs without, saying so.
 */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/cgroup.h"
#include "monitor/doctor.h"

#define SECCOMP_GET_ACTION_AVAIL 2
#define SECCOMP_RET_KILL_PROCESS 0x80000000u
#define LANDLOCK_CREATE_RULESET_VERSION 1
#define HWCAP2_FSGSBASE (1 << 1)

static void line(FILE *out, bool ok, const char *what, const char *detail)
{
    fprintf(out, "%-4s %-22s %s\n", ok ? "ok" : "--", what, detail);
}

/* Try an unshare in a throw-away child so this process stays as it is. */
static bool can_unshare(int flags)
{
    pid_t pid = fork();
    int st;

    if (pid < 0)
        return false;
    if (pid == 0)
        _exit(unshare(flags) == 0 ? 0 : 1);
    if (waitpid(pid, &st, 0) < 0)
        return false;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int mon_doctor(FILE *out)
{
    uint32_t kill_process = SECCOMP_RET_KILL_PROCESS;
    struct utsname u;
    bool seccomp_ok;
    long abi;
    char buf[224], why[96];
    const char *kind;

    if (uname(&u) == 0)
        fprintf(out, "host: %s %s %s\n", u.sysname, u.release, u.machine);
    seccomp_ok = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0,
                         &kill_process) == 0;
    line(out, seccomp_ok, "seccomp",
         seccomp_ok ? "filters with SECCOMP_RET_KILL_PROCESS: required, present"
                    : "no SECCOMP_RET_KILL_PROCESS: lbox cannot run here");
    line(out, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) >= 0, "no_new_privs",
         "always set before the guest runs");
    abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
                  LANDLOCK_CREATE_RULESET_VERSION);
    if (abi > 0)
        snprintf(buf, sizeof(buf), "ABI %ld: no file access%s%s", abi,
                 abi >= 4 ? ", no TCP" : "",
                 abi >= 6 ? ", scoped signals and abstract sockets" : "");
    else
        snprintf(buf, sizeof(buf), "unavailable (%s): seccomp alone guards "
                 "the sandbox's files", strerror(errno));
    line(out, abi > 0, "landlock", buf);
    line(out, can_unshare(CLONE_NEWUSER), "user namespace",
         "the sandbox gets one when it can");
    line(out, can_unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC |
                          CLONE_NEWUTS) ||
              can_unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET |
                          CLONE_NEWIPC | CLONE_NEWUTS),
         "mount/net/ipc/uts ns", "fresh ones for every sandbox when available");
    for (enum mon_cg_ctl c = 0; c < MON_CG_COUNT; c++) {
        static const char *const what[MON_CG_COUNT] = {
            "memory bound", "cpu quota", "task count"};
        static const char *const yes[MON_CG_COUNT] = {
            "--memory bounds everything the sandbox uses",
            "--cpus sets a quota", "--pids-limit bounds tasks"};
        static const char *const no[MON_CG_COUNT] = {
            "--memory bounds the address space (rlimit)",
            "--cpus is refused", "--pids-limit is refused"};

        kind = mon_cgroup_probe(c, why, sizeof(why));
        if (kind)
            snprintf(buf, sizeof(buf), "cgroup %s: %s", kind, yes[c]);
        else
            snprintf(buf, sizeof(buf), "no writable %s cgroup (%s): %s",
                     mon_cgroup_ctl_name(c), why, no[c]);
        line(out, kind != NULL, what[c], buf);
    }
    line(out, true, "cpu-time, timeout",
         "RLIMIT_CPU and the monitor's clock, always");
    line(out, getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE, "fsgsbase",
         "guest TLS set without a host call when present");
    return seccomp_ok ? 0 : 1;
}
