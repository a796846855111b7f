/* SPDX-License-Identifier: MIT */
/*
 * The Linux shim's program loader (North side, kernel image): execve's and
 * boot's way from a path to a running image. Loads ELF64 x86-64
 * executables (static, static-pie, or with a PT_INTERP) and "#!" scripts,
 * builds Linux's initial stack and auxv, and sets the start registers.
 *
 * Two steps, so execve can fail cleanly:
 *   elf_exec_prepare  opens and validates everything (script chain, the
 *                     executable, its interpreter, argument sizes); the
 *                     address space is not touched, errors go back to the
 *                     caller as for any syscall.
 *   (caller)          mm_clear_guest(t): the point of no return.
 *   elf_exec_commit   maps both images, the vDSO, the stack and the break;
 *                     a failure here leaves a half-built image: the caller
 *                     must end the process (Linux: SIGSEGV).
 */
#ifndef LBOX_SHIM_LINUX_ELF_LOAD_H
#define LBOX_SHIM_LINUX_ELF_LOAD_H

#include <stddef.h>

#include <lbox/platform.h>

#include "core/kernel.h"

/* A validated, not yet mapped program (opaque; private heap). */
struct elf_exec;

/*
 * Validate the program at (path) (relative to the cwd) for running with
 * (argv) and (envp): NULL-terminated arrays of NUL-terminated strings in
 * lbox memory, which must stay valid until elf_exec_free. Needs a regular
 * file with execute permission (else -EACCES). On success *(out) holds the
 * open files and parsed headers. Errors: vfs errors, -EACCES, -ENOEXEC
 * (malformed or unknown format), -EINVAL (image does not fit), -ELIBBAD
 * (bad interpreter), -ELOOP (scripts nested deeper than 4), -E2BIG, -ENOMEM.
 * When (msg) is not NULL it receives a one-line reason on failure
 * ("truncated program headers", "interpreter /lib/ld.so: bad magic"), or
 * "" when the errno says it all.
 */
int elf_exec_prepare(struct task *t, const char *path, char *const argv[],
                     char *const envp[], struct elf_exec **out, char *msg,
                     size_t msg_size);

/*
 * Map the prepared program into (t)'s address space, which the caller has
 * just emptied with mm_clear_guest, build the initial stack, set the break,
 * (t)->proc->exe_path and comm, and fill (regs) to enter it. 0 or -errno
 * (then the old image is gone and the new one incomplete).
 */
int elf_exec_commit(struct task *t, struct elf_exec *x,
                    struct lbox_regs *regs);

/* Release what prepare took (files, strings). (x) may be NULL. */
void elf_exec_free(struct task *t, struct elf_exec *x);

/*
 * All three steps for the boot path (nothing to lose yet): prepare,
 * mm_clear_guest, commit, free. Same errors and (msg) as prepare; a commit
 * failure sets (msg) too. The boot path prints "lbox: <path>: <msg>" and
 * exits with 126 (127 for -ENOENT).
 */
int elf_exec(struct task *t, const char *path, char *const argv[],
             char *const envp[], struct lbox_regs *regs, char *msg,
             size_t msg_size);

#endif /* LBOX_SHIM_LINUX_ELF_LOAD_H */
