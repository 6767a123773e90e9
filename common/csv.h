/* A strict RFC 4180 CSV reader for imports: comma separated, fields may be
 * double-quoted with "" as an escaped quote and may then hold commas and
 * newlines; CRLF or LF line ends; a UTF-8 BOM at the start is skipped. The
 * input must be valid UTF-8 and may not hold NUL bytes. */
#ifndef LU_CSV_H
#define LU_CSV_H

#include <stddef.h>

struct lu_csv;

/* Reads from a buffer the caller keeps alive until lu_csv_free(). */
struct lu_csv *lu_csv_new(const char *data, size_t len);
/* The same with another field separator (a tab for the "Unicode text" that
 * spreadsheets export). */
struct lu_csv *lu_csv_new_sep(const char *data, size_t len, char sep);
void lu_csv_free(struct lu_csv *csv);

/* Reads the next record. Returns 1 with *fields pointing at *n NUL-terminated
 * fields (owned by the reader, valid until the next call), 0 at the end of
 * input, or a negative errno with a reason in err. *line is the line the
 * record starts on (1-based), set in every case. Blank lines are skipped.
 * At most 64 fields a record and 64 KiB a field. */
int lu_csv_next(struct lu_csv *csv, char ***fields, size_t *n, int *line,
                char *err, size_t errlen);

#endif
