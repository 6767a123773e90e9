/* Which indicators a bulletin shows in full (ledger/bulletin_expand.h). */
#include "bulletin_expand.h"

bool ledger_bulletin_due(const Luyu__Bulletin *b,
                         const Luyu__IndicatorFigures *f)
{
    bool last_of_plan = b->period == b->plan_end;

    switch (f->target_kind) {
    case LUYU__TARGET_KIND__TARGET_YEARLY_MIN:
    case LUYU__TARGET_KIND__TARGET_GROWTH:
    case LUYU__TARGET_KIND__TARGET_COVERAGE:
        return b->period % 100 == 12 || last_of_plan;
    case LUYU__TARGET_KIND__TARGET_PERIOD_MIN:
    case LUYU__TARGET_KIND__TARGET_LEVEL:
    case LUYU__TARGET_KIND__TARGET_RATIO:
        return last_of_plan;
    default:
        return false;
    }
}

bool ledger_bulletin_expanded(const Luyu__Bulletin *b,
                              const Luyu__IndicatorFigures *f)
{
    if (f->month != 0 || f->ytd != 0)
        return true;
    /* Behind at zero is what every yearly target says in a month nobody
     * reported for: only a target that falls due now, or figures of
     * earlier years that fall short of it, make it worth a row. */
    return f->status == LUYU__STATUS__STATUS_BEHIND &&
           (f->actual != 0 || ledger_bulletin_due(b, f));
}
