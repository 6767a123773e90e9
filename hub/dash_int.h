/* What the dashboard's modules share (hub/dash.c: routing, sign-in, page
 * frame; hub/dash_live.c: the month's figures and /events;
 * hub/dash_pages.c: overview, indicator; hub/dash_more.c: grid, bulletins,
 * nodes; hub/dash_review.c: the review queue and steps; hub/dash_pool.c: the
 * project pool; hub/dash_assess.c: the assessment). Not for other modules. */
#ifndef HUB_DASH_INT_H
#define HUB_DASH_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "bulletin.pb-c.h"
#include "dash.h"
#include "session.h"
#include "util.h"

struct lu_web_req;
struct lu_web_resp;
struct ledger_bulletins;
struct ledger_bulletins_item;
struct lu_webauth;

struct hub_dash {
    struct hub_dash_ctx ctx;
    struct lu_webauth *auth;
    sqlite3 *db;                    /* read-only, ledger/reader.h */
    struct ledger_bulletins *store; /* read-only view of the bulletins */
    char province[17];
    /* The latest draft of a month, kept for draft_keep_ms (hub/dash_live.c)
     * so that many viewers and the live feed cost one computation, not one
     * each. */
    Luyu__Bulletin *draft;
    uint64_t draft_ms, draft_keep_ms;
};

/* The draft bulletin of period (YYYYMM) as of now, owned by d and valid
 * until the next call; NULL with the reason logged when it cannot be
 * computed. */
const Luyu__Bulletin *hub_dash_draft(struct hub_dash *d, uint32_t period);
/* The month a page shows: ?month=YYYY-MM when valid, else the latest month
 * with figures, else the plan's first month. */
uint32_t hub_dash_month(struct hub_dash *d, struct lu_web_req *req);

/* The page's head and navigation; ss NULL before signing in. */
void hub_dash_start(struct hub_dash *d, const struct lu_session *ss,
                    struct lu_web_resp *resp, const char *title);
void hub_dash_end(struct lu_web_resp *resp);
/* A page with only msg on it, and status. */
void hub_dash_refuse(struct hub_dash *d, struct lu_web_resp *resp, int status,
                     const char *msg);
/* "2019-07". Returns buf (8 bytes at least). */
char *hub_dash_period(uint32_t period, char *buf, size_t len);
/* period (YYYYMM) plus n months (n may be negative). */
uint32_t hub_dash_add_months(uint32_t period, int n);
/* An amount of f's indicator for people (元/万元/亿元, 人, 个). */
char *hub_dash_amount(const Luyu__IndicatorFigures *f, int64_t v, char *buf,
                      size_t len);
/* Local "YYYY-MM-DD HH:MM" China time; "-" for 0. */
char *hub_dash_time(int64_t t, char *buf, size_t len);

/* The indicator page's month-by-month chart and table of f: both
 * provinces against the target's pace (hub/dash_trend.c). */
void hub_dash_trend(struct hub_dash *d, struct lu_buf *b,
                    const Luyu__Bulletin *bl, const Luyu__IndicatorFigures *f,
                    uint32_t month);
/* The overview's "what changed since the month's last bulletin"
 * (hub/dash_changes.c): every line when all, else the newest ones. */
void hub_dash_changes(struct hub_dash *d, struct lu_buf *b,
                      const Luyu__Bulletin *draft, bool all);

void hub_dash_overview(struct hub_dash *d, struct lu_web_req *req,
                       struct lu_web_resp *resp, const struct lu_session *ss);
void hub_dash_indicator(struct hub_dash *d, struct lu_web_req *req,
                        struct lu_web_resp *resp, const struct lu_session *ss);
void hub_dash_grid(struct hub_dash *d, struct lu_web_req *req,
                   struct lu_web_resp *resp, const struct lu_session *ss);
void hub_dash_assess(struct hub_dash *d, struct lu_web_req *req,
                     struct lu_web_resp *resp, const struct lu_session *ss);
void hub_dash_pool(struct hub_dash *d, struct lu_web_req *req,
                   struct lu_web_resp *resp, const struct lu_session *ss);
void hub_dash_bulletins(struct hub_dash *d, struct lu_web_req *req,
                        struct lu_web_resp *resp, const struct lu_session *ss);
void hub_dash_bulletin_file(struct hub_dash *d, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss);
/* /bulletin.html?province=P&month=YYYY-MM&revision=N: the bulletin as
 * luyuctl renders it, verified first; /bulletin.css its stylesheet
 * (hub/dash_bulletin.c). */
void hub_dash_bulletin_html(struct hub_dash *d, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss);
void hub_dash_bulletin_css(struct hub_dash *d, struct lu_web_req *req,
                           struct lu_web_resp *resp,
                           const struct lu_session *ss);
/* The stored bulletin the query names (province, month, revision), with
 * its payload (free it); -EINVAL for a malformed query, -ENOENT when none
 * is held, as ledger_bulletins_get otherwise. */
int hub_dash_bulletin_item(struct hub_dash *d, struct lu_web_req *req,
                           struct ledger_bulletins_item *it);
void hub_dash_nodes(struct hub_dash *d, struct lu_web_req *req,
                    struct lu_web_resp *resp, const struct lu_session *ss);
void hub_dash_review(struct hub_dash *d, struct lu_web_req *req,
                     struct lu_web_resp *resp, const struct lu_session *ss);
/* POST /review: a province's review step, for reviewers and admins. */
void hub_dash_review_post(struct hub_dash *d, struct lu_web_req *req,
                          struct lu_web_resp *resp,
                          const struct lu_session *ss);
/* /events: one server-sent event with the month's live figures. */
void hub_dash_events(struct hub_dash *d, struct lu_web_req *req,
                     struct lu_web_resp *resp);

#endif
