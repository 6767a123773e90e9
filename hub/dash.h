/* The hub's dashboard for the province, on the daemon's web server
 * (common/web.h): sign in (common/webauth.h, users of hub/users.h), then
 * 总览 (where the plan stands this month), 指标 (one indicator month by
 * month and per district), 报送 (districts x months: on time, late,
 * missing), 项目库 (the project pool), 考核 (the districts'
 * assessment, ledger/scores.h), 通报 (every bulletin held), 节点 (the nodes'
 * links) and 审核 (the review queue; its steps for reviewers and admins only),
 * in Chinese, rendered on the server; /events feeds the overview's live figures
 * (server-sent events). Figures come from the ledger library's draft bulletin
 * on a read-only connection of its own, never from SQL of the dashboard's.
 *
 * The pages run on the web server's own thread (common/web.h, conf.thread):
 * they read the ledger and users.db through connections of their own, and
 * what belongs to the hub's loop (the nodes' table and links, the review
 * steps written through the intake's ledger connection) is done there by
 * lu_web_defer() (hub/dash_loop.c). */
#ifndef HUB_DASH_H
#define HUB_DASH_H

#include <stddef.h>
#include <uv.h>

struct hub_dash;
struct hub_dbwatch;
struct hub_intake;
struct hub_users;
struct ledger;
struct lu_plan;
struct lu_web;

struct hub_dash_ctx {
    const char *hub_id;
    const char *state_dir; /* where ledger.db and users.db are */
    /* The hub's postgresql://... connection string when its ledger is in
     * PostgreSQL (the pages then read it on sessions of their own), else
     * NULL. */
    const char *ledger_url;
    const char *province; /* NULL: the one the ledger records */
    const struct lu_plan *plan;
    struct hub_users *users;
    struct ledger *ledger;     /* the nodes' table (ledger_nodes) */
    struct hub_intake *intake; /* which nodes are connected */
    /* The PostgreSQL session's watch: replication and the active term for
     * the nodes page (read on the hub's loop). NULL on SQLite. */
    const struct hub_dbwatch *dbwatch;
    int issue_day;
    int session_idle_s;
    uv_loop_t *loop; /* the hub's: the live feed's timer */
};

/* Adds the dashboard's routes to w; ctx's pointers are borrowed and must
 * outlive it. NULL with the reason in err when the ledger cannot be
 * opened for reading. hub_dash_free(NULL) does nothing. */
struct hub_dash *hub_dash_new(struct lu_web *w, const struct hub_dash_ctx *ctx,
                              char *err, size_t errlen);
void hub_dash_free(struct hub_dash *d);

/* On the hub's loop, after the intake committed: the live feed sends the
 * overview's new figures to its viewers (hub/dash_live.c). */
void hub_dash_ledger_changed(void *d);

/* The dashboard's lines of /metrics (its drafts and their cost); nothing
 * for NULL. On the hub's loop. */
struct lu_buf;
void hub_dash_metrics(struct hub_dash *d, struct lu_buf *b);

#endif
