#include "reviewstep.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "codec.h"
#include "i18n.h"
#include "ledger.h"
#include "log.h"
#include "plan.h"
#include "review.h"
#include "sql.h"
#include "util.h"

/* The ledger words its refusal in English for rejects; the person asking
 * reads it in their language, from the month's state. */
static void refusal(struct ledger_sql *db, const struct hub_reviewstep *s,
                    uint32_t period, char *msg, size_t len)
{
    struct ledger_review_step last;
    char by[LU_MAX_NAME + 1], why[LU_MAX_NOTE + 1];

    if (ledger_review_last(db, s->unit, period, &last, by, why) < 0)
        last.kind = 0;
    if (s->kind == LUYU__REVIEW_KIND__REVIEW_UNLOCK)
        snprintf(msg, len,
                 _("%s of %s is %s: only an accepted month is unlocked"),
                 s->period, s->unit, ledger_review_state_text(last.kind));
    else
        snprintf(msg, len,
                 _("%s of %s is %s: only a month the district has approved "
                   "is accepted or returned"),
                 s->period, s->unit, ledger_review_state_text(last.kind));
}

static int check(const struct lu_plan *plan, const struct hub_reviewstep *s,
                 uint32_t *period, char *msg, size_t len)
{
    const struct lu_plan_unit *u;

    if (s->kind != LUYU__REVIEW_KIND__REVIEW_ACCEPT &&
        s->kind != LUYU__REVIEW_KIND__REVIEW_RETURN &&
        s->kind != LUYU__REVIEW_KIND__REVIEW_UNLOCK) {
        snprintf(msg, len, "%s",
                 _("a hub accepts, returns or unlocks; the district "
                   "approves at its node"));
        return -EINVAL;
    }
    u = lu_plan_unit(plan, s->unit);
    if (u == NULL || (s->province && strcmp(u->province, s->province) != 0)) {
        snprintf(msg, len, _("unit \"%.*s\" is not one of this hub's"),
                 lu_utf8_cut(s->unit, 64), s->unit);
        return -EINVAL;
    }
    if (lu_period_parse(s->period, period, msg, len) < 0)
        return -EINVAL;
    if (lu_check_text("reason", s->reason, LU_MAX_NOTE, msg, len) < 0)
        return -EINVAL;
    if (s->kind != LUYU__REVIEW_KIND__REVIEW_ACCEPT && s->reason[0] == '\0') {
        snprintf(msg, len, "%s",
                 _("give the reason (--reason): the district reads it"));
        return -EINVAL;
    }
    return 0;
}

int hub_reviewstep_take(struct ledger *l, const struct lu_plan *plan,
                        const struct hub_reviewstep *s, char *msg, size_t len)
{
    struct ledger_sql *db = ledger_sql_handle(l);
    uint32_t period = 0;
    int r;

    r = check(plan, s, &period, msg, len);
    if (r < 0)
        return r;
    r = ledger_begin(l);
    if (r == 0) {
        r = ledger_review_check(db, s->unit, period, s->kind, msg, len);
        if (r == 0)
            r = ledger_review_add(db, s->unit, period, s->kind, s->who,
                                  s->reason, "", 0, lu_now_s());
        if (r == 0)
            r = ledger_commit(l);
        else
            ledger_rollback(l);
    }
    if (r == 1) {
        refusal(db, s, period, msg, len);
        r = -EINVAL;
    } else if (r < 0) {
        snprintf(msg, len, _("could not record it: %s"), strerror(-r));
    }
    if (r == 0) {
        snprintf(msg, len, "%s %s %s", ledger_review_state_code(s->kind),
                 s->unit, s->period);
        lu_notice("review: %s %s %s by %s%s%s",
                  ledger_review_kind_code(s->kind), s->unit, s->period, s->who,
                  s->reason[0] ? ": " : "", s->reason);
    }
    return r;
}
