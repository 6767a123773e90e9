/* Cell values as offices type them, turned into what luyu stores: amounts
 * with thousands separators and stray spaces, months in the forms Excel and
 * people produce, units and indicators by code or by their name in the
 * plan. Each function refuses what it cannot read without guessing, with a
 * reason and the fix, in the words of a clerk rather than a programmer. */
#ifndef LU_NORMALIZE_H
#define LU_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "sheet.h"

/* Strips surrounding white space, also the no-break (U+00A0) and
 * ideographic (U+3000) spaces spreadsheets leave; returns the length of
 * what remains, which starts at *start. */
size_t lu_norm_trim(const char *s, const char **start);

/* Writes the amount in cell text s as plain digits with at most one '.'
 * (thousands separators, a leading ¥ or ￥ and surrounding space removed,
 * as Excel writes currency cells to CSV) into out, for
 * lu_amount_parse(). A LU_CELL_NUMBER is a spreadsheet's number and is
 * rounded to 15 significant digits, which drops binary noise such as
 * 1234.5600000000001. -EINVAL with a reason and the fix in err. */
int lu_norm_amount(const char *s, enum lu_cell_kind kind, char *out,
                   size_t outlen, char *err, size_t errlen);

/* Parses a month: 2019-07, 2019-7, 2019/7, 2019/7/1, 2019-07-01 (the 1st:
 * what Excel makes of a typed month, also with a time of 00:00),
 * 2019年7月, 2019年7月1日 and 201907, into YYYYMM. Refuses, with the
 * reason, forms that could be read two ways (2019.1, 7/1/2019) and Excel
 * date serial numbers. */
int lu_norm_month(const char *s, uint32_t *yyyymm, char *err, size_t errlen);

/* A code and a name the plan gives one unit or indicator. */
struct lu_norm_name {
    const char *code;
    const char *name;
};

/* Finds s among names by code (ASCII case ignored) or by exact name.
 * Returns its index, or -1 and, when a candidate is close (a few
 * characters apart, or one contains the other), writes it as
 * "NAME (CODE)" into suggest; else suggest is "". With suggestlen 0 only
 * looks up, which is cheap (for files already past their shown problems). */
int lu_norm_match(const char *s, const struct lu_norm_name *names, size_t n,
                  char *suggest, size_t suggestlen);

#endif
