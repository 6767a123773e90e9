#include "sheet.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void lu_sheet_init(struct lu_sheet *s)
{
    memset(s, 0, sizeof(*s));
}

void lu_sheet_close(struct lu_sheet *s)
{
    for (size_t i = 0; i < s->n; i++) {
        for (size_t j = 0; j < s->rows[i].n; j++)
            free(s->rows[i].cells[j].text);
        free(s->rows[i].cells);
    }
    free(s->rows);
    memset(s, 0, sizeof(*s));
}

struct lu_sheet_row *lu_sheet_add_row(struct lu_sheet *s, int line)
{
    struct lu_sheet_row *row;

    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->rows = lu_xrealloc(s->rows, s->cap * sizeof(*s->rows));
    }
    row = &s->rows[s->n++];
    memset(row, 0, sizeof(*row));
    row->line = line;
    return row;
}

void lu_sheet_set(struct lu_sheet_row *row, size_t col, enum lu_cell_kind kind,
                  const char *text)
{
    if (col >= LU_SHEET_MAX_COLS)
        return;
    if (col >= row->n) {
        row->cells = lu_xrealloc(row->cells, (col + 1) * sizeof(*row->cells));
        memset(row->cells + row->n, 0,
               (col + 1 - row->n) * sizeof(*row->cells));
        row->n = col + 1;
    }
    free(row->cells[col].text);
    row->cells[col].kind = text[0] ? kind : LU_CELL_EMPTY;
    row->cells[col].text = lu_xstrdup(text);
}

const char *lu_sheet_text(const struct lu_sheet_row *row, size_t col)
{
    if (col >= row->n || row->cells[col].text == NULL)
        return "";
    return row->cells[col].text;
}

enum lu_cell_kind lu_sheet_kind(const struct lu_sheet_row *row, size_t col)
{
    return col < row->n ? row->cells[col].kind : LU_CELL_EMPTY;
}

char *lu_sheet_col_name(size_t col, char *buf)
{
    char tmp[8];
    size_t n = 0, i;

    col++;
    while (col > 0 && n < sizeof(tmp)) {
        col--;
        tmp[n++] = (char)('A' + col % 26);
        col /= 26;
    }
    for (i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return buf;
}
