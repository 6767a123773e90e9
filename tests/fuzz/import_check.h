/* What fuzz_textenc and fuzz_json check of an import's result: problems
 * in valid UTF-8, or rows the node's intake takes (codes of the plan,
 * YYYY-MM, a plain amount, a note in UTF-8), each from a line at or after
 * first_line. Aborts otherwise. Included by the fuzz targets only. */
#ifndef FUZZ_IMPORT_CHECK_H
#define FUZZ_IMPORT_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "import.h"
#include "plan.h"
#include "util.h"

static inline void fuzz_check_import(const struct lu_plan *plan,
                                     const struct lu_import *im, int r,
                                     int first_line)
{
    char err[256];

    if (r < 0) {
        if (im->n_problems == 0 || im->problems.len == 0 ||
            !lu_utf8_valid(im->problems.data, im->problems.len))
            abort();
        return;
    }
    for (size_t i = 0; i < im->n; i++) {
        const Luyu__CtlEntry *e = &im->entries[i];
        const struct lu_plan_indicator *ind =
            lu_plan_indicator(plan, e->indicator);
        uint32_t m;
        int64_t a;

        if (lu_plan_unit(plan, e->unit) == NULL || ind == NULL ||
            lu_period_parse(e->period, &m, err, sizeof(err)) < 0 ||
            lu_amount_parse(e->amount, ind->scale, &a, err, sizeof(err)) < 0 ||
            im->lines[i] < first_line ||
            !lu_utf8_valid(e->note, strlen(e->note)))
            abort();
    }
}

#endif
