/* SPDX-License-Identifier: MIT */
/*
 * Entry point of the kernel image (linux platform): the host kernel jumps
 * here with the initial stack (argc, argv, envp, auxv). Nothing is
 * relocated yet, so only PC-relative addressing is used until
 * plat_relocate() has run.
 */
    .text
    .globl _start
    .hidden _start
    .type _start, @function
_start:
    xor %ebp, %ebp
    mov %rsp, %rbx              /* keep the initial stack pointer */
    and $-16, %rsp
    lea __ehdr_start(%rip), %rdi
    lea _DYNAMIC(%rip), %rsi
    call plat_relocate
    mov %rbx, %rdi
    call plat_start             /* does not return */
    ud2
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
