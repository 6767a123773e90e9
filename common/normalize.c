#include "normalize.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"

/* Names longer than this (in characters) get no "did you mean". */
#define MATCH_MAX_CHARS 64

static size_t space_at(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;

    if (len >= 1 &&
        (u[0] == ' ' || u[0] == '\t' || u[0] == '\r' || u[0] == '\n'))
        return 1;
    if (len >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (len >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

static size_t space_before(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;

    if (len >= 1 && (u[len - 1] == ' ' || u[len - 1] == '\t' ||
                     u[len - 1] == '\r' || u[len - 1] == '\n'))
        return 1;
    if (len >= 2 && u[len - 2] == 0xC2 && u[len - 1] == 0xA0)
        return 2;
    if (len >= 3 && u[len - 3] == 0xE3 && u[len - 2] == 0x80 &&
        u[len - 1] == 0x80)
        return 3;
    return 0;
}

size_t lu_norm_trim(const char *s, const char **start)
{
    size_t len = strlen(s), n;

    while ((n = space_at(s, len)) > 0) {
        s += n;
        len -= n;
    }
    while ((n = space_before(s, len)) > 0)
        len -= n;
    *start = s;
    return len;
}

/* ---- amounts ---- */

static int amount_number(const char *s, char *out, size_t outlen, char *err,
                         size_t errlen)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s || *end != '\0' || !isfinite(v) || v < 0 || v >= 1e15) {
        snprintf(err, errlen,
                 _("the number %.40s is not an amount luyu can store "
                   "(0 up to 10,000,000,000,000)"),
                 s);
        return -EINVAL;
    }
    snprintf(out, outlen, "%.15g", v);
    if (strchr(out, 'e') != NULL) {
        /* Only tiny fractions print with an exponent below 1e15. */
        snprintf(err, errlen,
                 _("the number %.40s has more decimals than an amount may "
                   "have (yuan: 2, persons and counts: none)"),
                 s);
        return -EINVAL;
    }
    return 0;
}

/* Checks that the commas in the integer part [s, end) stand every three
 * digits, as thousands separators do, and copies the digits to out. */
static int ungroup(const char *s, const char *end, char *out, size_t outlen)
{
    const char *comma = memchr(s, ',', (size_t)(end - s));
    size_t o = 0, group = 0;

    if (comma != NULL && (comma == s || comma - s > 3))
        return -EINVAL;
    for (const char *p = s; p < end; p++) {
        if (*p == ',') {
            if (p != comma && group != 3)
                return -EINVAL;
            comma = p;
            group = 0;
            continue;
        }
        if (o + 1 >= outlen)
            return -EINVAL;
        out[o++] = *p;
        group++;
    }
    if (comma != NULL && group != 3)
        return -EINVAL;
    out[o] = '\0';
    return 0;
}

static int amount_refuse(const char *t, size_t len, char *err, size_t errlen)
{
    if (memchr(t, '-', len) == t) {
        snprintf(err, errlen,
                 _("amount \"%.*s\" is negative; amounts are never negative "
                   "(to change a figure already sent, use luyuctl correct)"),
                 (int)(len > 40 ? 40 : len), t);
        return -EINVAL;
    }
    for (size_t i = 1; i < len; i++) {
        if ((t[i] == 'e' || t[i] == 'E') && isdigit((unsigned char)t[i - 1])) {
            snprintf(err, errlen,
                     _("amount \"%.*s\" is in scientific notation, which can "
                       "hide digits; write the amount in full, e.g. 1250000 "
                       "(in Excel: format the cells as Number)"),
                     (int)(len > 40 ? 40 : len), t);
            return -EINVAL;
        }
    }
    if (strstr(t, "万") || strstr(t, "亿") || strstr(t, "元") ||
        strstr(t, "人") || strstr(t, "个")) {
        snprintf(err, errlen,
                 _("amount \"%.*s\" holds a unit word; write the bare number "
                   "in the indicator's base unit (元, 人 or 个), e.g. 125万 "
                   "as 1250000"),
                 (int)(len > 40 ? 40 : len), t);
        return -EINVAL;
    }
    return 0;
}

int lu_norm_amount(const char *s, enum lu_cell_kind kind, char *out,
                   size_t outlen, char *err, size_t errlen)
{
    const char *t, *dot;
    size_t len = lu_norm_trim(s, &t);
    char buf[128];
    int r;

    if (len == 0) {
        snprintf(err, errlen,
                 _("amount is empty; write 0 when there is nothing to "
                   "report"));
        return -EINVAL;
    }
    if (len >= sizeof(buf)) {
        snprintf(err, errlen, _("amount is longer than any amount can be"));
        return -EINVAL;
    }
    memcpy(buf, t, len);
    buf[len] = '\0';
    /* Excel writes a currency-formatted cell to CSV as it shows it. */
    if (strncmp(buf, "¥", 2) == 0 || strncmp(buf, "￥", 3) == 0) {
        const char *rest = buf + (buf[0] == '\xC2' ? 2 : 3);

        len = lu_norm_trim(rest, &t);
        memmove(buf, t, len);
        buf[len] = '\0';
        if (len == 0) {
            snprintf(err, errlen,
                     _("amount is empty; write 0 when there is nothing to "
                       "report"));
            return -EINVAL;
        }
    }
    if (kind == LU_CELL_NUMBER)
        return amount_number(buf, out, outlen, err, errlen);
    r = amount_refuse(buf, len, err, errlen);
    if (r < 0)
        return r;
    if (strchr(buf, ',') == NULL) {
        snprintf(out, outlen, "%s", buf);
        return 0;
    }
    dot = strchr(buf, '.');
    if (dot == NULL)
        dot = buf + len;
    if (strchr(dot, ',') != NULL ||
        ungroup(buf, dot, out, outlen - strlen(dot)) < 0) {
        snprintf(err, errlen,
                 _("amount \"%s\": commas may only separate thousands "
                   "(1,250,000.50) and the decimal mark is a point; write "
                   "e.g. 1250000.50"),
                 buf);
        return -EINVAL;
    }
    strcat(out, dot);
    return 0;
}

/* ---- months ---- */

/* Reads 1..max digits at *p into *v. */
static int digits(const char **p, int max, int *v)
{
    int n = 0;

    *v = 0;
    while (n < max && isdigit((unsigned char)**p)) {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n;
}

static bool skip(const char **p, const char *lit)
{
    size_t n = strlen(lit);

    if (strncmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

/* A time of midnight after a date, as Excel and openpyxl export it. */
static bool midnight(const char *p)
{
    int h, m, sec;

    if (*p == '\0')
        return true;
    if (*p != ' ' && *p != 'T')
        return false;
    p++;
    if (digits(&p, 2, &h) == 0 || h != 0 || !skip(&p, ":") ||
        digits(&p, 2, &m) != 2 || m != 0)
        return false;
    if (skip(&p, ":") && (digits(&p, 2, &sec) != 2 || sec != 0))
        return false;
    return *p == '\0';
}

/* YYYY SEP M [SEP D [日]] with SEP '-' or '/', or YYYY年M月[D日]. */
static bool month_form(const char *p, int *y, int *m, int *d)
{
    bool cn;

    *d = 1;
    if (digits(&p, 4, y) != 4)
        return false;
    cn = skip(&p, "年");
    if (!cn && *p != '-' && *p != '/')
        return false;
    if (!cn) {
        char sep = *p++;

        if (digits(&p, 2, m) == 0)
            return false;
        if (*p == sep) {
            p++;
            if (digits(&p, 2, d) == 0)
                return false;
        }
        return midnight(p);
    }
    if (digits(&p, 2, m) == 0 || !skip(&p, "月"))
        return false;
    if (isdigit((unsigned char)*p) &&
        (digits(&p, 2, d) == 0 || !skip(&p, "日")))
        return false;
    return *p == '\0';
}

static int month_refuse(const char *t, char *err, size_t errlen)
{
    size_t len = strlen(t), nd = strspn(t, "0123456789");
    const char *why = NULL;

    if (nd == len && len == 5)
        why = _("looks like an Excel date serial number (the cell lost its "
                "date format); format the column as text and type the month, "
                "e.g. 2019-07");
    else if (nd == 4 && t[4] == '.')
        why = _("a month written with a point is ambiguous (Excel turns "
                "2019.10 into 2019.1); write it as 2019-07 or 2019年7月");
    else if (nd > 0 && nd <= 2 && strchr(t, '/') != NULL)
        why = _("the order of day and month is ambiguous when the year comes "
                "last; write it as 2019-07");
    if (why == NULL)
        why = _("not a month luyu can read; write it as 2019-07 (also "
                "accepted: 2019/7, 2019/7/1, 2019-07-01, 2019年7月, 201907)");
    snprintf(err, errlen, _("month \"%.40s\": %s"), t, why);
    return -EINVAL;
}

int lu_norm_month(const char *s, uint32_t *yyyymm, char *err, size_t errlen)
{
    const char *t;
    size_t len = lu_norm_trim(s, &t);
    char buf[64];
    int y, m, d;

    if (len == 0) {
        snprintf(err, errlen, _("month is empty; write it as 2019-07"));
        return -EINVAL;
    }
    snprintf(buf, sizeof(buf), "%.*s", (int)(len < 63 ? len : 63), t);
    if (len == 6 && strspn(buf, "0123456789") == 6) {
        y = atoi(buf) / 100;
        m = atoi(buf) % 100;
        d = 1;
    } else if (len >= sizeof(buf) - 1 || !month_form(buf, &y, &m, &d)) {
        return month_refuse(buf, err, errlen);
    }
    if (y < 2000 || y > 2099 || m < 1 || m > 12) {
        snprintf(err, errlen,
                 _("month \"%s\": no such month; write it as 2019-07"), buf);
        return -EINVAL;
    }
    if (d != 1) {
        snprintf(err, errlen,
                 _("month \"%s\" is a day, not a month; write the month, "
                   "e.g. %04d-%02d (a date is only read as a month when it "
                   "is the 1st, as Excel stores a typed month)"),
                 buf, y, m);
        return -EINVAL;
    }
    *yyyymm = (uint32_t)(y * 100 + m);
    return 0;
}

/* ---- units and indicators by code or name ---- */

/* Decodes UTF-8 into code points; returns how many, or -1 when longer than
 * max. The input is valid UTF-8. */
static int decode(const char *s, uint32_t *cp, int max)
{
    const unsigned char *u = (const unsigned char *)s;
    int n = 0;

    while (*u != '\0') {
        uint32_t c = *u++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

        if (more > 0)
            c &= 0x3Fu >> more;
        while (more-- > 0 && (*u & 0xC0) == 0x80)
            c = (c << 6) | (*u++ & 0x3F);
        if (n == max)
            return -1;
        cp[n++] = c;
    }
    return n;
}

/* Levenshtein distance between two short code point strings. */
static int distance(const uint32_t *a, int na, const uint32_t *b, int nb)
{
    int row[MATCH_MAX_CHARS + 1];

    for (int j = 0; j <= nb; j++)
        row[j] = j;
    for (int i = 1; i <= na; i++) {
        int diag = row[0];

        row[0] = i;
        for (int j = 1; j <= nb; j++) {
            int up = row[j], best = diag + (a[i - 1] != b[j - 1]);

            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[nb];
}

/* How far s is from candidate c: its edit distance, or 1 when one holds
 * the other (万州 and 重庆市万州区 are both about 万州区). */
static int closeness(const uint32_t *q, int nq, const char *s, const char *c)
{
    uint32_t cp[MATCH_MAX_CHARS];
    int n = decode(c, cp, MATCH_MAX_CHARS);

    if (n < 0)
        return 1000;
    if (strstr(c, s) != NULL || strstr(s, c) != NULL)
        return 1;
    return distance(q, nq, cp, n);
}

int lu_norm_match(const char *s, const struct lu_norm_name *names, size_t n,
                  char *suggest, size_t suggestlen)
{
    uint32_t q[MATCH_MAX_CHARS];
    int nq, best = -1, best_d = 1000;

    if (suggestlen > 0)
        suggest[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(s, names[i].code) == 0 ||
            (names[i].name != NULL && strcmp(s, names[i].name) == 0))
            return (int)i;
    }
    if (suggestlen == 0)
        return -1;
    nq = decode(s, q, MATCH_MAX_CHARS);
    if (nq <= 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int d = closeness(q, nq, s, names[i].code);

        if (names[i].name != NULL) {
            int dn = closeness(q, nq, s, names[i].name);

            d = dn < d ? dn : d;
        }
        if (d < best_d) {
            best_d = d;
            best = (int)i;
        }
    }
    /* A third of the characters wrong is still a typo; more is a guess. */
    if (best >= 0 && best_d <= 2 && best_d * 3 <= nq + 1)
        snprintf(suggest, suggestlen, "%s (%s)",
                 names[best].name ? names[best].name : names[best].code,
                 names[best].code);
    return -1;
}
