/* Aligned text tables for people: cells are copied with control characters
 * made harmless, columns padded by terminal width (Chinese names take two
 * columns a character), numbers right-aligned where asked. */
#ifndef CTL_TABLE_H
#define CTL_TABLE_H

#include <stddef.h>

struct lu_buf;
struct ctl_table;

/* A table of ncols columns; free with ctl_table_free(). */
struct ctl_table *ctl_table_new(size_t ncols);
void ctl_table_free(struct ctl_table *t);

/* Right-aligns column col (amounts, counts). */
void ctl_table_right(struct ctl_table *t, size_t col);

/* Appends a row of ncols cells (copied; NULL is an empty cell). */
void ctl_table_add(struct ctl_table *t, const char *const *cells);

size_t ctl_table_rows(const struct ctl_table *t);

/* Appends the table to out, each line starting with indent. Cells are
 * two spaces apart; lines carry no trailing spaces. */
void ctl_table_render(const struct ctl_table *t, struct lu_buf *out,
                      const char *indent);

#endif
