/* SPDX-License-Identifier: MIT */
/* Unit test of rt's memory, string and number functions (kernel-side code). */
#include "../check.h"

static unsigned char g_a[600], g_b[600], g_ref[600];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7 + (i >> 3));
}

static bool same(const unsigned char *x, const unsigned char *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return false;
    }
    return true;
}

/* Every small size and alignment, with guard bytes around the copy. */
static void test_memcpy_memset(void)
{
    int bad = 0;

    for (size_t n = 0; n < 300; n += (n < 40 ? 1 : 13)) {
        for (size_t da = 0; da < 9; da++) {
            for (size_t sa = 0; sa < 9; sa++) {
                fill(g_a, sizeof(g_a), 1);
                fill(g_b, sizeof(g_b), 99);
                fill(g_ref, sizeof(g_ref), 99);
                for (size_t i = 0; i < n; i++)
                    g_ref[100 + da + i] = g_a[sa + i];
                if (memcpy(g_b + 100 + da, g_a + sa, n) != g_b + 100 + da)
                    bad++;
                if (!same(g_b, g_ref, sizeof(g_b)))
                    bad++;
            }
            fill(g_b, sizeof(g_b), 5);
            fill(g_ref, sizeof(g_ref), 5);
            for (size_t i = 0; i < n; i++)
                g_ref[50 + da + i] = 0xab;
            if (memset(g_b + 50 + da, 0x12ab, n) != g_b + 50 + da)
                bad++;
            if (!same(g_b, g_ref, sizeof(g_b)))
                bad++;
        }
    }
    CHECK_EQ(bad, 0);
}

static void test_memmove(void)
{
    static const int far[] = { -150, -100, -65, -64, -63, 63, 64, 65, 100, 150 };
    int bad = 0;

    for (size_t n = 0; n < 240; n += (n < 20 ? 1 : 17)) {
        for (int k = -20; k <= 20 + (int)ARRAY_SIZE(far); k++) {
            int off = k <= 20 ? k : far[k - 21];

            fill(g_a, sizeof(g_a), 3);
            fill(g_ref, sizeof(g_ref), 3);
            /* Reference through a bounce buffer. */
            for (size_t i = 0; i < n; i++)
                g_b[i] = g_a[200 + i];
            for (size_t i = 0; i < n; i++)
                g_ref[200 + off + i] = g_b[i];
            if (memmove(g_a + 200 + off, g_a + 200, n) != g_a + 200 + off)
                bad++;
            if (!same(g_a, g_ref, sizeof(g_a)))
                bad++;
        }
    }
    CHECK_EQ(bad, 0);
    /* Direction flag is clear again afterwards: a forward copy still works. */
    memcpy(g_b, "forward", 8);
    CHECK_STR((char *)g_b, "forward");
}

static void test_memcmp_memchr(void)
{
    unsigned char x[] = { 1, 2, 0x80, 4 }, y[] = { 1, 2, 0x01, 4 };
    const char *s = "hello\0world";

    CHECK_EQ(memcmp(x, y, 0), 0);
    CHECK_EQ(memcmp(x, y, 2), 0);
    CHECK(memcmp(x, y, 4) > 0); /* unsigned bytes */
    CHECK(memcmp(y, x, 4) < 0);
    CHECK_EQ(memcmp(x, x, 4), 0);
    CHECK(memchr(s, 'o', 11) == s + 4);
    CHECK(memchr(s, 'w', 11) == s + 6);
    CHECK(memchr(s, '\0', 11) == s + 5);
    CHECK(memchr(s, 'w', 6) == NULL);
    CHECK(memchr(s, 'h', 0) == NULL);
    CHECK(memchr(x, 0x180, 4) == x + 2); /* c converted to unsigned char */
}

static void test_strlen_cmp(void)
{
    CHECK_EQ(strlen(""), 0);
    CHECK_EQ(strlen("a"), 1);
    CHECK_EQ(strlen("hello world"), 11);
    CHECK_EQ(strnlen("hello", 0), 0);
    CHECK_EQ(strnlen("hello", 3), 3);
    CHECK_EQ(strnlen("hello", 5), 5);
    CHECK_EQ(strnlen("hello", 100), 5);
    CHECK_EQ(strcmp("", ""), 0);
    CHECK_EQ(strcmp("abc", "abc"), 0);
    CHECK(strcmp("abc", "abd") < 0);
    CHECK(strcmp("abd", "abc") > 0);
    CHECK(strcmp("ab", "abc") < 0);
    CHECK(strcmp("abc", "ab") > 0);
    CHECK(strcmp("\x80", "\x01") > 0); /* unsigned */
    CHECK_EQ(strncmp("abc", "abd", 2), 0);
    CHECK(strncmp("abc", "abd", 3) < 0);
    CHECK_EQ(strncmp("x", "y", 0), 0);
    CHECK_EQ(strncmp("abc", "abc", 100), 0);
    CHECK(strncmp("ab", "abc", 3) < 0);
    CHECK(strncmp("\xff", "a", 1) > 0);
}

static void test_strchr(void)
{
    const char *s = "a/b/c";

    CHECK(strchr(s, '/') == s + 1);
    CHECK(strchr(s, 'a') == s);
    CHECK(strchr(s, 'z') == NULL);
    CHECK(strchr(s, '\0') == s + 5);
    CHECK(strchr("", 'a') == NULL);
    CHECK(strchr("\xe9t\xe9", 0xe9) != NULL);
    CHECK(strrchr(s, '/') == s + 3);
    CHECK(strrchr(s, 'c') == s + 4);
    CHECK(strrchr(s, 'z') == NULL);
    CHECK(strrchr(s, '\0') == s + 5);
    CHECK(strrchr("", '\0') != NULL);
}

static void test_strlcpy_strlcat(void)
{
    char buf[8];

    memset(buf, 'x', sizeof(buf));
    CHECK_EQ(strlcpy(buf, "hello", 0), 5);
    CHECK_EQ(buf[0], 'x');
    CHECK_EQ(strlcpy(buf, "hello", 1), 5);
    CHECK_STR(buf, "");
    CHECK_EQ(strlcpy(buf, "hello", sizeof(buf)), 5);
    CHECK_STR(buf, "hello");
    CHECK_EQ(strlcpy(buf, "truncated", sizeof(buf)), 9);
    CHECK_STR(buf, "truncat");
    CHECK_EQ(strlcpy(buf, "", sizeof(buf)), 0);
    CHECK_STR(buf, "");

    strlcpy(buf, "ab", sizeof(buf));
    CHECK_EQ(strlcat(buf, "cd", sizeof(buf)), 4);
    CHECK_STR(buf, "abcd");
    CHECK_EQ(strlcat(buf, "efghij", sizeof(buf)), 10);
    CHECK_STR(buf, "abcdefg");
    CHECK_EQ(strlcat(buf, "z", sizeof(buf)), 8);
    CHECK_STR(buf, "abcdefg");
    CHECK_EQ(strlcat(buf, "", sizeof(buf)), 7);
    memset(buf, 'x', sizeof(buf)); /* no NUL inside size */
    CHECK_EQ(strlcat(buf, "abc", 4), 7);
    CHECK_EQ(buf[3], 'x');
    CHECK_EQ(strlcat(buf, "abc", 0), 3);
}

static void test_starts_with(void)
{
    CHECK(str_starts_with("hello", ""));
    CHECK(str_starts_with("hello", "he"));
    CHECK(str_starts_with("hello", "hello"));
    CHECK(!str_starts_with("hello", "hello!"));
    CHECK(!str_starts_with("hello", "hE"));
    CHECK(!str_starts_with("", "a"));
    CHECK(str_starts_with("", ""));
}

static void test_parse(void)
{
    uint64_t v = 77;

    CHECK_EQ(rt_parse_u64("0", &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(rt_parse_u64("12345", &v), 0);
    CHECK_EQ(v, 12345);
    CHECK_EQ(rt_parse_u64("007", &v), 0);
    CHECK_EQ(v, 7);
    CHECK_EQ(rt_parse_u64("0x1F", &v), 0);
    CHECK_EQ(v, 31);
    CHECK_EQ(rt_parse_u64("0XabC", &v), 0);
    CHECK_EQ(v, 0xabc);
    CHECK_EQ(rt_parse_u64("18446744073709551615", &v), 0);
    CHECK(v == UINT64_MAX);
    CHECK_EQ(rt_parse_u64("0xffffffffffffffff", &v), 0);
    CHECK(v == UINT64_MAX);
    v = 5;
    CHECK_EQ(rt_parse_u64("18446744073709551616", &v), -ERANGE);
    CHECK_EQ(rt_parse_u64("99999999999999999999999", &v), -ERANGE);
    CHECK_EQ(rt_parse_u64("0x10000000000000000", &v), -ERANGE);
    CHECK_EQ(v, 5);
    CHECK_EQ(rt_parse_u64("", &v), -EINVAL);
    CHECK_EQ(rt_parse_u64("0x", &v), -EINVAL);
    CHECK_EQ(rt_parse_u64("-1", &v), -EINVAL);
    CHECK_EQ(rt_parse_u64("+1", &v), -EINVAL);
    CHECK_EQ(rt_parse_u64(" 1", &v), -EINVAL);
    CHECK_EQ(rt_parse_u64("1 ", &v), -EINVAL);
    CHECK_EQ(rt_parse_u64("12a", &v), -EINVAL);
    CHECK_EQ(rt_parse_u64("0x1g", &v), -EINVAL);
    CHECK_EQ(rt_parse_u64("99999999999999999999999z", &v), -EINVAL);
    CHECK_EQ(v, 5);
}

int main(void)
{
    test_memcpy_memset();
    test_memmove();
    test_memcmp_memchr();
    test_strlen_cmp();
    test_strchr();
    test_strlcpy_strlcat();
    test_starts_with();
    test_parse();
    return check_done("rt-string");
}
