// SPDX-License-Identifier: MIT
// Integration test (guest program): getcwd after the current directory
// was removed fails with ENOENT, through libc and the raw syscall; a
// directory made again at the same path does not bring the old cwd back.
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "check.h"

int main(void)
{
    char dir[] = "/tmp/lbox-cwd-XXXXXX", buf[PATH_MAX];

    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    CHECK(chdir(dir) == 0, "chdir into it");
    CHECK(getcwd(buf, sizeof(buf)) && !strcmp(buf, dir), "getcwd before");
    CHECK(rmdir(dir) == 0, "rmdir the cwd");
    CHECK_ERR(syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT, "raw getcwd");
    CHECK(getcwd(buf, sizeof(buf)) == NULL && errno == ENOENT,
          "libc getcwd ENOENT");
    CHECK(mkdir(dir, 0700) == 0, "mkdir the same path again");
    CHECK_ERR(syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT,
              "raw getcwd, path made again");
    CHECK(chdir("/") == 0 && rmdir(dir) == 0, "clean up");
    return g_failed;
}
