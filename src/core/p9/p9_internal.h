/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the 9P client's files (core, kernel image): the client
 * object and the request/reply helpers every message function uses.
 */
#ifndef LBOX_CORE_P9_INTERNAL_H
#define LBOX_CORE_P9_INTERNAL_H

#include "core/p9/p9_client.h"
#include "core/p9/p9_wire.h"
#include "rt/rt.h"

/* The one tag used while requests are serialized (Tversion uses NOTAG). */
#define P9_TAG 1

struct p9_client {
    struct kernel *k;
    int chan;
    uint32_t msize;         /* negotiated; <= bufsize */
    uint32_t bufsize;       /* size of tx and rx */
    bool dead;              /* channel or protocol failure: all -EIO */
    bool no_unlinkat;       /* server lacks Tunlinkat: walk + Tremove */
    bool no_renameat;       /* server lacks Trenameat: walk + Trename */
    bool own_server;        /* lbox's file server: its extensions work */
    bool no_lend;           /* server or platform lends no files */
    uint32_t lent;          /* lent files held now */
    struct rt_lock lock;    /* one request in flight; guards tx, rx, dead */
    struct rt_lock fid_lock;
    uint32_t fid_hint;
    uint32_t fids_in_use;
    uint8_t *tx, *rx;       /* shared heap, bufsize each */
    uint64_t sent[P9_NTYPES]; /* requests sent, by T-message type */
    uint32_t fid_map[P9_FID_MAX / 32];
};

/*
 * Take the request lock and start a (type) message in (req). Returns 0 with
 * the lock held, or -EIO (dead client) without it.
 */
int p9_req_begin(struct p9_client *c, struct p9_buf *req, uint8_t type);
/*
 * Send (req) and receive its reply into (rep), positioned after the header.
 * Returns 0, the server's -errno (Rlerror), -ENAMETOOLONG if (req) did not
 * fit msize, -EIO for a channel failure or -EPROTO for a malformed frame
 * (both mark the client dead). Lock held throughout.
 */
int p9_rpc(struct p9_client *c, struct p9_buf *req, struct p9_buf *rep);
/* p9_rpc, taking a host file handle that came with the reply: *(handle)
 * is one only when the call returns 0, else -1. */
int p9_rpc_handle(struct p9_client *c, struct p9_buf *req,
                  struct p9_buf *rep, int *handle);
/* After parsing (rep): -EPROTO (client dead) if it overran, else 0. */
int p9_rep_check(struct p9_client *c, const struct p9_buf *rep);
/* Release the request lock. */
void p9_req_end(struct p9_client *c);

/* Mark the client dead (lock held). */
void p9_fail(struct p9_client *c, const char *why);

int p9_fid_alloc(struct p9_client *c, uint32_t *fid);
void p9_fid_free(struct p9_client *c, uint32_t fid);

#endif /* LBOX_CORE_P9_INTERNAL_H */
