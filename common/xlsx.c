#include "xlsx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"
#include "xlsx_libs.h"
#include "xlsx_parse.h"
#include "xmalloc.h"

/* Bounds for what a workbook may hold, beyond LU_XLSX_MAX_PART: members of
 * the zip and sheets (xlsx_cells.c bounds the rest). */
#define MAX_MEMBERS 10000
#define MAX_SHEETS 1000

void lu__xlsx_strs_add(struct lu__xlsx_strs *s, const char *v)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = lu_xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = lu_xstrdup(v);
}

void lu__xlsx_strs_free(struct lu__xlsx_strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

void lu__xlsx_fail(struct lu__xlsx *x, const char *fmt, ...)
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

const char *lu__xlsx_local(const char *name)
{
    const char *c = strrchr(name, ':');

    return c ? c + 1 : name;
}

const char *lu__xlsx_attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i] != NULL; i += 2) {
        if (strcmp(lu__xlsx_local(atts[i]), name) == 0)
            return atts[i + 1];
    }
    return NULL;
}

static void on_text(void *data, const char *s, int len)
{
    struct lu__xlsx *x = data;

    if (!x->collect || x->skip_depth > 0)
        return;
    if (x->text.len + (size_t)len > LU_SHEET_MAX_CELL) {
        lu__xlsx_fail(x, _("a text in the workbook is longer than %d bytes"),
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
    lu__xlsx_fail(data,
                  _("the workbook holds a document type declaration, which "
                    "spreadsheets never write; it looks damaged or hostile"));
}

/* ---- workbook.xml and its relationships ---- */

static void wb_start(void *data, const char *el, const char **atts)
{
    struct lu__xlsx *x = data;
    const char *n = lu__xlsx_local(el), *name, *rid;

    if (strcmp(n, "workbookPr") == 0) {
        const char *v = lu__xlsx_attr(atts, "date1904");

        x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(n, "sheet") == 0) {
        name = lu__xlsx_attr(atts, "name");
        rid = lu__xlsx_attr(atts, "id");
        if (name == NULL || rid == NULL)
            return;
        if (x->sheet_names.n >= MAX_SHEETS) {
            lu__xlsx_fail(x, _("the workbook has more than %d sheets"),
                          MAX_SHEETS);
            return;
        }
        lu__xlsx_strs_add(&x->sheet_names, name);
        lu__xlsx_strs_add(&x->sheet_rids, rid);
    }
}

static void rels_start(void *data, const char *el, const char **atts)
{
    struct lu__xlsx *x = data;
    const char *id = lu__xlsx_attr(atts, "Id"),
               *type = lu__xlsx_attr(atts, "Type");
    const char *target = lu__xlsx_attr(atts, "Target");
    size_t tl;

    if (strcmp(lu__xlsx_local(el), "Relationship") != 0 || target == NULL)
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

/* ---- the container ---- */

/* Parses one member of the zip with the given handlers, streaming, and
 * stops at LU_XLSX_MAX_PART unpacked bytes whatever the header claims. */
static int parse_part(zip_t *z, const char *name, bool optional,
                      XML_StartElementHandler start, XML_EndElementHandler end,
                      struct lu__xlsx *x)
{
    zip_file_t *f = zip_fopen(z, name, 0);
    char buf[65536];
    size_t total = 0;
    zip_int64_t n;

    if (f == NULL) {
        if (!optional)
            lu__xlsx_fail(
                x, _("not a workbook Excel or WPS wrote: it has no %s"), name);
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
            lu__xlsx_fail(x, _("the workbook is damaged: %s: %s"), name,
                          zip_file_strerror(f));
            break;
        }
        total += (size_t)n;
        if (total > LU_XLSX_MAX_PART) {
            lu__xlsx_fail(
                x,
                _("%s unpacks to more than %u MiB; the workbook is too "
                  "large or a zip bomb"),
                name, LU_XLSX_MAX_PART >> 20);
            break;
        }
        if (XML_Parse(x->p, buf, (int)n, n == 0) == XML_STATUS_ERROR &&
            !x->failed)
            lu__xlsx_fail(x, _("the workbook is damaged: %s, XML line %lu: %s"),
                          name, (unsigned long)XML_GetCurrentLineNumber(x->p),
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

static int pick_sheet(struct lu__xlsx *x, const char *sheet)
{
    struct lu_buf names;

    if (x->sheet_names.n == 0) {
        lu__xlsx_fail(x, _("the workbook has no sheets"));
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
    lu__xlsx_fail(x,
                  _("the workbook has no sheet \"%.64s\"; its sheets are %s"),
                  sheet, names.data);
    lu_buf_free(&names);
    return -EINVAL;
}

static int read_book(zip_t *z, const char *sheet, struct lu__xlsx *x)
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
        lu__xlsx_fail(x,
                      _("the workbook is damaged: sheet \"%.64s\" has no part"),
                      x->sheet_names.v[i]);
        r = -EINVAL;
    }
    if (r == 0 && x->styles_target) {
        path = member(x->styles_target);
        r = parse_part(z, path, true, lu__xlsx_styles_start,
                       lu__xlsx_styles_end, x);
        free(path);
    }
    if (r == 0 && x->shared_target) {
        path = member(x->shared_target);
        r = parse_part(z, path, true, lu__xlsx_sst_start, lu__xlsx_sst_end, x);
        free(path);
    }
    if (r == 0) {
        path = member(x->target);
        r = parse_part(z, path, false, lu__xlsx_sheet_start, lu__xlsx_sheet_end,
                       x);
        free(path);
    }
    if (r == 0)
        lu__xlsx_fill_merges(x);
    return r;
}

int lu_xlsx_read(const char *data, size_t len, const char *sheet,
                 struct lu_sheet *out, char *err, size_t errlen)
{
    struct lu__xlsx x = {.out = out};
    zip_error_t zerr;
    zip_source_t *src;
    zip_t *z = NULL;
    int r = -EINVAL;

    out->cell_names = true;
    if (lu__xlsx_libs_load(err, errlen) < 0)
        return -ENOENT;
    zip_error_init(&zerr);
    lu_buf_init(&x.text);
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
    lu__xlsx_strs_free(&x.sheet_names);
    lu__xlsx_strs_free(&x.sheet_rids);
    lu__xlsx_strs_free(&x.fmt_ids);
    lu__xlsx_strs_free(&x.fmt_codes);
    lu__xlsx_strs_free(&x.shared);
    lu__xlsx_strs_free(&x.merges);
    free(x.xf_date);
    free(x.target);
    free(x.shared_target);
    free(x.styles_target);
    return r;
}
