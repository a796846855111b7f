/* SPDX-License-Identifier: MIT */
/*
 * lbox_plat_fastcall: where a rewritten guest system call lands (see
 * fastcall.c). The site's stub has put the number in rax and the address
 * after the call in rcx, as the syscall instruction would; every other
 * register is the guest's, and the guest's stack is never touched (its
 * red zone stays intact). The registers go into a struct lbox_regs on
 * lbox's own stack (struct plat_thread: %gs:32), the extended state into
 * the thread's XSAVE area (%gs:40), and lbox_syscall_entry runs as it
 * would from SIGSYS. The way back loads every register from the struct,
 * rcx and r11 included (an execve or a sigreturn sets them), and jumps
 * through %gs:48, so no guest register is needed to get there.
 *
 * struct lbox_regs offsets: rax 0, rbx 8, rcx 16, rdx 24, rsi 32, rdi 40,
 * rbp 48, rsp 56, r8 64 ... r15 120, rip 128, rflags 136.
 */
    .text
    .globl lbox_plat_fastcall
    .type lbox_plat_fastcall, @function
lbox_plat_fastcall:
    movq $0, %gs:104            /* not a handler's exit (signal.c) */
    mov %rsp, %r11
    mov %gs:32, %rsp
    pushfq                      /* rflags */
    push %rcx                   /* rip */
    push %r15
    push %r14
    push %r13
    push %r12
    pushq 40(%rsp)              /* r11: rflags, as syscall leaves it */
    push %r10
    push %r9
    push %r8
    push %r11                   /* rsp */
    push %rbp
    push %rdi
    push %rsi
    push %rdx
    push %rcx                   /* rcx: the return address, likewise */
    push %rbx
    push %rax
    cld
    mov %rsp, %rbx              /* callee-saved: the struct */
    mov %gs:40, %rdi
    mov $-1, %eax
    mov $-1, %edx
    xsave64 (%rdi)
    ldmxcsr fastcall_mxcsr(%rip)    /* lbox's C runs with the defaults */
    fldcw fastcall_fcw(%rip)
    mov %rbx, %rdi
    call lbox_syscall_entry
    mov %gs:40, %rdi
    mov $-1, %eax
    mov $-1, %edx
    xrstor64 (%rdi)
    mov %rbx, %rax
    /* Also lbox_plat_enter_guest's way in, with the struct in rax. */
    .globl plat_resume_guest
plat_resume_guest:
    mov 128(%rax), %rcx
    mov %rcx, %gs:48
    pushq 136(%rax)
    popfq
    mov 8(%rax), %rbx
    mov 16(%rax), %rcx
    mov 24(%rax), %rdx
    mov 32(%rax), %rsi
    mov 40(%rax), %rdi
    mov 48(%rax), %rbp
    mov 56(%rax), %rsp
    mov 64(%rax), %r8
    mov 72(%rax), %r9
    mov 80(%rax), %r10
    mov 88(%rax), %r11
    mov 96(%rax), %r12
    mov 104(%rax), %r13
    mov 112(%rax), %r14
    mov 120(%rax), %r15
    mov 0(%rax), %rax
    jmp *%gs:48
    .size lbox_plat_fastcall, . - lbox_plat_fastcall

    .section .rodata
    .balign 4
fastcall_mxcsr:
    .long 0x1f80
fastcall_fcw:
    .short 0x37f

    .section .note.GNU-stack, "", @progbits
