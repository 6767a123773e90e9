#include "table.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "util.h"
#include "xmalloc.h"

struct ctl_table {
    size_t ncols;
    bool *right;   /* per column */
    size_t *width; /* per column: the widest cell so far */
    char **cells;  /* rows * ncols, row by row, each owned */
    size_t rows;
    size_t cap; /* rows cells has room for */
};

struct ctl_table *ctl_table_new(size_t ncols)
{
    struct ctl_table *t = lu_xcalloc(1, sizeof(*t));

    t->ncols = ncols;
    t->right = lu_xcalloc(ncols, sizeof(*t->right));
    t->width = lu_xcalloc(ncols, sizeof(*t->width));
    return t;
}

void ctl_table_free(struct ctl_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->rows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->width);
    free(t->right);
    free(t);
}

void ctl_table_right(struct ctl_table *t, size_t col)
{
    t->right[col] = true;
}

void ctl_table_add(struct ctl_table *t, const char *const *cells)
{
    struct lu_buf b;

    if (t->rows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = lu_xrealloc(t->cells, t->cap * t->ncols * sizeof(char *));
    }
    lu_buf_init(&b);
    for (size_t c = 0; c < t->ncols; c++) {
        size_t w;

        b.len = 0;
        lu_buf_adds(&b, ""); /* a cell is never NULL, even when empty */
        ctl_output_text(&b, cells[c] ? cells[c] : "");
        w = ctl_output_width(b.data);
        if (w > t->width[c])
            t->width[c] = w;
        t->cells[t->rows * t->ncols + c] = lu_xstrdup(b.data);
    }
    lu_buf_free(&b);
    t->rows++;
}

size_t ctl_table_rows(const struct ctl_table *t)
{
    return t->rows;
}

static void pad(struct lu_buf *out, size_t n)
{
    for (; n > 0; n--)
        lu_buf_add(out, " ", 1);
}

void ctl_table_render(const struct ctl_table *t, struct lu_buf *out,
                      const char *indent)
{
    for (size_t r = 0; r < t->rows; r++) {
        size_t start = out->len;

        lu_buf_adds(out, indent);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            size_t fill = t->width[c] - ctl_output_width(cell);
            bool last = c + 1 == t->ncols;

            if (c > 0)
                lu_buf_adds(out, "  ");
            if (t->right[c])
                pad(out, fill);
            lu_buf_adds(out, cell);
            if (!t->right[c] && !last)
                pad(out, fill);
        }
        /* Empty trailing cells would leave spaces at the end of the line. */
        while (out->len > start && out->data[out->len - 1] == ' ')
            out->len--;
        lu_buf_add(out, "\n", 1);
    }
}
