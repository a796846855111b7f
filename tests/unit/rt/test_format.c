/* SPDX-License-Identifier: MIT */
/*
 * Unit test of rt_snprintf (kernel-side code): known outputs written by
 * hand, then the same directives compared against glibc's snprintf (in
 * test_format_host.c, a normal glibc file).
 */
#include "../check.h"

int host_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* rt_snprintf(fmt, ...) must give (want) and return its length. */
#define EXPECT(want, ...)                                                    \
    do {                                                                     \
        char b_[256];                                                        \
        int n_ = rt_snprintf(b_, sizeof(b_), __VA_ARGS__);                   \
        CHECK_STR(b_, want);                                                 \
        CHECK_EQ(n_, (int)strlen(want));                                     \
    } while (0)

/* rt_snprintf and glibc's snprintf must agree, whole and truncated. */
#define CROSS(...)                                                           \
    do {                                                                     \
        char r_[300], h_[300];                                               \
        int nr_ = rt_snprintf(r_, sizeof(r_), __VA_ARGS__);                  \
        int nh_ = host_snprintf(h_, sizeof(h_), __VA_ARGS__);                \
        CHECK_STR(r_, h_);                                                   \
        CHECK_EQ(nr_, nh_);                                                  \
        nr_ = rt_snprintf(r_, 5, __VA_ARGS__);                               \
        nh_ = host_snprintf(h_, 5, __VA_ARGS__);                             \
        CHECK_STR(r_, h_);                                                   \
        CHECK_EQ(nr_, nh_);                                                  \
    } while (0)

static void test_known(void)
{
    char buf[16];
    char *volatile np = NULL;
    const char *zero_prec = "[%05.2d]";

    EXPECT("", "%s", "");
    EXPECT("plain text", "plain text");
    EXPECT("100%", "100%%");
    EXPECT("42 -42 0", "%d %i %d", 42, -42, 0);
    EXPECT("-2147483648", "%d", INT32_MIN);
    EXPECT("4294967295", "%u", 0xffffffffu);
    EXPECT("-9223372036854775808", "%lld", (long long)INT64_MIN);
    EXPECT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    EXPECT("18446744073709551615", "%zu", (size_t)-1);
    EXPECT("-1", "%zd", (long)-1);
    EXPECT("ff FF 377", "%x %X %o", 255, 255, 255);
    EXPECT("0xff 0XFF 0377 0 0", "%#x %#X %#o %#x %#o", 255, 255, 255, 0, 0);
    EXPECT("-1 255 -1 65535", "%hhd %hhu %hd %hu", 255, 255, 65535, -1);
    EXPECT("[   42] [42   ] [00042] [-0042]", "[%5d] [%-5d] [%05d] [%05d]", 42, 42, 42, -42);
    EXPECT("[+42] [ 42] [+0] [-42]", "[%+d] [% d] [%+d] [% d]", 42, 42, 0, -42);
    EXPECT("[  00042] [00042]", "[%7.5d] [%.5d]", 42, 42);
    EXPECT("[] [    ] [0]", "[%.0d] [%4.0d] [%#.0o]", 0, 0, 0);
    EXPECT("[   42]", zero_prec, 42); /* '0' ignored with a precision */
    EXPECT("[0x002a] [  0x2a]", "[%#06x] [%#6x]", 42, 42);
    EXPECT("[ab   ] [   ab] [a]", "[%-5s] [%5s] [%.1s]", "ab", "ab", "abc");
    EXPECT("[  x] [x  ]", "[%3c] [%-3c]", 'x', 'x');
    EXPECT("[   ab] [ab   ]", "[%*s] [%*s]", 5, "ab", -5, "ab");
    EXPECT("[abc] [ab]", "[%.*s] [%.*s]", -1, "abc", 2, "abc");
    EXPECT("(null)", "%s", np);
    EXPECT("(nil)", "%p", (void *)0);
    EXPECT("0x1234", "%p", (void *)0x1234);
    EXPECT("[0xdeadbeef  ]", "[%-12p]", (void *)0xdeadbeef);

    /* Truncation: always terminated, returns the full length. */
    memset(buf, 'z', sizeof(buf));
    CHECK_EQ(rt_snprintf(buf, 4, "%s", "abcdef"), 6);
    CHECK_STR(buf, "abc");
    CHECK_EQ(buf[4], 'z');
    CHECK_EQ(rt_snprintf(buf, 1, "%d", 12345), 5);
    CHECK_STR(buf, "");
    buf[0] = 'q';
    CHECK_EQ(rt_snprintf(buf, 0, "%d", 12345), 5);
    CHECK_EQ(buf[0], 'q');
    CHECK_EQ(rt_snprintf(NULL, 0, "%s-%d", "abc", 7), 5);
    CHECK_EQ(rt_snprintf(buf, sizeof(buf), "%5000d", 1), 5000);
}

static void test_cross(void)
{
    static const int ints[] = { 0, 1, -1, 7, -7, 42, 1000, -12345, INT32_MAX, INT32_MIN };
    static const char *const dfmts[] = {
        "%d", "%i", "%5d", "%-5d", "%05d", "%+d", "% d", "%+05d", "% 05d",
        "%.3d", "%8.3d", "%-8.3d", "%08.3d", "%.0d", "%+.0d", "%-+6d", "%- 6d",
    };
    static const char *const ufmts[] = {
        "%u", "%x", "%X", "%o", "%#x", "%#X", "%#o", "%#10x", "%#-10x",
        "%#010x", "%.0x", "%#.0x", "%#.0o", "%#.4o", "%12.6o", "%-9X", "%09u",
    };

    for (size_t i = 0; i < ARRAY_SIZE(ints); i++) {
        for (size_t f = 0; f < ARRAY_SIZE(dfmts); f++) {
            CROSS(dfmts[f], ints[i]);
            CROSS(dfmts[f], (char)ints[i]);
        }
        for (size_t f = 0; f < ARRAY_SIZE(ufmts); f++)
            CROSS(ufmts[f], (unsigned)ints[i]);
    }
    CROSS("%hhd %hhu %hhx %hd %hu %hx", 300, 300, 300, 70000, 70000, 70000);
    CROSS("%ld %lu %lx %lo", -5L, 5UL, 0xfeedUL, 8UL);
    CROSS("%lld %llu %llx %#llo", (long long)INT64_MIN, (unsigned long long)UINT64_MAX,
          0x123456789abcdefULL, 01234567ULL);
    CROSS("%zu %zx %zd", (size_t)123456, (size_t)0xabc, (long)-99);
    CROSS("%25lld|%-25lld|%025lld", (long long)INT64_MIN, (long long)INT64_MAX,
          -1LL);
    CROSS("%*d|%-*d|%*.*d|%.*d", 6, 3, 6, 3, 8, 4, 9, -1, 5);
    CROSS("%s|%10s|%-10s|%.2s|%10.2s|%-10.2s|%.0s", "hello", "hello", "hello", "hello",
          "hello", "hello", "hello");
    CROSS("%c%c%c|%5c|%-5c", 'a', 'b', 'c', '*', '*');
    CROSS("%%|%d%%|%%%s", 5, "x");
    CROSS("%p|%20p|%-20p", (void *)0x7fff12345678, (void *)0x1, (void *)0xabc);
    CROSS("%p|%10p|%-10p", (void *)0, (void *)0, (void *)0);
    CROSS("a%sb%dc%xd", "", 0, 0);
}

int main(void)
{
    test_known();
    test_cross();
    return check_done("rt-format");
}
