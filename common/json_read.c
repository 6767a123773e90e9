/* A recursive-descent JSON reader with bounds: see json_read.h. */
#include "json_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"
#include "xmalloc.h"

struct reader {
    const char *p, *start, *end;
    size_t values;
    char *err;
    size_t errlen;
    bool failed;
};

/* Records the first error with the place it was found. */
static int fail(struct reader *r, const char *what)
{
    int line = 1, col = 1;

    if (r->failed)
        return -EINVAL;
    for (const char *q = r->start; q < r->p; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)*q & 0xC0) != 0x80) {
            col++;
        }
    }
    snprintf(r->err, r->errlen, _("line %d, column %d: %s"), line, col, what);
    r->failed = true;
    return -EINVAL;
}

static void skip_ws(struct reader *r)
{
    while (r->p < r->end &&
           (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int hex4(struct reader *r, unsigned *out)
{
    unsigned v = 0;

    if (r->end - r->p < 4)
        return fail(r, _("a \\u escape needs four hex digits"));
    for (int i = 0; i < 4; i++) {
        char c = *r->p++;

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return fail(r, _("a \\u escape needs four hex digits"));
    }
    *out = v;
    return 0;
}

static void put_utf8(struct lu_buf *b, unsigned cp)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    lu_buf_add(b, u, n);
}

/* \uXXXX, with a surrogate pair as one code point. */
static int unicode_escape(struct reader *r, struct lu_buf *b)
{
    unsigned cp, lo;

    if (hex4(r, &cp) < 0)
        return -EINVAL;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(r, _("a lone low surrogate in a \\u escape"));
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
            return fail(r, _("a high surrogate without its low one"));
        r->p += 2;
        if (hex4(r, &lo) < 0)
            return -EINVAL;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(r, _("a high surrogate without its low one"));
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0)
        return fail(r, _("a NUL character in a string"));
    put_utf8(b, cp);
    return 0;
}

static int escape(struct reader *r, struct lu_buf *b)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *k;

    if (r->p >= r->end)
        return fail(r, _("the text ends inside a string"));
    if (*r->p == 'u') {
        r->p++;
        return unicode_escape(r, b);
    }
    k = memchr(from, *r->p, sizeof(from) - 1);
    if (k == NULL)
        return fail(r, _("an unknown escape in a string"));
    lu_buf_add(b, &to[k - from], 1);
    r->p++;
    return 0;
}

/* A string after its opening quote; the result in *out (heap). */
static int string(struct reader *r, char **out)
{
    struct lu_buf b = {0};
    const char *run = r->p;
    int rc = 0;

    lu_buf_adds(&b, "");
    while (rc == 0) {
        if (r->p >= r->end) {
            rc = fail(r, _("the text ends inside a string"));
        } else if (*r->p == '"' || *r->p == '\\') {
            lu_buf_add(&b, run, (size_t)(r->p - run));
            if (*r->p++ == '"')
                break;
            rc = escape(r, &b);
            run = r->p;
        } else if ((unsigned char)*r->p < 0x20) {
            rc = fail(r, _("a control character in a string (escape it)"));
        } else {
            r->p++;
        }
    }
    if (rc == 0 && !lu_utf8_valid(b.data, b.len))
        rc = fail(r, _("a string that is not valid UTF-8"));
    if (rc < 0) {
        lu_buf_free(&b);
        return rc;
    }
    *out = b.data;
    return 0;
}

static size_t digits(const char *p, const char *end)
{
    size_t n = 0;

    while (p + n < end && p[n] >= '0' && p[n] <= '9')
        n++;
    return n;
}

static int number(struct reader *r, struct lu_jv *v)
{
    const char *s = r->p;
    size_t n;

    if (r->p < r->end && *r->p == '-')
        r->p++;
    n = digits(r->p, r->end);
    if (n == 0 || (n > 1 && *r->p == '0'))
        return fail(r, _("not a JSON number"));
    r->p += n;
    if (r->p < r->end && *r->p == '.') {
        n = digits(++r->p, r->end);
        if (n == 0)
            return fail(r, _("not a JSON number"));
        r->p += n;
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        n = digits(r->p, r->end);
        if (n == 0)
            return fail(r, _("not a JSON number"));
        r->p += n;
    }
    v->type = LU_JV_NUMBER;
    v->text = lu_xasprintf("%.*s", (int)(r->p - s), s);
    return 0;
}

static int value(struct reader *r, struct lu_jv *v, int depth);

/* "name": of an object's member; the name in *key (heap). */
static int member_name(struct reader *r, char **key)
{
    skip_ws(r);
    if (r->p >= r->end || *r->p != '"')
        return fail(r, _("expected a member name in quotes"));
    r->p++;
    if (string(r, key) < 0)
        return -EINVAL;
    skip_ws(r);
    if (r->p >= r->end || *r->p != ':') {
        free(*key);
        *key = NULL;
        return fail(r, _("expected ':' after a member name"));
    }
    r->p++;
    return 0;
}

/* Array items or object members after the opening bracket. */
static int members(struct reader *r, struct lu_jv *v, int depth, bool obj)
{
    size_t cap = 0;
    char close = obj ? '}' : ']';

    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 0;
    }
    for (;;) {
        char *key = NULL;

        if (obj && member_name(r, &key) < 0)
            return -EINVAL;
        if (v->n == cap) {
            cap = cap ? cap * 2 : 4;
            v->items = lu_xrealloc(v->items, cap * sizeof(*v->items));
            if (obj)
                v->keys = lu_xrealloc(v->keys, cap * sizeof(*v->keys));
        }
        memset(&v->items[v->n], 0, sizeof(v->items[0]));
        if (obj)
            v->keys[v->n] = key;
        v->n++;
        if (value(r, &v->items[v->n - 1], depth + 1) < 0)
            return -EINVAL;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return 0;
        }
        return fail(r,
                    obj ? _("expected ',' or '}'") : _("expected ',' or ']'"));
    }
}

static int literal(struct reader *r, const char *word, struct lu_jv *v,
                   enum lu_jv_type t, bool b)
{
    size_t n = strlen(word);

    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return fail(r, _("not a JSON value"));
    r->p += n;
    v->type = t;
    v->b = b;
    return 0;
}

static int value(struct reader *r, struct lu_jv *v, int depth)
{
    if (depth > LU_JSON_READ_MAX_DEPTH)
        return fail(r, _("nested too deeply"));
    if (++r->values > LU_JSON_READ_MAX_VALUES)
        return fail(r, _("too many values"));
    skip_ws(r);
    if (r->p >= r->end)
        return fail(r, _("the text ends where a value should be"));
    switch (*r->p) {
    case '{':
    case '[':
        v->type = *r->p == '{' ? LU_JV_OBJECT : LU_JV_ARRAY;
        r->p++;
        return members(r, v, depth, v->type == LU_JV_OBJECT);
    case '"':
        v->type = LU_JV_STRING;
        r->p++;
        return string(r, &v->text);
    case 't':
        return literal(r, "true", v, LU_JV_BOOL, true);
    case 'f':
        return literal(r, "false", v, LU_JV_BOOL, false);
    case 'n':
        return literal(r, "null", v, LU_JV_NULL, false);
    default:
        if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
            return number(r, v);
        return fail(r, _("not a JSON value"));
    }
}

static void clear(struct lu_jv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        clear(&v->items[i]);
        if (v->keys != NULL)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->text);
}

void lu_json_read_free(struct lu_jv *v)
{
    if (v == NULL)
        return;
    clear(v);
    free(v);
}

int lu_json_read(const char *data, size_t len, struct lu_jv **out, char *err,
                 size_t errlen)
{
    struct reader r = {data, data, data + len, 0, err, errlen, false};
    struct lu_jv *v = lu_xcalloc(1, sizeof(*v));
    int rc;

    *out = NULL;
    rc = value(&r, v, 1);
    skip_ws(&r);
    if (rc == 0 && r.p != r.end)
        rc = fail(&r, _("more text after the value"));
    if (rc < 0) {
        lu_json_read_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

const struct lu_jv *lu_json_read_get(const struct lu_jv *obj, const char *key)
{
    if (obj == NULL || obj->type != LU_JV_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->n; i++) {
        if (strcmp(obj->keys[i], key) == 0)
            return &obj->items[i];
    }
    return NULL;
}
