/* Reading a file of figures as district offices make them, for luyuctl
 * import and for the node's spool directory alike: CSV in UTF-8 (with or
 * without BOM), GB18030/GBK or UTF-16, comma or tab separated, or the first
 * (or a named) sheet of an .xlsx workbook; a header row naming the columns
 * in Chinese or English, in any order; units and indicators by code or by
 * their name in the plan; amounts and months in the forms offices type.
 *
 * The result is the rows as the node's intake takes them (codes, YYYY-MM,
 * plain amounts), each with the line it came from, or a list of problems,
 * each naming FILE:LINE:COLUMN and the fix. The same rows give the same
 * import key whatever the file's format, so an import is stored once. */
#ifndef LU_IMPORT_H
#define LU_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"
#include "util.h"

struct lu_plan;

/* Problems listed before "... and N more": enough to fix a file in one
 * pass, few enough to read. */
#define LU_IMPORT_MAX_SHOWN 100
/* Largest file read (the spool and luyuctl both stop there). */
#define LU_IMPORT_MAX_FILE (512u * 1024 * 1024)

/* The columns an import knows, in the order of a canonical row. */
enum lu_import_col {
    LU_IMPORT_UNIT,
    LU_IMPORT_INDICATOR,
    LU_IMPORT_PERIOD,
    LU_IMPORT_AMOUNT,
    LU_IMPORT_NOTE,
    LU_IMPORT_BASE_UNIT, /* optional check: the indicator's 元/人/个 */
    LU_IMPORT_NCOLS,
};

struct lu_import {
    char *name;              /* the file as messages name it */
    Luyu__CtlEntry *entries; /* strings owned; n of them */
    int *lines;              /* the line each entry came from */
    size_t n, cap;
    size_t empty_rows;         /* rows with nothing in them, skipped */
    int cols[LU_IMPORT_NCOLS]; /* 0-based column of each, -1 absent */
    uint8_t ignored[256];      /* columns such as 序号, read past */
    bool cell_names;           /* .xlsx: name cells as B7 too */
    bool json_keys;            /* JSON: "entry N, amount:" for places */
    char format[32];           /* "CSV, GB18030", "xlsx" ... */
    struct lu_buf problems;    /* the first LU_IMPORT_MAX_SHOWN, one a line */
    size_t n_problems;
};

void lu_import_init(struct lu_import *im, const char *name);
void lu_import_close(struct lu_import *im);

/* Reads the file data[0..len). encoding forces a text encoding (NULL:
 * detect; see textenc.h), sheet picks an .xlsx sheet by name (NULL: the
 * first). Returns 0 when every row is good, else -EINVAL with the problems
 * recorded in im. Names are resolved with plan. */
int lu_import_read(struct lu_import *im, const struct lu_plan *plan,
                   const char *data, size_t len, const char *encoding,
                   const char *sheet);

/* Reads the rows of a sheet already split into cells: the first non-empty
 * row is the header. What lu_import_read() does after reading the file.
 * Returns 0 or -EINVAL with the problems recorded in im. */
struct lu_sheet;
int lu_import_read_sheet(struct lu_import *im, const struct lu_plan *plan,
                         const struct lu_sheet *sheet);

/* Reads a JSON array of entries (the node's POST /api/entries), each an
 * object with the import's columns as members: "unit", "indicator",
 * "period", "amount" (a string or a plain JSON number), "note" and
 * "base_unit" optional; the same names, forms, checks and import key as a
 * file's rows (common/import_json.c). Problems name the entry by its
 * 1-based place in the array, as a file's line. 0 or -EINVAL. */
int lu_import_read_json(struct lu_import *im, const struct lu_plan *plan,
                        const char *data, size_t len);

/* The JSON member name of a column (enum lu_import_col). */
const char *lu_import_json_key(int col);

/* Records a problem at line and 1-based column (0: none; line 0: the file
 * as a whole). */
void lu_import_problem(struct lu_import *im, int line, int col, const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));

/* Records the node's refusals (which name entries by index) at the lines
 * and columns the entries came from. */
void lu_import_refused(struct lu_import *im, const Luyu__CtlResponse *resp);

/* Appends the recorded problems, and "... and N more", to out. */
void lu_import_write_problems(const struct lu_import *im, struct lu_buf *out);

/* The import key: SHA-256 of the entries packed as a CtlSubmit with
 * nothing else set (proto/luyu.proto). */
void lu_import_key(const struct lu_import *im, uint8_t key[32]);

/* A CtlSubmit of the import's entries, keyed unless again; ptrs holds n
 * pointers the caller frees with free() once the submit is used. */
void lu_import_submit(const struct lu_import *im, bool again, bool dry_run,
                      uint8_t key[32], Luyu__CtlSubmit *sub,
                      Luyu__CtlEntry ***ptrs);

#endif
