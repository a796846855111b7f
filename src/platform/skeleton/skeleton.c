/* SPDX-License-Identifier: MIT */
/*
 * The skeleton platform: every call of include/lbox/platform.h, each
 * failing with -ENOSYS (or doing nothing where it cannot fail). A new
 * platform (a VM kernel, Windows) starts as a copy of this file. The build
 * compiles it against platform.h alone, so the header stays free of Linux
 * host assumptions.
 */
#include <lbox/errno.h>
#include <lbox/platform.h>

int lbox_plat_page_map(void **addr, size_t size, int prot, unsigned flags)
{
    (void)addr, (void)size, (void)prot, (void)flags;
    return -ENOSYS;
}

int lbox_plat_page_unmap(void *addr, size_t size)
{
    (void)addr, (void)size;
    return -ENOSYS;
}

int lbox_plat_page_protect(void *addr, size_t size, int prot)
{
    (void)addr, (void)size, (void)prot;
    return -ENOSYS;
}

int lbox_plat_page_remap(void *old_addr, size_t old_size, size_t new_size,
                         unsigned flags, void **new_addr)
{
    (void)old_addr, (void)old_size, (void)new_size, (void)flags,
        (void)new_addr;
    return -ENOSYS;
}

int lbox_plat_page_alias(void *src, size_t size, void *dst, int prot)
{
    (void)src, (void)size, (void)dst, (void)prot;
    return -ENOSYS;
}

int lbox_plat_page_advise(void *addr, size_t size, int advice)
{
    (void)addr, (void)size, (void)advice;
    return -ENOSYS;
}

int lbox_plat_copy_safe(void *dst, const void *src, size_t size)
{
    (void)dst, (void)src, (void)size;
    return -ENOSYS;
}

long lbox_plat_strncpy_safe(char *dst, const char *src, size_t max)
{
    (void)dst, (void)src, (void)max;
    return -ENOSYS;
}

int lbox_plat_cmpxchg32_safe(uint32_t *word, uint32_t *expected,
                             uint32_t desired)
{
    (void)word, (void)expected, (void)desired;
    return -ENOSYS;
}

int lbox_plat_self_ranges(struct lbox_range *out, int max)
{
    (void)out, (void)max;
    return 0;
}

int lbox_plat_futex_wait(uint32_t *word, uint32_t expected,
                         int64_t timeout_ns, unsigned flags)
{
    (void)word, (void)expected, (void)timeout_ns, (void)flags;
    return -ENOSYS;
}

int lbox_plat_futex_wake(uint32_t *word, int count, bool shared)
{
    (void)word, (void)count, (void)shared;
    return -ENOSYS;
}

int lbox_plat_thread_create(void (*fn)(void *), void *arg)
{
    (void)fn, (void)arg;
    return -ENOSYS;
}

_Noreturn void lbox_plat_thread_exit(void)
{
    for (;;)
        ;
}

int lbox_plat_thread_self(void)
{
    return 0;
}

int lbox_plat_thread_kick(int handle)
{
    (void)handle;
    return -ENOSYS;
}

void *lbox_plat_tls(void)
{
    return NULL;
}

void lbox_plat_set_tls(void *tls)
{
    (void)tls;
}

int lbox_plat_set_guest_tp(uint64_t tp)
{
    (void)tp;
    return -ENOSYS;
}

uint64_t lbox_plat_guest_tp(void)
{
    return 0;
}

int lbox_plat_clock_get(int clock, int64_t *ns)
{
    (void)clock, (void)ns;
    return -ENOSYS;
}

int lbox_plat_clock_res(int clock, int64_t *ns)
{
    (void)clock, (void)ns;
    return -ENOSYS;
}

int lbox_plat_sleep(int clock, int64_t ns)
{
    (void)clock, (void)ns;
    return -ENOSYS;
}

/* No extended state is kept for the guest here. */
int lbox_plat_xstate_info(struct lbox_xstate_info *out)
{
    (void)out;
    return -ENOSYS;
}

int lbox_plat_xstate_save(void *dst, size_t size)
{
    (void)dst, (void)size;
    return -ENOSYS;
}

int lbox_plat_xstate_load(const void *src, size_t size, uint64_t features)
{
    (void)src, (void)size, (void)features;
    return -ENOSYS;
}

/* No events reach this platform, and it has no timers. */
uint64_t lbox_plat_events_take(void)
{
    return 0;
}

int lbox_plat_timer_arm(int timer, int64_t ns)
{
    (void)timer, (void)ns;
    return -ENOSYS;
}

int lbox_plat_cycles(uint64_t *count)
{
    (void)count;
    return -ENOSYS;
}

int lbox_plat_random(void *buf, size_t size)
{
    (void)buf, (void)size;
    return -ENOSYS;
}

void lbox_plat_log(const char *msg, size_t size)
{
    (void)msg, (void)size;
}

long lbox_plat_chan_read(int chan, void *buf, size_t size)
{
    (void)chan, (void)buf, (void)size;
    return -ENODEV;
}

long lbox_plat_chan_write(int chan, const void *buf, size_t size)
{
    (void)chan, (void)buf, (void)size;
    return -ENODEV;
}

long lbox_plat_chan_recv(int chan, void *buf, size_t size, int *handle)
{
    *handle = -1;
    return lbox_plat_chan_read(chan, buf, size);
}

long lbox_plat_file_read(int handle, void *buf, size_t size, uint64_t off)
{
    (void)handle, (void)buf, (void)size, (void)off;
    return -ENOSYS;
}

long lbox_plat_file_write(int handle, const void *buf, size_t size,
                          uint64_t off)
{
    (void)handle, (void)buf, (void)size, (void)off;
    return -ENOSYS;
}

int lbox_plat_file_map(int handle, void *addr, size_t size, int prot,
                       uint64_t off, unsigned flags)
{
    (void)handle, (void)addr, (void)size, (void)prot, (void)off, (void)flags;
    return -ENOSYS;
}

void lbox_plat_file_close(int handle)
{
    (void)handle;
}

int lbox_plat_chan_poll(struct lbox_chan_poll *p, unsigned n,
                        int64_t timeout_ns)
{
    (void)p, (void)n, (void)timeout_ns;
    return -ENODEV;
}

int lbox_plat_chan_tty(int chan, int op, void *arg)
{
    (void)chan, (void)op, (void)arg;
    return -ENOTTY;
}

_Noreturn void lbox_plat_exit(int status)
{
    (void)status;
    for (;;)
        ;
}

_Noreturn void lbox_plat_exit_signal(int sig)
{
    lbox_plat_exit(128 + sig);
}

_Noreturn void lbox_plat_enter_guest(const struct lbox_regs *regs)
{
    (void)regs;
    lbox_plat_exit(127);
}
