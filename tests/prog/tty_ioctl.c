// SPDX-License-Identifier: MIT
// Integration test (guest program): tty ioctls on non-tty fds: isatty,
// TCGETS/TIOCGWINSZ give ENOTTY on files, /dev/null and a stdin pipe.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>

#include "check.h"

int main(void)
{
    struct termios t;
    struct winsize ws;
    struct stat st;

    test_begin();
    scratch_make();

    /* The runner always gives the program a pipe as stdin. */
    CHECK(fstat(0, &st) == 0 && S_ISFIFO(st.st_mode), "stdin is a pipe");
    errno = 0;
    CHECK(isatty(0) == 0 && errno == ENOTTY, "isatty(stdin pipe) ENOTTY");
    CHECK_ERR(ioctl(0, TCGETS, &t), ENOTTY, "TCGETS on stdin pipe");

    int fd = open(sp("f"), O_CREAT | O_RDWR, 0600);
    CHECK(fd >= 0, "open file");
    errno = 0;
    CHECK(isatty(fd) == 0 && errno == ENOTTY, "isatty(file) ENOTTY");
    CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY, "TCGETS on file");
    CHECK_ERR(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY, "TIOCGWINSZ on file");
    CHECK_ERR(ioctl(fd, TIOCGPGRP, &ws), ENOTTY, "TIOCGPGRP on file");
    close(fd);

    fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0, "open /dev/null");
    errno = 0;
    CHECK(isatty(fd) == 0 && errno == ENOTTY, "isatty(/dev/null) ENOTTY");
    CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY, "TCGETS on /dev/null");
    close(fd);

    fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY, "TCGETS on directory");
    close(fd);

    CHECK_ERR(ioctl(999, TCGETS, &t), EBADF, "ioctl bad fd");
    errno = 0;
    CHECK(isatty(999) == 0 && errno == EBADF, "isatty(bad fd) EBADF");

    scratch_remove();
    return test_end();
}
