#include "ledger.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amount.h"
#include "bulletins_db.h"
#include "codec.h"
#include "log.h"
#include "plan.h"
#include "sql.h"
#include "pool.h"
#include "reject.h"
#include "review.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

/* The ledger schema (also read by luyuctl ledger/history).
 *
 * entry    one row per merged entry, never updated or deleted.
 *          id           commit order at this hub
 *          node, seq    the entry id "node/seq", unique
 *          corrects     entry.id of the corrected entry, NULL for originals
 *          root         entry.id of the chain's original, NULL for originals
 *          prev_amount  the figure of the chain before this correction
 *          received_at  hub clock (unix s) when it was committed
 * chain    the current figure of each corrected original: the newest
 *          correction wins. An original no entry corrects has no row (since
 *          schema 4); its figure is its own amount.
 * balance  per unit / indicator / month: the sum of the chains' current
 *          figures, and how many entries touched it. Derived, updated in
 *          the same transaction as the entries.
 * node     per sending node: hwm (every seq up to it merged or rejected),
 *          first and last seen, counts.
 * entry_period  index of a month's entries in the order they came (id),
 *          covering what a bulletin's completeness and revisions read
 *          (unit, indicator, received_at, the amounts), so a month of
 *          entries is one index range, not a table row each. Since schema 5;
 *          before it entry_month(unit, indicator, period, received_at) did
 *          that job, and before schema 1 entry_figure (see SCHEMA_V5).
 * reject   entries refused for good, with the reason ("[code] text" when
 *          it has a RejectCode, common/reject.h: no column of its own).
 * unit, indicator   copies of the plan for readers.
 * digest_block  the ledger's digest at every LEDGER_DIGEST_BLOCK-th entry id
 *          (ledger/digest.h), with the number of entries in that block.
 * The bulletin store's tables share the file (ledger/bulletins_db.c).
 *
 * Versions (PRAGMA user_version, see lu_store_migrate): 0 is a new file or
 * one written before versions, whatever tables it has; 1 is SCHEMA_V1 and
 * the bulletin store's tables, created where missing, with entry_figure
 * (an index older ledgers had) replaced by entry_month once instead of at
 * every open. A change to the schema is a new step at the end of
 * MIGRATIONS, never an edit of an old one, and gets a fixture from the
 * release before it under tests/data/.
 *
 * 2 adds the project pool (ledger/pool.h):
 * project        one row per project as it stands after its newest event:
 *                node (the only one that may change it), the columns the
 *                pool's sums group and add, stage_date (the date of the
 *                current stage, YYYYMMDD), updated_seq, and state (the
 *                packed Project of proto/luyu.proto, all fields).
 * project_event  every event merged, never updated or deleted: id is the
 *                commit order at this hub (a bulletin covers the events
 *                with id <= its pool's upto_event), (node, seq) the entry
 *                id, unique like entry's: period (YYYYMM of the
 *                event), d_invested and d_disbursed (what the event added to
 *                the money invested and disbursed, for a month's
 *                movements) and the state after it. */
static const char SCHEMA_V1[] =
    "CREATE TABLE IF NOT EXISTS entry("
    " id INTEGER PRIMARY KEY, node TEXT NOT NULL, seq INTEGER NOT NULL,"
    " unit TEXT NOT NULL, indicator TEXT NOT NULL, period INTEGER NOT NULL,"
    " amount INTEGER NOT NULL, note TEXT NOT NULL,"
    " recorded_by TEXT NOT NULL, recorded_at INTEGER NOT NULL,"
    " corrects INTEGER, root INTEGER, prev_amount INTEGER,"
    " received_at INTEGER NOT NULL, UNIQUE(node, seq));"
    "DROP INDEX IF EXISTS entry_figure;"
    "CREATE INDEX IF NOT EXISTS entry_month ON entry(unit, indicator,"
    " period, received_at);"
    "CREATE TABLE IF NOT EXISTS chain(root INTEGER PRIMARY KEY,"
    " amount INTEGER NOT NULL, latest INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS balance(unit TEXT NOT NULL,"
    " indicator TEXT NOT NULL, period INTEGER NOT NULL,"
    " amount INTEGER NOT NULL, entries INTEGER NOT NULL,"
    " PRIMARY KEY(unit, indicator, period)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS node(id TEXT PRIMARY KEY,"
    " hwm INTEGER NOT NULL, first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL, entries INTEGER NOT NULL DEFAULT 0,"
    " rejects INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS reject(node TEXT NOT NULL,"
    " seq INTEGER NOT NULL, unit TEXT NOT NULL, indicator TEXT NOT NULL,"
    " period INTEGER NOT NULL, amount INTEGER NOT NULL,"
    " reason TEXT NOT NULL, at INTEGER NOT NULL,"
    " PRIMARY KEY(node, seq)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS unit(code TEXT PRIMARY KEY,"
    " name TEXT NOT NULL, province TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS indicator(code TEXT PRIMARY KEY,"
    " name TEXT NOT NULL, base_unit TEXT NOT NULL, scale INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS digest_block(upto INTEGER PRIMARY KEY,"
    " digest BLOB NOT NULL, entries INTEGER NOT NULL);";

static const char SCHEMA_V2[] =
    "CREATE TABLE project(id TEXT PRIMARY KEY, node TEXT NOT NULL,"
    " unit TEXT NOT NULL, area TEXT NOT NULL, stage INTEGER NOT NULL,"
    " planned INTEGER NOT NULL, aid_planned INTEGER NOT NULL,"
    " invested INTEGER NOT NULL, aid_disbursed INTEGER NOT NULL,"
    " poor_lifted INTEGER NOT NULL, poor_jobs INTEGER NOT NULL,"
    " stage_date INTEGER NOT NULL, updated_seq INTEGER NOT NULL,"
    " state BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX project_unit ON project(unit);"
    "CREATE TABLE project_event(id INTEGER PRIMARY KEY,"
    " node TEXT NOT NULL, seq INTEGER NOT NULL,"
    " project TEXT NOT NULL, kind INTEGER NOT NULL,"
    " period INTEGER NOT NULL, recorded_by TEXT NOT NULL,"
    " recorded_at INTEGER NOT NULL, received_at INTEGER NOT NULL,"
    " d_invested INTEGER NOT NULL, d_disbursed INTEGER NOT NULL,"
    " state BLOB NOT NULL, UNIQUE(node, seq));"
    "CREATE INDEX project_event_of ON project_event(project, id);"
    "CREATE INDEX project_event_month ON project_event(period);";

/* Version 3 (issue 16): entry.confirmed, the data-quality warnings the
 * person who recorded the entry confirmed at the node (Entry.confirmed:
 * "outlier", "duplicate", comma-separated; "" for none and for every entry
 * of an older release). review_event: every step of the review of a
 * unit's month, append-only (ledger/review.h): kind a ReviewKind, by the
 * person (recorded_by at the node, the Unix user at the hub), at unix s,
 * the reason; node and seq are the approving entry's id ("" and NULL for
 * the province's steps, whose id is what ReviewNotice carries down the
 * link). The latest event of a unit's month is its state. */
static const char SCHEMA_V3[] =
    "ALTER TABLE entry ADD COLUMN confirmed TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE review_event(id INTEGER PRIMARY KEY,"
    " unit TEXT NOT NULL, period INTEGER NOT NULL, kind INTEGER NOT NULL,"
    " by TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT NOT NULL,"
    " node TEXT NOT NULL, seq INTEGER);"
    "CREATE INDEX review_event_month ON review_event(unit, period, id);"
    /* The hub's reminders (hub/remind.h), one per unit, month and reason
     * ever; hooked says the hook command was started for it. Each is
     * also a review_event of kind REMIND, which carries it to the node. */
    "CREATE TABLE reminder(unit TEXT NOT NULL, period INTEGER NOT NULL,"
    " reason TEXT NOT NULL, at INTEGER NOT NULL,"
    " hooked INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(unit, period, reason)) WITHOUT ROWID;";

/* Version 4 (issue 19): a chain row only once a chain is corrected. The
 * row an original got at its merge held its own amount and id, which the
 * entry holds already: one more row, index entry and page write for every
 * entry merged, read only by the merge path. Those rows go (latest = root:
 * nothing corrected it), so a ledger means the same whichever release wrote
 * it. The digests, histories and balances never read chain. */
static const char SCHEMA_V4[] = "DELETE FROM chain WHERE latest = root;";

/* Version 5 (issue 19): entry_month becomes entry_period. entry_month
 * began with the unit and indicator, so an entry went to one of every
 * unit x indicator x month's places in it: a group of a few thousand
 * entries from many nodes wrote a page of it for almost every entry, and
 * the index cost more than the table (luyu-rawsqlite: 80,000 entries/s
 * with it, 203,000 without; 5,000 nodes at 0.78 of 100, 1.0 without).
 * entry_period begins with the month and then the id, which only grows: a
 * group writes at the end of each month's range, a few pages for all of
 * them (143,000 entries/s, 5,000 nodes at 0.93 of 100). A month's entries
 * are still one range; a figure's are that range filtered (docs/DECISIONS.md,
 * issue 19, "the ledger's month index"). */
static const char SCHEMA_V5[] =
    "DROP INDEX IF EXISTS entry_month;"
    "CREATE INDEX entry_period ON entry(period, id, unit, indicator,"
    " received_at, amount, prev_amount);";

static const struct lu_store_migration MIGRATIONS[] = {
    {1, SCHEMA_V1, ledger_bulletins_db_schema},
    {2, SCHEMA_V2, NULL},
    {3, SCHEMA_V3, NULL},
    {4, SCHEMA_V4, NULL},
    {5, SCHEMA_V5, NULL},
};

_Static_assert(sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]) == LEDGER_SCHEMA,
               "LEDGER_SCHEMA is the last migration's version");

enum {
    ST_INSERT,
    ST_CHAIN_GET,
    ST_CHAIN_SET,
    ST_BALANCE,
    ST_TARGET,
    ST_HWM_GET,
    ST_HWM_SET,
    ST_REJECT,
    ST_REJECTS,
    ST_COUNT,
};

static const char *const SQL[ST_COUNT] = {
    [ST_INSERT] = "INSERT INTO entry(node, seq, unit, indicator, period,"
                  " amount, note, recorded_by, recorded_at, corrects, root,"
                  " prev_amount, received_at, confirmed)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    /* A chain's figure: its row once corrected, else its original's own. */
    [ST_CHAIN_GET] = "SELECT coalesce((SELECT amount FROM chain WHERE"
                     " root = ?1), (SELECT amount FROM entry WHERE id = ?1))",
    /* The first correction of a chain makes its row, later ones move it. */
    [ST_CHAIN_SET] = "INSERT INTO chain(root, amount, latest) VALUES (?3,?1,?2)"
                     " ON CONFLICT(root) DO UPDATE SET"
                     " amount = excluded.amount, latest = excluded.latest",
    [ST_BALANCE] = "INSERT INTO balance(unit, indicator, period, amount,"
                   " entries) VALUES (?,?,?,?,1) ON CONFLICT DO UPDATE SET"
                   " amount = amount + excluded.amount,"
                   " entries = entries + 1",
    [ST_TARGET] = "SELECT id, coalesce(root, id), unit, indicator, period"
                  " FROM entry WHERE node = ? AND seq = ?",
    [ST_HWM_GET] = "SELECT hwm FROM node WHERE id = ?",
    [ST_HWM_SET] = "INSERT INTO node(id, hwm, first_seen, last_seen,"
                   " entries, rejects) VALUES (?1, ?2, ?3, ?3, ?4, ?5)"
                   " ON CONFLICT DO UPDATE SET hwm = max(hwm, ?2),"
                   " last_seen = ?3, entries = entries + ?4,"
                   " rejects = rejects + ?5",
    [ST_REJECT] = "INSERT OR IGNORE INTO reject(node, seq, unit, indicator,"
                  " period, amount, reason, at) VALUES (?,?,?,?,?,?,?,?)",
    [ST_REJECTS] = "SELECT seq, reason FROM reject WHERE node = ?"
                   " AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?",
};

/* Every sum luyu reports (a balance, a month or a year of one unit or of
 * all, an area's total in a bulletin) adds current figures of chains, all
 * non-negative. So when the sum of all of them, the ledger's total, fits
 * in int64, every sum does and is exact. SQLite would not say when it
 * does not: "amount + excluded.amount" past INT64_MAX silently becomes a
 * REAL. The hub keeps the total here (read from balance at open, moved by
 * each merge, put back on rollback) and rejects, with a reason, the entry
 * that would take it past INT64_MAX. */
struct ledger {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    struct ledger_review_locks *locked; /* ledger_review_locked's cache */
    const struct lu_plan *plan;
    char *province;
    int64_t total;           /* of every chain's current figure, this txn */
    int64_t total_committed; /* ... as of the last commit */
    struct ledger_pool *pool;
    struct ledger_pg *pg;   /* when not NULL, the ledger is there, not in db */
    struct ledger_sql *sql; /* over db or pg, made at the first call */
    bool lazy; /* the open transaction began with ledger_begin_lazy */
};

static int store_plan(struct ledger *l)
{
    const struct lu_plan *p = l->plan;
    sqlite3_stmt *u = NULL, *i = NULL;
    int r;

    r = lu_store_exec(l->db, "BEGIN IMMEDIATE; DELETE FROM unit;"
                             " DELETE FROM indicator");
    if (r == 0)
        r = lu_store_prepare(l->db, "INSERT INTO unit VALUES (?,?,?)", &u);
    if (r == 0)
        r = lu_store_prepare(l->db, "INSERT INTO indicator VALUES (?,?,?,?)",
                             &i);
    for (size_t k = 0; r == 0 && k < p->n_units; k++) {
        sqlite3_bind_text(u, 1, p->units[k].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(u, 2, p->units[k].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(u, 3, p->units[k].province, -1, SQLITE_STATIC);
        r = sqlite3_step(u) == SQLITE_DONE ? 0 : -EIO;
        sqlite3_reset(u);
    }
    for (size_t k = 0; r == 0 && k < p->n_indicators; k++) {
        const struct lu_plan_indicator *ind = &p->indicators[k];

        sqlite3_bind_text(i, 1, ind->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(i, 2, ind->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(i, 3, ind->base_unit, -1, SQLITE_STATIC);
        sqlite3_bind_int(i, 4, ind->scale);
        r = sqlite3_step(i) == SQLITE_DONE ? 0 : -EIO;
        sqlite3_reset(i);
    }
    sqlite3_finalize(u);
    sqlite3_finalize(i);
    if (r == 0)
        return lu_store_exec(l->db, "COMMIT");
    sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
    return r;
}

/* The ledger's total from balance. A ledger whose balances overflowed
 * under an older hub (a REAL, or a sum SQLite cannot take) is kept as it
 * is, and takes no entry that would raise the total any more. */
static int read_total(struct ledger *l)
{
    sqlite3_stmt *st = NULL;
    int r = lu_store_prepare(l->db,
                             "SELECT coalesce(sum(amount), 0),"
                             " count(*) FILTER (WHERE typeof(amount) !="
                             " 'integer') FROM balance",
                             &st);
    int rc;

    if (r < 0)
        return r;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_int64(st, 1) == 0 &&
        sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
        l->total = sqlite3_column_int64(st, 0);
    } else {
        lu_err("ledger: balances past %lld base units already (from an "
               "older hub): entries that raise them are rejected",
               (long long)INT64_MAX);
        l->total = INT64_MAX;
    }
    l->total_committed = l->total;
    sqlite3_finalize(st);
    return 0;
}

int ledger_open(const char *state_dir, const struct lu_plan *plan,
                const char *province, struct ledger **out, char *err,
                size_t errlen)
{
    struct ledger *l = lu_xcalloc(1, sizeof(*l));
    char path[4096];
    int r;

    *out = NULL;
    if (errlen > 0)
        err[0] = '\0';
    l->plan = plan;
    l->province = province ? lu_xstrdup(province) : NULL;
    snprintf(path, sizeof(path), "%s/ledger.db", state_dir);
    r = lu_store_open(path, "ledger", LU_STORE_CREATE, &l->db, err, errlen);
    if (r < 0)
        goto fail;
    /* The hub is the process that should use memory: a 64 MiB page cache
     * keeps the B-tree pages of big group commits from spilling and being
     * read back (profiled: pread -78%, pwrite -51% per million entries). */
    r = lu_store_exec(l->db, "PRAGMA cache_size=-65536");
    if (r == 0)
        r = lu_store_migrate(l->db, path, "ledger", MIGRATIONS,
                             sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]), err,
                             errlen);
    if (r < 0) {
        if (err[0] == '\0')
            snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(l->db));
        goto fail;
    }
    for (int k = 0; r == 0 && k < ST_COUNT; k++)
        r = lu_store_prepare(l->db, SQL[k], &l->st[k]);
    if (r == 0 && (l->pool = ledger_pool_new(ledger_sql_handle(l))) == NULL)
        r = -EIO;
    if (r == 0)
        r = store_plan(l);
    if (r == 0)
        r = read_total(l);
    if (r < 0) {
        snprintf(err, errlen, "%s: cannot set up the ledger: %s", path,
                 sqlite3_errmsg(l->db));
        goto fail;
    }
    *out = l;
    return 0;
fail:
    ledger_free(l);
    return r;
}

int ledger_open_pg(const struct ledger_pg_conf *conf,
                   const struct lu_plan *plan, const char *province,
                   struct ledger **out, char *err, size_t errlen)
{
    struct ledger *l = lu_xcalloc(1, sizeof(*l));
    int r;

    *out = NULL;
    if (errlen > 0)
        err[0] = '\0';
    l->plan = plan;
    l->province = province ? lu_xstrdup(province) : NULL;
    r = ledger_pg_open(conf, &l->pg, err, errlen);
    if (r == 0 && (r = ledger_pg_store_plan(l->pg, plan)) == 0)
        r = ledger_pg_total(l->pg, &l->total);
    if (r == 0 && (l->pool = ledger_pool_new(ledger_sql_handle(l))) == NULL)
        r = -EIO;
    if (r < 0) {
        if (err[0] == '\0')
            snprintf(err, errlen, "ledger: cannot set up the ledger");
        ledger_free(l);
        return r;
    }
    if (l->total == INT64_MAX)
        lu_err("ledger: balances past %lld base units already: entries "
               "that raise them are rejected",
               (long long)INT64_MAX);
    l->total_committed = l->total;
    *out = l;
    return 0;
}

int ledger_keepalive(struct ledger *l, struct ledger_pg_repl *repl)
{
    return l->pg ? ledger_pg_keepalive(l->pg, repl) : 0;
}

bool ledger_is_pg(const struct ledger *l)
{
    return l->pg != NULL;
}

void ledger_free(struct ledger *l)
{
    if (l == NULL)
        return;
    ledger_sql_free(l->sql);
    ledger_pg_free(l->pg);
    for (int k = 0; k < ST_COUNT; k++)
        sqlite3_finalize(l->st[k]);
    ledger_review_locks_free(l->locked);
    ledger_pool_free(l->pool);
    lu_store_close(l->db);
    free(l->province);
    free(l);
}

struct sqlite3 *ledger_db(struct ledger *l)
{
    return l->db;
}

struct ledger_sql *ledger_sql_handle(struct ledger *l)
{
    if (l->sql == NULL)
        l->sql = l->pg ? ledger_sql_pg(l->pg) : ledger_sql_sqlite(l->db);
    return l->sql;
}

/* Every transaction but the lazy ones commits with synchronous=FULL:
 * the setting goes back as soon as the lazy one ended. */
static int unlazy(struct ledger *l)
{
    int r = 0;

    if (l->lazy) {
        r = lu_store_exec(l->db, "PRAGMA synchronous=FULL");
        if (r < 0)
            lu_err("ledger: cannot set synchronous=FULL again: %s",
                   sqlite3_errmsg(l->db));
        l->lazy = r < 0;
    }
    return r;
}

int ledger_begin(struct ledger *l)
{
    int r;

    if (l->pg)
        return ledger_pg_begin(l->pg);
    r = unlazy(l); /* only if putting it back failed before */
    return r < 0 ? r : lu_store_exec(l->db, "BEGIN IMMEDIATE");
}

int ledger_begin_lazy(struct ledger *l)
{
    int r;

    if (l->pg)
        return ledger_pg_begin(l->pg);
    /* Outside a transaction only: SQLite refuses to change it inside. */
    r = lu_store_exec(l->db, "PRAGMA synchronous=NORMAL");
    if (r == 0) {
        l->lazy = true;
        r = lu_store_exec(l->db, "BEGIN IMMEDIATE");
    }
    if (r < 0)
        unlazy(l);
    return r;
}

int ledger_commit(struct ledger *l)
{
    int r = l->pg ? ledger_pg_commit(l->pg) : lu_store_exec(l->db, "COMMIT");

    if (r == 0)
        l->total_committed = l->total;
    /* A failed COMMIT leaves the transaction open: ledger_rollback puts
     * the setting back after it. */
    if (r == 0 && !l->pg && sqlite3_get_autocommit(l->db))
        unlazy(l);
    return r;
}

void ledger_rollback(struct ledger *l)
{
    l->total = l->total_committed;
    /* A review step of the rolled-back transaction is gone: caches of the
     * review tables must read them again. */
    if (l->sql != NULL)
        ledger_sql_touch(l->sql);
    if (l->pg)
        ledger_pg_rollback(l->pg);
    else if (!sqlite3_get_autocommit(l->db))
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
    unlazy(l);
}

/* Steps a write statement to completion and resets it. */
/* Steps and resets st. Its text parameters may be bound SQLITE_STATIC:
 * SQLite reads them only during the step, and every call binds them anew
 * (copying each string was 9 % of the merge path's instructions). */
static int run(struct ledger *l, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        lu_err("ledger: %s", sqlite3_errmsg(l->db));
        return lu_store_errno(rc);
    }
    return 0;
}

int ledger_hwm(struct ledger *l, const char *node, uint64_t *hwm)
{
    sqlite3_stmt *st = l->st[ST_HWM_GET];
    int rc;

    if (l->pg)
        return ledger_pg_hwm(l->pg, node, hwm);
    sqlite3_bind_text(st, 1, node, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    *hwm = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        lu_err("ledger: %s", sqlite3_errmsg(l->db));
        return lu_store_errno(rc);
    }
    return 0;
}

int ledger_set_hwm(struct ledger *l, const char *node, uint64_t hwm,
                   uint64_t merged, uint64_t rejected)
{
    sqlite3_stmt *st = l->st[ST_HWM_SET];

    if (l->pg)
        return ledger_pg_set_hwm(l->pg, node, hwm, merged, rejected);
    sqlite3_bind_text(st, 1, node, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (int64_t)hwm);
    sqlite3_bind_int64(st, 3, lu_now_s());
    sqlite3_bind_int64(st, 4, (int64_t)merged);
    sqlite3_bind_int64(st, 5, (int64_t)rejected);
    return run(l, st);
}

int ledger_nodes(struct ledger *l, void **cursor, struct ledger_node *row)
{
    sqlite3_stmt *st = *cursor;
    int rc;

    if (l->pg)
        return ledger_pg_nodes(l->pg, cursor, row);
    if (st == NULL &&
        lu_store_prepare(l->db,
                         "SELECT id, hwm, entries, rejects, first_seen,"
                         " last_seen FROM node ORDER BY id",
                         &st) < 0)
        return -EIO;
    *cursor = st;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(row->node, sizeof(row->node), "%s",
                 (const char *)sqlite3_column_text(st, 0));
        row->hwm = (uint64_t)sqlite3_column_int64(st, 1);
        row->entries = (uint64_t)sqlite3_column_int64(st, 2);
        row->rejects = (uint64_t)sqlite3_column_int64(st, 3);
        row->first_seen = sqlite3_column_int64(st, 4);
        row->last_seen = sqlite3_column_int64(st, 5);
        return 1;
    }
    sqlite3_finalize(st);
    *cursor = NULL;
    return rc == SQLITE_DONE ? 0 : lu_store_errno(rc);
}

int ledger_reject(struct ledger *l, const char *node, const Luyu__Entry *e,
                  const char *reason)
{
    sqlite3_stmt *st = l->st[ST_REJECT];
    char text[LU_MAX_REASON];

    if (l->pg)
        return ledger_pg_reject(l->pg, node, e, reason);
    sqlite3_bind_text(st, 1, node, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (int64_t)e->seq);
    sqlite3_bind_text(st, 3, e->unit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, e->indicator, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, e->period);
    sqlite3_bind_int64(st, 6, e->amount);
    /* Stored, then sent in Ack and Welcome: valid UTF-8 whatever quoted. */
    snprintf(text, sizeof(text), "%s", reason);
    sqlite3_bind_text(st, 7, lu_utf8_fix(text), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 8, lu_now_s());
    return run(l, st);
}

/* The entry a correction names, as node (LU_MAX_NAME + 1 bytes) and seq;
 * 1 with a reason when it is no entry id or not by_node's own entry: a
 * figure is corrected where it was recorded, a node may not rewrite
 * another node's entries. On SQLite and PostgreSQL alike. */
static int correction_of(const Luyu__Entry *e, const char *by_node, char *node,
                         uint64_t *seq, char *reason, size_t len)
{
    if (lu_entry_id_parse(e->corrects, node, seq) < 0) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_BAD_CORRECTION,
                      "corrects \"%.*s\" is not an entry id",
                      lu_utf8_cut(e->corrects, 80), e->corrects);
        return 1;
    }
    if (strcmp(node, by_node) != 0) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_BAD_CORRECTION,
                      "corrects %s, which node %s did not record", e->corrects,
                      by_node);
        return 1;
    }
    return 0;
}

/* Finds the entry a correction names and checks that it is the same
 * figure. Sets *target and *root (entry ids) or writes a reason. */
static int find_target(struct ledger *l, const char *by_node,
                       const Luyu__Entry *e, int64_t *target, int64_t *root,
                       char *reason, size_t len)
{
    sqlite3_stmt *st = l->st[ST_TARGET];
    char node[LU_MAX_NAME + 1];
    uint64_t seq;
    int rc, r = 0;

    if (correction_of(e, by_node, node, &seq, reason, len))
        return 1;
    sqlite3_bind_text(st, 1, node, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (int64_t)seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_BAD_CORRECTION,
                      "corrects %s, which is not in the ledger", e->corrects);
        r = 1;
    } else if (rc != SQLITE_ROW) {
        r = lu_store_errno(rc);
    } else if (strcmp((const char *)sqlite3_column_text(st, 2), e->unit) ||
               strcmp((const char *)sqlite3_column_text(st, 3), e->indicator) ||
               (uint32_t)sqlite3_column_int64(st, 4) != e->period) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_BAD_CORRECTION,
                      "corrects %s, which is a different figure", e->corrects);
        r = 1;
    } else {
        *target = sqlite3_column_int64(st, 0);
        *root = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return r;
}

/* Checks that the hub takes this entry at all: the node is never trusted
 * to have checked it. Returns 1 with a reason when refused. */
static int refuse(struct ledger *l, const Luyu__Entry *e, char *reason,
                  size_t len)
{
    const struct lu_plan_unit *u;
    char text[LU_MAX_REASON];
    int code = LUYU__REJECT_CODE__REJECT_OUTSIDE_PLAN;

    if (lu_entry_check_fields(e, text, sizeof(text)) < 0) {
        lu_reject_fmt(reason, len, 0, "%s", text); /* no sentence for people */
        return 1;
    }
    if (lu_entry_check_plan(e, l->plan, text, sizeof(text)) < 0) {
        if (lu_plan_unit(l->plan, e->unit) == NULL)
            code = LUYU__REJECT_CODE__REJECT_UNKNOWN_UNIT;
        else if (lu_plan_indicator(l->plan, e->indicator) == NULL)
            code = LUYU__REJECT_CODE__REJECT_UNKNOWN_INDICATOR;
        lu_reject_fmt(reason, len, code, "%s", text);
        return 1;
    }
    u = lu_plan_unit(l->plan, e->unit);
    if (l->province && strcmp(u->province, l->province) != 0) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_OTHER_PROVINCE,
                      "unit %s belongs to province %s; this hub keeps the %s "
                      "ledger",
                      e->unit, u->province, l->province);
        return 1;
    }
    return 0;
}

static int add_balance(struct ledger *l, const Luyu__Entry *e, int64_t delta)
{
    sqlite3_stmt *st = l->st[ST_BALANCE];

    sqlite3_bind_text(st, 1, e->unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->indicator, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, e->period);
    sqlite3_bind_int64(st, 4, delta);
    return run(l, st);
}

/* A district's approval of a unit's month (Entry.review): the unit must
 * be this hub's and the month not accepted already; it becomes the month's
 * newest review event. Refused ones are rejects like any entry. */
static int merge_review(struct ledger *l, const char *node,
                        const Luyu__Entry *e, char *reason, size_t len)
{
    const struct lu_plan_unit *u = lu_plan_unit(l->plan, e->unit);
    int r = 0;

    if (e->review->kind != LUYU__REVIEW_KIND__REVIEW_APPROVE) {
        snprintf(reason, len, "a node may only approve a month");
        r = 1;
    } else if (u == NULL || !lu_period_valid(e->period) ||
               e->period < l->plan->start || e->period > l->plan->end) {
        snprintf(reason, len, "approval of an unknown unit or month");
        r = 1;
    } else if (l->province && strcmp(u->province, l->province) != 0) {
        snprintf(reason, len, "unit %s belongs to province %s", e->unit,
                 u->province);
        r = 1;
    } else {
        r = ledger_review_check(ledger_sql_handle(l), e->unit, e->period,
                                LUYU__REVIEW_KIND__REVIEW_APPROVE, reason, len);
    }
    if (r == 0)
        r = ledger_review_add(ledger_sql_handle(l), e->unit, e->period,
                              LUYU__REVIEW_KIND__REVIEW_APPROVE, e->recorded_by,
                              e->review->reason, node, e->seq, e->recorded_at);
    if (r == 1) {
        int w = ledger_reject(l, node, e, reason);

        return w < 0 ? w : 1;
    }
    return r;
}

/* A project event: the unit must be this hub's, the move possible and the
 * project the node's own (ledger/pool.c). Refused ones are rejects like
 * any entry's. */
static int merge_project(struct ledger *l, const char *node,
                         const Luyu__Entry *e, char *reason, size_t len)
{
    const struct lu_plan_unit *u = lu_plan_unit(l->plan, e->unit);
    int r;

    if (u == NULL) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_UNKNOWN_UNIT,
                      "unknown unit \"%.*s\"", lu_utf8_cut(e->unit, 64),
                      e->unit);
        r = 1;
    } else if (l->province && strcmp(u->province, l->province) != 0) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_OTHER_PROVINCE,
                      "unit %s belongs to province %s; this hub keeps the %s "
                      "ledger",
                      e->unit, u->province, l->province);
        r = 1;
    } else {
        r = ledger_pool_merge(l->pool, l->plan, node, e, reason, len);
    }
    if (r == 1) {
        int w = ledger_reject(l, node, e, reason);

        return w < 0 ? w : 1;
    }
    return r;
}

/* The correction's target on PostgreSQL: the same checks as find_target,
 * and the chain's current figure into *prev. */
static int find_target_pg(struct ledger *l, const char *by_node,
                          const Luyu__Entry *e, int64_t *target, int64_t *root,
                          int64_t *prev, char *reason, size_t len)
{
    char node[LU_MAX_NAME + 1], unit[LU_MAX_NAME + 1],
        indicator[LU_MAX_NAME + 1];
    uint32_t period = 0;
    uint64_t seq;
    int r;

    if (correction_of(e, by_node, node, &seq, reason, len))
        return 1;
    r = ledger_pg_target(l->pg, node, seq, target, root, unit, indicator,
                         &period);
    if (r == 1)
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_BAD_CORRECTION,
                      "corrects %s, which is not in the ledger", e->corrects);
    if (r != 0)
        return r;
    if (strcmp(unit, e->unit) || strcmp(indicator, e->indicator) ||
        period != e->period) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_BAD_CORRECTION,
                      "corrects %s, which is a different figure", e->corrects);
        return 1;
    }
    return ledger_pg_chain(l->pg, *root, prev);
}

/* What both engines do first: a project event or a review step is merged
 * as such (*done); an entry is refused (1, reason set) for its fields or
 * for an accepted month, which is locked until the province unlocks it. */
static int merge_first(struct ledger *l, const char *node, const Luyu__Entry *e,
                       char *reason, size_t len, bool *done)
{
    int r;

    *done = true;
    if (e->project != NULL)
        return merge_project(l, node, e, reason, len);
    if (e->review != NULL)
        return merge_review(l, node, e, reason, len);
    *done = false;
    r = refuse(l, e, reason, len);
    if (r == 0)
        r = ledger_review_locked(ledger_sql_handle(l), &l->locked, e->unit,
                                 e->period, reason, len);
    return r;
}

/* ledger_merge on PostgreSQL. Project events and approvals merge as on
 * SQLite, in the same transaction; an accepted month is locked alike. */
static int merge_pg(struct ledger *l, const char *node, const Luyu__Entry *e,
                    char *reason, size_t len)
{
    int64_t target = 0, root = 0, prev = 0;
    bool done;
    int r = merge_first(l, node, e, reason, len, &done);

    if (done)
        return r;
    if (r == 0 && e->corrects[0] != '\0')
        r = find_target_pg(l, node, e, &target, &root, &prev, reason, len);
    if (r == 0 && e->amount - prev > INT64_MAX - l->total) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_LEDGER_TOTAL,
                      "would take the ledger's total past %lld base units, "
                      "beyond which sums are no longer exact",
                      (long long)INT64_MAX);
        r = 1;
    }
    if (r == 1) {
        int w = ledger_pg_reject(l->pg, node, e, reason);

        return w < 0 ? w : 1;
    }
    if (r == 0)
        r = ledger_pg_insert(l->pg, node, e, target, root, prev);
    if (r == 0)
        l->total += e->amount - prev;
    return r;
}

int ledger_merge(struct ledger *l, const char *node, const Luyu__Entry *e,
                 char *reason, size_t len)
{
    if (l->pg)
        return merge_pg(l, node, e, reason, len);
    sqlite3_stmt *ins = l->st[ST_INSERT];
    int64_t target = 0, root = 0, prev = 0, id;
    bool done;
    int r = merge_first(l, node, e, reason, len, &done);

    if (done)
        return r;
    if (r == 0 && e->corrects[0] != '\0')
        r = find_target(l, node, e, &target, &root, reason, len);
    if (r == 0 && target) {
        sqlite3_stmt *g = l->st[ST_CHAIN_GET];

        sqlite3_bind_int64(g, 1, root);
        r = sqlite3_step(g) == SQLITE_ROW &&
                    sqlite3_column_type(g, 0) == SQLITE_INTEGER
                ? 0
                : -EIO;
        prev = r == 0 ? sqlite3_column_int64(g, 0) : 0;
        sqlite3_reset(g);
    }
    if (r == 0 && e->amount - prev > INT64_MAX - l->total) {
        lu_reject_fmt(reason, len, LUYU__REJECT_CODE__REJECT_LEDGER_TOTAL,
                      "would take the ledger's total past %lld base units, "
                      "beyond which sums are no longer exact",
                      (long long)INT64_MAX);
        r = 1;
    }
    if (r == 1) {
        int w = ledger_reject(l, node, e, reason);

        return w < 0 ? w : 1;
    }
    if (r < 0)
        return r;
    sqlite3_bind_text(ins, 1, node, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 2, (int64_t)e->seq);
    sqlite3_bind_text(ins, 3, e->unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, e->indicator, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 5, e->period);
    sqlite3_bind_int64(ins, 6, e->amount);
    sqlite3_bind_text(ins, 7, e->note, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 8, e->recorded_by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 9, e->recorded_at);
    if (target) {
        sqlite3_bind_int64(ins, 10, target);
        sqlite3_bind_int64(ins, 11, root);
        sqlite3_bind_int64(ins, 12, prev);
    } else {
        sqlite3_bind_null(ins, 10);
        sqlite3_bind_null(ins, 11);
        sqlite3_bind_null(ins, 12);
    }
    sqlite3_bind_int64(ins, 13, lu_now_s());
    sqlite3_bind_text(ins, 14, e->confirmed, -1, SQLITE_STATIC);
    r = run(l, ins);
    if (r < 0)
        return r;
    id = sqlite3_last_insert_rowid(l->db);
    if (target) {
        sqlite3_stmt *s = l->st[ST_CHAIN_SET];

        sqlite3_bind_int64(s, 1, e->amount);
        sqlite3_bind_int64(s, 2, id);
        sqlite3_bind_int64(s, 3, root);
        r = run(l, s);
    }
    if (r == 0)
        r = add_balance(l, e, e->amount - prev);
    if (r == 0)
        l->total += e->amount - prev;
    return r;
}

int ledger_rejects(struct ledger *l, const char *node, uint64_t from,
                   uint64_t to, size_t max, Luyu__Reject ***out, size_t *n)
{
    sqlite3_stmt *st = l->st[ST_REJECTS];
    Luyu__Reject **rj = NULL;
    size_t k = 0;
    int rc;

    if (l->pg)
        return ledger_pg_rejects(l->pg, node, from, to, max, out, n);
    sqlite3_bind_text(st, 1, node, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (int64_t)from);
    sqlite3_bind_int64(st, 3, (int64_t)to);
    sqlite3_bind_int64(st, 4, (int64_t)max);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        Luyu__Reject *r = lu_xmalloc(sizeof(*r));

        luyu__reject__init(r);
        r->seq = (uint64_t)sqlite3_column_int64(st, 0);
        r->reason = lu_xstrdup((const char *)sqlite3_column_text(st, 1));
        r->code = (Luyu__RejectCode)lu_reject_split(r->reason);
        rj = lu_xrealloc(rj, (k + 1) * sizeof(*rj));
        rj[k++] = r;
    }
    sqlite3_reset(st);
    *out = rj;
    *n = k;
    if (rc != SQLITE_DONE) {
        lu_err("ledger: %s", sqlite3_errmsg(l->db));
        return lu_store_errno(rc);
    }
    return 0;
}

void ledger_rejects_free(Luyu__Reject **rejects, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rejects[i]->reason);
        free(rejects[i]);
    }
    free(rejects);
}

uint32_t ledger_began(struct ledger *l)
{
    sqlite3 *db = l->db;
    char buf[16];
    uint64_t p = 0;

    if (l->pg)
        return ledger_pg_began(l->pg);
    if (lu_store_meta_get(db, "began", buf, sizeof(buf)) == 0 &&
        lu_parse_u64(buf, &p) == 0)
        return (uint32_t)p;
    int64_t now = lu_now_s();
    struct tm tm;
    time_t t = (time_t)now;

    gmtime_r(&t, &tm);
    p = (uint64_t)(tm.tm_year + 1900) * 100 + (uint64_t)tm.tm_mon + 1;
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)p);
    lu_store_meta_set(db, "began", buf);
    return (uint32_t)p;
}
