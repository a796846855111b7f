/* SPDX-License-Identifier: MIT */
/*
 * The Linux shim's vDSO in guest images (North side, kernel image); the
 * vDSO itself is src/shim/linux/vdso/.
 */
#ifndef LBOX_SHIM_LINUX_VDSO_H
#define LBOX_SHIM_LINUX_VDSO_H

#include <stdint.h>

#include "core/kernel.h"

/*
 * Map lbox's vDSO ([vdso]) into (t)'s image being built, at a random
 * place, with the clock page read-only in the page below it ([vvar]);
 * *(ehdr) gets the vDSO's address for AT_SYSINFO_EHDR. 0 or -errno.
 */
int vdso_map(struct task *t, uint64_t *ehdr);

#endif /* LBOX_SHIM_LINUX_VDSO_H */
