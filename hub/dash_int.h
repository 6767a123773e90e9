/* What the dashboard's modules share (hub/dash.c: routing, sign-in, page
 * frame; hub/dash_live.c: the month's figures and /events;
 * hub/dash_pages.c: overview, indicator; hub/dash_more.c: grid, bulletins,
 * nodes; hub/dash_review.c: the review queue and steps; hub/dash_pool.c: the
 * project pool; hub/dash_assess.c: the assessment). Not for other modules. */
#ifndef HUB_DASH_INT_H
#define HUB_DASH_INT_H

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bulletin.pb-c.h"
#include "codec.h"
#include "dash.h"
#include "ledger.h"
#include "session.h"
#include "util.h"

struct lu_web_req;
struct lu_web_resp;
struct ledger_bulletins;
struct ledger_sql;
struct ledger_pg_repl;
struct ledger_bulletins_item;
struct lu_webauth;
struct ledger_sql;
struct lu_web;
struct hub_dash_sse;

/* A node's row of the nodes page, copied on the hub's loop. */
struct hub_dash_node {
    struct ledger_node row;
    bool up;
    uint64_t last; /* the newest seq it said it has */
};

struct hub_dash {
    struct hub_dash_ctx ctx;
    struct lu_webauth *auth;
    struct ledger_sql *db;          /* read-only, ledger/reader.h */
    struct ledger_bulletins *store; /* read-only view of the bulletins */
    char province[17];
    /* The latest draft of a month, kept for draft_keep_ms (hub/dash_live.c)
     * so that many viewers and the live feed cost one computation, not one
     * each. */
    Luyu__Bulletin *draft;
    uint64_t draft_ms, draft_keep_ms;
    /* The live feed (hub/dash_live.c). gen counts the intake's commits
     * (written on the hub's loop, read on the web thread); draft_gen is
     * the count the draft has seen. The streams and the rest are the web
     * thread's. */
    struct lu_web *web;
    atomic_uint_fast64_t gen;
    /* Drafts computed and the processor time they took (microseconds of
     * their threads), for /metrics: written on the web thread, read on the
     * hub's loop. */
    atomic_uint_fast64_t drafts, draft_cpu_us;
    uint64_t draft_gen, ping_ms;
    struct hub_dash_sse *sse;
    int n_sse;
    uv_timer_t *tick;  /* on the hub's loop; freed when closed */
    sqlite3 *users_db; /* read-only, the web thread's (hub/users.h) */
    /* The next draft is computed in libuv's thread pool on a connection
     * of its own while the pages serve the last one (hub/dash_live.c). */
    struct ledger_sql *bg_db;
    struct ledger_bulletins *bg_store;
    /* What the last background draft was built from, so that the next
     * reads only the entries since (ledger_bulletins_draft_kept()); only
     * the job under way (refreshing) touches it. */
    struct ledger_bulletin_draft *bg_keep;
    bool refreshing, warmed;
    /* The overview's "what changed" section, short ([0]) and whole ([1]),
     * as rendered for the draft of draft_ms (hub/dash_changes.c): the same
     * for every viewer until the next draft, so many viewers cost one
     * comparison per draft. The web thread's. */
    struct lu_buf changes[2];
    const Luyu__Bulletin *changes_of[2];
    uint64_t changes_ms[2];
    /* The overview's figures, rendered once per draft in the same way
     * (hub/dash_pages.c): at 200 viewer requests a second, rendering them
     * for each was most of what the pages cost the hub. */
    struct lu_buf overview;
    const Luyu__Bulletin *overview_of;
    uint64_t overview_ms;
    /* The nodes page's rows while it renders (hub/dash_loop.c), and the
     * PostgreSQL ledger's replication as the hub's loop last saw it (NULL
     * on SQLite). */
    const struct hub_dash_node *nodes;
    size_t n_nodes;
    const struct ledger_pg_repl *repl;
};

/* A review step from the web, taken on the hub's loop. */
struct hub_dash_step {
    struct hub_dash *d;
    struct lu_session ss;
    int kind;
    uint32_t period;
    char unit[LU_MAX_NAME + 1], p[16], who[LU_MAX_NAME + 8];
    char reason[4 * LU_MAX_NOTE + 1];
    int r;         /* what hub_reviewstep_take() returned */
    char msg[768]; /* and said */
};

/* Takes step on the hub's loop, then answers with
 * hub_dash_review_stepped() on the web thread (hub/dash_loop.c). */
void hub_dash_step_defer(struct lu_web_req *req,
                         const struct hub_dash_step *step);
void hub_dash_review_stepped(struct lu_web_req *req, struct lu_web_resp *resp,
                             const struct hub_dash_step *step);
/* GET /nodes: the rows are copied on the hub's loop, then
 * hub_dash_nodes() renders them on the web thread. */
void hub_dash_nodes_defer(struct hub_dash *d, struct lu_web_req *req,
                          struct lu_web_resp *resp,
                          const struct lu_session *ss);
/* The next of those rows: false after the last. *i starts at 0. */
bool hub_dash_node_next(struct hub_dash *d, size_t *i, struct ledger_node *row,
                        bool *up, uint64_t *last);
/* Starts the live feed's timer on the hub's loop. */
void hub_dash_live_start(struct hub_dash *d);
/* The live feed's streams end and its timer stops (the dashboard is
 * going; the web server has stopped). */
void hub_dash_sse_free(struct hub_dash *d);

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
