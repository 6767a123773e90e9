/* The hub's dashboard for the province, on the daemon's web server
 * (common/web.h): sign in (common/webauth.h, users of hub/users.h), then
 * 总览 (where the plan stands this month), 指标 (one indicator month by
 * month and per district), 报送 (districts x months: on time, late,
 * missing), 项目库 (the project pool), 考核 (the districts'
 * assessment, ledger/scores.h), 通报 (every bulletin held), 节点 (the nodes'
 * links) and 审核 (the review queue; its steps for reviewers and admins only),
 * in Chinese, rendered on the server; /events feeds the overview's live figures
 * (server-sent events). Figures come from the ledger library's draft bulletin
 * on a read-only connection of its own, never from SQL of the dashboard's. */
#ifndef HUB_DASH_H
#define HUB_DASH_H

#include <stddef.h>

struct hub_dash;
struct hub_intake;
struct hub_users;
struct ledger;
struct lu_plan;
struct lu_web;

struct hub_dash_ctx {
    const char *hub_id;
    const char *state_dir; /* where ledger.db is */
    const char *province;  /* NULL: the one the ledger records */
    const struct lu_plan *plan;
    struct hub_users *users;
    struct ledger *ledger;     /* the nodes' table (ledger_nodes) */
    struct hub_intake *intake; /* which nodes are connected */
    int issue_day;
    int session_idle_s;
};

/* Adds the dashboard's routes to w; ctx's pointers are borrowed and must
 * outlive it. NULL with the reason in err when the ledger cannot be
 * opened for reading. hub_dash_free(NULL) does nothing. */
struct hub_dash *hub_dash_new(struct lu_web *w, const struct hub_dash_ctx *ctx,
                              char *err, size_t errlen);
void hub_dash_free(struct hub_dash *d);

#endif
