#include "csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xmalloc.h"

#define CSV_MAX_FIELDS 64
#define CSV_MAX_FIELD (64 * 1024)

struct lu_csv {
    const char *data; /* the caller's buffer */
    size_t len;
    size_t pos;
    char sep;          /* ',' or, for "Unicode text" exports, '\t' */
    int line;          /* the line data[pos] is on, 1-based */
    size_t line_start; /* where that line starts, for its UTF-8 check */
    /* The current record's fields, each NUL-terminated, one after another;
     * off[] holds where each starts because the buffer moves as it grows. */
    struct lu_buf buf;
    size_t off[CSV_MAX_FIELDS];
    char *fields[CSV_MAX_FIELDS];
    size_t nfields;
    /* After an error the reader stays failed and repeats it, so that a
     * caller that calls again cannot take the rest of a broken file for
     * data, nor its end for a clean end. */
    int error;
    int error_line;
    char reason[256];
};

struct lu_csv *lu_csv_new(const char *data, size_t len)
{
    return lu_csv_new_sep(data, len, ',');
}

struct lu_csv *lu_csv_new_sep(const char *data, size_t len, char sep)
{
    struct lu_csv *c = lu_xcalloc(1, sizeof(*c));

    /* An empty buffer may come as NULL; "" spares every later use a check. */
    c->data = data != NULL ? data : "";
    c->len = data != NULL ? len : 0;
    c->line = 1;
    c->sep = sep;
    lu_buf_init(&c->buf);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        c->pos = 3;
    c->line_start = c->pos;
    return c;
}

void lu_csv_free(struct lu_csv *c)
{
    if (c == NULL)
        return;
    lu_buf_free(&c->buf);
    free(c);
}

/* Records "line N: reason" as the reader's error and returns it. The line is
 * where the problem is, which may be past the record's first line. */
static int fail(struct lu_csv *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct lu_csv *c, int line, const char *fmt, ...)
{
    va_list ap;
    int n;

    n = snprintf(c->reason, sizeof(c->reason), "line %d: ", line);
    va_start(ap, fmt);
    vsnprintf(c->reason + n, sizeof(c->reason) - (size_t)n, fmt, ap);
    va_end(ap);
    c->error = -EINVAL;
    return c->error;
}

/* Checks the current line, which ends at pos, is UTF-8. Lines are checked
 * whole when they end because a multi-byte sequence never spans a newline,
 * and so the error names the very line. */
static int check_line(struct lu_csv *c)
{
    if (!lu_utf8_valid(c->data + c->line_start, c->pos - c->line_start))
        return fail(c, c->line, "not valid UTF-8");
    return 0;
}

/* Moves past the '\n' at pos onto the next line. */
static int newline(struct lu_csv *c)
{
    int r = check_line(c);

    if (r < 0)
        return r;
    c->pos++;
    c->line++;
    c->line_start = c->pos;
    return 0;
}

static int read_unquoted(struct lu_csv *c, size_t field)
{
    size_t start = c->pos;

    for (; c->pos < c->len; c->pos++) {
        char ch = c->data[c->pos];

        if (ch == c->sep || ch == '\n' || ch == '\r')
            break;
        if (ch == '"')
            return fail(c, c->line,
                        "field %zu: quote inside an unquoted field "
                        "(quote the whole field and double the quote)",
                        field);
        if (ch == '\0')
            return fail(c, c->line, "field %zu: NUL byte", field);
    }
    if (c->pos - start > CSV_MAX_FIELD)
        return fail(c, c->line, "field %zu is longer than %d bytes", field,
                    CSV_MAX_FIELD);
    lu_buf_add(&c->buf, c->data + start, c->pos - start);
    return 0;
}

/* Reads a field starting at its opening quote: text up to the closing quote,
 * with "" standing for one quote and commas and newlines kept as they are. */
static int read_quoted(struct lu_csv *c, size_t field)
{
    int open_line = c->line;
    size_t start = c->buf.len;
    int r;

    c->pos++;
    for (;;) {
        size_t span = c->pos;

        while (c->pos < c->len && c->data[c->pos] != '"' &&
               c->data[c->pos] != '\n' && c->data[c->pos] != '\0')
            c->pos++;
        lu_buf_add(&c->buf, c->data + span, c->pos - span);
        if (c->buf.len - start > CSV_MAX_FIELD)
            return fail(c, open_line, "field %zu is longer than %d bytes",
                        field, CSV_MAX_FIELD);
        if (c->pos == c->len)
            return fail(c, open_line,
                        "field %zu: quote opened here is never closed", field);
        if (c->data[c->pos] == '\0')
            return fail(c, c->line, "field %zu: NUL byte", field);
        if (c->data[c->pos] == '\n') {
            lu_buf_add(&c->buf, "\n", 1);
            r = newline(c);
            if (r < 0)
                return r;
            continue;
        }
        if (c->pos + 1 < c->len && c->data[c->pos + 1] == '"') {
            lu_buf_add(&c->buf, "\"", 1);
            c->pos += 2;
            continue;
        }
        c->pos++;
        break;
    }
    if (c->pos < c->len && c->data[c->pos] != c->sep &&
        c->data[c->pos] != '\n' && c->data[c->pos] != '\r')
        return fail(c, c->line, "field %zu: text after the closing quote",
                    field);
    return 0;
}

/* Reads one record starting at pos, which is not on a blank line, and leaves
 * pos at the start of the next line. */
static int read_record(struct lu_csv *c)
{
    int r;

    c->buf.len = 0;
    c->nfields = 0;
    for (;;) {
        size_t field = c->nfields + 1;

        if (c->nfields == CSV_MAX_FIELDS)
            return fail(c, c->line, "more than %d fields", CSV_MAX_FIELDS);
        c->off[c->nfields++] = c->buf.len;
        if (c->pos < c->len && c->data[c->pos] == '"')
            r = read_quoted(c, field);
        else
            r = read_unquoted(c, field);
        if (r < 0)
            return r;
        lu_buf_add(&c->buf, "", 1);
        if (c->pos == c->len)
            return check_line(c);
        if (c->data[c->pos] == c->sep) {
            c->pos++;
            continue;
        }
        /* RFC 4180 ends lines with CRLF; a lone CR is an old Mac line end
         * or damage, and guessing which could join or split records. */
        if (c->data[c->pos] == '\r') {
            if (c->pos + 1 == c->len || c->data[c->pos + 1] != '\n')
                return fail(c, c->line, "carriage return without line feed");
            c->pos++;
        }
        return newline(c);
    }
}

static int at_blank_line(const struct lu_csv *c)
{
    const char *p = c->data + c->pos;
    size_t left = c->len - c->pos;

    return (left >= 1 && p[0] == '\n') ||
           (left >= 2 && p[0] == '\r' && p[1] == '\n');
}

int lu_csv_next(struct lu_csv *c, char ***fields, size_t *n, int *line,
                char *err, size_t errlen)
{
    int r;

    *fields = NULL;
    *n = 0;
    if (c->error < 0) {
        *line = c->error_line;
        r = c->error;
        goto out;
    }
    while (at_blank_line(c)) {
        if (c->data[c->pos] == '\r')
            c->pos++;
        newline(c); /* An empty line is always valid UTF-8. */
    }
    *line = c->line;
    if (c->pos == c->len) {
        r = 0;
        goto out;
    }
    c->error_line = c->line;
    r = read_record(c);
    if (r < 0)
        goto out;
    for (size_t i = 0; i < c->nfields; i++)
        c->fields[i] = c->buf.data + c->off[i];
    *fields = c->fields;
    *n = c->nfields;
    r = 1;
out:
    if (r < 0)
        snprintf(err, errlen, "%s", c->reason);
    return r;
}
