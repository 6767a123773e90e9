/* Judging one indicator's figures against the plan's target (internal to
 * the bulletin module, ledger/bulletin.h says how). */
#ifndef LEDGER_BULLETIN_JUDGE_H
#define LEDGER_BULLETIN_JUDGE_H

#include <stddef.h>

#include "bulletin.pb-c.h"
#include "bulletin_scan.h"

/* Sets f's status, actual, goal, expected, progress and the kind-specific
 * fields from the scan's sums for plan indicator ind. f's figures (month,
 * ytd, since_start, previous_ytd, target) are already filled in. */
void ledger_bulletin_judge(const struct ledger_bulletin_scan *s, size_t ind,
                           Luyu__IndicatorFigures *f);

#endif
