#include "import.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "amount.h"
#include "csv.h"
#include "i18n.h"
#include "normalize.h"
#include "plan.h"
#include "sheet.h"
#include "textenc.h"
#include "xlsx.h"
#include "xmalloc.h"

/* Header names per column, compared after trimming, lower-casing ASCII and
 * dropping a trailing "(...)" such as 金额（元）. docs/DECISIONS.md lists
 * them for people. */
static const char *const SYNONYMS[LU_IMPORT_NCOLS][12] = {
    [LU_IMPORT_UNIT] = {"unit", "单位", "单位名称", "报送单位", "填报单位",
                        "单位代码", NULL},
    [LU_IMPORT_INDICATOR] = {"indicator", "指标", "指标名称", "指标代码", NULL},
    [LU_IMPORT_PERIOD] = {"period", "month", "月份", "期间", "年月", "统计月份",
                          "报告期", NULL},
    [LU_IMPORT_AMOUNT] = {"amount", "value", "金额", "数值", "数量", "完成值",
                          NULL},
    [LU_IMPORT_NOTE] = {"note", "notes", "remark", "remarks", "备注", "说明",
                        NULL},
    [LU_IMPORT_BASE_UNIT] = {"base unit", "base_unit", "计量单位", NULL},
};
/* Columns an office sheet often has that say nothing luyu needs. */
static const char *const IGNORED[] = {"序号", "no", "no.", "#", NULL};
/* The indicator's base unit as a clerk writes it. */
static const char *const BASE_UNITS[][2] = {
    {"yuan", "元"}, {"persons", "人"}, {"count", "个"}};

void lu_import_init(struct lu_import *im, const char *name)
{
    memset(im, 0, sizeof(*im));
    /* File names need not be UTF-8 (a share mounted from Windows); every
     * message that names the file must be. */
    im->name = lu_utf8_fix(lu_xstrdup(name));
    lu_buf_init(&im->problems);
    for (int i = 0; i < LU_IMPORT_NCOLS; i++)
        im->cols[i] = -1;
}

void lu_import_close(struct lu_import *im)
{
    for (size_t i = 0; i < im->n; i++) {
        free(im->entries[i].unit);
        free(im->entries[i].indicator);
        free(im->entries[i].period);
        free(im->entries[i].amount);
        free(im->entries[i].note);
    }
    free(im->entries);
    free(im->lines);
    free(im->name);
    lu_buf_free(&im->problems);
    memset(im, 0, sizeof(*im));
}

void lu_import_problem(struct lu_import *im, int line, int col, const char *fmt,
                       ...)
{
    va_list ap;
    char msg[1024], cell[16];

    if (im->n_problems++ >= LU_IMPORT_MAX_SHOWN)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    lu_utf8_fix(msg);
    /* JSON: the entry's place as the line, the member's name for the
     * column ("entries:3: amount: ..."). */
    if (im->json_keys && line > 0 && col > 0 && col <= LU_IMPORT_NCOLS)
        lu_buf_printf(&im->problems, "%s:%d: %s: ", im->name, line,
                      lu_import_json_key(col - 1));
    else if (im->json_keys && line > 0)
        lu_buf_printf(&im->problems, "%s:%d: ", im->name, line);
    else if (line <= 0)
        lu_buf_printf(&im->problems, "%s: ", im->name);
    else if (col <= 0)
        lu_buf_printf(&im->problems, "%s:%d: ", im->name, line);
    else if (im->cell_names)
        lu_buf_printf(&im->problems, "%s:%d:%d: (%s%d) ", im->name, line, col,
                      lu_sheet_col_name((size_t)col - 1, cell), line);
    else
        lu_buf_printf(&im->problems, "%s:%d:%d: ", im->name, line, col);
    lu_buf_adds(&im->problems, msg);
    lu_buf_adds(&im->problems, "\n");
}

void lu_import_write_problems(const struct lu_import *im, struct lu_buf *out)
{
    if (im->problems.len > 0)
        lu_buf_add(out, im->problems.data, im->problems.len);
    if (im->n_problems > LU_IMPORT_MAX_SHOWN)
        lu_buf_printf(out, _("... and %zu more\n"),
                      im->n_problems - LU_IMPORT_MAX_SHOWN);
}

/* ---- from bytes to a sheet ---- */

/* Tab separated when the first line has tabs and no commas: that is what
 * the "Unicode text" of Excel and WPS is. */
static char separator(const char *text, size_t len)
{
    const char *nl = memchr(text, '\n', len);
    size_t n = nl ? (size_t)(nl - text) : len;

    return memchr(text, '\t', n) && !memchr(text, ',', n) ? '\t' : ',';
}

/* The CSV reader says "line N: reason"; FILE:N: is what editors jump to. */
static void csv_problem(struct lu_import *im, int line, const char *err)
{
    int at = 0, used = 0;

    if (sscanf(err, "line %d: %n", &at, &used) == 1 && used > 0)
        lu_import_problem(im, at, 0, "%s", err + used);
    else
        lu_import_problem(im, line, 0, "%s", err);
}

static int read_text(struct lu_import *im, const char *data, size_t len,
                     const char *encoding, struct lu_sheet *sheet)
{
    char *text = NULL, used[16], err[512];
    size_t tlen = 0, n;
    struct lu_csv *csv;
    char **f;
    int r, line, at = 0, col = 0, off = 0;

    r = lu_textenc_to_utf8(data, len, encoding, &text, &tlen, used, err,
                           sizeof(err));
    if (r < 0) {
        if (sscanf(err, "%d:%d: %n", &at, &col, &off) == 2 && off > 0)
            lu_import_problem(im, at, col, "%s", err + off);
        else
            lu_import_problem(im, 0, 0, "%s", err);
        return r;
    }
    snprintf(im->format, sizeof(im->format), "CSV, %s", used);
    csv = lu_csv_new_sep(text, tlen, separator(text, tlen));
    while ((r = lu_csv_next(csv, &f, &n, &line, err, sizeof(err))) > 0) {
        struct lu_sheet_row *row;

        if (sheet->n >= LU_SHEET_MAX_ROWS) {
            lu_import_problem(im, line, 0,
                              _("more than %d rows; split the file"),
                              LU_SHEET_MAX_ROWS);
            r = -EFBIG;
            break;
        }
        row = lu_sheet_add_row(sheet, line);
        for (size_t i = 0; i < n; i++)
            lu_sheet_set(row, i, LU_CELL_TEXT, f[i]);
    }
    if (r < 0 && r != -EFBIG)
        csv_problem(im, line, err);
    lu_csv_free(csv);
    free(text);
    return r < 0 ? r : 0;
}

static int read_sheet(struct lu_import *im, const char *data, size_t len,
                      const char *encoding, const char *sheet_name,
                      struct lu_sheet *sheet)
{
    char err[512];
    int r, line = 0, col = 0, off = 0;

    if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
        im->cell_names = true;
        snprintf(im->format, sizeof(im->format), "xlsx");
        r = lu_xlsx_read(data, len, sheet_name, sheet, err, sizeof(err));
        if (r < 0) {
            if (sscanf(err, "%d:%d: %n", &line, &col, &off) == 2 && off > 0)
                lu_import_problem(im, line, col, "%s", err + off);
            else
                lu_import_problem(im, 0, 0, "%s", err);
        }
        return r;
    }
    if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        lu_import_problem(im, 0, 0,
                          _("an old .xls workbook or a password-protected "
                            "one; save it as .xlsx (without a password) or "
                            "as CSV"));
        return -EINVAL;
    }
    if (sheet_name != NULL) {
        lu_import_problem(im, 0, 0,
                          _("--sheet is for .xlsx workbooks, and this file "
                            "is not one"));
        return -EINVAL;
    }
    return read_text(im, data, len, encoding, sheet);
}

/* ---- the header ---- */

/* Lower-cases ASCII, drops a trailing (...) or （...） and a trailing colon,
 * and trims: "金额（元）" -> "金额", " Unit " -> "unit". */
static void header_key(const char *s, char *out, size_t outlen)
{
    const char *t;
    size_t len = lu_norm_trim(s, &t), i;
    char tmp[256], *p;

    snprintf(tmp, sizeof(tmp), "%.*s", (int)len, t);
    for (i = 0; tmp[i]; i++)
        tmp[i] = (char)tolower((unsigned char)tmp[i]);
    if ((p = strstr(tmp, "（")) != NULL || (p = strchr(tmp, '(')) != NULL)
        *p = '\0';
    len = strlen(tmp);
    if (len >= 3 && strcmp(tmp + len - 3, "：") == 0)
        tmp[len - 3] = '\0';
    else if (len >= 1 && tmp[len - 1] == ':')
        tmp[len - 1] = '\0';
    len = lu_norm_trim(tmp, &t);
    snprintf(out, outlen, "%.*s", (int)len, t);
}

static int header_col(const char *key)
{
    for (int c = 0; c < LU_IMPORT_NCOLS; c++) {
        for (int j = 0; SYNONYMS[c][j] != NULL; j++) {
            if (strcmp(key, SYNONYMS[c][j]) == 0)
                return c;
        }
    }
    for (int j = 0; IGNORED[j] != NULL; j++) {
        if (strcmp(key, IGNORED[j]) == 0)
            return LU_IMPORT_NCOLS;
    }
    return -1;
}

static const char *const COL_NAMES[LU_IMPORT_NCOLS] = {
    N_("unit (单位)"),   N_("indicator (指标)"), N_("month (月份)"),
    N_("amount (金额)"), N_("note (备注)"),      N_("base unit (计量单位)"),
};

/* True when no cell of row names a column: a title line above the header,
 * or a file without a header at all. */
static bool no_column_names(const struct lu_sheet_row *row)
{
    char key[256];

    for (size_t i = 0; i < row->n; i++) {
        header_key(lu_sheet_text(row, i), key, sizeof(key));
        if (key[0] != '\0' && header_col(key) >= 0)
            return false;
    }
    return true;
}

static void read_header(struct lu_import *im, const struct lu_sheet_row *row)
{
    char key[256];

    if (no_column_names(row)) {
        lu_import_problem(im, row->line, 0,
                          _("this row names no column; the first non-empty "
                            "row must be the header, e.g. "
                            "单位,指标,月份,金额,备注 (delete title rows "
                            "above it)"));
        return;
    }
    for (size_t i = 0; i < row->n; i++) {
        int c;

        header_key(lu_sheet_text(row, i), key, sizeof(key));
        if (key[0] == '\0')
            continue;
        c = header_col(key);
        if (c < 0) {
            lu_import_problem(
                im, row->line, (int)i + 1,
                _("unknown column \"%.60s\"; the columns are 单位 (unit), "
                  "指标 (indicator), 月份 (month), 金额 (amount), 备注 (note, "
                  "may be left out) and 计量单位 (optional): rename or "
                  "delete it"),
                lu_sheet_text(row, i));
        } else if (c < LU_IMPORT_NCOLS && im->cols[c] >= 0) {
            lu_import_problem(im, row->line, (int)i + 1,
                              _("a second %s column (the first is column "
                                "%d); delete one of them"),
                              _(COL_NAMES[c]), im->cols[c] + 1);
        } else if (c < LU_IMPORT_NCOLS) {
            im->cols[c] = (int)i;
        } else if (i < LU_SHEET_MAX_COLS) {
            im->ignored[i] = 1;
        }
    }
    for (int c = 0; c <= LU_IMPORT_AMOUNT; c++) {
        if (im->cols[c] < 0)
            lu_import_problem(im, row->line, 0,
                              _("the header has no %s column; the first "
                                "non-empty row must name the columns, e.g. "
                                "单位,指标,月份,金额,备注"),
                              _(COL_NAMES[c]));
    }
}

/* ---- the rows ---- */

static bool row_empty(const struct lu_sheet_row *row)
{
    const char *t;

    for (size_t i = 0; i < row->n; i++) {
        if (lu_norm_trim(lu_sheet_text(row, i), &t) > 0)
            return false;
    }
    return true;
}

/* The cell of column c in row, trimmed, as a new string. */
static char *cell(const struct lu_import *im, const struct lu_sheet_row *row,
                  int c)
{
    const char *t;
    size_t len = lu_norm_trim(lu_sheet_text(row, (size_t)im->cols[c]), &t);

    return lu_xasprintf("%.*s", (int)len, t);
}

static const char *resolve(struct lu_import *im, const struct lu_plan *plan,
                           const struct lu_sheet_row *row, int c)
{
    size_t n = c == LU_IMPORT_UNIT ? plan->n_units : plan->n_indicators;
    struct lu_norm_name *names = lu_xcalloc(n + 1, sizeof(*names));
    char *s = cell(im, row, c), suggest[256];
    const char *code = NULL;
    int i;

    for (size_t k = 0; k < n; k++) {
        names[k].code = c == LU_IMPORT_UNIT ? plan->units[k].code
                                            : plan->indicators[k].code;
        names[k].name = c == LU_IMPORT_UNIT ? plan->units[k].name
                                            : plan->indicators[k].name;
    }
    suggest[0] = '\0';
    i = s[0] ? lu_norm_match(
                   s, names, n, suggest,
                   im->n_problems < LU_IMPORT_MAX_SHOWN ? sizeof(suggest) : 0)
             : -1;
    if (i >= 0)
        code = names[i].code;
    else if (s[0] == '\0')
        lu_import_problem(im, row->line, im->cols[c] + 1,
                          _("%s is empty; fill it in or delete the row"),
                          _(COL_NAMES[c]));
    else if (suggest[0])
        lu_import_problem(im, row->line, im->cols[c] + 1,
                          _("unknown %s \"%.64s\"; did you mean %s?"),
                          _(COL_NAMES[c]), s, suggest);
    else
        lu_import_problem(im, row->line, im->cols[c] + 1,
                          _("unknown %s \"%.64s\"; write its code or its "
                            "name as in the plan (luyuctl plan lists them)"),
                          _(COL_NAMES[c]), s);
    free(names);
    free(s);
    return code;
}

static char *month(struct lu_import *im, const struct lu_plan *plan,
                   const struct lu_sheet_row *row)
{
    int col = im->cols[LU_IMPORT_PERIOD];
    char err[512], a[16], b[16], c[16];
    uint32_t m;

    if (lu_norm_month(lu_sheet_text(row, (size_t)col), &m, err, sizeof(err)) <
        0) {
        lu_import_problem(im, row->line, col + 1, "%s", err);
        return NULL;
    }
    lu_period_format(m, a, sizeof(a));
    if (m < plan->start || m > plan->end) {
        lu_import_problem(im, row->line, col + 1,
                          _("month %s is outside the plan (%s to %s)"), a,
                          lu_period_format(plan->start, b, sizeof(b)),
                          lu_period_format(plan->end, c, sizeof(c)));
        return NULL;
    }
    return lu_xstrdup(a);
}

static char *amount(struct lu_import *im, const struct lu_plan_indicator *ind,
                    const struct lu_sheet_row *row)
{
    int col = im->cols[LU_IMPORT_AMOUNT];
    char plain[128], err[512], out[64];
    int64_t v;

    if (lu_norm_amount(lu_sheet_text(row, (size_t)col),
                       lu_sheet_kind(row, (size_t)col), plain, sizeof(plain),
                       err, sizeof(err)) < 0 ||
        lu_amount_parse(plain, ind->scale, &v, err, sizeof(err)) < 0) {
        lu_import_problem(im, row->line, col + 1, "%s", err);
        return NULL;
    }
    return lu_xstrdup(lu_amount_format(v, ind->scale, out, sizeof(out)));
}

/* The optional base unit column must agree with the indicator's: 万元
 * typed where the plan counts 元 would store a figure 10,000 times off. */
static void check_base_unit(struct lu_import *im,
                            const struct lu_plan_indicator *ind,
                            const struct lu_sheet_row *row)
{
    char *s;
    const char *want = ind->base_unit;

    if (im->cols[LU_IMPORT_BASE_UNIT] < 0)
        return;
    s = cell(im, row, LU_IMPORT_BASE_UNIT);
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(ind->base_unit, BASE_UNITS[i][0]) == 0)
            want = BASE_UNITS[i][1];
    }
    if (s[0] && strcasecmp(s, ind->base_unit) != 0 && strcmp(s, want) != 0)
        lu_import_problem(im, row->line, im->cols[LU_IMPORT_BASE_UNIT] + 1,
                          _("%s is counted in %s, not in \"%.20s\"; convert "
                            "the amount to %s and write %s here"),
                          ind->name, want, s, want, want);
    free(s);
}

static void add_entry(struct lu_import *im, int line, const char *unit,
                      const char *indicator, char *period, char *amt,
                      char *note)
{
    Luyu__CtlEntry *e;

    if (im->n == im->cap) {
        im->cap = im->cap ? im->cap * 2 : 256;
        im->entries = lu_xrealloc(im->entries, im->cap * sizeof(*e));
        im->lines = lu_xrealloc(im->lines, im->cap * sizeof(int));
    }
    e = &im->entries[im->n];
    luyu__ctl_entry__init(e);
    e->unit = lu_xstrdup(unit);
    e->indicator = lu_xstrdup(indicator);
    e->period = period;
    e->amount = amt;
    e->note = note;
    im->lines[im->n++] = line;
}

static void read_row(struct lu_import *im, const struct lu_plan *plan,
                     const struct lu_sheet_row *row)
{
    const char *unit = resolve(im, plan, row, LU_IMPORT_UNIT);
    const char *code = resolve(im, plan, row, LU_IMPORT_INDICATOR);
    const struct lu_plan_indicator *ind =
        code ? lu_plan_indicator(plan, code) : NULL;
    char *period = month(im, plan, row), *amt = NULL;
    size_t before = im->n_problems;

    for (size_t i = 0; i < row->n; i++) {
        bool known = false;

        for (int c = 0; c < LU_IMPORT_NCOLS; c++)
            known = known || im->cols[c] == (int)i;
        known = known || (i < LU_SHEET_MAX_COLS && im->ignored[i]);
        if (!known && lu_sheet_kind(row, i) != LU_CELL_EMPTY &&
            lu_sheet_text(row, i)[strspn(lu_sheet_text(row, i), " \t")])
            lu_import_problem(im, row->line, (int)i + 1,
                              _("this column has no header; give it one "
                                "(备注 for notes) or clear its cells"));
    }
    if (ind != NULL) {
        amt = amount(im, ind, row);
        check_base_unit(im, ind, row);
    }
    if (im->n_problems > before || unit == NULL || ind == NULL ||
        period == NULL || amt == NULL) {
        free(period);
        free(amt);
        return;
    }
    /* The note is kept as typed: it is the clerk's text. */
    add_entry(
        im, row->line, unit, code, period, amt,
        im->cols[LU_IMPORT_NOTE] >= 0
            ? lu_xstrdup(lu_sheet_text(row, (size_t)im->cols[LU_IMPORT_NOTE]))
            : lu_xstrdup(""));
}

int lu_import_read(struct lu_import *im, const struct lu_plan *plan,
                   const char *data, size_t len, const char *encoding,
                   const char *sheet_name)
{
    struct lu_sheet sheet;
    int r;

    lu_sheet_init(&sheet);
    r = read_sheet(im, data, len, encoding, sheet_name, &sheet);
    if (r == 0)
        lu_import_read_sheet(im, plan, &sheet);
    lu_sheet_close(&sheet);
    return im->n_problems > 0 ? -EINVAL : 0;
}

int lu_import_read_sheet(struct lu_import *im, const struct lu_plan *plan,
                         const struct lu_sheet *sheet)
{
    bool header = true;

    for (size_t i = 0; i < sheet->n; i++) {
        const struct lu_sheet_row *row = &sheet->rows[i];

        /* A workbook leaves empty rows out; the clerk saw them. */
        if (!header && sheet->cell_names && row->line > sheet->rows[i - 1].line)
            im->empty_rows += (size_t)(row->line - sheet->rows[i - 1].line - 1);
        if (row_empty(row)) {
            im->empty_rows += !header;
            continue;
        }
        if (header)
            read_header(im, row);
        else if (im->cols[LU_IMPORT_AMOUNT] >= 0 &&
                 im->cols[LU_IMPORT_UNIT] >= 0 &&
                 im->cols[LU_IMPORT_INDICATOR] >= 0 &&
                 im->cols[LU_IMPORT_PERIOD] >= 0)
            read_row(im, plan, row);
        header = false;
    }
    if (header)
        lu_import_problem(im, 0, 0, _("no entries: the file is empty"));
    else if (im->n == 0 && im->n_problems == 0)
        lu_import_problem(im, 0, 0,
                          _("no entries: the file holds only the header"));
    return im->n_problems > 0 ? -EINVAL : 0;
}

/* ---- after the node answered ---- */

/* The column a node's reason is about, from the word it starts with. */
static int reason_col(const struct lu_import *im, const char *msg)
{
    static const char *const words[] = {"unit", "indicator", "period", "amount",
                                        "note"};

    for (int c = 0; c < 5; c++) {
        size_t n = strlen(words[c]);

        if (strncmp(msg, words[c], n) == 0 && (msg[n] == ' ' || !msg[n]))
            return im->cols[c] + 1;
    }
    return 0;
}

void lu_import_refused(struct lu_import *im, const Luyu__CtlResponse *resp)
{
    for (size_t i = 0; i < resp->n_problems; i++) {
        const Luyu__CtlProblem *p = resp->problems[i];

        if (p->index < im->n)
            lu_import_problem(im, im->lines[p->index],
                              reason_col(im, p->message), "%s", p->message);
        else
            lu_import_problem(im, 0, 0, "entry %u: %s", p->index, p->message);
    }
}

void lu_import_submit(const struct lu_import *im, bool again, bool dry_run,
                      uint8_t key[32], Luyu__CtlSubmit *sub,
                      Luyu__CtlEntry ***ptrs)
{
    *ptrs = lu_xcalloc(im->n + 1, sizeof(**ptrs));
    for (size_t i = 0; i < im->n; i++)
        (*ptrs)[i] = &im->entries[i];
    luyu__ctl_submit__init(sub);
    sub->entries = *ptrs;
    sub->n_entries = im->n;
    sub->dry_run = dry_run;
    if (!again) {
        lu_import_key(im, key);
        sub->import_key.data = key;
        sub->import_key.len = 32;
    }
}

void lu_import_key(const struct lu_import *im, uint8_t key[32])
{
    Luyu__CtlSubmit only = LUYU__CTL_SUBMIT__INIT;
    Luyu__CtlEntry **ptrs = lu_xcalloc(im->n + 1, sizeof(*ptrs));
    size_t len;
    uint8_t *buf;

    for (size_t i = 0; i < im->n; i++)
        ptrs[i] = &im->entries[i];
    only.entries = ptrs;
    only.n_entries = im->n;
    len = luyu__ctl_submit__get_packed_size(&only);
    buf = lu_xmalloc(len + 1);
    luyu__ctl_submit__pack(&only, buf);
    crypto_hash_sha256(key, buf, len);
    free(buf);
    free(ptrs);
}
