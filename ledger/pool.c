#include "pool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "log.h"
#include "project.h"
#include "reject.h"
#include "sql.h"
#include "util.h"
#include "xmalloc.h"

/* The writer's statements, prepared once: a catch-up merges tens of
 * thousands of events a second. On the ledger's statement layer, so that
 * the pool is kept in PostgreSQL too, in the intake's transaction. */
struct ledger_pool {
    struct ledger_sql *db;
    struct ledger_stmt *load, *set, *event;
};

static const char SQL_LOAD[] = "SELECT node, state FROM project WHERE id = ?";
/* An upsert both engines read the same way (SQLite 3.24 and later). */
static const char SQL_SET[] =
    "INSERT INTO project(id, node, unit, area, stage,"
    " planned, aid_planned, invested, aid_disbursed, poor_lifted,"
    " poor_jobs, stage_date, updated_seq, state)"
    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"
    " ON CONFLICT (id) DO UPDATE SET node = excluded.node,"
    " unit = excluded.unit, area = excluded.area, stage = excluded.stage,"
    " planned = excluded.planned, aid_planned = excluded.aid_planned,"
    " invested = excluded.invested, aid_disbursed = excluded.aid_disbursed,"
    " poor_lifted = excluded.poor_lifted, poor_jobs = excluded.poor_jobs,"
    " stage_date = excluded.stage_date, updated_seq = excluded.updated_seq,"
    " state = excluded.state";
static const char SQL_EVENT[] =
    "INSERT INTO project_event(node, seq, project, kind, period,"
    " recorded_by, recorded_at, received_at, d_invested,"
    " d_disbursed, state) VALUES (?,?,?,?,?,?,?,?,?,?,?)";

struct ledger_pool *ledger_pool_new(struct ledger_sql *db)
{
    struct ledger_pool *pp = lu_xcalloc(1, sizeof(*pp));

    pp->db = db;
    if (ledger_sql_prepare(db, SQL_LOAD, &pp->load) < 0 ||
        ledger_sql_prepare(db, SQL_SET, &pp->set) < 0 ||
        ledger_sql_prepare(db, SQL_EVENT, &pp->event) < 0) {
        ledger_pool_free(pp);
        return NULL;
    }
    return pp;
}

void ledger_pool_free(struct ledger_pool *pp)
{
    if (pp == NULL)
        return;
    ledger_stmt_finalize(pp->load);
    ledger_stmt_finalize(pp->set);
    ledger_stmt_finalize(pp->event);
    free(pp);
}

static Luyu__Project *unpack(struct ledger_stmt *st, int col)
{
    return luyu__project__unpack(NULL, ledger_stmt_bytes(st, col),
                                 ledger_stmt_blob(st, col));
}

/* The project's owner and state, or *old NULL when new. */
static int load(struct ledger_pool *pp, const char *id, char *owner, size_t len,
                Luyu__Project **old)
{
    struct ledger_stmt *st = pp->load;
    int r;

    *old = NULL;
    ledger_stmt_bind_text(st, 1, id);
    r = ledger_stmt_step(st);
    if (r == 1) {
        snprintf(owner, len, "%s", ledger_stmt_text(st, 0));
        *old = luyu__project__unpack(NULL, ledger_stmt_bytes(st, 1),
                                     ledger_stmt_blob(st, 1));
        r = *old ? 0 : -EBADMSG;
    }
    ledger_stmt_reset(st);
    return r;
}

static int store(struct ledger_pool *pp, const char *node, const Luyu__Entry *e,
                 const Luyu__Project *old)
{
    const Luyu__Project *p = e->project->project;
    size_t n = luyu__project__get_packed_size(p);
    uint8_t *buf = lu_xmalloc(n ? n : 1);
    struct ledger_stmt *a = pp->set, *b = pp->event;
    int r;

    luyu__project__pack(p, buf);
    ledger_stmt_bind_text(a, 1, p->id);
    ledger_stmt_bind_text(a, 2, node);
    ledger_stmt_bind_text(a, 3, p->unit);
    ledger_stmt_bind_text(a, 4, p->area);
    ledger_stmt_bind_int64(a, 5, p->stage);
    ledger_stmt_bind_int64(a, 6, p->planned);
    ledger_stmt_bind_int64(a, 7, p->aid_planned);
    ledger_stmt_bind_int64(a, 8, p->invested);
    ledger_stmt_bind_int64(a, 9, p->aid_disbursed);
    ledger_stmt_bind_int64(a, 10, p->poor_lifted);
    ledger_stmt_bind_int64(a, 11, p->poor_jobs);
    ledger_stmt_bind_int64(a, 12, lu_project_stage_date(p, p->stage));
    ledger_stmt_bind_int64(a, 13, (int64_t)e->seq);
    ledger_stmt_bind_blob(a, 14, buf, n);
    r = ledger_stmt_step(a);
    ledger_stmt_reset(a);
    if (r < 0)
        goto out;
    ledger_stmt_bind_text(b, 1, node);
    ledger_stmt_bind_int64(b, 2, (int64_t)e->seq);
    ledger_stmt_bind_text(b, 3, p->id);
    ledger_stmt_bind_int64(b, 4, e->project->kind);
    ledger_stmt_bind_int64(b, 5, e->period);
    ledger_stmt_bind_text(b, 6, e->recorded_by);
    ledger_stmt_bind_int64(b, 7, e->recorded_at);
    ledger_stmt_bind_int64(b, 8, lu_now_s());
    ledger_stmt_bind_int64(b, 9, p->invested - (old ? old->invested : 0));
    ledger_stmt_bind_int64(b, 10,
                           p->aid_disbursed - (old ? old->aid_disbursed : 0));
    ledger_stmt_bind_blob(b, 11, buf, n);
    r = ledger_stmt_step(b);
    ledger_stmt_reset(b);
out:
    free(buf);
    return r < 0 ? r : 0;
}

int ledger_pool_merge(struct ledger_pool *pp, const struct lu_plan *plan,
                      const char *node, const Luyu__Entry *e, char *reason,
                      size_t len)
{
    const Luyu__Project *p = e->project->project;
    Luyu__Project *old = NULL;
    char owner[LU_MAX_NAME + 1] = "", why[LU_MAX_REASON];
    int r;

    if (p == NULL || strcmp(p->unit, e->unit) != 0 || e->indicator[0]) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_PROJECT_MOVE,
                      "project event of another unit than its entry");
        return 1;
    }
    r = load(pp, p->id, owner, sizeof(owner), &old);
    if (r < 0)
        return r;
    /* A project is changed only where it was created: another node may
     * report for the same unit, but not rewrite this node's projects. */
    if (old != NULL && strcmp(owner, node) != 0) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_PROJECT_OWNER,
                      "project %.*s belongs to node %s, not %s",
                      lu_utf8_cut(p->id, 80), p->id, owner, node);
        r = 1;
    } else if (lu_project_check_move(old, e->project, plan, why, sizeof(why)) <
               0) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_PROJECT_MOVE, "%s",
                      why);
        r = 1;
    } else {
        r = store(pp, node, e, old);
    }
    luyu__project__free_unpacked(old, NULL);
    return r;
}

static const char *const GROUP_KEY[] = {
    [LEDGER_POOL_TOTAL] = "''",
    [LEDGER_POOL_BY_UNIT] = "unit",
    [LEDGER_POOL_BY_STAGE] = "stage",
    [LEDGER_POOL_BY_AREA] = "area",
};

int ledger_pool_sums(struct ledger_sql *db, enum ledger_pool_group g,
                     const char *unit, struct ledger_pool_sum **out, size_t *n)
{
    char sql[640];
    struct ledger_stmt *st = NULL;
    struct ledger_pool_sum *v = NULL;
    size_t k = 0;
    int r;

    /* Dropped projects are out of the pool's totals, but a count by stage
     * shows them. Sums of integer columns: exact on both engines (SQLite
     * raises an error rather than overflow, PostgreSQL sums bigint as
     * numeric). */
    snprintf(sql, sizeof(sql),
             "SELECT %s, count(*), coalesce(sum(planned), 0),"
             " coalesce(sum(aid_planned), 0), coalesce(sum(invested), 0),"
             " coalesce(sum(aid_disbursed), 0), coalesce(sum(poor_lifted), 0),"
             " coalesce(sum(poor_jobs), 0) FROM project"
             " WHERE (?1 = '' OR unit = ?1) %s GROUP BY 1 ORDER BY 1",
             GROUP_KEY[g], g == LEDGER_POOL_BY_STAGE ? "" : "AND stage <> 6");
    r = ledger_sql_prepare(db, sql, &st);
    if (r < 0)
        return r;
    ledger_stmt_bind_text(st, 1, unit ? unit : "");
    while ((r = ledger_stmt_step(st)) == 1) {
        struct ledger_pool_sum *s;

        v = lu_xrealloc(v, (k + 1) * sizeof(*v));
        s = &v[k++];
        memset(s, 0, sizeof(*s));
        if (g == LEDGER_POOL_BY_STAGE)
            snprintf(s->key, sizeof(s->key), "%s",
                     lu_project_stage_code((int)ledger_stmt_int64(st, 0)));
        else
            snprintf(s->key, sizeof(s->key), "%s", ledger_stmt_text(st, 0));
        s->projects = ledger_stmt_int64(st, 1);
        s->planned = ledger_stmt_int64(st, 2);
        s->aid_planned = ledger_stmt_int64(st, 3);
        s->invested = ledger_stmt_int64(st, 4);
        s->aid_disbursed = ledger_stmt_int64(st, 5);
        s->poor_lifted = ledger_stmt_int64(st, 6);
        s->poor_jobs = ledger_stmt_int64(st, 7);
    }
    ledger_stmt_finalize(st);
    /* A total over no projects is still one row of zeros. */
    if (r == 0 && g == LEDGER_POOL_TOTAL && k == 0) {
        v = lu_xcalloc(1, sizeof(*v));
        k = 1;
    }
    *out = v;
    *n = k;
    return r;
}

int ledger_pool_month(struct ledger_sql *db, uint32_t month,
                      struct ledger_pool_moves *out)
{
    struct ledger_stmt *st = NULL;
    int r;

    memset(out, 0, sizeof(*out));
    r = ledger_sql_prepare(db, "SELECT state FROM project", &st);
    if (r < 0)
        return r;
    /* Stage dates live in the packed state; one pass over the projects. */
    while ((r = ledger_stmt_step(st)) == 1) {
        Luyu__Project *p = unpack(st, 0);

        for (int s = 1; p != NULL && s <= LU_PROJECT_STAGES; s++) {
            if (lu_project_stage_date(p, s) / 100 == month)
                out->reached[s - 1]++;
        }
        luyu__project__free_unpacked(p, NULL);
    }
    ledger_stmt_finalize(st);
    st = NULL;
    if (r < 0)
        return r;
    r = ledger_sql_prepare(db,
                           "SELECT coalesce(sum(d_invested), 0),"
                           " coalesce(sum(d_disbursed), 0)"
                           " FROM project_event WHERE period = ?",
                           &st);
    if (r < 0)
        return r;
    ledger_stmt_bind_int64(st, 1, month);
    if ((r = ledger_stmt_step(st)) == 1) {
        out->invested = ledger_stmt_int64(st, 0);
        out->aid_disbursed = ledger_stmt_int64(st, 1);
        r = 0;
    }
    ledger_stmt_finalize(st);
    return r;
}

int ledger_pool_exists(struct ledger_sql *db)
{
    struct ledger_stmt *st = NULL;
    int r;

    /* Every PostgreSQL ledger has it (its schema 3; a hub migrates before
     * anything reads), so only an old SQLite file can lack it. */
    if (ledger_sql_is_pg(db))
        return 1;
    if (ledger_sql_prepare(db,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                           " AND name = 'project_event'",
                           &st) < 0)
        return -EIO;
    r = ledger_stmt_step(st);
    ledger_stmt_finalize(st);
    return r < 0 ? -EIO : r;
}

int64_t ledger_pool_max_event(struct ledger_sql *db)
{
    struct ledger_stmt *st = NULL;
    int64_t v = -1;

    /* A ledger from before the pool, read as it is by luyuctl. */
    if (ledger_pool_exists(db) == 0)
        return 0;
    if (ledger_sql_prepare(db, "SELECT coalesce(max(id), 0) FROM project_event",
                           &st) < 0)
        return -1;
    if (ledger_stmt_step(st) == 1)
        v = ledger_stmt_int64(st, 0);
    ledger_stmt_finalize(st);
    return v;
}

int ledger_pool_changed_since(struct ledger_sql *db, uint32_t month,
                              int64_t after)
{
    struct ledger_stmt *st = NULL;
    int r;

    if (ledger_pool_exists(db) != 1)
        return 0;
    if (ledger_sql_prepare(db,
                           "SELECT 1 FROM project_event WHERE id > ?1"
                           " AND period <= ?2 LIMIT 1",
                           &st) < 0)
        return -EIO;
    ledger_stmt_bind_int64(st, 1, after);
    ledger_stmt_bind_int64(st, 2, month);
    r = ledger_stmt_step(st);
    ledger_stmt_finalize(st);
    return r < 0 ? -EIO : r;
}

int64_t ledger_pool_days(uint32_t a, uint32_t b)
{
    struct tm ta = {0}, tb = {0};

    ta.tm_year = (int)(a / 10000) - 1900;
    ta.tm_mon = (int)(a / 100 % 100) - 1;
    ta.tm_mday = (int)(a % 100);
    tb.tm_year = (int)(b / 10000) - 1900;
    tb.tm_mon = (int)(b / 100 % 100) - 1;
    tb.tm_mday = (int)(b % 100);
    return (int64_t)(timegm(&tb) - timegm(&ta)) / 86400;
}

static int stuck(const Luyu__Project *p, uint32_t on)
{
    if (p->stage != LUYU__STAGE__STAGE_SIGNED &&
        p->stage != LUYU__STAGE__STAGE_STARTED)
        return 0;
    return ledger_pool_days(lu_project_stage_date(p, p->stage), on) >
           LEDGER_POOL_STUCK_DAYS;
}

int ledger_pool_projects(struct ledger_sql *db, const char *unit,
                         uint32_t stuck_on, Luyu__Project ***out, size_t *n)
{
    struct ledger_stmt *st = NULL;
    Luyu__Project **v = NULL;
    size_t k = 0;
    int r;

    r = ledger_sql_prepare(db,
                           "SELECT state FROM project WHERE ?1 = ''"
                           " OR unit = ?1 ORDER BY id",
                           &st);
    if (r < 0)
        return r;
    ledger_stmt_bind_text(st, 1, unit ? unit : "");
    while ((r = ledger_stmt_step(st)) == 1) {
        Luyu__Project *p = unpack(st, 0);

        if (p == NULL || (stuck_on && !stuck(p, stuck_on))) {
            luyu__project__free_unpacked(p, NULL);
            continue;
        }
        v = lu_xrealloc(v, (k + 1) * sizeof(*v));
        v[k++] = p;
    }
    ledger_stmt_finalize(st);
    *out = v;
    *n = k;
    return r;
}

void ledger_pool_projects_free(Luyu__Project **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        luyu__project__free_unpacked(v[i], NULL);
    free(v);
}

int ledger_pool_history(struct ledger_sql *db, const char *project,
                        struct ledger_pool_event **out, size_t *n)
{
    struct ledger_stmt *st = NULL;
    struct ledger_pool_event *v = NULL;
    size_t k = 0;
    int r;

    r = ledger_sql_prepare(db,
                           "SELECT node, seq, kind, recorded_by, recorded_at,"
                           " received_at, state FROM project_event"
                           " WHERE project = ? ORDER BY id",
                           &st);
    if (r < 0)
        return r;
    ledger_stmt_bind_text(st, 1, project);
    while ((r = ledger_stmt_step(st)) == 1) {
        struct ledger_pool_event *e;

        v = lu_xrealloc(v, (k + 1) * sizeof(*v));
        e = &v[k++];
        snprintf(e->id, sizeof(e->id), "%s/%lld", ledger_stmt_text(st, 0),
                 (long long)ledger_stmt_int64(st, 1));
        e->kind = (int)ledger_stmt_int64(st, 2);
        snprintf(e->recorded_by, sizeof(e->recorded_by), "%s",
                 ledger_stmt_text(st, 3));
        e->recorded_at = ledger_stmt_int64(st, 4);
        e->received_at = ledger_stmt_int64(st, 5);
        e->state = unpack(st, 6);
    }
    ledger_stmt_finalize(st);
    *out = v;
    *n = k;
    return r;
}

void ledger_pool_history_free(struct ledger_pool_event *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        luyu__project__free_unpacked(v[i].state, NULL);
    free(v);
}
