#include "output.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "i18n.h"
#include "util.h"

/* Streamed output is written in pieces of about this size. */
#define FLUSH_AT (256 * 1024)

int ctl_output_error(int code, const char *fmt, ...)
{
    va_list ap;

    fputs("luyuctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int ctl_output_usage(const char *usage)
{
    /* Usage texts are marked N_() where they are defined. */
    fputs(_(usage), stdout);
    return CTL_EXIT_OK;
}

int ctl_output_errno_exit(int r)
{
    if (r == -ENOENT || r == -EISDIR || r == -ENOTDIR || r == -EFBIG ||
        r == -EINVAL || r == -EBADMSG || r == -E2BIG)
        return CTL_EXIT_BAD;
    return CTL_EXIT_FAIL;
}

int ctl_output_write(struct lu_buf *b)
{
    size_t n = b->len;

    if (n > 0 && fwrite(b->data, 1, n, stdout) != n)
        goto fail;
    b->len = 0;
    if (fflush(stdout) != 0)
        goto fail;
    return CTL_EXIT_OK;
fail:
    b->len = 0;
    return ctl_output_error(CTL_EXIT_FAIL, _("writing the output: %s"),
                            strerror(errno));
}

int ctl_output_flush(struct lu_buf *b)
{
    return b->len >= FLUSH_AT ? ctl_output_write(b) : CTL_EXIT_OK;
}

void ctl_output_bom(struct lu_buf *b)
{
    lu_buf_adds(b, "\xef\xbb\xbf");
}

char *ctl_output_time(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    size_t n;

    if (localtime_r(&tt, &tm) == NULL ||
        (n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm)) == 0) {
        snprintf(buf, len, "@%lld", (long long)t);
        return buf;
    }
    /* strftime gives "+0800"; ISO 8601 as most readers expect it has
     * "+08:00". */
    if (n >= 5 && n + 2 <= len) {
        memmove(buf + n - 1, buf + n - 2, 3);
        buf[n - 2] = ':';
    }
    return buf;
}

char *ctl_output_age(int64_t s, char *buf, size_t len)
{
    if (s < 0)
        snprintf(buf, len, "%s", _("never"));
    else if (s < 60)
        snprintf(buf, len, _("%lld s ago"), (long long)s);
    else if (s < 3600)
        snprintf(buf, len, _("%lld s ago (%lld min)"), (long long)s,
                 (long long)(s / 60));
    else if (s < 86400)
        snprintf(buf, len, _("%lld s ago (%lld h %lld min)"), (long long)s,
                 (long long)(s / 3600), (long long)(s % 3600 / 60));
    else
        snprintf(buf, len, _("%lld s ago (%lld d %lld h)"), (long long)s,
                 (long long)(s / 86400), (long long)(s % 86400 / 3600));
    return buf;
}

void ctl_output_text(struct lu_buf *b, const char *s)
{
    const char *run = s;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c >= 0x20 && c != 0x7f)
            continue;
        lu_buf_add(b, run, (size_t)(s - run));
        lu_buf_add(b, " ", 1);
        run = s + 1;
    }
    lu_buf_add(b, run, (size_t)(s - run));
}

/* The East Asian Wide and Fullwidth ranges that occur in practice: Hangul
 * Jamo, CJK symbols and ideographs, Hangul syllables, compatibility forms,
 * fullwidth forms and the supplementary ideographic planes. */
static int wide(unsigned cp)
{
    return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
           (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
           (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
           (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
           (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
           (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
}

size_t ctl_output_width(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t w = 0;

    while (*s) {
        unsigned cp = *s;
        unsigned n = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;

        /* The lead byte's payload: the bit after its length prefix is 0. */
        cp &= 0x7fu >> n;
        s++;
        /* Stops at a truncated sequence rather than reading past the end. */
        for (; n > 0 && (*s & 0xc0) == 0x80; n--, s++)
            cp = cp << 6 | (*s & 0x3f);
        w += wide(cp) ? 2 : 1;
    }
    return w;
}
