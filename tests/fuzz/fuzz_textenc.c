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
    char err[256];

    lu_import_init(&im, "f.csv");
    if (lu_import_read(&im, plan, data, len, enc, NULL) < 0) {
        if (im.n_problems == 0 || im.problems.len == 0 ||
            !lu_utf8_valid(im.problems.data, im.problems.len))
            abort();
    } else {
        for (size_t i = 0; i < im.n; i++) {
            const Luyu__CtlEntry *e = &im.entries[i];
            const struct lu_plan_indicator *ind =
                lu_plan_indicator(plan, e->indicator);
            uint32_t m;
            int64_t a;

            if (lu_plan_unit(plan, e->unit) == NULL || ind == NULL ||
                lu_period_parse(e->period, &m, err, sizeof(err)) < 0 ||
                lu_amount_parse(e->amount, ind->scale, &a, err, sizeof(err)) <
                    0 ||
                im.lines[i] < 2 || !lu_utf8_valid(e->note, strlen(e->note)))
                abort();
        }
    }
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
