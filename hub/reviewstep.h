/* The province's review step on a unit's month (accept, return, unlock;
 * ledger/review.h has the states), one code path for both ways in:
 * luyuctl review at the control socket (hub/control.c, after its Unix
 * group check) and the dashboard's review page (hub/dash_review.c, after
 * its role check, who "web:NAME"). The caller authorises; this checks the
 * request against the plan and the month's state and commits the step in
 * its own transaction. The node hears of it on its next Ping or Hello. */
#ifndef HUB_REVIEWSTEP_H
#define HUB_REVIEWSTEP_H

#include <stddef.h>

struct ledger;
struct lu_plan;

struct hub_reviewstep {
    int kind;             /* Luyu__ReviewKind: ACCEPT, RETURN or UNLOCK */
    const char *unit;     /* "cq-wanzhou" */
    const char *period;   /* "2019-07" */
    const char *reason;   /* required for RETURN and UNLOCK */
    const char *who;      /* a Unix user, or "web:NAME" */
    const char *province; /* the hub's, or NULL: any unit of the plan */
};

/* Takes the step. 0 with "STATE UNIT PERIOD" in msg; -EINVAL when the
 * request is malformed or the month's state refuses it, -ENOTSUP on a
 * PostgreSQL ledger, other negative errnos when it could not be recorded;
 * the reason, in the caller's language, in msg. */
int hub_reviewstep_take(struct ledger *l, const struct lu_plan *plan,
                        const struct hub_reviewstep *s, char *msg, size_t len);

#endif
