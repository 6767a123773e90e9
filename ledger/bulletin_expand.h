/* Which indicators of a bulletin a reader needs to see in full, for every
 * format that shows a bulletin (luyuctl's text, Markdown, CSV and HTML):
 * the others are named in one collapsed line, so that a month with few
 * reports is a short read. docs/DECISIONS.md ("Behind at zero") says why
 * the rule is what it is. */
#ifndef LEDGER_BULLETIN_EXPAND_H
#define LEDGER_BULLETIN_EXPAND_H

#include <stdbool.h>

#include "bulletin.pb-c.h"

/* True when f (an indicator of b) has a figure in b's month or year to
 * date, or is behind and either something already counts toward its
 * target (actual not 0) or its target falls due in b's month (December or
 * the plan's last month for a yearly target, the plan's last month for a
 * plan-period one). An indicator behind at zero with no target due is
 * collapsed. */
bool ledger_bulletin_expanded(const Luyu__Bulletin *b,
                              const Luyu__IndicatorFigures *f);

/* True when f's target falls due in b's month, as above. */
bool ledger_bulletin_due(const Luyu__Bulletin *b,
                         const Luyu__IndicatorFigures *f);

#endif
