#include "textenc.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "util.h"
#include "xmalloc.h"

/* Our names for what --encoding accepts, and iconv's. GBK is a subset of
 * GB18030, so one decoder serves both and never refuses a GBK file. */
static const struct {
    const char *name, *iconv;
} ENCODINGS[] = {
    {"utf-8", "UTF-8"},       {"utf8", "UTF-8"},     {"gb18030", "GB18030"},
    {"gbk", "GB18030"},       {"gb2312", "GB18030"}, {"utf-16le", "UTF-16LE"},
    {"utf-16be", "UTF-16BE"}, {"utf-16", "UTF-16"},
};

static const char *iconv_name(const char *enc)
{
    for (size_t i = 0; i < sizeof(ENCODINGS) / sizeof(ENCODINGS[0]); i++) {
        if (strcasecmp(enc, ENCODINGS[i].name) == 0)
            return ENCODINGS[i].iconv;
    }
    return NULL;
}

int lu_textenc_known(const char *enc)
{
    return iconv_name(enc) != NULL;
}

/* Line and column (in characters, 1-based) just after the UTF-8 text
 * out[0..len): where the next character would go. */
static void position(const char *out, size_t len, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];

        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else if ((c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* The length of the longest valid UTF-8 prefix of s, found line by line
 * (a character never spans a newline) and then character by character. */
static size_t utf8_prefix(const char *s, size_t len)
{
    size_t line = 0, i;

    while (line < len) {
        const char *nl = memchr(s + line, '\n', len - line);
        size_t end = nl ? (size_t)(nl - s) + 1 : len;

        if (!lu_utf8_valid(s + line, end - line))
            break;
        line = end;
    }
    if (line == len)
        return len;
    for (i = line; i < len;) {
        size_t n = 1;

        while (n <= 4 && i + n <= len && !lu_utf8_valid(s + i, n))
            n++;
        if (n > 4 || i + n > len)
            return i;
        i += n;
    }
    return len;
}

static int bad_at(const char *out, size_t done, const char *what, bool detected,
                  char *err, size_t errlen)
{
    int line, col;

    position(out, done, &line, &col);
    if (detected)
        snprintf(err, errlen,
                 _("%d:%d: the file is neither UTF-8 nor GBK/GB18030 text; "
                   "save it as \"CSV UTF-8\" or as .xlsx, or name its "
                   "encoding with --encoding"),
                 line, col);
    else
        snprintf(err, errlen,
                 _("%d:%d: not valid %s text; check --encoding (utf-8, "
                   "gbk, gb18030, utf-16le, utf-16be) or save the file as "
                   "\"CSV UTF-8\""),
                 line, col, what);
    return -EINVAL;
}

static int check_nul(const char *out, size_t len, char *err, size_t errlen)
{
    const char *nul = memchr(out, '\0', len);
    int line, col;

    if (nul == NULL)
        return 0;
    position(out, (size_t)(nul - out), &line, &col);
    snprintf(err, errlen,
             _("%d:%d: the text holds a NUL character, as UTF-16 read with "
               "the wrong encoding does; give --encoding utf-16le or "
               "utf-16be, or save the file as \"CSV UTF-8\""),
             line, col);
    return -EINVAL;
}

/* Converts with iconv; on a bad sequence reports where it is in the text
 * converted so far. */
static int convert(const char *data, size_t len, const char *from,
                   bool detected, char **out, size_t *outlen, char *err,
                   size_t errlen)
{
    iconv_t cd = iconv_open("UTF-8", from);
    size_t cap = len * 2 + 16, left_in = len, left_out = cap;
    char *buf = lu_xmalloc(cap + 1), *in = (char *)data, *o = buf;
    int r = 0;

    if (cd == (iconv_t)-1) {
        snprintf(err, errlen, _("0:0: this system cannot decode %s"), from);
        free(buf);
        return -EINVAL;
    }
    while (left_in > 0) {
        if (iconv(cd, &in, &left_in, &o, &left_out) != (size_t)-1)
            continue;
        if (errno == E2BIG) {
            size_t used = (size_t)(o - buf);

            cap *= 2;
            buf = lu_xrealloc(buf, cap + 1);
            o = buf + used;
            left_out = cap - used;
            continue;
        }
        r = bad_at(buf, (size_t)(o - buf), from, detected, err, errlen);
        break;
    }
    /* An incomplete sequence at the very end leaves left_in > 0 with
     * EINVAL, handled above; a clean end needs no flush for these. */
    iconv_close(cd);
    if (r < 0) {
        free(buf);
        return r;
    }
    *o = '\0';
    *out = buf;
    *outlen = (size_t)(o - buf);
    return 0;
}

static int from_utf8(const char *data, size_t len, char **out, size_t *outlen,
                     char *err, size_t errlen)
{
    size_t ok = utf8_prefix(data, len);

    if (ok < len)
        return bad_at(data, ok, "UTF-8", false, err, errlen);
    *out = lu_xmalloc(len + 1);
    memcpy(*out, data, len);
    (*out)[len] = '\0';
    *outlen = len;
    return 0;
}

/* Picks the encoding from a BOM, else UTF-8 if the bytes are UTF-8, else
 * GB18030. Sets *skip to the BOM's length. */
static const char *detect(const char *data, size_t len, size_t *skip)
{
    const unsigned char *u = (const unsigned char *)data;

    *skip = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        *skip = 3;
        return "UTF-8";
    }
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        *skip = 2;
        return "UTF-16LE";
    }
    if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        *skip = 2;
        return "UTF-16BE";
    }
    if (lu_utf8_valid(data, len))
        return "UTF-8";
    return "GB18030";
}

int lu_textenc_to_utf8(const char *data, size_t len, const char *enc,
                       char **out, size_t *outlen, char *used, char *err,
                       size_t errlen)
{
    size_t skip = 0;
    const char *from, *bom;
    int r;

    *out = NULL;
    *outlen = 0;
    if (len > LU_TEXTENC_MAX) {
        snprintf(err, errlen, _("0:0: larger than %u MiB; split the file"),
                 LU_TEXTENC_MAX >> 20);
        return -EFBIG;
    }
    bom = detect(data, len, &skip);
    if (enc != NULL) {
        from = iconv_name(enc);
        if (from == NULL) {
            snprintf(err, errlen,
                     _("0:0: unknown encoding \"%.32s\"; use utf-8, gbk, "
                       "gb18030, utf-16le, utf-16be or utf-16"),
                     enc);
            return -EINVAL;
        }
        /* A BOM of the forced encoding is still not text. */
        if (strcmp(from, bom) != 0 && strcmp(from, "UTF-16") != 0)
            skip = 0;
        if (strcmp(from, "UTF-16") == 0)
            skip = 0; /* iconv reads the BOM itself */
    } else {
        from = bom;
    }
    snprintf(used, 16, "%s", from);
    if (strcmp(from, "UTF-8") == 0)
        r = from_utf8(data + skip, len - skip, out, outlen, err, errlen);
    else
        r = convert(data + skip, len - skip, from, enc == NULL, out, outlen,
                    err, errlen);
    if (r == 0)
        r = check_nul(*out, *outlen, err, errlen);
    if (r < 0) {
        free(*out);
        *out = NULL;
        *outlen = 0;
    }
    return r;
}
