/* What the dashboard asks of the hub's loop. The pages run on the web
 * server's thread; the nodes' table (read through the intake's ledger
 * connection), the nodes' links (the intake's memory) and the review steps
 * (written through that connection) belong to the loop, so they are done
 * there through lu_web_defer() and rendered back on the web thread. One
 * thread per SQLite connection, and no lock held by the intake
 * (docs/DECISIONS.md, "The dashboard on its own thread"). */
#include <stdlib.h>
#include <string.h>

#include "dash_int.h"
#include "dbwatch.h"
#include "i18n.h"
#include "intake.h"
#include "ledger.h"
#include "pg.h"
#include "reviewstep.h"
#include "web.h"
#include "xmalloc.h"

/* The nodes page: rows copied on the loop; v is freed once rendered. */
struct nodes_job {
    struct hub_dash *d;
    struct lu_session ss;
    struct hub_dash_node *v;
    size_t n;
    bool pg;
    struct ledger_pg_repl repl;
};

static void nodes_work(void *arg)
{
    struct nodes_job *job = arg;
    struct hub_dash *d = job->d;
    struct ledger_node row;
    void *cursor = NULL;
    size_t cap = 0;

    while (ledger_nodes(d->ctx.ledger, &cursor, &row) == 1) {
        struct hub_dash_node *n;

        if (job->n == cap) {
            cap = cap ? cap * 2 : 16;
            job->v = lu_xrealloc(job->v, cap * sizeof(*job->v));
        }
        n = &job->v[job->n++];
        n->row = row;
        n->last = 0;
        n->up = hub_intake_session(d->ctx.intake, row.node, &n->last);
    }
    job->pg = d->ctx.dbwatch != NULL;
    if (job->pg)
        job->repl = *hub_dbwatch_repl(d->ctx.dbwatch);
}

static void nodes_done(void *arg, struct lu_web_req *req,
                       struct lu_web_resp *resp)
{
    struct nodes_job *job = arg;
    struct hub_dash *d = job->d;
    struct lu_i18n_scope lang;

    lu_i18n_enter("zh_CN.UTF-8", &lang);
    d->nodes = job->v;
    d->n_nodes = job->n;
    d->repl = job->pg ? &job->repl : NULL;
    hub_dash_nodes(d, req, resp, &job->ss);
    d->nodes = NULL;
    d->n_nodes = 0;
    d->repl = NULL;
    lu_i18n_leave(&lang);
    free(job->v);
}

static void nodes_drop(void *arg)
{
    struct nodes_job *job = arg;

    free(job->v);
}

void hub_dash_nodes_defer(struct hub_dash *d, struct lu_web_req *req,
                          struct lu_web_resp *resp, const struct lu_session *ss)
{
    struct nodes_job job = {.d = d, .ss = *ss};

    lu_web_defer(req, nodes_work, nodes_done, &job, sizeof(job));
    lu_web_defer_drop(req, nodes_drop);
}

bool hub_dash_node_next(struct hub_dash *d, size_t *i, struct ledger_node *row,
                        bool *up, uint64_t *last)
{
    const struct hub_dash_node *n;

    if (*i >= d->n_nodes)
        return false;
    n = &d->nodes[(*i)++];
    *row = n->row;
    *up = n->up;
    *last = n->last;
    return true;
}

/* The step, in the pages' language: its refusal is shown on the page. */
static void step_work(void *arg)
{
    struct hub_dash_step *st = arg;
    struct hub_reviewstep s = {.kind = st->kind,
                               .unit = st->unit,
                               .period = st->p,
                               .reason = st->reason,
                               .who = st->who,
                               .province = st->d->ctx.province};
    struct lu_i18n_scope lang;

    lu_i18n_enter("zh_CN.UTF-8", &lang);
    st->r = hub_reviewstep_take(st->d->ctx.ledger, st->d->ctx.plan, &s, st->msg,
                                sizeof(st->msg));
    lu_i18n_leave(&lang);
}

static void step_done(void *arg, struct lu_web_req *req,
                      struct lu_web_resp *resp)
{
    struct lu_i18n_scope lang;

    lu_i18n_enter("zh_CN.UTF-8", &lang);
    hub_dash_review_stepped(req, resp, arg);
    lu_i18n_leave(&lang);
}

void hub_dash_step_defer(struct lu_web_req *req,
                         const struct hub_dash_step *step)
{
    lu_web_defer(req, step_work, step_done, step, sizeof(*step));
}
