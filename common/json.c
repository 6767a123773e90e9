#include "json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

void lu_json_init(struct lu_json *j, struct lu_buf *out)
{
    memset(j, 0, sizeof(*j));
    j->out = out;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 when the
 * bytes there are not one (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len;
    uint32_t cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return len;
}

void lu_json_quote(struct lu_buf *b, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, n;

    lu_buf_add(b, "\"", 1);
    while (i < len) {
        unsigned char c = s[i];
        size_t run = 0;

        /* Bytes that stand for themselves (valid UTF-8, nothing to escape)
         * go in as one run: one append per character was most of the
         * feed's cost, which writes every merged entry (issue 19). */
        while (i + run < len && s[i + run] >= 0x20 && s[i + run] != '"' &&
               s[i + run] != '\\' && s[i + run] != 0x7f &&
               (n = utf8_len(s + i + run, len - i - run)) > 0)
            run += n;
        if (run > 0) {
            lu_buf_add(b, str + i, run);
            i += run;
            continue;
        }
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};

            lu_buf_add(b, esc, 2);
            i++;
        } else if (c == '\n') {
            lu_buf_adds(b, "\\n");
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            lu_buf_printf(b, "\\u%04x", c);
            i++;
        } else {
            lu_buf_adds(b, "\xef\xbf\xbd"); /* U+FFFD for one bad byte */
            i++;
        }
    }
    lu_buf_add(b, "\"", 1);
}

/* Before any value: the comma between siblings. */
static void sep(struct lu_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (!j->first[j->depth - 1])
            lu_buf_add(j->out, ",", 1);
        j->first[j->depth - 1] = false;
    }
}

static void open(struct lu_json *j, char o, char c)
{
    sep(j);
    /* The nesting is the program's, never the input's: deeper than the
     * arrays is a bug, stopped here in release builds too rather than
     * written past them. */
    if (j->depth >= LU_JSON_MAX_DEPTH) {
        lu_err("JSON writer: nesting deeper than %d", LU_JSON_MAX_DEPTH);
        abort();
    }
    lu_buf_add(j->out, &o, 1);
    j->close[j->depth] = c;
    j->first[j->depth] = true;
    j->depth++;
}

void lu_json_object(struct lu_json *j)
{
    open(j, '{', '}');
}

void lu_json_array(struct lu_json *j)
{
    open(j, '[', ']');
}

void lu_json_end(struct lu_json *j)
{
    if (j->depth <= 0) {
        lu_err("JSON writer: end without an open object or array");
        abort();
    }
    j->depth--;
    lu_buf_add(j->out, &j->close[j->depth], 1);
}

void lu_json_key(struct lu_json *j, const char *key)
{
    sep(j);
    lu_json_quote(j->out, key, strlen(key));
    lu_buf_add(j->out, ":", 1);
    j->after_key = true;
}

void lu_json_strn(struct lu_json *j, const char *s, size_t len)
{
    sep(j);
    lu_json_quote(j->out, s, len);
}

void lu_json_str(struct lu_json *j, const char *s)
{
    if (s == NULL)
        lu_json_null(j);
    else
        lu_json_strn(j, s, strlen(s));
}

void lu_json_int(struct lu_json *j, int64_t v)
{
    sep(j);
    lu_buf_printf(j->out, "%" PRId64, v);
}

void lu_json_uint(struct lu_json *j, uint64_t v)
{
    sep(j);
    lu_buf_printf(j->out, "%" PRIu64, v);
}

void lu_json_bool(struct lu_json *j, bool v)
{
    sep(j);
    lu_buf_adds(j->out, v ? "true" : "false");
}

void lu_json_null(struct lu_json *j)
{
    sep(j);
    lu_buf_adds(j->out, "null");
}

void lu_json_kstr(struct lu_json *j, const char *key, const char *s)
{
    lu_json_key(j, key);
    lu_json_str(j, s);
}

void lu_json_kint(struct lu_json *j, const char *key, int64_t v)
{
    lu_json_key(j, key);
    lu_json_int(j, v);
}

void lu_json_kuint(struct lu_json *j, const char *key, uint64_t v)
{
    lu_json_key(j, key);
    lu_json_uint(j, v);
}
