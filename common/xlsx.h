/* Reading one sheet of an .xlsx workbook (Office Open XML, as Excel and
 * WPS write it) into a lu_sheet: shared and inline strings, numbers, and
 * numbers whose cell style is a date format (the 1900 date system) as
 * dates. libzip opens the container and expat parses the XML; this module
 * adds the limits that keep a hostile file cheap: sizes of the parts, the
 * number of rows, columns and strings, and the ratio of unpacked to packed
 * bytes (zip bombs). */
#ifndef LU_XLSX_H
#define LU_XLSX_H

#include <stddef.h>

#include "sheet.h"

/* Largest part of a workbook unpacked (a sheet, the shared strings). */
#define LU_XLSX_MAX_PART (64u * 1024 * 1024)

/* Reads the sheet named sheet (NULL: the first) from the workbook
 * data[0..len) into out (initialised by the caller). Returns 0, or a
 * negative errno with a reason in err; a reason about a place starts
 * "ROW:COL: ". */
int lu_xlsx_read(const char *data, size_t len, const char *sheet,
                 struct lu_sheet *out, char *err, size_t errlen);

#endif
