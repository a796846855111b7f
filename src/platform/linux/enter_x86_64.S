/* SPDX-License-Identifier: MIT */
/*
 * plat_resume_regs(const struct lbox_regs *r), the end of
 * lbox_plat_enter_guest (plat_thread.c): load every guest
 * register from (r) and jump to r->rip on r->rsp, by the same way back a
 * fastcall takes (plat_resume_guest in fastcall_x86_64.S), which leaves
 * the guest's stack untouched.
 */
    .text
    .globl plat_resume_regs
    .hidden plat_resume_regs
    .type plat_resume_regs, @function
plat_resume_regs:
    mov %rdi, %rax
    jmp plat_resume_guest
    .size plat_resume_regs, . - plat_resume_regs

    .section .note.GNU-stack, "", @progbits
