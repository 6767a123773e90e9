/* Fuzzes encoding detection and conversion, and the import reader behind
 * it: the first byte picks an encoding to force (or none), the rest is the
 * file. Conversion must give UTF-8 without NULs or a reason that starts
 * LINE:COLUMN; the import must end with rows or with problems, and every
 * row it hands out must be what the node's intake takes (codes of the
 * plan, YYYY-MM, a plain amount) with a line number. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "import.h"
#include "import_check.h"
#include "plan.h"
#include "textenc.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char PLAN[] = "[plan]\nname = t\nstart = 2018-01\nend = "
                           "2020-12\n[province CQ]\nname = 重庆市\n"
                           "[unit cq-a]\nname = 万州区\nprovince = CQ\n"
                           "kind = district\n[area ind]\nname = 产业合作\n"
                           "[indicator x]\nname = 交易额\nunit = yuan\n"
                           "area = ind\ntarget_kind = none\n"
                           "[indicator p]\nname = 培训\nunit = persons\n"
                           "area = ind\ntarget_kind = none\n";

static const char *const ENCODINGS[] = {NULL,      "utf-8",    "gbk",
                                        "gb18030", "utf-16le", "utf-16be",
                                        "utf-16",  "latin1"};

static void check_import(const struct lu_plan *plan, const char *data,
                         size_t len, const char *enc)
{
    struct lu_import im;
    int r;

    lu_import_init(&im, "f.csv");
    r = lu_import_read(&im, plan, data, len, enc, NULL);
    fuzz_check_import(plan, &im, r, 2);
    lu_import_close(&im);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct lu_plan *plan;
    const char *enc;
    char *out = NULL, used[16], err[512];
    size_t olen;
    int line, col;

    if (plan == NULL &&
        lu_plan_load_buf("fuzz", PLAN, strlen(PLAN), &plan, err, sizeof(err)))
        abort();
    if (size == 0)
        return 0;
    enc = ENCODINGS[data[0] % 8];
    data++;
    size--;
    if (lu_textenc_to_utf8((const char *)data, size, enc, &out, &olen, used,
                           err, sizeof(err)) == 0) {
        if (!lu_utf8_valid(out, olen) || memchr(out, '\0', olen) != NULL ||
            strlen(out) != olen)
            abort();
    } else if (sscanf(err, "%d:%d: ", &line, &col) != 2 || out != NULL) {
        abort();
    }
    free(out);
    check_import(plan, (const char *)data, size, enc);
    return 0;
}
