/* SPDX-License-Identifier: MIT */
/*
 * devfs and procfs unit test (kernel-side test code): device node
 * semantics, the standard streams, and the /proc files programs read.
 */
#include "vfs_harness.h"

static bool contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncmp(hay, needle, n) == 0)
            return true;
    return false;
}

static void test_dev(void)
{
    struct file *f;
    struct vfs_stat st;
    char buf[32];

    f = xopen("/dev/null", O_RDWR, 0);
    if (f) {
        CHECK_EQ(vfs_read(&g_t, f, buf, sizeof(buf)), 0);
        CHECK_EQ(vfs_write(&g_t, f, "abc", 3), 3);
        CHECK_EQ(vfs_lseek(&g_t, f, 100, SEEK_SET), 0);
        CHECK_EQ(vfs_pread(&g_t, f, buf, 4, 0), 0);
        vfs_file_put(f);
    }
    f = xopen("/dev/zero", O_RDWR, 0);
    if (f) {
        memset(buf, 'x', sizeof(buf));
        CHECK_EQ(vfs_read(&g_t, f, buf, sizeof(buf)), sizeof(buf));
        CHECK(buf[0] == 0 && buf[31] == 0);
        CHECK_EQ(vfs_write(&g_t, f, "abc", 3), 3);
        vfs_file_put(f);
    }
    f = xopen("/dev/full", O_RDWR, 0);
    if (f) {
        CHECK_EQ(vfs_read(&g_t, f, buf, 8), 8);
        CHECK_EQ(vfs_write(&g_t, f, "abc", 3), -ENOSPC);
        vfs_file_put(f);
    }
    f = xopen("/dev/urandom", O_RDONLY, 0);
    if (f) {
        char b2[32];
        CHECK_EQ(vfs_read(&g_t, f, buf, sizeof(buf)), sizeof(buf));
        CHECK_EQ(vfs_read(&g_t, f, b2, sizeof(b2)), sizeof(b2));
        CHECK(memcmp(buf, b2, sizeof(buf)) != 0);
        vfs_file_put(f);
    }
    CHECK_EQ(vfs_stat(&g_t, NULL, "/dev/null", 0, &st), 0);
    CHECK_EQ(st.mode, S_IFCHR | 0666);
    CHECK_EQ(st.rdev, (1 << 8) | 3);
    CHECK_EQ(vfs_stat(&g_t, NULL, "/dev/urandom", 0, &st), 0);
    CHECK_EQ(st.rdev, (1 << 8) | 9);
    CHECK_EQ(vfs_stat(&g_t, NULL, "/dev/tty", 0, &st), 0);
    CHECK_EQ(st.rdev, (5 << 8) | 0);
    CHECK_EQ(vfs_readlink(&g_t, NULL, "/dev/stdin", buf, sizeof(buf)), 15);
    CHECK(memcmp(buf, "/proc/self/fd/0", 15) == 0);
    CHECK_EQ(vfs_open(&g_t, NULL, "/dev/newnode", O_CREAT | O_RDWR, 0644, &f),
             -EPERM);
    CHECK_EQ(vfs_unlink(&g_t, NULL, "/dev/null", 0), -EPERM);
    /* /dev/tty: a terminal on stdin or -ENXIO. */
    struct lbox_winsize ws;
    int err = vfs_open(&g_t, NULL, "/dev/tty", O_RDWR, 0, &f);
    if (lbox_plat_chan_tty(LBOX_CHAN_STDIN, LBOX_TTY_GETWINSZ, &ws) < 0) {
        CHECK_EQ(err, -ENXIO);
    } else {
        CHECK_EQ(err, 0);
        if (err == 0)
            vfs_file_put(f);
    }
}

static void test_stdio(void)
{
    struct file *f;
    struct vfs_stat st;
    uint8_t termios[DEVFS_KTERMIOS_SIZE];
    int err;

    /* stdout of the test: a pipe under meson, maybe a terminal by hand. */
    err = devfs_open_stdio(&g_t, LBOX_CHAN_STDOUT, &f);
    CHECK_EQ(err, 0);
    if (err < 0)
        return;
    CHECK_EQ(vfs_fstat(&g_t, f, &st), 0);
    if (S_ISCHR(st.mode)) {
        CHECK_EQ(vfs_ioctl(&g_t, f, DEVFS_TCGETS, termios), 0);
        CHECK_STR(fpath(f), "/dev/pts/0");
    } else {
        CHECK(S_ISFIFO(st.mode));
        CHECK_EQ(vfs_ioctl(&g_t, f, DEVFS_TCGETS, termios), -ENOTTY);
        CHECK_EQ(vfs_lseek(&g_t, f, 0, SEEK_SET), -ESPIPE);
        CHECK_EQ(vfs_pwrite(&g_t, f, "x", 1, 0), -ESPIPE);
    }
    CHECK_EQ(vfs_write(&g_t, f, "", 0), 0);
    g_fdt.files[1] = f;
}

/* getdents callback: append "name|" to the string in (ctx). */
static int collect(void *ctx, const char *name, size_t len, uint64_t ino,
            uint64_t next, unsigned type)
{
    char *names = ctx;
    size_t n = strlen(names);

    (void)ino;
    (void)next;
    (void)type;
    if (n + len + 2 > 256)
        return 1;
    memcpy(names + n, name, len);
    names[n + len] = '|';
    names[n + len + 1] = '\0';
    return 0;
}

static void test_proc(void)
{
    static char buf[16384];
    struct vfs_stat st;
    struct file *f;
    long n;

    CHECK_EQ(vfs_readlink(&g_t, NULL, "/proc/self", buf, sizeof(buf)), 2);
    CHECK(memcmp(buf, "42", 2) == 0);
    CHECK_EQ(vfs_stat(&g_t, NULL, "/proc/self", 0, &st), 0);
    CHECK(S_ISDIR(st.mode));
    n = read_all("/proc/self/status", buf, sizeof(buf));
    CHECK(n > 0);
    CHECK(contains(buf, "Pid:\t42\n"));
    CHECK(contains(buf, "Name:\tvfstest\n"));
    CHECK(contains(buf, "Uid:\t0\t0\t0\t0\n"));
    n = read_all("/proc/42/stat", buf, sizeof(buf));
    CHECK(n > 0 && str_starts_with(buf, "42 (vfstest) R 1 "));
    int fields = 1;
    for (char *c = buf; *c; c++)
        fields += *c == ' ';
    CHECK_EQ(fields, 52);
    CHECK(read_all("/proc/self/maps", buf, sizeof(buf)) > 0);
    CHECK(contains(buf, "[test]"));
    CHECK(read_all("/proc/mounts", buf, sizeof(buf)) > 0);
    CHECK(contains(buf, "rootfs / tmpfs rw"));
    CHECK(contains(buf, "rotmp /ro tmpfs ro"));
    CHECK(contains(buf, "proc /proc proc rw"));
    CHECK(read_all("/proc/cpuinfo", buf, sizeof(buf)) > 0);
    CHECK(str_starts_with(buf, "processor\t: 0\n"));
    CHECK(contains(buf, " sse2"));
    CHECK(read_all("/proc/meminfo", buf, sizeof(buf)) > 0);
    CHECK(str_starts_with(buf, "MemTotal:"));
    CHECK(read_all("/proc/sys/kernel/hostname", buf, sizeof(buf)) > 0);
    CHECK_STR(buf, "lboxtest\n");
    CHECK(read_all("/proc/sys/kernel/osrelease", buf, sizeof(buf)) > 0);
    CHECK_STR(buf, "6.1.0-lbox\n");
    CHECK(read_all("/proc/uptime", buf, sizeof(buf)) > 0);
    CHECK(read_all("/proc/version", buf, sizeof(buf)) > 0);
    CHECK(str_starts_with(buf, "Linux version 6.1.0-lbox"));
    CHECK_EQ(vfs_readlink(&g_t, NULL, "/proc/self/exe", buf, sizeof(buf)), 9);
    CHECK_EQ(vfs_readlink(&g_t, NULL, "/proc/self/cwd", buf, sizeof(buf)), 1);
    CHECK_EQ(procfs_set_cmdline(g_proc_root, "prog\0arg\0", 9), 0);
    CHECK_EQ(read_all("/proc/self/cmdline", buf, sizeof(buf)), 9);
    CHECK(memcmp(buf, "prog\0arg\0", 9) == 0);
    CHECK_EQ(read_all("/proc/self/environ", buf, sizeof(buf)), 0);
    CHECK_EQ(read_all("/proc/43/status", buf, sizeof(buf)), -ENOENT);
    CHECK_EQ(vfs_open(&g_t, NULL, "/proc/self/status", O_WRONLY, 0, &f),
             -EACCES);
    CHECK_EQ(vfs_mkdir(&g_t, NULL, "/proc/x", 0755), -EPERM);
    /* Seek within a snapshot. */
    f = xopen("/proc/self/comm", O_RDONLY, 0);
    if (f) {
        CHECK_EQ(vfs_lseek(&g_t, f, 3, SEEK_SET), 3);
        CHECK_EQ(vfs_read(&g_t, f, buf, 10), 5);
        CHECK(memcmp(buf, "test\n", 5) == 0);
        CHECK_EQ(vfs_lseek(&g_t, f, 0, SEEK_END), 8);
        vfs_file_put(f);
    }

    /* fd directory: entries for open fds, magic links to the files. */
    f = xopen("/s_target", O_CREAT | O_RDWR, 0644);
    if (f) {
        CHECK_EQ(vfs_write(&g_t, f, "via fd", 6), 6);
        g_fdt.files[3] = f;
        CHECK_EQ(vfs_readlink(&g_t, NULL, "/proc/self/fd/3", buf, sizeof(buf)),
                 9);
        CHECK(memcmp(buf, "/s_target", 9) == 0);
        CHECK_EQ(vfs_unlink(&g_t, NULL, "/s_target", 0), 0);
        /* Deleted, yet reachable through the magic link. */
        CHECK_EQ(read_all("/proc/self/fd/3", buf, sizeof(buf)), 6);
        CHECK_STR(buf, "via fd");
        CHECK_EQ(vfs_stat(&g_t, NULL, "/proc/self/fd/4", 0, &st), -ENOENT);
        CHECK_EQ(vfs_stat(&g_t, NULL, "/dev/fd/3", 0, &st), 0);
        CHECK(S_ISREG(st.mode));
    }
    /* Listing /proc/self/fd and /proc. */
    struct file *d = xopen("/proc/self/fd", O_RDONLY | O_DIRECTORY, 0);
    if (d) {
        char names[256] = "";
        CHECK_EQ(vfs_iterate(&g_t, d, collect, names), 0);
        CHECK_STR(names, ".|..|1|3|");
        vfs_file_put(d);
    }
    d = xopen("/proc", O_RDONLY | O_DIRECTORY, 0);
    if (d) {
        char names[256] = "";
        CHECK_EQ(vfs_iterate(&g_t, d, collect, names), 0);
        CHECK(contains(names, "|self|thread-self|42|"));
        CHECK(contains(names, "|cpuinfo|"));
        vfs_file_put(d);
    }
    if (f) {
        g_fdt.files[3] = NULL;
        vfs_file_put(f);
    }
}

int main(void)
{
    int err = harness_init();

    if (err < 0) {
        say("harness: %d\n", err);
        return 1;
    }
    test_dev();
    test_stdio();
    test_proc();
    return check_done("vfs-devproc");
}
