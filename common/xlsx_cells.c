/* The cells of an .xlsx sheet: which styles are dates (styles.xml), the
 * shared strings, the sheet's cells with their kinds, and merged ranges.
 * The container and the workbook are xlsx.c's. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "xlsx.h"
#include "xlsx_parse.h"
#include "xmalloc.h"

/* Bounds for strings, styles, formats and merged ranges. */
#define MAX_STRINGS 1000000
#define MAX_STYLES 100000
#define MAX_FORMATS 10000
#define MAX_MERGES 10000
/* Cells filled from merged ranges, at most. */
#define MAX_MERGED_CELLS 1000000

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

static bool fmt_is_date(const struct lu__xlsx *x, long id)
{
    char key[32];

    snprintf(key, sizeof(key), "%ld", id);
    for (size_t i = 0; i < x->fmt_ids.n; i++) {
        if (strcmp(x->fmt_ids.v[i], key) == 0)
            return code_is_date(x->fmt_codes.v[i]);
    }
    return builtin_date(id);
}

void lu__xlsx_styles_start(void *data, const char *el, const char **atts)
{
    struct lu__xlsx *x = data;
    const char *n = lu__xlsx_local(el), *id, *code;

    if (strcmp(n, "numFmt") == 0) {
        id = lu__xlsx_attr(atts, "numFmtId");
        code = lu__xlsx_attr(atts, "formatCode");
        if (id && code && x->fmt_ids.n < MAX_FORMATS) {
            lu__xlsx_strs_add(&x->fmt_ids, id);
            lu__xlsx_strs_add(&x->fmt_codes, code);
        }
    } else if (strcmp(n, "cellXfs") == 0) {
        x->in_cellxfs = true;
    } else if (strcmp(n, "xf") == 0 && x->in_cellxfs) {
        id = lu__xlsx_attr(atts, "numFmtId");
        if (x->n_xf >= MAX_STYLES) {
            lu__xlsx_fail(x, _("the workbook has more than %d cell styles"),
                          MAX_STYLES);
            return;
        }
        x->xf_date = lu_xrealloc(x->xf_date, (x->n_xf + 1) * sizeof(bool));
        x->xf_date[x->n_xf++] = id && fmt_is_date(x, strtol(id, NULL, 10));
    }
}

void lu__xlsx_styles_end(void *data, const char *el)
{
    struct lu__xlsx *x = data;

    if (strcmp(lu__xlsx_local(el), "cellXfs") == 0)
        x->in_cellxfs = false;
}

/* ---- sharedStrings.xml ---- */

void lu__xlsx_sst_start(void *data, const char *el, const char **atts)
{
    struct lu__xlsx *x = data;
    const char *n = lu__xlsx_local(el);

    if (strcmp(n, "si") == 0) {
        x->collect = true;
        x->text.len = 0;
    } else if (strcmp(n, "rPh") == 0) {
        x->skip_depth++;
    }
}

void lu__xlsx_sst_end(void *data, const char *el)
{
    struct lu__xlsx *x = data;
    const char *n = lu__xlsx_local(el);

    if (strcmp(n, "rPh") == 0 && x->skip_depth > 0) {
        x->skip_depth--;
    } else if (strcmp(n, "si") == 0) {
        if (x->shared.n >= MAX_STRINGS) {
            lu__xlsx_fail(x, _("the workbook has more than %d strings"),
                          MAX_STRINGS);
            return;
        }
        lu_buf_add(&x->text, "", 1);
        lu__xlsx_strs_add(&x->shared, x->text.data);
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

void lu__xlsx_sheet_start(void *data, const char *el, const char **atts)
{
    struct lu__xlsx *x = data;
    const char *n = lu__xlsx_local(el), *v;
    long col, row;

    if (strcmp(n, "row") == 0) {
        v = lu__xlsx_attr(atts, "r");
        x->row_no = v ? strtol(v, NULL, 10) : x->row_no + 1;
        x->col_no = -1;
        if (x->row_no < 1 || x->row_no > LU_SHEET_MAX_ROWS)
            lu__xlsx_fail(
                x, _("the sheet has a row %ld; at most %d rows are read"),
                x->row_no, LU_SHEET_MAX_ROWS);
    } else if (strcmp(n, "c") == 0) {
        x->col_no = cell_ref(lu__xlsx_attr(atts, "r"), &col, &row)
                        ? col
                        : x->col_no + 1;
        v = lu__xlsx_attr(atts, "t");
        snprintf(x->cell_type, sizeof(x->cell_type), "%s", v ? v : "n");
        v = lu__xlsx_attr(atts, "s");
        x->cell_style = v ? strtol(v, NULL, 10) : 0;
        x->text.len = 0;
    } else if (strcmp(n, "v") == 0 || strcmp(n, "is") == 0) {
        x->collect = true;
        x->text.len = 0;
    } else if (strcmp(n, "rPh") == 0) {
        x->skip_depth++;
    } else if (strcmp(n, "mergeCell") == 0 &&
               (v = lu__xlsx_attr(atts, "ref")) && x->merges.n < MAX_MERGES) {
        lu__xlsx_strs_add(&x->merges, v);
    }
}

/* The value of the cell just closed, as a kind and text. */
static enum lu_cell_kind cell_value(struct lu__xlsx *x, const char *v,
                                    char *date, const char **text)
{
    const char *t = x->cell_type;
    long i;

    *text = v;
    if (strcmp(t, "s") == 0) {
        i = strtol(v, NULL, 10);
        if (i < 0 || (size_t)i >= x->shared.n) {
            lu__xlsx_fail(x,
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

static void end_cell(struct lu__xlsx *x)
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
        lu__xlsx_fail(
            x, _("%ld:%ld: data in column %s; at most %d columns are read"),
            x->row_no, x->col_no + 1,
            lu_sheet_col_name((size_t)x->col_no % 100000, name),
            LU_SHEET_MAX_COLS);
        return;
    }
    if (x->row == NULL || x->row->line != x->row_no)
        x->row = lu_sheet_add_row(x->out, (int)x->row_no);
    lu_sheet_set(x->row, (size_t)x->col_no, kind, text);
}

void lu__xlsx_sheet_end(void *data, const char *el)
{
    struct lu__xlsx *x = data;
    const char *n = lu__xlsx_local(el);

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
static void fill_merge(struct lu__xlsx *x, const char *ref, size_t *budget)
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

void lu__xlsx_fill_merges(struct lu__xlsx *x)
{
    size_t budget = MAX_MERGED_CELLS;

    for (size_t i = 1; i < x->out->n; i++) {
        if (x->out->rows[i].line <= x->out->rows[i - 1].line)
            return;
    }
    for (size_t i = 0; i < x->merges.n; i++)
        fill_merge(x, x->merges.v[i], &budget);
}
