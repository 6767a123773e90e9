/* Reminders (issue 16): before a month closes (remind_days before its
 * closing) and once it has closed, every expected unit of the province
 * (districts, cities, departments) whose month is not reported, or not
 * approved by its district, is reminded: a notice down the link to the
 * nodes that report for it (shown in their status), a feed event
 * "remind.UNIT.YYYY-MM", a line in luyuctl status --hub, and the admin's
 * hook command, run once per reminder as HOOK UNIT YYYY-MM REASON. Each
 * (unit, month, reason) is reminded once ever: the ledger records it
 * before anything is sent, so restarts never repeat one. Reasons:
 * not_reported_before_close, not_approved_before_close,
 * not_reported_after_close, not_approved_after_close. */
#ifndef HUB_REMIND_H
#define HUB_REMIND_H

#include <uv.h>

struct hub_feed;
struct ledger;
struct lu_plan;
struct hub_remind;

struct hub_remind_config {
    int days;             /* remind this many days before closing; 0: not */
    const char *hook;     /* command, or NULL */
    int issue_day;        /* when months close (hub/schedule.h) */
    const char *province; /* this hub's province, or NULL for all units */
};

/* Checks at start and every minute. Borrows everything. */
struct hub_remind *hub_remind_new(uv_loop_t *loop,
                                  const struct hub_remind_config *cfg,
                                  const struct lu_plan *plan,
                                  struct ledger *ledger, struct hub_feed *feed);
void hub_remind_free(struct hub_remind *r);

#endif
