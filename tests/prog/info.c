// SPDX-License-Identifier: MIT
// Integration test (guest program): identity and info syscalls: uname,
// getpid/getppid/gettid, uid/gid calls, getrandom, sysinfo, prlimit64,
// getrlimit.
#include <stdint.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#include "check.h"

static void names(void)
{
    struct utsname u;
    CHECK_EQ(uname(&u), 0, "uname");
    printf("sysname=%s machine=%s\n", u.sysname, u.machine);
    CHECK(u.nodename[0] && u.release[0] && u.version[0],
          "uname fields non-empty");
    CHECK(strchr(u.release, '.') != NULL, "release looks like x.y");
    CHECK_ERR(syscall(SYS_uname, (void *)1), EFAULT, "uname bad pointer");
}

static void ids(void)
{
    pid_t pid = getpid();
    CHECK(pid > 0, "getpid>0");
    CHECK_EQ(syscall(SYS_gettid), pid, "gettid==getpid");
    CHECK_EQ(syscall(SYS_getpid), pid, "raw getpid stable");
    /* Inside a sandbox the parent may be invisible (0). */
    pid_t pp = getppid();
    CHECK(pp >= 0 && pp != pid, "getppid>=0 and differs");

    /* The same ids natively and under lbox: printed and compared. */
    printf("uid=%d euid=%d gid=%d egid=%d\n", (int)getuid(), (int)geteuid(),
           (int)getgid(), (int)getegid());
    uid_t r, e, s;
    gid_t gr, ge, gs;
    CHECK(getresuid(&r, &e, &s) == 0 && r == getuid() && e == geteuid(),
          "getresuid consistent");
    CHECK(getresgid(&gr, &ge, &gs) == 0 && gr == getgid() && ge == getegid(),
          "getresgid consistent");
    gid_t groups[256];
    int n = getgroups(256, groups);
    CHECK(n >= 0, "getgroups");
    CHECK_EQ(getgroups(0, NULL), n, "getgroups count");
}

static void random_bytes(void)
{
    unsigned char a[64], b[64];
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    CHECK_EQ(getrandom(a, sizeof(a), 0), 64, "getrandom 64");
    CHECK_EQ(getrandom(b, sizeof(b), GRND_NONBLOCK), 64,
             "getrandom GRND_NONBLOCK");
    CHECK(memcmp(a, b, 64) != 0, "two getrandom calls differ");
    int nz = 0;
    for (int i = 0; i < 64; i++)
        nz += a[i] != 0;
    CHECK(nz > 32, "getrandom bytes look random");
    CHECK_EQ(getrandom(a, 16, GRND_RANDOM), 16, "getrandom GRND_RANDOM");
    CHECK_EQ(getrandom(a, 0, 0), 0, "getrandom length 0");
    static unsigned char big[65536];
    CHECK(getrandom(big, sizeof(big), 0) > 0, "getrandom 64 KiB");
    CHECK_ERR(syscall(SYS_getrandom, a, 16, 0x100), EINVAL,
              "getrandom bad flags");
    CHECK_ERR(syscall(SYS_getrandom, (void *)1, 16, 0), EFAULT,
              "getrandom bad buffer");
}

static void sysinfos(void)
{
    struct sysinfo si;
    CHECK_EQ(sysinfo(&si), 0, "sysinfo");
    CHECK(si.uptime > 0, "uptime>0");
    CHECK(si.totalram > 0, "totalram>0");
    CHECK(si.mem_unit >= 1, "mem_unit>=1");
    CHECK(si.freeram <= si.totalram, "freeram<=totalram");
    CHECK(si.procs >= 1, "procs>=1");
    CHECK_ERR(syscall(SYS_sysinfo, (void *)1), EFAULT, "sysinfo bad pointer");
    CHECK(get_nprocs() >= 1, "get_nprocs>=1");
}

static void limits(void)
{
    struct rlimit rl, rl2, nl;
    CHECK_EQ(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl), 0,
             "prlimit64 get NOFILE");
    CHECK(rl.rlim_cur <= rl.rlim_max, "NOFILE soft<=hard");
    CHECK(rl.rlim_cur >= 3, "NOFILE soft>=3");
    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &rl2), 0, "getrlimit NOFILE");
    CHECK(rl2.rlim_cur == rl.rlim_cur && rl2.rlim_max == rl.rlim_max,
          "getrlimit agrees with prlimit64");
    CHECK_EQ(syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, NULL, &rl2), 0,
             "prlimit64 own pid");
    nl = rl;
    nl.rlim_cur = rl.rlim_cur - 1;
    CHECK_EQ(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &nl, &rl2), 0,
             "prlimit64 set NOFILE soft");
    CHECK(rl2.rlim_cur == rl.rlim_cur, "prlimit64 returns old value");
    CHECK(getrlimit(RLIMIT_NOFILE, &rl2) == 0 &&
              rl2.rlim_cur == rl.rlim_cur - 1,
          "new soft limit visible");
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0, "setrlimit restore");
    nl.rlim_cur = rl.rlim_max;
    nl.rlim_max = rl.rlim_max - 1;
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &nl), EINVAL, "setrlimit soft>hard");
    CHECK_ERR(syscall(SYS_prlimit64, 0, 999, NULL, &rl2), EINVAL,
              "prlimit64 bad resource");
    CHECK(getrlimit(RLIMIT_STACK, &rl2) == 0 && rl2.rlim_cur > 0,
          "getrlimit STACK");
    CHECK_EQ(getrlimit(RLIMIT_AS, &rl2), 0, "getrlimit AS");
    CHECK_EQ(syscall(SYS_getrlimit, RLIMIT_NOFILE, &rl2), 0, "raw getrlimit");
}

int main(void)
{
    test_begin();
    names();
    ids();
    random_bytes();
    sysinfos();
    limits();
    return test_end();
}
