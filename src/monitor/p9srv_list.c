// SPDX-License-Identifier: MIT
/*
 * Tlistdir, lbox's directory listing with attributes (host side): one
 * request walks to a directory, reads its entries from an offset and
 * returns each with what Tgetattr (and, for a symlink, Treadlink) would,
 * so a client can cache a whole directory of names without a walk per
 * name. Nothing is created on the server: no fid, no open file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor/p9srv_int.h"

#define LIST_BUF 65536

/* Entry bytes before the name's: qid[13] offset[8] type[1] name_len[2]. */
#define ENT_HEAD (P9_QIDSZ + 8 + 1 + 2)
/* After it: the Rgetattr body and link[s]'s length. */
#define ENT_TAIL (P9_ATTRSZ + 2)

static bool is_dot(const char *name)
{
    return name[0] == '.' &&
           (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/*
 * One entry. "." and ".." and a name that went away since getdents carry
 * no attributes (valid 0): their stat would be the parent's, or outside
 * the export at its root. Returns false when the entry does not fit.
 */
static bool put_entry(struct mon_p9srv *srv, struct p9_out *out, size_t limit,
                      int dfd, const struct stat *dst,
                      const struct dirent64 *d)
{
    char link[PATH_MAX];
    size_t nlen = strlen(d->d_name);
    ssize_t llen = 0;
    unsigned char type = d->d_type;
    struct p9_qid qid;
    struct stat st;
    bool valid = false;

    if (!is_dot(d->d_name) &&
        fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        valid = true;
        if (S_ISLNK(st.st_mode)) {
            llen = readlinkat(dfd, d->d_name, link, sizeof(link));
            if (llen <= 0 || (size_t)llen >= sizeof(link))
                valid = false, llen = 0;
        }
    }
    if (out->len + ENT_HEAD + nlen + ENT_TAIL + (size_t)llen > limit)
        return false;
    if (valid) {
        /* What the stat saw, should the name have changed since. */
        type = IFTODT(st.st_mode);
        p9_qid_from_stat(srv, &st, &qid);
    } else {
        st = (struct stat){ .st_dev = dst->st_dev, .st_ino = d->d_ino,
                            .st_mode = d->d_type == DT_DIR ? S_IFDIR
                                       : d->d_type == DT_LNK ? S_IFLNK
                                                             : S_IFREG };
        p9_qid_from_stat(srv, &st, &qid);
    }
    p9_putqid(out, &qid);
    p9_put64(out, (uint64_t)d->d_off);
    p9_put8(out, type);
    p9_putstr(out, d->d_name, nlen);
    if (valid) {
        p9_put_attr(srv, out, &st);
    } else {
        uint8_t *zero = p9_putraw(out, P9_ATTRSZ);

        if (zero)
            memset(zero, 0, P9_ATTRSZ);
    }
    p9_putstr(out, link, (size_t)llen);
    return true;
}

/*
 * Tlistdir fid[4] nwname[2] nwname*(wname[s]) offset[8] count[4]:
 * the directory (fid) walked by (wname) (fid itself for none), listed
 * from (offset). Rlistdir eof[1] count[4] entries[count], each entry
 * qid[13] offset[8] type[1] name[s] attr link[s], attr being the body of
 * an Rgetattr (valid 0: none) and link a symlink's target (else empty).
 * eof: the listing ended within this reply.
 */
int p9_op_listdir(struct mon_p9srv *srv, struct p9_in *in, struct p9_out *out)
{
    struct p9_fid tmp = { .fd = -1, .pfd = -1, .ofd = -1 };
    char names[P9_MAXWELEM][NAME_MAX + 1];
    uint32_t num = p9_get32(in);
    uint16_t nwname = p9_get16(in);
    struct p9_fid *fid;
    struct stat dst;
    size_t start, limit, eof_at;
    uint64_t off;
    uint32_t count;
    char *buf = NULL;
    long n;
    int dfd = -1, err;

    if (nwname > P9_MAXWELEM)
        return -EINVAL;
    for (uint16_t i = 0; i < nwname; i++)
        p9_getstr(in, names[i], sizeof(names[i]));
    off = p9_get64(in);
    count = p9_get32(in);
    if (in->err)
        return in->err;
    if (off > (uint64_t)INT64_MAX)
        return -EINVAL;
    fid = p9_fid_get(srv, num);
    if (!fid || fid->fd < 0)
        return -EBADF;
    err = p9_fid_copy(&tmp, fid);
    for (uint16_t i = 0; !err && i < nwname; i++)
        err = p9_fid_step(&tmp, names[i]);
    if (err)
        goto out;
    if (!S_ISDIR(tmp.mode)) {
        err = -ENOTDIR;
        goto out;
    }
    dfd = p9_fid_reopen(&tmp, O_RDONLY | O_DIRECTORY);
    if (dfd < 0) {
        err = dfd;
        goto out;
    }
    if (fstat(dfd, &dst) < 0 || lseek(dfd, (off_t)off, SEEK_SET) < 0) {
        err = -errno;
        goto out;
    }
    buf = malloc(LIST_BUF);
    if (!buf) {
        err = -ENOMEM;
        goto out;
    }
    eof_at = out->len;
    p9_put8(out, 0);
    p9_put32(out, 0);
    start = out->len;
    if (count > srv->msize - start)
        count = srv->msize - (uint32_t)start;
    limit = start + count;
    while ((n = syscall(SYS_getdents64, dfd, buf, LIST_BUF)) > 0) {
        for (long pos = 0; pos < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + pos);

            pos += d->d_reclen;
            if (!put_entry(srv, out, limit, dfd, &dst, d))
                goto full;
        }
    }
    if (n < 0) {
        err = -errno;
        goto out;
    }
    out->buf[eof_at] = 1;
full:
    count = (uint32_t)(out->len - start);
    for (int i = 0; i < 4; i++)
        out->buf[eof_at + 1 + i] = (uint8_t)(count >> (8 * i));
    if (out->overflow)
        err = -EMSGSIZE;
out:
    free(buf);
    if (dfd >= 0)
        close(dfd);
    p9_fid_clear(&tmp);
    return err;
}
