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
 * long lbox_gate_syscall_intr(long nr, long a0, ... long a5): the same
 * call for a wait an event must cut short (a signal for the guest from
 * outside the sandbox). It returns -EINTR without the call when an event
 * is pending (%gs:88), and the event handler (signal.c) moves a thread
 * still between that check and the host kernel, or about to restart the
 * call there, to the -EINTR exit (plat_intr_redirect): without it, an
 * event landing just before the call would wait out the whole wait.
 * %gs:96 says a thread is in here. The host call itself is the gate's
 * own instruction, the only one the filter allows.
 */
    .globl lbox_gate_syscall_intr
    .hidden lbox_gate_syscall_intr
    .type lbox_gate_syscall_intr, @function
lbox_gate_syscall_intr:
    movq $1, %gs:96
    mov %rdi, %rax
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov %rcx, %rdx
    mov %r8, %r10
    mov %r9, %r8
    mov 8(%rsp), %r9
    .globl lbox_gate_intr_begin
    .hidden lbox_gate_intr_begin
lbox_gate_intr_begin:
    cmpq $0, %gs:88
    jne lbox_gate_intr_eintr
    .globl lbox_gate_intr_call
    .hidden lbox_gate_intr_call
lbox_gate_intr_call:
    call lbox_gate_insn
    movq $0, %gs:96
    ret
    .globl lbox_gate_intr_eintr
    .hidden lbox_gate_intr_eintr
lbox_gate_intr_eintr:
    movq $0, %gs:96
    mov $-4, %rax
    ret
    .size lbox_gate_syscall_intr, . - lbox_gate_syscall_intr

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
