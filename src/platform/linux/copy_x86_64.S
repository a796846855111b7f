/* SPDX-License-Identifier: MIT */
/*
 * Fault-safe copies (linux platform). A fault inside [copy_safe_begin,
 * copy_safe_end) is caught by the SIGSEGV/SIGBUS handler, which moves the
 * instruction pointer to lbox_copy_fault, so the copy returns -EFAULT.
 */
    .text
    .globl lbox_copy_safe_begin, lbox_copy_safe_end, lbox_copy_fault
    .hidden lbox_copy_safe_begin, lbox_copy_safe_end, lbox_copy_fault

lbox_copy_safe_begin:

/* int lbox_plat_copy_safe(void *dst, const void *src, size_t size) */
    .globl lbox_plat_copy_safe
    .type lbox_plat_copy_safe, @function
lbox_plat_copy_safe:
    mov %rdx, %rcx
    rep movsb
    xor %eax, %eax
    ret
    .size lbox_plat_copy_safe, . - lbox_plat_copy_safe

/* long lbox_plat_strncpy_safe(char *dst, const char *src, size_t max)
 * Length without the NUL, -EFAULT, or -ENAMETOOLONG. */
    .globl lbox_plat_strncpy_safe
    .type lbox_plat_strncpy_safe, @function
lbox_plat_strncpy_safe:
    xor %eax, %eax
    test %rdx, %rdx
    jz 2f
1:  movzbl (%rsi,%rax), %ecx
    movb %cl, (%rdi,%rax)
    test %cl, %cl
    jz 3f
    inc %rax
    cmp %rdx, %rax
    jb 1b
2:  mov $-36, %rax              /* -ENAMETOOLONG */
3:  ret
    .size lbox_plat_strncpy_safe, . - lbox_plat_strncpy_safe

lbox_copy_fault:
    mov $-14, %rax              /* -EFAULT */
    ret

lbox_copy_safe_end:

    .section .note.GNU-stack, "", @progbits
