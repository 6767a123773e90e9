/* The JSON form of an import (POST /api/entries with application/json):
 * an array of objects becomes a sheet whose header row holds the member
 * names, so that the rows go through exactly the checks, name lookups and
 * normalisation of a file's rows (common/import.c), and the same figures
 * give the same import key as a CSV or .xlsx of them. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "import.h"
#include "json_read.h"
#include "sheet.h"
#include "util.h"

/* The member names, in the order of enum lu_import_col; they are the
 * English column names a file's header may use, so the header row below
 * is one lu_import_read_sheet() knows. */
static const char *const KEYS[LU_IMPORT_NCOLS] = {
    "unit", "indicator", "period", "amount", "note", "base_unit"};

const char *lu_import_json_key(int col)
{
    return col >= 0 && col < LU_IMPORT_NCOLS ? KEYS[col] : "";
}

static int key_col(const char *key)
{
    for (int c = 0; c < LU_IMPORT_NCOLS; c++) {
        if (strcmp(key, KEYS[c]) == 0)
            return c;
    }
    return -1;
}

/* Whether entry (1-based) is an object of known members, each once, with
 * strings (or a number for the amount) not all empty; problems recorded. */
static bool entry_ok(struct lu_import *im, const struct lu_jv *o, int entry)
{
    bool seen[LU_IMPORT_NCOLS] = {false}, filled = false;
    size_t before = im->n_problems;

    if (o->type != LU_JV_OBJECT) {
        lu_import_problem(im, entry, 0,
                          _("not an object; each entry is {\"unit\": ..., "
                            "\"indicator\": ..., \"period\": ..., "
                            "\"amount\": ...}"));
        return false;
    }
    for (size_t i = 0; i < o->n; i++) {
        const struct lu_jv *v = &o->items[i];
        int c = key_col(o->keys[i]);

        if (c < 0)
            lu_import_problem(im, entry, 0,
                              _("unknown member \"%.*s\"; an entry has unit, "
                                "indicator, period, amount, note and "
                                "base_unit"),
                              lu_utf8_cut(o->keys[i], 64), o->keys[i]);
        else if (seen[c])
            lu_import_problem(im, entry, c + 1, "%s", _("given twice"));
        else if (v->type != LU_JV_STRING &&
                 (v->type != LU_JV_NUMBER || c != LU_IMPORT_AMOUNT))
            lu_import_problem(im, entry, c + 1, "%s",
                              c == LU_IMPORT_AMOUNT
                                  ? _("must be a string or a number")
                                  : _("must be a string"));
        else if (strlen(v->text) > LU_SHEET_MAX_CELL)
            lu_import_problem(im, entry, c + 1, _("longer than %d bytes"),
                              LU_SHEET_MAX_CELL);
        else
            filled = filled || v->text[strspn(v->text, " \t")] != '\0';
        if (c >= 0)
            seen[c] = true;
    }
    if (im->n_problems == before && !filled)
        lu_import_problem(im, entry, 0, "%s", _("an empty entry"));
    return im->n_problems == before;
}

/* A good entry as a row of the sheet, cells in the header's order. */
static void add_row(struct lu_sheet *sheet, const struct lu_jv *o, int entry)
{
    struct lu_sheet_row *row = lu_sheet_add_row(sheet, entry);

    for (size_t i = 0; i < o->n; i++)
        lu_sheet_set(row, (size_t)key_col(o->keys[i]), LU_CELL_TEXT,
                     o->items[i].text);
}

int lu_import_read_json(struct lu_import *im, const struct lu_plan *plan,
                        const char *data, size_t len)
{
    struct lu_jv *doc = NULL;
    struct lu_sheet sheet;
    struct lu_sheet_row *row;
    char err[256];

    im->json_keys = true;
    snprintf(im->format, sizeof(im->format), "JSON");
    if (lu_json_read(data, len, &doc, err, sizeof(err)) < 0) {
        lu_import_problem(im, 0, 0, _("not JSON: %s"), err);
        return -EINVAL;
    }
    if (doc->type != LU_JV_ARRAY || doc->n == 0 || doc->n > LU_SHEET_MAX_ROWS) {
        lu_import_problem(im, 0, 0,
                          _("the body must be a JSON array of 1 to %d "
                            "entries"),
                          LU_SHEET_MAX_ROWS);
        lu_json_read_free(doc);
        return -EINVAL;
    }
    lu_sheet_init(&sheet);
    row = lu_sheet_add_row(&sheet, 0);
    for (int c = 0; c < LU_IMPORT_NCOLS; c++)
        lu_sheet_set(row, (size_t)c, LU_CELL_TEXT, KEYS[c]);
    /* Entries that are not objects of the known members are named; the
     * others are read as rows, so that every problem is reported at once. */
    for (size_t i = 0; i < doc->n; i++) {
        if (entry_ok(im, &doc->items[i], (int)i + 1))
            add_row(&sheet, &doc->items[i], (int)i + 1);
    }
    if (sheet.n > 1)
        lu_import_read_sheet(im, plan, &sheet);
    lu_sheet_close(&sheet);
    lu_json_read_free(doc);
    return im->n_problems > 0 ? -EINVAL : 0;
}
