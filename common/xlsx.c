#include "xlsx.h"

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "i18n.h"
#include "util.h"
#include "xmalloc.h"

/* Bounds for what a workbook may hold, beyond LU_XLSX_MAX_PART: members of
 * the zip, sheets, shared strings and styles. Real ledgers are far below. */
#define MAX_MEMBERS 10000
#define MAX_SHEETS 1000
#define MAX_STRINGS 1000000
#define MAX_STYLES 100000
#define MAX_FORMATS 10000
#define MAX_MERGES 10000
/* Cells filled from merged ranges, at most. */
#define MAX_MERGED_CELLS 1000000

struct strs {
    char **v;
    size_t n, cap;
};

/* One parse: which part is read, what is being collected, and where the
 * results go. Handlers look only at local names (after any "x:" prefix). */
struct xp {
    XML_Parser p;
    int depth;
    /* text collection */
    bool collect;
    int skip_depth; /* inside <rPh> (phonetic guide): not cell text */
    struct lu_buf text;
    /* the failure, "ROW:COL: reason" or a reason */
    char err[512];
    bool failed;
    /* workbook */
    struct strs sheet_names, sheet_rids;
    bool date1904;
    /* rels */
    const char *want_rid;
    char *target, *shared_target, *styles_target;
    /* styles */
    struct strs fmt_ids; /* "164" */
    struct strs fmt_codes;
    bool in_cellxfs;
    bool *xf_date;
    size_t n_xf;
    /* shared strings */
    struct strs shared;
    /* the sheet */
    struct lu_sheet *out;
    struct lu_sheet_row *row;
    long row_no;
    long col_no;        /* 0-based column of the current cell */
    struct strs merges; /* "A2:A10" */
    char cell_type[16];
    long cell_style;
    bool in_v, in_is;
};

static void strs_add(struct strs *s, const char *v)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = lu_xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = lu_xstrdup(v);
}

static void strs_free(struct strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

static void fail(struct xp *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void fail(struct xp *x, const char *fmt, ...)
{
    va_list ap;

    if (x->failed)
        return;
    va_start(ap, fmt);
    vsnprintf(x->err, sizeof(x->err), fmt, ap);
    va_end(ap);
    x->failed = true;
    if (x->p != NULL)
        XML_StopParser(x->p, XML_FALSE);
}

static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');

    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i] != NULL; i += 2) {
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    }
    return NULL;
}

static void on_text(void *data, const char *s, int len)
{
    struct xp *x = data;

    if (!x->collect || x->skip_depth > 0)
        return;
    if (x->text.len + (size_t)len > LU_SHEET_MAX_CELL) {
        fail(x, _("a text in the workbook is longer than %d bytes"),
             LU_SHEET_MAX_CELL);
        return;
    }
    lu_buf_add(&x->text, s, (size_t)len);
}

/* A DTD can define entities that expand without bound; no spreadsheet
 * needs one. */
static void on_doctype(void *data, const char *name, const char *sys,
                       const char *pub, int internal)
{
    fail(data, _("the workbook holds a document type declaration, which "
                 "spreadsheets never write; it looks damaged or hostile"));
}

/* ---- workbook.xml and its relationships ---- */

static void wb_start(void *data, const char *el, const char **atts)
{
    struct xp *x = data;
    const char *n = local(el), *name, *rid;

    if (strcmp(n, "workbookPr") == 0) {
        const char *v = attr(atts, "date1904");

        x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(n, "sheet") == 0) {
        name = attr(atts, "name");
        rid = attr(atts, "id");
        if (name == NULL || rid == NULL)
            return;
        if (x->sheet_names.n >= MAX_SHEETS) {
            fail(x, _("the workbook has more than %d sheets"), MAX_SHEETS);
            return;
        }
        strs_add(&x->sheet_names, name);
        strs_add(&x->sheet_rids, rid);
    }
}

static void rels_start(void *data, const char *el, const char **atts)
{
    struct xp *x = data;
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type");
    const char *target = attr(atts, "Target");
    size_t tl;

    if (strcmp(local(el), "Relationship") != 0 || target == NULL)
        return;
    tl = type ? strlen(type) : 0;
    if (id && x->want_rid && strcmp(id, x->want_rid) == 0 && !x->target)
        x->target = lu_xstrdup(target);
    else if (tl >= 14 && strcmp(type + tl - 14, "/sharedStrings") == 0 &&
             !x->shared_target)
        x->shared_target = lu_xstrdup(target);
    else if (tl >= 7 && strcmp(type + tl - 7, "/styles") == 0 &&
             !x->styles_target)
        x->styles_target = lu_xstrdup(target);
}

/* ---- styles.xml: which cell styles show numbers as dates ---- */

/* Excel's built-in number formats that are dates: 14-22 everywhere, and
 * 27-36 and 50-58 in the Chinese, Japanese and Korean locales. */
static bool builtin_date(long id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
           (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/* A custom format is a date when, outside quoted text, [..] and escaped
 * characters, it uses y, d or e (year, day, era year) or 年/月/日. */
static bool code_is_date(const char *s)
{
    if (strstr(s, "年") || strstr(s, "月") || strstr(s, "日"))
        return true;
    for (; *s; s++) {
        if (*s == '"') {
            s = strchr(s + 1, '"');
            if (s == NULL)
                return false;
        } else if (*s == '[') {
            s = strchr(s + 1, ']');
            if (s == NULL)
                return false;
        } else if (*s == '\\' && s[1]) {
            s++;
        } else if (strchr("yYdDeE", *s)) {
            return true;
        }
    }
    return false;
}

static bool fmt_is_date(const struct xp *x, long id)
{
    char key[32];

    snprintf(key, sizeof(key), "%ld", id);
    for (size_t i = 0; i < x->fmt_ids.n; i++) {
        if (strcmp(x->fmt_ids.v[i], key) == 0)
            return code_is_date(x->fmt_codes.v[i]);
    }
    return builtin_date(id);
}

static void styles_start(void *data, const char *el, const char **atts)
{
    struct xp *x = data;
    const char *n = local(el), *id, *code;

    if (strcmp(n, "numFmt") == 0) {
        id = attr(atts, "numFmtId");
        code = attr(atts, "formatCode");
        if (id && code && x->fmt_ids.n < MAX_FORMATS) {
            strs_add(&x->fmt_ids, id);
            strs_add(&x->fmt_codes, code);
        }
    } else if (strcmp(n, "cellXfs") == 0) {
        x->in_cellxfs = true;
    } else if (strcmp(n, "xf") == 0 && x->in_cellxfs) {
        id = attr(atts, "numFmtId");
        if (x->n_xf >= MAX_STYLES) {
            fail(x, _("the workbook has more than %d cell styles"), MAX_STYLES);
            return;
        }
        x->xf_date = lu_xrealloc(x->xf_date, (x->n_xf + 1) * sizeof(bool));
        x->xf_date[x->n_xf++] = id && fmt_is_date(x, strtol(id, NULL, 10));
    }
}

static void styles_end(void *data, const char *el)
{
    struct xp *x = data;

    if (strcmp(local(el), "cellXfs") == 0)
        x->in_cellxfs = false;
}

/* ---- sharedStrings.xml ---- */

static void sst_start(void *data, const char *el, const char **atts)
{
    struct xp *x = data;
    const char *n = local(el);

    if (strcmp(n, "si") == 0) {
        x->collect = true;
        x->text.len = 0;
    } else if (strcmp(n, "rPh") == 0) {
        x->skip_depth++;
    }
}

static void sst_end(void *data, const char *el)
{
    struct xp *x = data;
    const char *n = local(el);

    if (strcmp(n, "rPh") == 0 && x->skip_depth > 0) {
        x->skip_depth--;
    } else if (strcmp(n, "si") == 0) {
        if (x->shared.n >= MAX_STRINGS) {
            fail(x, _("the workbook has more than %d strings"), MAX_STRINGS);
            return;
        }
        lu_buf_add(&x->text, "", 1);
        strs_add(&x->shared, x->text.data);
        x->collect = false;
    }
}

/* ---- the sheet ---- */

/* "B7" -> column 1, row 7; returns false for anything else. */
static bool cell_ref(const char *r, long *col, long *row)
{
    long c = 0, n = 0;

    if (r == NULL)
        return false;
    for (; *r >= 'A' && *r <= 'Z' && c < 100000; r++)
        c = c * 26 + (*r - 'A' + 1);
    for (; *r >= '0' && *r <= '9' && n < 100000000; r++)
        n = n * 10 + (*r - '0');
    if (*r != '\0' || c == 0 || n == 0)
        return false;
    *col = c - 1;
    *row = n;
    return true;
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void civil(long z, int *y, int *m, int *d)
{
    long era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* An Excel serial day number as YYYY-MM-DD. In the 1900 system day 1 is
 * 1900-01-01 and Excel counts a 1900-02-29 that never was (day 60), so
 * from day 61 on day 0 is 1899-12-30; in the 1904 system day 0 is
 * 1904-01-01. The time of day is dropped. */
static bool serial_date(const char *v, bool date1904, char *out, size_t len)
{
    char *end;
    double s = strtod(v, &end);
    long days;
    int y, m, d;

    if (end == v || *end != '\0' || !(s >= 1 && s < 2958466))
        return false;
    days = (long)s;
    if (date1904)
        days -= 24107; /* 1904-01-01 is 24,107 days before 1970-01-01 */
    else
        days -= days >= 61 ? 25569 : 25568;
    civil(days, &y, &m, &d);
    snprintf(out, len, "%04d-%02d-%02d", y, m, d);
    return true;
}

static void sheet_start(void *data, const char *el, const char **atts)
{
    struct xp *x = data;
    const char *n = local(el), *v;
    long col, row;

    if (strcmp(n, "row") == 0) {
        v = attr(atts, "r");
        x->row_no = v ? strtol(v, NULL, 10) : x->row_no + 1;
        x->col_no = -1;
        if (x->row_no < 1 || x->row_no > LU_SHEET_MAX_ROWS)
            fail(x, _("the sheet has a row %ld; at most %d rows are read"),
                 x->row_no, LU_SHEET_MAX_ROWS);
    } else if (strcmp(n, "c") == 0) {
        x->col_no = cell_ref(attr(atts, "r"), &col, &row) ? col : x->col_no + 1;
        v = attr(atts, "t");
        snprintf(x->cell_type, sizeof(x->cell_type), "%s", v ? v : "n");
        v = attr(atts, "s");
        x->cell_style = v ? strtol(v, NULL, 10) : 0;
        x->text.len = 0;
    } else if (strcmp(n, "v") == 0 || strcmp(n, "is") == 0) {
        x->collect = true;
        x->text.len = 0;
    } else if (strcmp(n, "rPh") == 0) {
        x->skip_depth++;
    } else if (strcmp(n, "mergeCell") == 0 && (v = attr(atts, "ref")) &&
               x->merges.n < MAX_MERGES) {
        strs_add(&x->merges, v);
    }
}

/* The value of the cell just closed, as a kind and text. */
static enum lu_cell_kind cell_value(struct xp *x, const char *v, char *date,
                                    const char **text)
{
    const char *t = x->cell_type;
    long i;

    *text = v;
    if (strcmp(t, "s") == 0) {
        i = strtol(v, NULL, 10);
        if (i < 0 || (size_t)i >= x->shared.n) {
            fail(x,
                 _("%ld:%ld: the cell names string %ld, which the "
                   "workbook does not have; it looks damaged"),
                 x->row_no, x->col_no + 1, i);
            return LU_CELL_EMPTY;
        }
        *text = x->shared.v[i];
        return LU_CELL_TEXT;
    }
    if (strcmp(t, "d") == 0) {
        /* An ISO 8601 date; anything else stays text, for the month
         * reader to refuse with its reasons. */
        if (strspn(v, "0123456789") != 4 || v[4] != '-' ||
            strspn(v + 5, "0123456789") != 2 || v[7] != '-' ||
            strspn(v + 8, "0123456789") != 2)
            return LU_CELL_TEXT;
        snprintf(date, 16, "%.10s", v);
        *text = date;
        return LU_CELL_DATE;
    }
    if (strcmp(t, "n") != 0)
        return LU_CELL_TEXT; /* inlineStr, str (formula text), b, e */
    if (x->cell_style >= 0 && (size_t)x->cell_style < x->n_xf &&
        x->xf_date[x->cell_style] && serial_date(v, x->date1904, date, 16)) {
        *text = date;
        return LU_CELL_DATE;
    }
    return LU_CELL_NUMBER;
}

static void end_cell(struct xp *x)
{
    char date[16], name[8];
    const char *text;
    enum lu_cell_kind kind;

    lu_buf_add(&x->text, "", 1);
    if (x->text.data[0] == '\0' || x->failed)
        return;
    kind = cell_value(x, x->text.data, date, &text);
    if (kind == LU_CELL_EMPTY || text[0] == '\0')
        return;
    if (x->col_no >= LU_SHEET_MAX_COLS) {
        fail(x, _("%ld:%ld: data in column %s; at most %d columns are read"),
             x->row_no, x->col_no + 1,
             lu_sheet_col_name((size_t)x->col_no % 100000, name),
             LU_SHEET_MAX_COLS);
        return;
    }
    if (x->row == NULL || x->row->line != x->row_no)
        x->row = lu_sheet_add_row(x->out, (int)x->row_no);
    lu_sheet_set(x->row, (size_t)x->col_no, kind, text);
}

static void sheet_end(void *data, const char *el)
{
    struct xp *x = data;
    const char *n = local(el);

    if (strcmp(n, "v") == 0 || strcmp(n, "is") == 0)
        x->collect = false;
    else if (strcmp(n, "rPh") == 0 && x->skip_depth > 0)
        x->skip_depth--;
    else if (strcmp(n, "c") == 0)
        end_cell(x);
}

/* A merged range shows its top-left value in every cell it covers; offices
 * merge the unit or the month down a whole column. Only rows that hold
 * other data get the value (empty rows stay empty), and only when the rows
 * are in order, as every spreadsheet writes them. */
static void fill_merge(struct xp *x, const char *ref, size_t *budget)
{
    char a[32], b[32];
    long c1, r1, c2, r2;
    const struct lu_sheet_row *top = NULL;
    struct lu_sheet *s = x->out;
    size_t lo = 0, hi = s->n;
    const char *colon = strchr(ref, ':');

    if (colon == NULL || colon - ref >= 31 || strlen(colon + 1) >= 31)
        return;
    snprintf(a, sizeof(a), "%.*s", (int)(colon - ref), ref);
    snprintf(b, sizeof(b), "%s", colon + 1);
    if (!cell_ref(a, &c1, &r1) || !cell_ref(b, &c2, &r2) || c2 < c1 ||
        r2 < r1 || c1 >= LU_SHEET_MAX_COLS)
        return;
    if (c2 >= LU_SHEET_MAX_COLS)
        c2 = LU_SHEET_MAX_COLS - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->rows[mid].line < r1)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->n && s->rows[lo].line == r1)
        top = &s->rows[lo];
    if (top == NULL || lu_sheet_kind(top, (size_t)c1) == LU_CELL_EMPTY)
        return;
    for (size_t i = lo; i < s->n && s->rows[i].line <= r2; i++) {
        for (long c = c1; c <= c2; c++) {
            if ((i == lo && c == c1) ||
                lu_sheet_kind(&s->rows[i], (size_t)c) != LU_CELL_EMPTY)
                continue;
            if ((*budget)-- == 0)
                return;
            lu_sheet_set(&s->rows[i], (size_t)c, lu_sheet_kind(top, (size_t)c1),
                         lu_sheet_text(top, (size_t)c1));
            top = &s->rows[lo]; /* lu_sheet_set may move the cells */
        }
    }
}

static void fill_merges(struct xp *x)
{
    size_t budget = MAX_MERGED_CELLS;

    for (size_t i = 1; i < x->out->n; i++) {
        if (x->out->rows[i].line <= x->out->rows[i - 1].line)
            return;
    }
    for (size_t i = 0; i < x->merges.n; i++)
        fill_merge(x, x->merges.v[i], &budget);
}

/* ---- the container ---- */

/* Parses one member of the zip with the given handlers, streaming, and
 * stops at LU_XLSX_MAX_PART unpacked bytes whatever the header claims. */
static int parse_part(zip_t *z, const char *name, bool optional,
                      XML_StartElementHandler start, XML_EndElementHandler end,
                      struct xp *x)
{
    zip_file_t *f = zip_fopen(z, name, 0);
    char buf[65536];
    size_t total = 0;
    zip_int64_t n;

    if (f == NULL) {
        if (!optional)
            fail(x, _("not a workbook Excel or WPS wrote: it has no %s"), name);
        return optional ? 0 : -EINVAL;
    }
    x->p = XML_ParserCreate(NULL);
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, start, end);
    XML_SetCharacterDataHandler(x->p, on_text);
    XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
    x->collect = false;
    x->skip_depth = 0;
    do {
        n = zip_fread(f, buf, sizeof(buf));
        if (n < 0) {
            fail(x, _("the workbook is damaged: %s: %s"), name,
                 zip_file_strerror(f));
            break;
        }
        total += (size_t)n;
        if (total > LU_XLSX_MAX_PART) {
            fail(x,
                 _("%s unpacks to more than %u MiB; the workbook is too "
                   "large or a zip bomb"),
                 name, LU_XLSX_MAX_PART >> 20);
            break;
        }
        if (XML_Parse(x->p, buf, (int)n, n == 0) == XML_STATUS_ERROR &&
            !x->failed)
            fail(x, _("the workbook is damaged: %s, XML line %lu: %s"), name,
                 (unsigned long)XML_GetCurrentLineNumber(x->p),
                 XML_ErrorString(XML_GetErrorCode(x->p)));
    } while (n > 0 && !x->failed);
    XML_ParserFree(x->p);
    x->p = NULL;
    zip_fclose(f);
    return x->failed ? -EINVAL : 0;
}

/* A target of workbook.xml.rels as a member name: relative to xl/. */
static char *member(const char *target)
{
    if (target[0] == '/')
        return lu_xstrdup(target + 1);
    return lu_xasprintf("xl/%s", target);
}

static int pick_sheet(struct xp *x, const char *sheet)
{
    struct lu_buf names;

    if (x->sheet_names.n == 0) {
        fail(x, _("the workbook has no sheets"));
        return -EINVAL;
    }
    if (sheet == NULL)
        return 0;
    for (size_t i = 0; i < x->sheet_names.n; i++) {
        if (strcmp(x->sheet_names.v[i], sheet) == 0)
            return (int)i;
    }
    lu_buf_init(&names);
    for (size_t i = 0; i < x->sheet_names.n && i < 20; i++)
        lu_buf_printf(&names, "%s\"%s\"", i ? ", " : "", x->sheet_names.v[i]);
    fail(x, _("the workbook has no sheet \"%.64s\"; its sheets are %s"), sheet,
         names.data);
    lu_buf_free(&names);
    return -EINVAL;
}

static int read_book(zip_t *z, const char *sheet, struct xp *x)
{
    char *path = NULL;
    int r, i = 0;

    r = parse_part(z, "xl/workbook.xml", false, wb_start, NULL, x);
    if (r == 0)
        r = i = pick_sheet(x, sheet);
    if (r < 0)
        return r;
    x->want_rid = x->sheet_rids.v[i];
    r = parse_part(z, "xl/_rels/workbook.xml.rels", false, rels_start, NULL, x);
    if (r == 0 && x->target == NULL) {
        fail(x, _("the workbook is damaged: sheet \"%.64s\" has no part"),
             x->sheet_names.v[i]);
        r = -EINVAL;
    }
    if (r == 0 && x->styles_target) {
        path = member(x->styles_target);
        r = parse_part(z, path, true, styles_start, styles_end, x);
        free(path);
    }
    if (r == 0 && x->shared_target) {
        path = member(x->shared_target);
        r = parse_part(z, path, true, sst_start, sst_end, x);
        free(path);
    }
    if (r == 0) {
        path = member(x->target);
        r = parse_part(z, path, false, sheet_start, sheet_end, x);
        free(path);
    }
    if (r == 0)
        fill_merges(x);
    return r;
}

int lu_xlsx_read(const char *data, size_t len, const char *sheet,
                 struct lu_sheet *out, char *err, size_t errlen)
{
    struct xp x = {.out = out};
    zip_error_t zerr;
    zip_source_t *src;
    zip_t *z = NULL;
    int r = -EINVAL;

    zip_error_init(&zerr);
    lu_buf_init(&x.text);
    out->cell_names = true;
    src = zip_source_buffer_create(data, len, 0, &zerr);
    if (src != NULL)
        z = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    if (z == NULL) {
        snprintf(err, errlen,
                 _("not a readable .xlsx workbook (%s); open it in Excel or "
                   "WPS and save it again as .xlsx"),
                 zip_error_strerror(&zerr));
        zip_source_free(src);
        goto out;
    }
    if (zip_get_num_entries(z, 0) > MAX_MEMBERS)
        snprintf(err, errlen, _("the workbook has more than %d parts"),
                 MAX_MEMBERS);
    else if ((r = read_book(z, sheet, &x)) < 0)
        snprintf(err, errlen, "%s", x.err);
    zip_discard(z);
out:
    zip_error_fini(&zerr);
    lu_buf_free(&x.text);
    strs_free(&x.sheet_names);
    strs_free(&x.sheet_rids);
    strs_free(&x.fmt_ids);
    strs_free(&x.fmt_codes);
    strs_free(&x.shared);
    strs_free(&x.merges);
    free(x.xf_date);
    free(x.target);
    free(x.shared_target);
    free(x.styles_target);
    return r;
}
