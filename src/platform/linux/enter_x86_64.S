/* SPDX-License-Identifier: MIT */
/*
 * lbox_plat_enter_guest(const struct lbox_regs *r): load every guest
 * register from (r) and jump to r->rip on r->rsp. Field offsets follow
 * struct lbox_regs in include/lbox/platform.h.
 */
    .text
    .globl lbox_plat_enter_guest
    .type lbox_plat_enter_guest, @function
lbox_plat_enter_guest:
    mov %rdi, %rax
    pushq 136(%rax)             /* rflags */
    popfq
    mov 56(%rax), %rsp          /* guest rsp */
    pushq 128(%rax)             /* rip, just below the guest's stack */
    mov 8(%rax), %rbx
    mov 16(%rax), %rcx
    mov 24(%rax), %rdx
    mov 32(%rax), %rsi
    mov 40(%rax), %rdi
    mov 48(%rax), %rbp
    mov 64(%rax), %r8
    mov 72(%rax), %r9
    mov 80(%rax), %r10
    mov 88(%rax), %r11
    mov 96(%rax), %r12
    mov 104(%rax), %r13
    mov 112(%rax), %r14
    mov 120(%rax), %r15
    mov 0(%rax), %rax
    ret
    .size lbox_plat_enter_guest, . - lbox_plat_enter_guest

    .section .note.GNU-stack, "", @progbits
