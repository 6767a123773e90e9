/* A sheet of cells as read from a CSV or .xlsx file, before anything is
 * known about what the cells mean: rows keep the line (CSV) or row number
 * (.xlsx) they came from so that every problem can name its place. */
#ifndef LU_SHEET_H
#define LU_SHEET_H

#include <stdbool.h>
#include <stddef.h>

/* Cells a sheet may hold: more are refused by the readers with a message,
 * so that a damaged or hostile file costs bounded memory. */
#define LU_SHEET_MAX_COLS 256
#define LU_SHEET_MAX_ROWS 1000000
#define LU_SHEET_MAX_CELL (64 * 1024)

enum lu_cell_kind {
    LU_CELL_EMPTY = 0,
    LU_CELL_TEXT,   /* text as typed */
    LU_CELL_NUMBER, /* a spreadsheet number, as plain decimal digits */
    LU_CELL_DATE,   /* a spreadsheet date, as YYYY-MM-DD */
};

struct lu_cell {
    enum lu_cell_kind kind;
    char *text; /* UTF-8, owned by the sheet; "" when empty */
};

struct lu_sheet_row {
    int line; /* 1-based line or row number in the file */
    size_t n; /* cells[0..n): column 1..n */
    struct lu_cell *cells;
};

struct lu_sheet {
    struct lu_sheet_row *rows;
    size_t n, cap;
    bool cell_names; /* name places as spreadsheet cells (B7) too */
};

void lu_sheet_init(struct lu_sheet *s);
void lu_sheet_close(struct lu_sheet *s);

/* Appends an empty row read from line and returns it; valid until the next
 * lu_sheet_add_row(). */
struct lu_sheet_row *lu_sheet_add_row(struct lu_sheet *s, int line);

/* Sets cell col (0-based, < LU_SHEET_MAX_COLS) of row to a copy of text. */
void lu_sheet_set(struct lu_sheet_row *row, size_t col, enum lu_cell_kind kind,
                  const char *text);

/* The text of a cell, "" when the row has no such cell. */
const char *lu_sheet_text(const struct lu_sheet_row *row, size_t col);
enum lu_cell_kind lu_sheet_kind(const struct lu_sheet_row *row, size_t col);

/* Writes a column's spreadsheet letters (0 -> "A", 27 -> "AB") into buf
 * (at least 8 bytes). Returns buf. */
char *lu_sheet_col_name(size_t col, char *buf);

#endif
