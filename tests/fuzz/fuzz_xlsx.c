/* Fuzzes the .xlsx reader: on any bytes it must end with a sheet or with a
 * reason, and a sheet must hold only what the reader promises: cells within
 * the column bound, UTF-8 text within the cell bound, dates as YYYY-MM-DD.
 * The corpus holds workbooks from openpyxl and as WPS writes them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sheet.h"
#include "util.h"
#include "xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct lu_sheet *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct lu_sheet_row *row = &s->rows[i];

        if (row->line < 1 || row->n > LU_SHEET_MAX_COLS)
            abort();
        for (size_t j = 0; j < row->n; j++) {
            const char *t = lu_sheet_text(row, j);
            size_t len = strlen(t);

            if (len > LU_SHEET_MAX_CELL || !lu_utf8_valid(t, len))
                abort();
            if (lu_sheet_kind(row, j) == LU_CELL_DATE &&
                (len != 10 || t[4] != '-' || t[7] != '-'))
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *sheets[] = {NULL, "Sheet1", "台账"};
    char err[512];

    for (size_t i = 0; i < 3; i++) {
        struct lu_sheet s;
        int r;

        lu_sheet_init(&s);
        err[0] = '\0';
        r = lu_xlsx_read((const char *)data, size, sheets[i], &s, err,
                         sizeof(err));
        if (r < 0 && (err[0] == '\0' || !lu_utf8_valid(err, strlen(err))))
            abort();
        if (r == 0)
            check(&s);
        lu_sheet_close(&s);
        if (r < 0 && i == 0)
            break; /* a broken book stays broken whichever sheet is asked */
    }
    return 0;
}
