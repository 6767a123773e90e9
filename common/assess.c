#include "assess.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"

static const char *const KINDS[] = {
    [LU_ASSESS_NONE] = "none",
    [LU_ASSESS_SHARE] = "share",
    [LU_ASSESS_GROWTH] = "growth",
    [LU_ASSESS_EACH] = "each",
};

int lu_assess_kind_parse(const char *s)
{
    for (int k = LU_ASSESS_SHARE; k <= LU_ASSESS_EACH; k++) {
        if (strcmp(s, KINDS[k]) == 0)
            return k;
    }
    return -1;
}

const char *lu_assess_kind_name(enum lu_assess_kind k)
{
    return k <= LU_ASSESS_EACH ? KINDS[k] : "?";
}

const char *lu_assess_kind_text(enum lu_assess_kind k)
{
    switch (k) {
    case LU_ASSESS_SHARE:
        return _("in proportion");
    case LU_ASSESS_GROWTH:
        return _("growth");
    case LU_ASSESS_EACH:
        return _("reach the goal");
    default:
        return "?";
    }
}

int64_t lu_assess_pace(int64_t goal, int months, int of)
{
    if (of <= 0 || months >= of)
        return goal;
    if (months <= 0)
        return 0;
    /* goal < 2^63 / 12 for any plan's target: no overflow. */
    return (goal * months + of - 1) / of;
}

/* weight x 100 x num / den, rounded down, for 0 <= num <= 2 x den: done in
 * 128 bits, since den may be a large amount in fen. */
static int64_t scaled(int weight, int64_t num, int64_t den)
{
    __int128 p = (__int128)weight * 100 * num;

    return (int64_t)(p / den);
}

void lu_assess_score(const struct lu_assess_rule *rule,
                     struct lu_assess_line *line)
{
    int64_t full = (int64_t)rule->weight * 100, best;

    line->points = 0;
    switch (rule->kind) {
    case LU_ASSESS_SHARE:
        if (line->goal <= 0 || line->actual <= 0)
            return;
        best = (int64_t)((__int128)line->goal * rule->cap / 100);
        line->points =
            scaled(rule->weight, line->actual < best ? line->actual : best,
                   line->goal);
        return;
    case LU_ASSESS_GROWTH:
        if (line->actual > (line->prev < 0 ? 0 : line->prev))
            line->points = full;
        return;
    case LU_ASSESS_EACH:
        if (line->goal > 0 && line->actual >= line->goal)
            line->points = full;
        return;
    default:
        return;
    }
}

char *lu_assess_points(int64_t hundredths, char *buf, size_t len)
{
    snprintf(buf, len, "%s%lld.%02lld", hundredths < 0 ? "-" : "",
             (long long)(hundredths < 0 ? -hundredths : hundredths) / 100,
             (long long)(hundredths < 0 ? -hundredths : hundredths) % 100);
    return buf;
}
