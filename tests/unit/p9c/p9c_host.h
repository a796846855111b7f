/* SPDX-License-Identifier: MIT */
/*
 * Host side of the 9P client tests (glibc, p9c_host.c), callable from the
 * freestanding test code: temp trees, a real diod peer on a socketpair, and
 * a fake server that sends malformed replies. No libc types here.
 */
#ifndef LBOX_TESTS_P9C_HOST_H
#define LBOX_TESTS_P9C_HOST_H

/*
 * Make a fresh temp directory holding the test tree into (dir) (size
 * bytes): hello.txt = "hello, 9p\n", sub/inner.txt = "inner\n", link ->
 * hello.txt, deep/d/d/... (20 levels of "d"). Ignores SIGPIPE. 0 or -1.
 */
int p9c_host_setup(char *dir, unsigned long size);
/* 1 if diod is installed (the tests that need it skip otherwise). */
int p9c_host_have_diod(void);
/* rm -rf (dir). */
void p9c_host_cleanup(const char *dir);

/* Start diod serving (dir) on one end of a socketpair; returns the other
 * end, or -1. */
int p9c_host_diod_start(const char *dir);
/* Close (fd) and reap diod. */
void p9c_host_diod_stop(int fd);

/* Fake-server scenarios: each answers Tversion (and the requests before
 * the one it breaks) correctly, then sends one broken reply. */
enum p9c_fake {
    FAKE_GOOD,              /* everything well-formed, replies byte by byte */
    FAKE_VERSION_STRING,    /* Rversion "9P2000.u" */
    FAKE_VERSION_BIG_MSIZE, /* Rversion msize larger than asked */
    FAKE_VERSION_TINY,      /* Rversion msize 512 */
    FAKE_VERSION_LERROR,    /* Rlerror to Tversion */
    FAKE_ATTACH_TAG,        /* Rattach with the wrong tag */
    FAKE_ATTACH_TYPE,       /* Rwalk answering Tattach */
    FAKE_ATTACH_OVERSIZE,   /* size[4] above msize */
    FAKE_ATTACH_UNDERSIZE,  /* size[4] = 5 */
    FAKE_ATTACH_TRUNC,      /* Rattach with half a qid */
    FAKE_ATTACH_EOF,        /* connection closed instead of Rattach */
    FAKE_ATTACH_HALF,       /* 3 bytes of header, then closed */
    FAKE_LERROR_SHORT,      /* Rlerror without its ecode */
    FAKE_LERROR_HUGE,       /* Rlerror ecode 1000000, then good replies */
    FAKE_LERROR_ZERO,       /* Rlerror ecode 0, then good replies */
    FAKE_WALK_NWQID,        /* Rwalk nwqid 3 for nwname 2 */
    FAKE_WALK_SHORT,        /* Rwalk nwqid 2 but only one qid sent */
    FAKE_READ_BEYOND,       /* Rread count 1000 with 10 bytes of data */
    FAKE_READ_TOO_MUCH,     /* Rread count above the requested count */
    FAKE_READLINK_TRUNC,    /* Rreadlink string length past the message */
    FAKE_READDIR_SLASH,     /* Rreaddir entry named "a/b" */
    FAKE_READDIR_TOO_MUCH,  /* Rreaddir count above the requested count */
    FAKE_GETATTR_SHORT,     /* Rgetattr cut after the qid */
    FAKE_WALKATTR_FILE_LINK, /* Rwalkattr of a regular file with a target */
    FAKE_WALKATTR_LINK_EMPTY, /* Rwalkattr of a symlink without one */
    FAKE_LISTDIR_FILE_LINK, /* Rlistdir entry of a file with a target */
    FAKE_LISTDIR_TYPE,      /* Rlistdir directory entry, attributes of a file */
    FAKE_LISTDIR_TOO_MUCH,  /* Rlistdir count above the requested count */
    FAKE_COUNT
};

/* Fork a fake server for (scenario); returns the client's fd or -1. */
int p9c_host_fake_start(int scenario);
void p9c_host_fake_stop(int fd);

/* Whole-file helpers on host paths. */
long p9c_host_read_file(const char *path, void *buf, unsigned long size);
int p9c_host_write_file(const char *path, const void *buf,
                        unsigned long size);
/* 1 if (path) exists (lstat), else 0. */
int p9c_host_exists(const char *path);

#endif /* LBOX_TESTS_P9C_HOST_H */
