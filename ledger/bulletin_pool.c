#include "bulletin_pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "plan.h"
#include "pool.h"
#include "project.h"
#include "sql.h"
#include "xmalloc.h"

static int64_t add(int64_t a, int64_t b)
{
    /* Each value is at most LU_AMOUNT_MAX (10^13 fen); a pool would need
     * 900,000 such projects to overflow, so saturate instead of failing. */
    return b > INT64_MAX - a ? INT64_MAX : a + b;
}

static int64_t permille(int64_t a, int64_t b)
{
    return b > 0 ? (int64_t)((__int128)a * 1000 / b) : 0;
}

/* The province's units in plan order, and each one's row (NULL until it
 * has a project). */
struct rows {
    const struct lu_plan *plan;
    const char *province;
    Luyu__PoolUnit **by_plan;
};

static Luyu__PoolUnit *row_of(struct rows *r, const char *unit)
{
    const struct lu_plan_unit *u = lu_plan_unit(r->plan, unit);
    size_t i;

    if (u == NULL || strcmp(u->province, r->province) != 0)
        return NULL;
    i = (size_t)(u - r->plan->units);
    if (r->by_plan[i] == NULL) {
        r->by_plan[i] = lu_xmalloc(sizeof(Luyu__PoolUnit));
        luyu__pool_unit__init(r->by_plan[i]);
        r->by_plan[i]->unit = lu_xstrdup(u->code);
        r->by_plan[i]->name = lu_xstrdup(u->name);
    }
    return r->by_plan[i];
}

static void count(Luyu__ProjectPool *pool, struct rows *rows,
                  const Luyu__Project *p, uint32_t month, uint32_t month_end,
                  struct ledger_bulletin_pool_fig *fig)
{
    Luyu__PoolUnit *u = row_of(rows, p->unit);
    Luyu__PoolStage *st;
    uint32_t since = lu_project_stage_date(p, p->stage);
    uint32_t entered = lu_project_stage_date(p, 1);

    if (u == NULL || p->stage < 1 || p->stage > LU_PROJECT_STAGES)
        return;
    st = pool->stages[p->stage - 1];
    st->projects++;
    st->planned = add(st->planned, p->planned);
    for (int s = 1; s <= LU_PROJECT_STAGES; s++) {
        if (lu_project_stage_date(p, s) / 100 == month)
            pool->stages[s - 1]->reached_in_month++;
    }
    if (p->stage == LUYU__STAGE__STAGE_DROPPED)
        return;
    pool->projects++;
    pool->planned = add(pool->planned, p->planned);
    pool->aid_planned = add(pool->aid_planned, p->aid_planned);
    pool->invested = add(pool->invested, p->invested);
    pool->aid_disbursed = add(pool->aid_disbursed, p->aid_disbursed);
    u->projects++;
    u->planned = add(u->planned, p->planned);
    u->aid_planned = add(u->aid_planned, p->aid_planned);
    u->invested = add(u->invested, p->invested);
    u->aid_disbursed = add(u->aid_disbursed, p->aid_disbursed);
    if ((p->stage == LUYU__STAGE__STAGE_SIGNED ||
         p->stage == LUYU__STAGE__STAGE_STARTED) &&
        ledger_pool_days(since, month_end) > LEDGER_POOL_STUCK_DAYS) {
        pool->stuck++;
        u->stuck++;
    }
    if (fig != NULL) {
        fig->since = add(fig->since, p->planned);
        if (entered / 100 == month)
            fig->month = add(fig->month, p->planned);
        if (entered / 10000 == month / 100 && entered / 100 <= month)
            fig->ytd = add(fig->ytd, p->planned);
    }
}

/* Each project as it stands at the cut: its state after its newest event
 * with id <= upto (SQLite takes the bare column from the row of max(id)).
 * The section shows the pool when the bulletin is issued; only events
 * dated in or before the month make a new revision of it. */
static int scan(struct ledger_sql *db, Luyu__ProjectPool *pool,
                struct rows *rows, uint32_t month,
                struct ledger_bulletin_pool_fig *fig)
{
    uint32_t month_end = month * 100 + 31;
    struct ledger_stmt *st = NULL;
    int r;

    /* The row of each project's newest event at the cut, joined back:
     * SQL both SQLite and PostgreSQL read the same way. */
    r = ledger_sql_prepare(db,
                           "SELECT e.state FROM project_event e JOIN"
                           " (SELECT max(id) AS m FROM project_event"
                           " WHERE id <= ?1 GROUP BY project) l"
                           " ON e.id = l.m ORDER BY e.project",
                           &st);
    if (r < 0)
        return r;
    ledger_stmt_bind_int64(st, 1, pool->upto_event);
    while ((r = ledger_stmt_step(st)) == 1) {
        Luyu__Project *p = luyu__project__unpack(NULL, ledger_stmt_bytes(st, 0),
                                                 ledger_stmt_blob(st, 0));

        if (p != NULL)
            count(pool, rows, p, month, month_end, fig);
        luyu__project__free_unpacked(p, NULL);
    }
    ledger_stmt_finalize(st);
    if (r != 0)
        return -EIO;
    r = ledger_sql_prepare(db,
                           "SELECT coalesce(sum(d_invested), 0),"
                           " coalesce(sum(d_disbursed), 0),"
                           " count(*) FILTER (WHERE id > ?3)"
                           " FROM project_event WHERE id <= ?1 AND period = ?2",
                           &st);
    if (r < 0)
        return r;
    ledger_stmt_bind_int64(st, 1, pool->upto_event);
    ledger_stmt_bind_int64(st, 2, month);
    ledger_stmt_bind_int64(st, 3, pool->revised_after_event);
    if (ledger_stmt_step(st) == 1) {
        pool->month_invested = ledger_stmt_int64(st, 0);
        pool->month_disbursed = ledger_stmt_int64(st, 1);
        r = 0;
    } else {
        r = -EIO;
    }
    ledger_stmt_finalize(st);
    return r;
}

/* Late changes: events after the previous revision dated in or before
 * the month. */
static int revised(struct ledger_sql *db, Luyu__ProjectPool *pool,
                   uint32_t month)
{
    struct ledger_stmt *st = NULL;
    int r;

    if (pool->revised_after_event < 0)
        return 0;
    r = ledger_sql_prepare(db,
                           "SELECT count(*) FROM project_event WHERE id > ?1"
                           " AND id <= ?2 AND period <= ?3",
                           &st);
    if (r < 0)
        return r;
    ledger_stmt_bind_int64(st, 1, pool->revised_after_event);
    ledger_stmt_bind_int64(st, 2, pool->upto_event);
    ledger_stmt_bind_int64(st, 3, month);
    r = ledger_stmt_step(st) == 1 ? 0 : -EIO;
    if (r == 0)
        pool->events_revised = (uint64_t)ledger_stmt_int64(st, 0);
    ledger_stmt_finalize(st);
    return r;
}

static void header(Luyu__ProjectPool *pool, const struct lu_plan *plan)
{
    pool->stuck_days = LEDGER_POOL_STUCK_DAYS;
    pool->n_stages = LU_PROJECT_STAGES;
    pool->stages = lu_xcalloc(LU_PROJECT_STAGES, sizeof(*pool->stages));
    for (int s = 0; s < LU_PROJECT_STAGES; s++) {
        pool->stages[s] = lu_xmalloc(sizeof(Luyu__PoolStage));
        luyu__pool_stage__init(pool->stages[s]);
        pool->stages[s]->stage = lu_xstrdup(lu_project_stage_code(s + 1));
    }
    for (size_t i = 0; i < plan->n_indicators; i++) {
        const struct lu_plan_indicator *ind = &plan->indicators[i];

        if (ind->source && strcmp(ind->source, "pool.planned") == 0) {
            pool->indicator = lu_xstrdup(ind->code);
            pool->target = ind->target;
            return;
        }
    }
    pool->indicator = lu_xstrdup("");
}

int ledger_bulletin_pool(struct ledger_sql *db, const struct lu_plan *plan,
                         const char *province, uint32_t month,
                         int64_t upto_event, int64_t revised_after_event,
                         Luyu__ProjectPool **out,
                         struct ledger_bulletin_pool_fig *fig)
{
    Luyu__ProjectPool *pool = lu_xmalloc(sizeof(*pool));
    struct rows rows = {plan, province, NULL};
    int r;

    luyu__project_pool__init(pool);
    pool->upto_event = upto_event;
    pool->revised_after_event = revised_after_event;
    header(pool, plan);
    if (fig != NULL)
        memset(fig, 0, sizeof(*fig));
    rows.by_plan = lu_xcalloc(plan->n_units + 1, sizeof(*rows.by_plan));
    r = scan(db, pool, &rows, month, fig);
    if (r == 0)
        r = revised(db, pool, month);
    pool->units = lu_xcalloc(plan->n_units + 1, sizeof(*pool->units));
    for (size_t i = 0; i < plan->n_units; i++) {
        if (rows.by_plan[i] != NULL)
            pool->units[pool->n_units++] = rows.by_plan[i];
    }
    free(rows.by_plan);
    pool->progress_permille = permille(pool->planned, pool->target);
    pool->ratio_permille = permille(pool->planned, pool->aid_planned);
    if (r < 0) {
        ledger_bulletin_pool_free(pool);
        pool = NULL;
    }
    *out = pool;
    return r;
}

void ledger_bulletin_pool_free(Luyu__ProjectPool *pool)
{
    if (pool == NULL)
        return;
    for (size_t i = 0; i < pool->n_stages; i++) {
        free(pool->stages[i]->stage);
        free(pool->stages[i]);
    }
    for (size_t i = 0; i < pool->n_units; i++) {
        free(pool->units[i]->unit);
        free(pool->units[i]->name);
        free(pool->units[i]);
    }
    free(pool->stages);
    free(pool->units);
    free(pool->indicator);
    free(pool);
}
