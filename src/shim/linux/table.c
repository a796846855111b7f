/* SPDX-License-Identifier: MIT */
/* The Linux syscall table, expanded from syscalls.def (Linux shim). */
#include "shim/linux/syscalls.h"

const struct syscall_desc g_syscall_table[SYSCALL_TABLE_SIZE] = {
#define SYS(nr, name_, args_) \
    [nr] = {.name = #name_, .fn = sys_##name_, .args = args_, \
            .kind = SYS_SERVED},
#define NOSYS(nr, name_) [nr] = {.name = #name_, .kind = SYS_NOSYS},
#define FIXED(nr, name_, err_, why_) \
    [nr] = {.name = #name_, .kind = SYS_FIXED, .err = err_, .why = why_},
#include "shim/linux/syscalls.def"
#undef SYS
#undef NOSYS
#undef FIXED
};
