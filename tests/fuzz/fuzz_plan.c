/* libFuzzer target for the plan loader: plan files are edited by hand and
 * may come from anywhere, so any bytes must give a plan or a clean error. */
#include <stddef.h>
#include <stdint.h>

#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lu_plan *plan = NULL;
    char err[512];

    if (lu_plan_load_buf("fuzz", (const char *)data, size, &plan, err,
                         sizeof(err)) == 0) {
        /* Touch the lookups too: they run on every ledger entry. */
        for (size_t i = 0; i < plan->n_units; i++)
            (void)lu_plan_unit(plan, plan->units[i].code);
        for (size_t i = 0; i < plan->n_indicators; i++)
            (void)lu_plan_indicator(plan, plan->indicators[i].ratio_of);
        lu_plan_free(plan);
    }
    return 0;
}
