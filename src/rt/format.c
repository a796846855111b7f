/* SPDX-License-Identifier: MIT */
/*
 * rt_vsnprintf and rt_snprintf for the kernel image: the printf subset that
 * rt.h documents, with glibc's output for everything it accepts.
 */
#include "rt/rt.h"

#define F_MINUS 0x01
#define F_ZERO  0x02
#define F_ALT   0x04
#define F_SPACE 0x08
#define F_PLUS  0x10

struct out {
    char *buf;
    size_t size;
    size_t pos; /* bytes the full output has so far */
};

static void put(struct out *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

static void put_n(struct out *o, const char *s, size_t n)
{
    while (n--)
        put(o, *s++);
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

struct spec {
    unsigned flags;
    int width;
    int prec; /* -1: none */
};

/* (s, n) padded to the width, on the left unless '-'. */
static void put_padded(struct out *o, const struct spec *sp, const char *s, size_t n)
{
    int fill = sp->width > (int)n ? sp->width - (int)n : 0;

    if (!(sp->flags & F_MINUS))
        pad(o, ' ', fill);
    put_n(o, s, n);
    if (sp->flags & F_MINUS)
        pad(o, ' ', fill);
}

/*
 * One integer: (v) is the magnitude, (neg) its sign, (base) 8, 10 or 16
 * with (upper) digits. Layout: [pad][sign/prefix][zeros][digits][pad].
 */
static void put_int(struct out *o, const struct spec *sp, uint64_t v, bool neg,
                    unsigned base, bool upper)
{
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    char pre[2];
    int n = 0, npre = 0, zeros, total;

    while (v) {
        /* cppcheck-suppress zerodivcond ; base is 8, 10 or 16 */
        tmp[n++] = dig[v % base];
        v /= base;
    }
    if (n == 0 && sp->prec != 0)
        tmp[n++] = '0';
    if (neg)
        pre[npre++] = '-';
    else if (sp->flags & F_PLUS)
        pre[npre++] = '+';
    else if (sp->flags & F_SPACE)
        pre[npre++] = ' ';
    if ((sp->flags & F_ALT) && base == 16 && n > 0 && tmp[n - 1] != '0') {
        pre[npre++] = '0';
        pre[npre++] = upper ? 'X' : 'x';
    }
    zeros = sp->prec > n ? sp->prec - n : 0;
    /* '#' with octal: the first digit printed must be a zero. */
    if ((sp->flags & F_ALT) && base == 8 && zeros == 0 && (n == 0 || tmp[n - 1] != '0'))
        zeros = 1;
    total = npre + zeros + n;
    /* '0' pads with zeros after the sign unless a precision or '-' is given. */
    if ((sp->flags & (F_ZERO | F_MINUS)) == F_ZERO && sp->prec < 0 && sp->width > total) {
        zeros += sp->width - total;
        total = sp->width;
    }
    if (!(sp->flags & F_MINUS))
        pad(o, ' ', sp->width - total);
    put_n(o, pre, (size_t)npre);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (sp->flags & F_MINUS)
        pad(o, ' ', sp->width - total);
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
    if (!s)
        s = (sp->prec < 0 || sp->prec >= 6) ? "(null)" : "";
    put_padded(o, sp, s, sp->prec < 0 ? strlen(s) : strnlen(s, (size_t)sp->prec));
}

enum len { L_HH, L_H, L_INT, L_L, L_LL, L_Z };

static const char *parse_len(const char *f, enum len *len)
{
    *len = L_INT;
    if (f[0] == 'h') {
        *len = f[1] == 'h' ? L_HH : L_H;
        return f + (f[1] == 'h' ? 2 : 1);
    }
    if (f[0] == 'l') {
        *len = f[1] == 'l' ? L_LL : L_L;
        return f + (f[1] == 'l' ? 2 : 1);
    }
    if (f[0] == 'z' || f[0] == 'j' || f[0] == 't') {
        *len = f[0] == 'z' ? L_Z : L_LL;
        return f + 1;
    }
    return f;
}

static int64_t arg_signed(va_list *ap, enum len len)
{
    switch (len) {
    case L_HH:
        return (signed char)va_arg(*ap, int);
    case L_H:
        return (short)va_arg(*ap, int);
    case L_INT:
        return va_arg(*ap, int);
    case L_L:
        return va_arg(*ap, long);
    case L_LL:
        return va_arg(*ap, long long);
    case L_Z:
        return (int64_t)va_arg(*ap, size_t); /* ssize_t for %zd */
    }
    return 0;
}

static uint64_t arg_unsigned(va_list *ap, enum len len)
{
    switch (len) {
    case L_HH:
        return (unsigned char)va_arg(*ap, unsigned);
    case L_H:
        return (unsigned short)va_arg(*ap, unsigned);
    case L_INT:
        return va_arg(*ap, unsigned);
    case L_L:
        return va_arg(*ap, unsigned long);
    case L_LL:
        return va_arg(*ap, unsigned long long);
    case L_Z:
        return va_arg(*ap, size_t);
    }
    return 0;
}

/* Flags, width and precision after a '%'; returns where the length starts. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    sp->flags = 0;
    sp->width = 0;
    sp->prec = -1;
    for (;; f++) {
        if (*f == '-')
            sp->flags |= F_MINUS;
        else if (*f == '0')
            sp->flags |= F_ZERO;
        else if (*f == '#')
            sp->flags |= F_ALT;
        else if (*f == ' ')
            sp->flags |= F_SPACE;
        else if (*f == '+')
            sp->flags |= F_PLUS;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->flags |= F_MINUS;
            sp->width = sp->width == INT32_MIN ? INT32_MAX : -sp->width;
        }
        f++;
    } else {
        for (; *f >= '0' && *f <= '9'; f++)
            sp->width = MIN(sp->width * 10 + (*f - '0'), 1000000);
    }
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            if (sp->prec < 0)
                sp->prec = -1;
            f++;
        } else {
            for (; *f >= '0' && *f <= '9'; f++)
                sp->prec = MIN(sp->prec * 10 + (*f - '0'), 1000000);
        }
    }
    return f;
}

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    struct spec sp;
    enum len len;
    const char *start;
    va_list ap;
    int64_t sv;
    char c;

    va_copy(ap, ap_in);
    while (*fmt) {
        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        start = fmt++;
        fmt = parse_spec(fmt, &sp, &ap);
        fmt = parse_len(fmt, &len);
        switch (*fmt) {
        case 'd':
        case 'i':
            sv = arg_signed(&ap, len);
            put_int(&o, &sp, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, sv < 0, 10, false);
            break;
        case 'u':
            sp.flags &= ~(unsigned)(F_PLUS | F_SPACE);
            put_int(&o, &sp, arg_unsigned(&ap, len), false, 10, false);
            break;
        case 'x':
        case 'X':
            sp.flags &= ~(unsigned)(F_PLUS | F_SPACE);
            put_int(&o, &sp, arg_unsigned(&ap, len), false, 16, *fmt == 'X');
            break;
        case 'o':
            sp.flags &= ~(unsigned)(F_PLUS | F_SPACE);
            put_int(&o, &sp, arg_unsigned(&ap, len), false, 8, false);
            break;
        case 'p': {
            uintptr_t p = (uintptr_t)va_arg(ap, void *);

            if (!p) {
                sp.prec = -1;
                put_str(&o, &sp, "(nil)");
                break;
            }
            sp.flags |= F_ALT;
            put_int(&o, &sp, p, false, 16, false);
            break;
        }
        case 's':
            put_str(&o, &sp, va_arg(ap, const char *));
            break;
        case 'c':
            c = (char)va_arg(ap, int);
            put_padded(&o, &sp, &c, 1);
            break;
        case '%':
            put(&o, '%');
            break;
        default:
            /* Not in the subset: show the directive as written. */
            if (!*fmt) {
                put_n(&o, start, (size_t)(fmt - start));
                continue;
            }
            put_n(&o, start, (size_t)(fmt + 1 - start));
            break;
        }
        fmt++;
    }
    va_end(ap);
    if (size)
        buf[MIN(o.pos, size - 1)] = '\0';
    return o.pos > INT32_MAX ? INT32_MAX : (int)o.pos;
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = rt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
