/* SPDX-License-Identifier: MIT */
/*
 * The vDSO in each guest image (Linux shim, kernel image): the image
 * built from src/shim/linux/vdso/ (embedded by the generated
 * vdso_image.S) is copied into fresh pages at every exec, and the clock
 * page is shown read-only just below it, where the vDSO looks for it.
 * A copy per image, so a guest that writes its vDSO changes only its own.
 */
#include "core/clock.h"
#include "core/mm.h"
#include "rt/rt.h"
#include "shim/linux/vdso.h"

#define PAGE        LBOX_PAGE_SIZE
#define PLACE_TRIES 8

extern const char lbox_vdso_image[];
extern const uint64_t lbox_vdso_image_size;

int vdso_map(struct task *t, uint64_t *ehdr)
{
    size_t image = (size_t)lbox_vdso_image_size;
    uint64_t size = ALIGN_UP((uint64_t)image, PAGE), base = 0;
    long a = -EEXIST;
    int err;

    for (int i = 0; i < PLACE_TRIES && a == -EEXIST; i++) {
        base = mm_random_base(t->proc->mm, PAGE + size);
        if (!base)
            return -ENOMEM;
        a = mm_map_lbox(t, base, lbox_clock_page(t->k), PAGE, "[vvar]");
    }
    if (a < 0)
        return (int)a;
    a = mm_map(t, base + PAGE, size, LBOX_PROT_READ | LBOX_PROT_WRITE,
               MM_NOREPLACE, NULL, 0, "[vdso]");
    if (a < 0)
        return (int)a;
    err = lbox_plat_copy_safe((void *)(uintptr_t)(base + PAGE),
                              lbox_vdso_image, image);
    if (!err)
        err = mm_protect(t, base + PAGE, size,
                         LBOX_PROT_READ | LBOX_PROT_EXEC);
    if (err < 0)
        return err;
    *ehdr = base + PAGE;
    return 0;
}
