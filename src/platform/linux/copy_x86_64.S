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

/* int lbox_plat_cmpxchg32_safe(uint32_t *word, uint32_t *expected,
 *                              uint32_t desired)
 * 0 when swapped; -EAGAIN with *expected set to what the word held. */
    .globl lbox_plat_cmpxchg32_safe
    .type lbox_plat_cmpxchg32_safe, @function
lbox_plat_cmpxchg32_safe:
    mov (%rsi), %eax
    lock cmpxchg %edx, (%rdi)
    je 1f
    mov %eax, (%rsi)
    mov $-11, %eax              /* -EAGAIN */
    ret
1:  xor %eax, %eax
    ret
    .size lbox_plat_cmpxchg32_safe, . - lbox_plat_cmpxchg32_safe

/* int plat_cmpxchg64_safe(uint64_t *p, uint64_t old, uint64_t new)
 * 0 when swapped, 1 when *p differed. */
    .globl plat_cmpxchg64_safe
    .hidden plat_cmpxchg64_safe
    .type plat_cmpxchg64_safe, @function
plat_cmpxchg64_safe:
    mov %rsi, %rax
    lock cmpxchg %rdx, (%rdi)
    setne %al
    movzbl %al, %eax
    ret
    .size plat_cmpxchg64_safe, . - plat_cmpxchg64_safe

lbox_copy_fault:
    mov $-14, %rax              /* -EFAULT */
    ret

lbox_copy_safe_end:

    .section .note.GNU-stack, "", @progbits
