/* SPDX-License-Identifier: MIT */
/*
 * lbox_plat_enter_guest(const struct lbox_regs *r): load every guest
 * register from (r) and jump to r->rip on r->rsp, by the same way back a
 * fastcall takes (plat_resume_guest in fastcall_x86_64.S), which leaves
 * the guest's stack untouched.
 */
    .text
    .globl lbox_plat_enter_guest
    .type lbox_plat_enter_guest, @function
lbox_plat_enter_guest:
    mov %rdi, %rax
    jmp plat_resume_guest
    .size lbox_plat_enter_guest, . - lbox_plat_enter_guest

    .section .note.GNU-stack, "", @progbits
