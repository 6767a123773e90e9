/* Internals of the .xlsx reader shared by xlsx.c (the container, the
 * workbook and its relationships) and xlsx_cells.c (styles, shared strings,
 * the sheet's cells and merged ranges): the state of one read, which the
 * expat handlers of every part fill in turn. Not for other modules. */
#ifndef LU_XLSX_PARSE_H
#define LU_XLSX_PARSE_H

#include <expat.h>
#include <stdbool.h>
#include <stddef.h>

#include "sheet.h"
#include "util.h"

struct lu__xlsx_strs {
    char **v;
    size_t n, cap;
};

/* One parse: which part is read, what is being collected, and where the
 * results go. Handlers look only at local names (after any "x:" prefix). */
struct lu__xlsx {
    XML_Parser p;
    /* text collection */
    bool collect;
    int skip_depth; /* inside <rPh> (phonetic guide): not cell text */
    struct lu_buf text;
    /* the failure, "ROW:COL: reason" or a reason */
    char err[512];
    bool failed;
    /* workbook */
    struct lu__xlsx_strs sheet_names, sheet_rids;
    bool date1904;
    /* rels */
    const char *want_rid;
    char *target, *shared_target, *styles_target;
    /* styles */
    struct lu__xlsx_strs fmt_ids; /* "164" */
    struct lu__xlsx_strs fmt_codes;
    bool in_cellxfs;
    bool *xf_date;
    size_t n_xf;
    /* shared strings */
    struct lu__xlsx_strs shared;
    /* the sheet */
    struct lu_sheet *out;
    struct lu_sheet_row *row;
    long row_no;
    long col_no;                 /* 0-based column of the current cell */
    struct lu__xlsx_strs merges; /* "A2:A10" */
    char cell_type[16];
    long cell_style;
};

void lu__xlsx_strs_add(struct lu__xlsx_strs *s, const char *v);
void lu__xlsx_strs_free(struct lu__xlsx_strs *s);
/* Records the first failure and stops the parser; fmt gives a reason. */
void lu__xlsx_fail(struct lu__xlsx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* An element or attribute name without its namespace prefix. */
const char *lu__xlsx_local(const char *name);
/* The value of attribute name (local name), or NULL. */
const char *lu__xlsx_attr(const char **atts, const char *name);

/* expat handlers for styles.xml, sharedStrings.xml and the sheet. */
void lu__xlsx_styles_start(void *data, const char *el, const char **atts);
void lu__xlsx_styles_end(void *data, const char *el);
void lu__xlsx_sst_start(void *data, const char *el, const char **atts);
void lu__xlsx_sst_end(void *data, const char *el);
void lu__xlsx_sheet_start(void *data, const char *el, const char **atts);
void lu__xlsx_sheet_end(void *data, const char *el);
/* After the sheet: gives merged ranges' values to the cells they cover. */
void lu__xlsx_fill_merges(struct lu__xlsx *x);

#endif
