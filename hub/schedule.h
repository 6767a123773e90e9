/* When bulletins are issued: automatically once a month has closed (on the
 * configured issue day of the following month, 00:00 China time), for every
 * closed month since `issue_from` that has none yet (so months missed while
 * the hub was down are issued when it returns), and again as a new
 * revision at later closings when late entries changed a month; or on
 * command (luyuctl bulletin issue). Each issued bulletin is handed to the
 * peer link at once. Borrows everything it is given. */
#ifndef HUB_SCHEDULE_H
#define HUB_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct ledger_bulletins;
struct hub_feed;
struct hub_observe;
struct hub_peer;
struct lu_plan;
struct hub_schedule;

struct hub_schedule_config {
    int issue_day;       /* 1..28 */
    uint32_t issue_from; /* first month to issue automatically, YYYYMM */
    int auto_issue;      /* 0: only on command */
};

struct hub_schedule *
hub_schedule_new(uv_loop_t *loop, const struct hub_schedule_config *cfg,
                 const struct lu_plan *plan, struct ledger_bulletins *store,
                 struct hub_peer *peer, struct hub_feed *feed,
                 struct hub_observe *obs);
void hub_schedule_free(struct hub_schedule *s);

/* Issues period now (luyuctl bulletin issue). Returns 0 with a message
 * naming the revision, -EINVAL for a month that cannot be issued (a reason
 * in msg), another negative errno on failure. */
int hub_schedule_issue(void *s, uint32_t period, char *msg, size_t len);

/* The current time for scheduling: wall clock, or $LUYU_FAKE_NOW (unix
 * seconds) in tests of the schedule. */
int64_t hub_schedule_now(void);

#endif
