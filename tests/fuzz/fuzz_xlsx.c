/* Fuzzes the .xlsx reader: on any bytes it must end with a sheet or with a
 * reason, and a sheet must hold only what the reader promises: cells within
 * the column bound, UTF-8 text within the cell bound, dates as YYYY-MM-DD.
 * The corpus holds workbooks from openpyxl and as WPS writes them.
 *
 * Deflated members are hard to mutate into new XML, so an input that
 * starts with "XML\n" is instead split at "\n--\n" into the sheet, the
 * shared strings and the styles of a workbook built here (stored, with
 * right CRCs): that steers the fuzzer into the cell, style, date and
 * merge logic. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

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

static const char WORKBOOK[] =
    "<workbook xmlns:r=\"r\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" "
    "r:id=\"rId1\"/></sheets></workbook>";
static const char RELS[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
    "Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"x/styles\" Target=\"styles.xml\"/>"
    "</Relationships>";

static void add(zip_t *z, const char *name, const void *data, size_t len)
{
    zip_source_t *src = zip_source_buffer(z, data, len, 0);
    zip_int64_t i = zip_file_add(z, name, src, ZIP_FL_OVERWRITE);

    if (i < 0)
        zip_source_free(src);
    else
        zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

/* Builds a stored workbook around the parts in data[0..size); returns it
 * in *out (free()) or NULL. */
static char *build(const uint8_t *data, size_t size, size_t *outlen)
{
    const char *parts[3] = {"", "", ""};
    size_t lens[3] = {0, 0, 0}, n = 0, start = 0;
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, NULL);
    zip_t *z;
    char *out = NULL;
    zip_stat_t st;

    for (size_t i = 0; i + 4 <= size && n < 2; i++) {
        if (memcmp(data + i, "\n--\n", 4) == 0) {
            parts[n] = (const char *)data + start;
            lens[n++] = i - start;
            start = i + 4;
            i += 3;
        }
    }
    parts[n] = (const char *)data + start;
    lens[n] = size - start;
    zip_source_keep(mem);
    z = zip_open_from_source(mem, ZIP_TRUNCATE, NULL);
    if (z == NULL) {
        zip_source_free(mem);
        return NULL;
    }
    add(z, "xl/workbook.xml", WORKBOOK, strlen(WORKBOOK));
    add(z, "xl/_rels/workbook.xml.rels", RELS, strlen(RELS));
    add(z, "xl/worksheets/sheet1.xml", parts[0], lens[0]);
    /* An empty part is left out, as a workbook without strings or styles
     * leaves them out. */
    if (lens[1] > 0)
        add(z, "xl/sharedStrings.xml", parts[1], lens[1]);
    if (lens[2] > 0)
        add(z, "xl/styles.xml", parts[2], lens[2]);
    if (zip_close(z) < 0) {
        zip_discard(z);
        zip_source_free(mem);
        return NULL;
    }
    if (zip_source_stat(mem, &st) == 0 && zip_source_open(mem) == 0) {
        out = malloc(st.size + 1);
        if (zip_source_read(mem, out, st.size) != (zip_int64_t)st.size) {
            free(out);
            out = NULL;
        }
        *outlen = st.size;
        zip_source_close(mem);
    }
    zip_source_free(mem);
    return out;
}

static int read_book(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *book;
    size_t len = 0;

    if (size < 4 || memcmp(data, "XML\n", 4) != 0)
        return read_book(data, size);
    book = build(data + 4, size - 4, &len);
    if (book != NULL)
        read_book((const uint8_t *)book, len);
    free(book);
    return 0;
}

static int read_book(const uint8_t *data, size_t size)
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
