#include "amount.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* How much of a rejected value an error message quotes back. Values come from
 * users and files, so they can be long or hold control characters. */
#define QUOTE_MAX 40

/* The number of decimals a scale allows: 1 -> 0, 100 -> 2. The header only
 * promises 1 and 100, but any power of ten up to 10^6 costs nothing. -1 for
 * anything else. */
static int scale_decimals(int scale)
{
    int decimals = 0;

    if (scale <= 0)
        return -1;
    while (scale % 10 == 0 && decimals < 6) {
        scale /= 10;
        decimals++;
    }
    return scale == 1 ? decimals : -1;
}

/* Copies s into q for an error message: control characters, quotes and
 * backslashes escaped, cut after QUOTE_MAX bytes but never inside a UTF-8
 * sequence. q must hold 4 * QUOTE_MAX + 8 bytes. */
static void quote(const char *s, char *q)
{
    size_t i = 0, o = 0;

    for (; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];

        if (i >= QUOTE_MAX && (c & 0xC0) != 0x80)
            break;
        if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') {
            snprintf(q + o, 5, "\\x%02x", c);
            o += 4;
        } else {
            q[o++] = (char)c;
        }
        /* A run of continuation bytes cannot overrun: stop at the bound. */
        if (o >= 4 * QUOTE_MAX)
            break;
    }
    if (s[i] != '\0') {
        memcpy(q + o, "...", 3);
        o += 3;
    }
    q[o] = '\0';
}

/* Writes `what "value": reason` into err and returns r. */
static int fail(char *err, size_t errlen, int r, const char *what,
                const char *value, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int fail(char *err, size_t errlen, int r, const char *what,
                const char *value, const char *fmt, ...)
{
    char q[4 * QUOTE_MAX + 8];
    char reason[128];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    quote(value, q);
    snprintf(err, errlen, "%s \"%s\": %s", what, q, reason);
    return r;
}

/* Explains the first character that cannot be part of an amount, naming the
 * habits people bring from spreadsheets and other tools. */
static int bad_char(const char *s, const char *p, char *err, size_t errlen)
{
    const char *why = "not a number (digits and one '.' only)";

    if (*p == '-')
        why = "must not be negative";
    else if (*p == '+')
        why = "signs are not allowed";
    else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        why = "spaces are not allowed";
    else if (*p == ',')
        why = "commas are not allowed (no thousands separators)";
    else if (*p == '.')
        why = "more than one decimal point";
    else if ((*p == 'e' || *p == 'E') && p > s && p[-1] >= '0' && p[-1] <= '9')
        why = "exponents are not allowed";
    return fail(err, errlen, -EINVAL, "amount", s, "%s", why);
}

int lu_amount_parse(const char *s, int scale, int64_t *out, char *err,
                    size_t errlen)
{
    int decimals = scale_decimals(scale);
    const char *p, *dot = NULL, *end;
    int64_t whole = 0, frac = 0, max_whole;
    char max[32];
    int nfrac;

    if (decimals < 0)
        return fail(err, errlen, -EINVAL, "amount", s, "unsupported scale %d",
                    scale);
    if (*s == '\0') {
        snprintf(err, errlen, "amount is empty");
        return -EINVAL;
    }
    for (p = s; *p != '\0'; p++) {
        if (*p >= '0' && *p <= '9')
            continue;
        if (*p == '.' && dot == NULL) {
            dot = p;
            continue;
        }
        return bad_char(s, p, err, errlen);
    }
    end = p;
    if (dot == s)
        return fail(err, errlen, -EINVAL, "amount", s,
                    "needs a digit before the decimal point");
    if (dot != NULL && dot + 1 == end)
        return fail(err, errlen, -EINVAL, "amount", s,
                    "needs a digit after the decimal point");
    /* The fraction may be long enough to overflow int, so compare first. */
    if (dot != NULL && end - (dot + 1) > decimals) {
        if (decimals == 0)
            return fail(err, errlen, -EINVAL, "amount", s,
                        "too many decimals (whole numbers only)");
        return fail(err, errlen, -EINVAL, "amount", s,
                    "too many decimals (at most %d)", decimals);
    }
    nfrac = dot != NULL ? (int)(end - (dot + 1)) : 0;

    /* Checking the whole part against the limit digit by digit keeps the
     * arithmetic far from int64 overflow, whatever the length. */
    max_whole = LU_AMOUNT_MAX / scale;
    for (p = s; p < (dot != NULL ? dot : end); p++) {
        whole = whole * 10 + (*p - '0');
        if (whole > max_whole)
            goto range;
    }
    for (p = dot != NULL ? dot + 1 : end; p < end; p++)
        frac = frac * 10 + (*p - '0');
    for (int k = nfrac; k < decimals; k++)
        frac *= 10;
    if (whole * scale + frac > LU_AMOUNT_MAX)
        goto range;
    *out = whole * scale + frac;
    return 0;
range:
    lu_amount_format(LU_AMOUNT_MAX, scale, max, sizeof(max));
    return fail(err, errlen, -ERANGE, "amount", s, "too large (max %s)", max);
}

char *lu_amount_format(int64_t amount, int scale, char *buf, size_t len)
{
    int decimals = scale_decimals(scale);
    /* Through uint64 so that even INT64_MIN has a magnitude. */
    uint64_t mag =
        amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
    const char *sign = amount < 0 ? "-" : "";

    /* A scale the parser would refuse still gets the stored units, so that
     * a caller's mistake shows up as a visible odd number, not a crash. */
    if (decimals <= 0)
        snprintf(buf, len, "%s%" PRIu64, sign, mag);
    else
        snprintf(buf, len, "%s%" PRIu64 ".%0*" PRIu64, sign,
                 mag / (uint64_t)scale, decimals, mag % (uint64_t)scale);
    return buf;
}

int lu_period_parse(const char *s, uint32_t *out, char *err, size_t errlen)
{
    size_t n = strlen(s);
    char d[6];
    uint32_t year = 0, month = 0;

    if (n == 0) {
        snprintf(err, errlen, "period is empty");
        return -EINVAL;
    }
    if (n == 7 && s[4] == '-') {
        memcpy(d, s, 4);
        memcpy(d + 4, s + 5, 2);
    } else if (n == 6) {
        memcpy(d, s, 6);
    } else {
        goto syntax;
    }
    for (int i = 0; i < 6; i++) {
        if (d[i] < '0' || d[i] > '9')
            goto syntax;
        if (i < 4)
            year = year * 10 + (uint32_t)(d[i] - '0');
        else
            month = month * 10 + (uint32_t)(d[i] - '0');
    }
    if (year < 2000 || year > 2099)
        return fail(err, errlen, -EINVAL, "period", s,
                    "year must be 2000..2099");
    if (month < 1 || month > 12)
        return fail(err, errlen, -EINVAL, "period", s, "month must be 01..12");
    *out = year * 100 + month;
    return 0;
syntax:
    return fail(err, errlen, -EINVAL, "period", s,
                "expected YYYY-MM, e.g. 2019-07");
}

char *lu_period_format(uint32_t period, char *buf, size_t len)
{
    snprintf(buf, len, "%04" PRIu32 "-%02" PRIu32, period / 100, period % 100);
    return buf;
}

int lu_period_valid(uint32_t period)
{
    uint32_t year = period / 100, month = period % 100;

    return year >= 2000 && year <= 2099 && month >= 1 && month <= 12;
}
