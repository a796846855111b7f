/* SPDX-License-Identifier: MIT */
/* mon_parse_size, mon_parse_duration_ms and mon_parse_cpus_milli: the
 * values of --memory, --tmpfs-size, --timeout, --cpus and friends. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "monitor/size.h"

static int fails;

static void check(int (*parse)(const char *, uint64_t *), const char *s,
                  int err, uint64_t v)
{
    uint64_t got = 12345;
    int r = parse(s, &got);

    if (r != err || (!err && got != v)) {
        printf("FAIL: '%s': got %d/%llu, want %d/%llu\n", s ? s : "(null)",
               r, (unsigned long long)got, err, (unsigned long long)v);
        fails++;
    }
}

static void want(const char *s, int err, uint64_t v)
{
    check(mon_parse_size, s, err, v);
}

static void want_ms(const char *s, int err, uint64_t v)
{
    check(mon_parse_duration_ms, s, err, v);
}

static void want_cpus(const char *s, int err, uint64_t v)
{
    check(mon_parse_cpus_milli, s, err, v);
}

int main(void)
{
    want("0", 0, 0);
    want("4096", 0, 4096);
    want("1k", 0, 1024);
    want("512m", 0, 512ull << 20);
    want("512MB", 0, 512ull << 20);
    want("2G", 0, 2ull << 30);
    want("3t", 0, 3ull << 40);
    want("18446744073709551615", 0, UINT64_MAX);
    want("18446744073709551616", -ERANGE, 0);
    want("17179869184g", -ERANGE, 0);
    want("", -EINVAL, 0);
    want(NULL, -EINVAL, 0);
    want("-1", -EINVAL, 0);
    want("1x", -EINVAL, 0);
    want("1 m", -EINVAL, 0);
    want("m", -EINVAL, 0);
    want("1mm", -EINVAL, 0);
    want_ms("10", 0, 10000);
    want_ms("10s", 0, 10000);
    want_ms("250ms", 0, 250);
    want_ms("2m", 0, 120000);
    want_ms("1h", 0, 3600000);
    want_ms("0", 0, 0);
    want_ms("1.5", -EINVAL, 0);
    want_ms("1d", -EINVAL, 0);
    want_ms("s", -EINVAL, 0);
    want_ms("", -EINVAL, 0);
    want_ms("18446744073709551615s", -ERANGE, 0);
    want_cpus("1", 0, 1000);
    want_cpus("0", 0, 0);
    want_cpus("1.5", 0, 1500);
    want_cpus("0.25", 0, 250);
    want_cpus("0.001", 0, 1);
    want_cpus("12.125", 0, 12125);
    want_cpus("0.0001", -EINVAL, 0);
    want_cpus("1.", -EINVAL, 0);
    want_cpus(".5", -EINVAL, 0);
    want_cpus("1,5", -EINVAL, 0);
    want_cpus("-1", -EINVAL, 0);
    want_cpus("", -EINVAL, 0);
    want_cpus("2c", -EINVAL, 0);
    want_cpus("18446744073709551", -ERANGE, 0);
    printf("%s\n", fails ? "FAIL" : "ok");
    return fails != 0;
}
