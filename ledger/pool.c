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
#include "store.h"
#include "util.h"
#include "xmalloc.h"

/* The writer's statements, prepared once: a catch-up merges tens of
 * thousands of events a second. */
struct ledger_pool {
    sqlite3 *db;
    sqlite3_stmt *load, *set, *event;
};

static const char SQL_LOAD[] = "SELECT node, state FROM project WHERE id = ?";
static const char SQL_SET[] =
    "INSERT OR REPLACE INTO project(id, node, unit, area, stage,"
    " planned, aid_planned, invested, aid_disbursed, poor_lifted,"
    " poor_jobs, stage_date, updated_seq, state)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char SQL_EVENT[] =
    "INSERT INTO project_event(node, seq, project, kind, period,"
    " recorded_by, recorded_at, received_at, d_invested,"
    " d_disbursed, state) VALUES (?,?,?,?,?,?,?,?,?,?,?)";

struct ledger_pool *ledger_pool_new(sqlite3 *db)
{
    struct ledger_pool *pp = lu_xcalloc(1, sizeof(*pp));

    pp->db = db;
    if (lu_store_prepare(db, SQL_LOAD, &pp->load) < 0 ||
        lu_store_prepare(db, SQL_SET, &pp->set) < 0 ||
        lu_store_prepare(db, SQL_EVENT, &pp->event) < 0) {
        ledger_pool_free(pp);
        return NULL;
    }
    return pp;
}

void ledger_pool_free(struct ledger_pool *pp)
{
    if (pp == NULL)
        return;
    sqlite3_finalize(pp->load);
    sqlite3_finalize(pp->set);
    sqlite3_finalize(pp->event);
    free(pp);
}

static int step(sqlite3 *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        lu_err("ledger: pool: %s", sqlite3_errmsg(db));
        return lu_store_errno(rc);
    }
    return rc == SQLITE_ROW ? 1 : 0;
}

static Luyu__Project *unpack(sqlite3_stmt *st, int col)
{
    return luyu__project__unpack(NULL, (size_t)sqlite3_column_bytes(st, col),
                                 sqlite3_column_blob(st, col));
}

/* The project's owner and state, or *old NULL when new. */
static int load(struct ledger_pool *pp, const char *id, char *owner, size_t len,
                Luyu__Project **old)
{
    sqlite3_stmt *st = pp->load;
    int r;

    *old = NULL;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    r = step(pp->db, st);
    if (r == 1) {
        snprintf(owner, len, "%s", (const char *)sqlite3_column_text(st, 0));
        *old = unpack(st, 1);
        r = *old ? 0 : -EBADMSG;
    }
    sqlite3_reset(st);
    return r;
}

static int store(struct ledger_pool *pp, const char *node, const Luyu__Entry *e,
                 const Luyu__Project *old)
{
    const Luyu__Project *p = e->project->project;
    size_t n = luyu__project__get_packed_size(p);
    uint8_t *buf = lu_xmalloc(n ? n : 1);
    sqlite3_stmt *a = pp->set, *b = pp->event;
    int r;

    luyu__project__pack(p, buf);
    sqlite3_bind_text(a, 1, p->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(a, 2, node, -1, SQLITE_STATIC);
    sqlite3_bind_text(a, 3, p->unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(a, 4, p->area, -1, SQLITE_STATIC);
    sqlite3_bind_int(a, 5, p->stage);
    sqlite3_bind_int64(a, 6, p->planned);
    sqlite3_bind_int64(a, 7, p->aid_planned);
    sqlite3_bind_int64(a, 8, p->invested);
    sqlite3_bind_int64(a, 9, p->aid_disbursed);
    sqlite3_bind_int64(a, 10, p->poor_lifted);
    sqlite3_bind_int64(a, 11, p->poor_jobs);
    sqlite3_bind_int64(a, 12, lu_project_stage_date(p, p->stage));
    sqlite3_bind_int64(a, 13, (int64_t)e->seq);
    sqlite3_bind_blob(a, 14, buf, (int)n, SQLITE_STATIC);
    r = step(pp->db, a);
    sqlite3_reset(a);
    if (r < 0)
        goto out;
    sqlite3_bind_text(b, 1, node, -1, SQLITE_STATIC);
    sqlite3_bind_int64(b, 2, (int64_t)e->seq);
    sqlite3_bind_text(b, 3, p->id, -1, SQLITE_STATIC);
    sqlite3_bind_int(b, 4, e->project->kind);
    sqlite3_bind_int64(b, 5, e->period);
    sqlite3_bind_text(b, 6, e->recorded_by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(b, 7, e->recorded_at);
    sqlite3_bind_int64(b, 8, lu_now_s());
    sqlite3_bind_int64(b, 9, p->invested - (old ? old->invested : 0));
    sqlite3_bind_int64(b, 10,
                       p->aid_disbursed - (old ? old->aid_disbursed : 0));
    sqlite3_bind_blob(b, 11, buf, (int)n, SQLITE_STATIC);
    r = step(pp->db, b);
    sqlite3_reset(b);
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

int ledger_pool_sums(sqlite3 *db, enum ledger_pool_group g, const char *unit,
                     struct ledger_pool_sum **out, size_t *n)
{
    char sql[512];
    sqlite3_stmt *st = NULL;
    struct ledger_pool_sum *v = NULL;
    size_t k = 0;
    int r;

    /* Dropped projects are out of the pool's totals, but a count by stage
     * shows them. */
    snprintf(sql, sizeof(sql),
             "SELECT %s, count(*), total(planned), total(aid_planned),"
             " total(invested), total(aid_disbursed), total(poor_lifted),"
             " total(poor_jobs) FROM project WHERE (?1 IS NULL OR unit = ?1)"
             " %s GROUP BY 1 ORDER BY 1",
             GROUP_KEY[g], g == LEDGER_POOL_BY_STAGE ? "" : "AND stage <> 6");
    r = lu_store_prepare(db, sql, &st);
    if (r < 0)
        return r;
    if (unit != NULL)
        sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
    while ((r = step(db, st)) == 1) {
        struct ledger_pool_sum *s;

        v = lu_xrealloc(v, (k + 1) * sizeof(*v));
        s = &v[k++];
        memset(s, 0, sizeof(*s));
        if (g == LEDGER_POOL_BY_STAGE)
            snprintf(s->key, sizeof(s->key), "%s",
                     lu_project_stage_code(sqlite3_column_int(st, 0)));
        else
            snprintf(s->key, sizeof(s->key), "%s",
                     (const char *)sqlite3_column_text(st, 0));
        s->projects = sqlite3_column_int64(st, 1);
        /* total() sums exactly as long as the sums stay below 2^53 fen
         * (90 trillion yuan): the column values are integers. */
        s->planned = (int64_t)sqlite3_column_double(st, 2);
        s->aid_planned = (int64_t)sqlite3_column_double(st, 3);
        s->invested = (int64_t)sqlite3_column_double(st, 4);
        s->aid_disbursed = (int64_t)sqlite3_column_double(st, 5);
        s->poor_lifted = (int64_t)sqlite3_column_double(st, 6);
        s->poor_jobs = (int64_t)sqlite3_column_double(st, 7);
    }
    sqlite3_finalize(st);
    /* A total over no projects is still one row of zeros. */
    if (r == 0 && g == LEDGER_POOL_TOTAL && k == 0) {
        v = lu_xcalloc(1, sizeof(*v));
        k = 1;
    }
    *out = v;
    *n = k;
    return r;
}

int ledger_pool_month(sqlite3 *db, uint32_t month,
                      struct ledger_pool_moves *out)
{
    sqlite3_stmt *st = NULL;
    int r;

    memset(out, 0, sizeof(*out));
    r = lu_store_prepare(db, "SELECT state FROM project", &st);
    if (r < 0)
        return r;
    /* Stage dates live in the packed state; one pass over the projects. */
    while ((r = step(db, st)) == 1) {
        Luyu__Project *p = unpack(st, 0);

        for (int s = 1; p != NULL && s <= LU_PROJECT_STAGES; s++) {
            if (lu_project_stage_date(p, s) / 100 == month)
                out->reached[s - 1]++;
        }
        luyu__project__free_unpacked(p, NULL);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (r < 0)
        return r;
    r = lu_store_prepare(db,
                         "SELECT total(d_invested), total(d_disbursed)"
                         " FROM project_event WHERE period = ?",
                         &st);
    if (r < 0)
        return r;
    sqlite3_bind_int64(st, 1, month);
    if ((r = step(db, st)) == 1) {
        out->invested = (int64_t)sqlite3_column_double(st, 0);
        out->aid_disbursed = (int64_t)sqlite3_column_double(st, 1);
        r = 0;
    }
    sqlite3_finalize(st);
    return r;
}

int ledger_pool_exists(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int r;

    if (lu_store_prepare(db,
                         "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                         " AND name = 'project_event'",
                         &st) < 0)
        return -EIO;
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -EIO;
}

int64_t ledger_pool_max_event(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    /* A ledger from before the pool, read as it is by luyuctl. */
    if (ledger_pool_exists(db) == 0)
        return 0;
    if (lu_store_prepare(db, "SELECT ifnull(max(id), 0) FROM project_event",
                         &st) < 0)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int ledger_pool_changed_since(sqlite3 *db, uint32_t month, int64_t after)
{
    sqlite3_stmt *st = NULL;
    int r;

    if (ledger_pool_exists(db) != 1)
        return 0;
    if (lu_store_prepare(db,
                         "SELECT 1 FROM project_event WHERE id > ?1"
                         " AND period <= ?2 LIMIT 1",
                         &st) < 0)
        return -EIO;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, month);
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -EIO;
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

int ledger_pool_projects(sqlite3 *db, const char *unit, uint32_t stuck_on,
                         Luyu__Project ***out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    Luyu__Project **v = NULL;
    size_t k = 0;
    int r;

    r = lu_store_prepare(db,
                         "SELECT state FROM project WHERE ?1 IS NULL"
                         " OR unit = ?1 ORDER BY id",
                         &st);
    if (r < 0)
        return r;
    if (unit != NULL)
        sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
    while ((r = step(db, st)) == 1) {
        Luyu__Project *p = unpack(st, 0);

        if (p == NULL || (stuck_on && !stuck(p, stuck_on))) {
            luyu__project__free_unpacked(p, NULL);
            continue;
        }
        v = lu_xrealloc(v, (k + 1) * sizeof(*v));
        v[k++] = p;
    }
    sqlite3_finalize(st);
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

int ledger_pool_history(sqlite3 *db, const char *project,
                        struct ledger_pool_event **out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    struct ledger_pool_event *v = NULL;
    size_t k = 0;
    int r;

    r = lu_store_prepare(db,
                         "SELECT node, seq, kind, recorded_by, recorded_at,"
                         " received_at, state FROM project_event"
                         " WHERE project = ? ORDER BY id",
                         &st);
    if (r < 0)
        return r;
    sqlite3_bind_text(st, 1, project, -1, SQLITE_STATIC);
    while ((r = step(db, st)) == 1) {
        struct ledger_pool_event *e;

        v = lu_xrealloc(v, (k + 1) * sizeof(*v));
        e = &v[k++];
        snprintf(e->id, sizeof(e->id), "%s/%lld",
                 (const char *)sqlite3_column_text(st, 0),
                 (long long)sqlite3_column_int64(st, 1));
        e->kind = sqlite3_column_int(st, 2);
        snprintf(e->recorded_by, sizeof(e->recorded_by), "%s",
                 (const char *)sqlite3_column_text(st, 3));
        e->recorded_at = sqlite3_column_int64(st, 4);
        e->received_at = sqlite3_column_int64(st, 5);
        e->state = unpack(st, 6);
    }
    sqlite3_finalize(st);
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
