/* SPDX-License-Identifier: MIT */
/*
 * The one host syscall gate of the kernel image (linux platform). Every
 * host system call lbox makes executes the single `syscall` instruction
 * below; the seccomp filter allows host calls only when the instruction
 * pointer is lbox_gate_ret, and traps every other `syscall` (the guest's)
 * into SIGSYS. Wrappers pass values through without interpreting them.
 */
    .text

/* long lbox_gate_syscall(long nr, long a0, long a1, long a2, long a3,
 *                        long a4, long a5) */
    .globl lbox_gate_syscall
    .hidden lbox_gate_syscall
    .type lbox_gate_syscall, @function
lbox_gate_syscall:
    mov %rdi, %rax
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov %rcx, %rdx
    mov %r8, %r10
    mov %r9, %r8
    mov 8(%rsp), %r9
    .globl lbox_gate_insn
    .hidden lbox_gate_insn
lbox_gate_insn:
    syscall
    .globl lbox_gate_ret
    .hidden lbox_gate_ret
lbox_gate_ret:
    ret
    .size lbox_gate_syscall, . - lbox_gate_syscall

/*
 * Restorer for lbox's own host signal handlers: rt_sigreturn through the
 * gate, so the filter needs no exception for it. The frame's stack is the
 * signal frame, so nothing may be pushed here.
 */
    .globl lbox_gate_restorer
    .hidden lbox_gate_restorer
    .type lbox_gate_restorer, @function
lbox_gate_restorer:
    mov $15, %eax
    jmp lbox_gate_insn
    .size lbox_gate_restorer, . - lbox_gate_restorer

    .section .note.GNU-stack, "", @progbits
