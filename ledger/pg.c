#include "pg.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "ledger.h"
#include "log.h"
#include "plan.h"
#include "pg_lock.h"
#include "pg_session.h"
#include "pq_lib.h"
#include "util.h"
#include "xmalloc.h"

/* The PostgreSQL ledger schema: the SQLite ledger's tables with the same
 * meaning (ledger/ledger.c), plus:
 *
 * meta      key/value; "schema" is the version (what PRAGMA user_version
 *           is to SQLite), "began" the ledger's first month.
 * hub_term  the lock's history: one row each time a hub became active,
 *           in order (term), with the hub's id, its pid and the time.
 * entry.term  the term of the hub that committed the entry. With one
 *           writer at a time, entry ids are in commit order, so terms
 *           never go down along ids unless two hubs wrote at once: the
 *           fencing is checkable from the data (tests/faults/11-failover).
 *
 * A change is a new step at the end of MIGRATIONS, never an edit. */
static const char PG_V1[] =
    "CREATE TABLE IF NOT EXISTS hub_term(term bigserial PRIMARY KEY,"
    " hub text NOT NULL,"
    " pid integer NOT NULL, started_at timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE entry(id bigserial PRIMARY KEY, node text NOT NULL,"
    " seq bigint NOT NULL, unit text NOT NULL, indicator text NOT NULL,"
    " period bigint NOT NULL, amount bigint NOT NULL, note text NOT NULL,"
    " recorded_by text NOT NULL, recorded_at bigint NOT NULL,"
    " corrects bigint, root bigint, prev_amount bigint,"
    " received_at bigint NOT NULL, term bigint NOT NULL,"
    " UNIQUE(node, seq));"
    "CREATE INDEX entry_month ON entry(unit, indicator, period,"
    " received_at);"
    "CREATE TABLE chain(root bigint PRIMARY KEY, amount bigint NOT NULL,"
    " latest bigint NOT NULL);"
    "CREATE TABLE balance(unit text NOT NULL, indicator text NOT NULL,"
    " period bigint NOT NULL, amount bigint NOT NULL,"
    " entries bigint NOT NULL, PRIMARY KEY(unit, indicator, period));"
    "CREATE TABLE node(id text PRIMARY KEY, hwm bigint NOT NULL,"
    " first_seen bigint NOT NULL, last_seen bigint NOT NULL,"
    " entries bigint NOT NULL DEFAULT 0, rejects bigint NOT NULL"
    " DEFAULT 0);"
    "CREATE TABLE reject(node text NOT NULL, seq bigint NOT NULL,"
    " unit text NOT NULL, indicator text NOT NULL, period bigint NOT NULL,"
    " amount bigint NOT NULL, reason text NOT NULL, at bigint NOT NULL,"
    " PRIMARY KEY(node, seq));"
    "CREATE TABLE unit(code text PRIMARY KEY, name text NOT NULL,"
    " province text NOT NULL);"
    "CREATE TABLE indicator(code text PRIMARY KEY, name text NOT NULL,"
    " base_unit text NOT NULL, scale integer NOT NULL);";

/* Schema 2: the bulletin store and the digests, with the SQLite ledger's
 * meaning (ledger/bulletins_db.c, ledger/digest.h), so that a hub's
 * bulletins survive the loss of its machine and a standby hub continues
 * the revisions. bigint where SQLite says INTEGER, bytea for BLOB. */
static const char PG_V2[] =
    "CREATE TABLE bulletin(province text NOT NULL, period bigint NOT NULL,"
    " revision bigint NOT NULL, issued_at bigint NOT NULL,"
    " upto_entry bigint NOT NULL, payload bytea NOT NULL,"
    " digest bytea NOT NULL,"
    " origin text NOT NULL CHECK (origin IN ('own', 'peer')),"
    " signer text NOT NULL, stored_at bigint NOT NULL, sent_at bigint,"
    " acked_at bigint, PRIMARY KEY(province, period, revision));"
    "CREATE TABLE bulletin_signer(signer text NOT NULL,"
    " public_key bytea NOT NULL, province text NOT NULL,"
    " origin text NOT NULL, first_seen bigint NOT NULL,"
    " PRIMARY KEY(signer, public_key));"
    "CREATE TABLE digest_block(upto bigint PRIMARY KEY,"
    " digest bytea NOT NULL, entries bigint NOT NULL);";

/* Schema 3: the project pool (ledger/pool.h), with the SQLite ledger's
 * meaning (ledger/ledger.c, its schema 2): project as it stands after its
 * newest event, project_event every event merged, id in commit order. */
static const char PG_V3[] =
    "CREATE TABLE project(id text PRIMARY KEY, node text NOT NULL,"
    " unit text NOT NULL, area text NOT NULL, stage integer NOT NULL,"
    " planned bigint NOT NULL, aid_planned bigint NOT NULL,"
    " invested bigint NOT NULL, aid_disbursed bigint NOT NULL,"
    " poor_lifted bigint NOT NULL, poor_jobs bigint NOT NULL,"
    " stage_date bigint NOT NULL, updated_seq bigint NOT NULL,"
    " state bytea NOT NULL);"
    "CREATE INDEX project_unit ON project(unit);"
    "CREATE TABLE project_event(id bigserial PRIMARY KEY,"
    " node text NOT NULL, seq bigint NOT NULL, project text NOT NULL,"
    " kind integer NOT NULL, period bigint NOT NULL,"
    " recorded_by text NOT NULL, recorded_at bigint NOT NULL,"
    " received_at bigint NOT NULL, d_invested bigint NOT NULL,"
    " d_disbursed bigint NOT NULL, state bytea NOT NULL,"
    " UNIQUE(node, seq));"
    "CREATE INDEX project_event_of ON project_event(project, id);"
    "CREATE INDEX project_event_month ON project_event(period);";

/* Schema 4: the review of months and the reminders (ledger/review.h),
 * with the SQLite ledger's meaning (ledger/ledger.c, its schema 3):
 * entry.confirmed the data-quality warnings the recorder confirmed ("" for
 * none and for entries of an older release), review_event every step of a
 * unit's month, append-only, id in commit order (what ReviewNotice
 * carries), reminder one per unit, month and reason ever. */
static const char PG_V4[] =
    "ALTER TABLE entry ADD COLUMN confirmed text NOT NULL DEFAULT '';"
    "CREATE TABLE review_event(id bigserial PRIMARY KEY,"
    " unit text NOT NULL, period bigint NOT NULL, kind integer NOT NULL,"
    " by text NOT NULL, at bigint NOT NULL, reason text NOT NULL,"
    " node text NOT NULL, seq bigint);"
    "CREATE INDEX review_event_month ON review_event(unit, period, id);"
    "CREATE TABLE reminder(unit text NOT NULL, period bigint NOT NULL,"
    " reason text NOT NULL, at bigint NOT NULL,"
    " hooked integer NOT NULL DEFAULT 0,"
    " PRIMARY KEY(unit, period, reason));";

/* Schema 5: entry_month becomes entry_period, as the SQLite ledger's
 * schema 5 (ledger/ledger.c): a month's entries in id order, so that a
 * group of entries from many nodes writes at the end of each month's
 * range instead of a page per unit, indicator and month. */
static const char PG_V5[] =
    "DROP INDEX IF EXISTS entry_month;"
    "CREATE INDEX entry_period ON entry(period, id)"
    " INCLUDE (unit, indicator, received_at, amount, prev_amount);";

static const char *const MIGRATIONS[] = {PG_V1, PG_V2, PG_V3, PG_V4, PG_V5};

_Static_assert(sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]) == LEDGER_PG_SCHEMA,
               "LEDGER_PG_SCHEMA is the last migration's version");

/* The mark of a writer's session, an advisory lock that every writer
 * holds in shared mode (fence()): "luyw" in ASCII, beside the active
 * lock's "luyu" (ledger/pg_lock.c). */
#define WRITER_LOCK 0x6c757977

/* How long a new active hub waits for the sessions it ended to go. */
#define FENCE_POLL_MS 100
#define FENCE_MAX_MS 30000

/* Statements queued in pipeline mode before the results are read, so
 * that neither side's socket buffer fills while the other waits. */
#define PIPELINE_MAX 512

/* Original entries (not corrections) wait in columns, one text array
 * per field, and go to the server as one statement of at most this many
 * rows: per-entry statements cost a parse and a plan each. The batch is
 * sent as soon as it is full, while the hub goes on decoding, so that
 * the server inserts one batch while the hub prepares the next; a
 * smaller batch overlaps more, a larger one costs fewer statements. */
#define BATCH_MAX 1000

/* The batch's columns, in the order of Q_BATCH's parameters. */
enum {
    C_NODE,
    C_SEQ,
    C_UNIT,
    C_INDICATOR,
    C_PERIOD,
    C_AMOUNT,
    C_NOTE,
    C_BY,
    C_AT,
    C_CONFIRMED,
    C_COUNT,
};

enum {
    Q_BATCH,
    Q_INSERT,
    Q_HWM_SET,
    Q_REJECT,
    Q_TARGET,
    Q_CHAIN,
    Q_REJECTS,
    Q_COUNT,
};

static const char *const SQL[Q_COUNT] = {
    /* A batch of originals: the entries in their order and every balance
     * they touch moved once. An original gets no chain row: until it is
     * corrected, its chain is itself (Q_CHAIN). The columns come as text
     * arrays for unnest(): no JSON to escape here or to parse there. */
    [Q_BATCH] =
        "WITH x AS (SELECT * FROM unnest($1::text[], $2::bigint[],"
        " $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[],"
        " $8::text[], $9::bigint[], $10::text[]) WITH ORDINALITY AS x(n, s,"
        " u, i, p, a, t, b, r, c, o)),"
        " e AS (INSERT INTO entry(node, seq, unit, indicator, period, amount,"
        " note, recorded_by, recorded_at, confirmed, received_at, term)"
        " SELECT n, s, u, i, p, a, t, b, r, c, $11::bigint, $12::bigint"
        " FROM x ORDER BY o)"
        " INSERT INTO balance(unit, indicator, period, amount, entries)"
        " SELECT u, i, p, sum(a), count(*) FROM x GROUP BY u, i, p"
        " ON CONFLICT (unit, indicator, period) DO UPDATE SET"
        " amount = balance.amount + excluded.amount,"
        " entries = balance.entries + excluded.entries",
    /* One statement per entry: the entry, its chain when it is a
     * correction (the chain's row, made at its first correction, gets the
     * correction as its latest) and the balance. */
    [Q_INSERT] =
        "WITH e AS (INSERT INTO entry(node, seq, unit, indicator, period,"
        " amount, note, recorded_by, recorded_at, corrects, root,"
        " prev_amount, received_at, term, confirmed) VALUES ($1, $2::bigint,"
        " $3, $4, $5::bigint, $6::bigint, $7, $8, $9::bigint, $10::bigint,"
        " $11::bigint, $12::bigint, $13::bigint, $14::bigint, $15)"
        " RETURNING id),"
        " c AS (INSERT INTO chain(root, amount, latest) SELECT $11::bigint,"
        " $6::bigint, id FROM e WHERE $11::bigint IS NOT NULL"
        " ON CONFLICT (root) DO UPDATE SET amount = excluded.amount,"
        " latest = excluded.latest)"
        " INSERT INTO balance(unit, indicator, period, amount, entries)"
        " VALUES ($3, $4, $5::bigint, $6::bigint - coalesce($12::bigint, 0),"
        " 1) ON CONFLICT (unit, indicator, period) DO UPDATE SET"
        " amount = balance.amount + excluded.amount,"
        " entries = balance.entries + 1",
    [Q_HWM_SET] =
        "INSERT INTO node(id, hwm, first_seen, last_seen, entries, rejects)"
        " VALUES ($1, $2::bigint, $3::bigint, $3::bigint, $4::bigint,"
        " $5::bigint) ON CONFLICT (id) DO UPDATE SET"
        " hwm = greatest(node.hwm, excluded.hwm),"
        " last_seen = excluded.last_seen,"
        " entries = node.entries + excluded.entries,"
        " rejects = node.rejects + excluded.rejects",
    [Q_REJECT] = "INSERT INTO reject(node, seq, unit, indicator, period,"
                 " amount, reason, at) VALUES ($1, $2::bigint, $3, $4,"
                 " $5::bigint, $6::bigint, $7, $8::bigint)"
                 " ON CONFLICT DO NOTHING",
    [Q_TARGET] = "SELECT id, coalesce(root, id), unit, indicator, period"
                 " FROM entry WHERE node = $1 AND seq = $2::bigint",
    /* A chain without a row is an original never corrected: its figure
     * is the entry's. (Ledgers written before issue 20's speed-up have a
     * row for every original; both read the same.) */
    [Q_CHAIN] = "SELECT coalesce((SELECT amount FROM chain WHERE root ="
                " $1::bigint), (SELECT amount FROM entry WHERE id ="
                " $1::bigint))",
    [Q_REJECTS] = "SELECT seq, reason FROM reject WHERE node = $1"
                  " AND seq >= $2::bigint AND seq <= $3::bigint"
                  " ORDER BY seq LIMIT $4::bigint",
};

struct hwm {
    char node[LU_MAX_NAME + 1];
    uint64_t committed, current;
};

struct ledger_pg {
    struct ledger_pg_lock *lock; /* the active lock's own session */
    PGconn *conn;                /* the writer's session */
    int64_t term;
    bool in_pipeline;
    int queued;  /* statements sent and not yet read */
    bool failed; /* a queued statement failed: the txn can only roll back */
    struct hwm *hwms;
    size_t n_hwms;
    struct lu_buf batch[C_COUNT]; /* originals not sent yet: "{a,b" */
    int n_batch;
    const char *freeze; /* LUYU_TEST_PG_FREEZE, or NULL */
};

static int enqueue(struct ledger_pg *pg, const char *sql, int n,
                   const char *const *v);
static int conn_errno(struct ledger_pg *pg);

/* The test hook of faults/11-failover: while the file that
 * LUYU_TEST_PG_FREEZE names exists, the hub stops itself (SIGSTOP) right
 * after it sent a batch inside a transaction and before the Sync, the
 * state in which a frozen hub's session escapes every idle timeout of the
 * server (DECISIONS.md, "A frozen hub cannot keep the standby out"). */
static void test_freeze(const struct ledger_pg *pg)
{
    if (pg->freeze == NULL || access(pg->freeze, F_OK) != 0)
        return;
    lu_notice("test: stopping in the middle of a transaction "
              "(LUYU_TEST_PG_FREEZE)");
    raise(SIGSTOP);
}

static void batch_reset(struct ledger_pg *pg)
{
    for (int k = 0; k < C_COUNT; k++) {
        lu_buf_free(&pg->batch[k]);
        lu_buf_init(&pg->batch[k]);
    }
    pg->n_batch = 0;
}

/* Appends a signed or an unsigned number to a column of the batch. */
static void batch_int(struct lu_buf *b, int64_t v)
{
    lu_buf_printf(b, b->len == 0 ? "{%" PRId64 : ",%" PRId64, v);
}

static void batch_uint(struct lu_buf *b, uint64_t v)
{
    lu_buf_printf(b, b->len == 0 ? "{%" PRIu64 : ",%" PRIu64, v);
}

/* Appends a string to a column as an array element: quoted, with the
 * array syntax's two escapes, so that any text (commas, braces, quotes,
 * "NULL") arrives as it was. */
static void batch_str(struct lu_buf *b, const char *s)
{
    lu_buf_adds(b, b->len == 0 ? "{\"" : ",\"");
    for (const char *p = s; *p != '\0'; p++) {
        size_t n = strcspn(p, "\"\\");

        lu_buf_add(b, p, n);
        p += n;
        if (*p == '\0')
            break;
        lu_buf_add(b, "\\", 1);
        lu_buf_add(b, p, 1);
    }
    lu_buf_add(b, "\"", 1);
}

/* Sends the waiting originals (in the pipeline, like any write), and
 * pushes them onto the socket at once: the server works on them while
 * the hub decodes what comes next. */
static int batch_flush(struct ledger_pg *pg)
{
    char now[24], term[24];
    const char *v[C_COUNT + 2];
    int r;

    if (pg->n_batch == 0)
        return 0;
    for (int k = 0; k < C_COUNT; k++) {
        lu_buf_add(&pg->batch[k], "}", 1);
        v[k] = pg->batch[k].data;
    }
    snprintf(now, sizeof(now), "%lld", (long long)lu_now_s());
    snprintf(term, sizeof(term), "%lld", (long long)pg->term);
    v[C_COUNT] = now;
    v[C_COUNT + 1] = term;
    r = enqueue(pg, SQL[Q_BATCH], C_COUNT + 2, v);
    if (r == 0 && pg->in_pipeline && PQflush(pg->conn) != 0) {
        lu_err("ledger: %s", PQerrorMessage(pg->conn));
        pg->failed = true;
        r = conn_errno(pg);
    }
    if (r == 0 && pg->in_pipeline && pg->queued > 0)
        test_freeze(pg);
    batch_reset(pg);
    return r;
}

static int conn_errno(struct ledger_pg *pg)
{
    return PQstatus(pg->conn) == CONNECTION_OK ? -EIO : -ENOTCONN;
}

/* Reads what the pipeline owes up to and including its sync. Keeps the
 * last tuples result in *last when last is not NULL (the caller clears
 * it). Returns 0, or negative when any statement failed. */
static int drain(struct ledger_pg *pg, PGresult **last)
{
    int r = 0;

    if (PQpipelineSync(pg->conn) != 1) {
        lu_err("ledger: %s", PQerrorMessage(pg->conn));
        pg->failed = true;
        return conn_errno(pg);
    }
    for (;;) {
        PGresult *res = PQgetResult(pg->conn);
        ExecStatusType st;

        if (res == NULL) {
            if (PQstatus(pg->conn) != CONNECTION_OK) {
                r = -ENOTCONN;
                break;
            }
            continue;
        }
        st = PQresultStatus(res);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            break;
        }
        if (st == PGRES_FATAL_ERROR && r == 0) {
            lu_err("ledger: %s", PQresultErrorMessage(res));
            r = conn_errno(pg);
        } else if (st == PGRES_PIPELINE_ABORTED && r == 0) {
            r = -EIO;
        }
        if (st == PGRES_TUPLES_OK && last != NULL) {
            PQclear(*last);
            *last = res;
        } else {
            PQclear(res);
        }
    }
    pg->queued = 0;
    if (r < 0)
        pg->failed = true;
    return r;
}

/* Runs a statement and returns its result (the caller PQclear()s it), or
 * NULL on failure, logged. Inside a transaction the statement joins the
 * pipeline, which is read up to it first. */
static PGresult *query(struct ledger_pg *pg, const char *sql, int n,
                       const char *const *v)
{
    PGresult *res = NULL;

    if (pg->in_pipeline) {
        /* What it reads may be among the waiting entries. */
        if (batch_flush(pg) < 0 || pg->failed)
            return NULL;
        if (PQsendQueryParams(pg->conn, sql, n, NULL, v, NULL, NULL, 0) != 1) {
            lu_err("ledger: %s", PQerrorMessage(pg->conn));
            pg->failed = true;
            return NULL;
        }
        if (drain(pg, &res) < 0) {
            PQclear(res);
            return NULL;
        }
        return res;
    }
    res = PQexecParams(pg->conn, sql, n, NULL, v, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK &&
        PQresultStatus(res) != PGRES_COMMAND_OK) {
        lu_err("ledger: %s", PQresultErrorMessage(res));
        PQclear(res);
        return NULL;
    }
    return res;
}

/* Runs a statement whose result nobody reads: queued in the pipeline
 * inside a transaction (its error, if any, fails the commit). */
static int enqueue(struct ledger_pg *pg, const char *sql, int n,
                   const char *const *v)
{
    PGresult *res;

    if (!pg->in_pipeline) {
        res = query(pg, sql, n, v);
        if (res == NULL)
            return conn_errno(pg);
        PQclear(res);
        return 0;
    }
    if (pg->failed)
        return -EIO;
    if (PQsendQueryParams(pg->conn, sql, n, NULL, v, NULL, NULL, 0) != 1) {
        lu_err("ledger: %s", PQerrorMessage(pg->conn));
        pg->failed = true;
        return conn_errno(pg);
    }
    if (++pg->queued >= PIPELINE_MAX)
        return drain(pg, NULL);
    return 0;
}

static int exec_sql(struct ledger_pg *pg, const char *sql)
{
    PGresult *res = PQexec(pg->conn, sql);
    int r = 0;

    if (PQresultStatus(res) != PGRES_COMMAND_OK &&
        PQresultStatus(res) != PGRES_TUPLES_OK) {
        lu_err("ledger: %s", PQresultErrorMessage(res));
        r = conn_errno(pg);
    }
    PQclear(res);
    return r;
}

/* The first column of the first row as text, copied into out. */
static int scalar(struct ledger_pg *pg, const char *sql, int n,
                  const char *const *v, char *out, size_t len)
{
    PGresult *res = query(pg, sql, n, v);
    int r = 1;

    if (res == NULL)
        return conn_errno(pg);
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
        snprintf(out, len, "%s", PQgetvalue(res, 0, 0));
        r = 0;
    }
    PQclear(res);
    return r;
}

static struct hwm *hwm_find(struct ledger_pg *pg, const char *node, bool create)
{
    for (size_t i = 0; i < pg->n_hwms; i++)
        if (strcmp(pg->hwms[i].node, node) == 0)
            return &pg->hwms[i];
    if (!create)
        return NULL;
    pg->hwms = lu_xrealloc(pg->hwms, (pg->n_hwms + 1) * sizeof(*pg->hwms));
    memset(&pg->hwms[pg->n_hwms], 0, sizeof(*pg->hwms));
    snprintf(pg->hwms[pg->n_hwms].node, sizeof(pg->hwms->node), "%s", node);
    return &pg->hwms[pg->n_hwms++];
}

/* The high-water marks, read once the lock is ours: from then on this
 * hub is the only writer, so its copy stays exact (and a batch needs no
 * round trip to learn where its node stands). */
static int load_hwms(struct ledger_pg *pg)
{
    PGresult *res = query(pg, "SELECT id, hwm FROM node", 0, NULL);

    if (res == NULL)
        return conn_errno(pg);
    for (int i = 0; i < PQntuples(res); i++) {
        struct hwm *h = hwm_find(pg, PQgetvalue(res, i, 0), true);

        h->committed = h->current = strtoull(PQgetvalue(res, i, 1), NULL, 10);
    }
    PQclear(res);
    return 0;
}

static int schema_version(struct ledger_pg *pg, int *version)
{
    char buf[32];
    int r = exec_sql(pg, "CREATE TABLE IF NOT EXISTS meta(key text PRIMARY KEY,"
                         " value text NOT NULL)");

    if (r == 0)
        r = scalar(pg, "SELECT value FROM meta WHERE key = 'schema'", 0, NULL,
                   buf, sizeof(buf));
    *version = r == 0 ? atoi(buf) : 0;
    return r < 0 ? r : 0;
}

/* Applies the steps after the database's version in one transaction, so
 * that a crash leaves the old schema or the new one, never a mix. */
static int migrate(struct ledger_pg *pg, char *err, size_t errlen)
{
    int version, r = schema_version(pg, &version);
    char v[16];
    const char *p[1] = {v};

    if (r < 0) {
        snprintf(err, errlen, "cannot read the ledger's schema: %s",
                 PQerrorMessage(pg->conn));
        return r;
    }
    if (version > LEDGER_PG_SCHEMA) {
        snprintf(err, errlen,
                 "the PostgreSQL ledger is schema %d; this luyu-hub knows "
                 "up to %d: upgrade luyu-hub",
                 version, LEDGER_PG_SCHEMA);
        return -EPROTO;
    }
    if (version == LEDGER_PG_SCHEMA)
        return 0;
    r = exec_sql(pg, "BEGIN");
    for (int k = version; r == 0 && k < LEDGER_PG_SCHEMA; k++)
        r = exec_sql(pg, MIGRATIONS[k]);
    snprintf(v, sizeof(v), "%d", LEDGER_PG_SCHEMA);
    if (r == 0)
        r = enqueue(pg,
                    "INSERT INTO meta VALUES ('schema', $1) ON CONFLICT (key)"
                    " DO UPDATE SET value = excluded.value",
                    1, p);
    if (r == 0)
        r = exec_sql(pg, "COMMIT");
    if (r < 0) {
        snprintf(err, errlen, "cannot migrate the ledger to schema %d: %s",
                 LEDGER_PG_SCHEMA, PQerrorMessage(pg->conn));
        PQclear(PQexec(pg->conn, "ROLLBACK"));
        return r;
    }
    lu_notice("ledger: PostgreSQL schema %d -> %d", version, LEDGER_PG_SCHEMA);
    return 0;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Ends every session of an earlier active hub that may still write:
 * each writer's session holds WRITER_LOCK in shared mode from the moment
 * it may write, and this hub holds the active lock, so any other holder
 * belongs to a hub that lost it (frozen, cut off, or still finishing a
 * transaction). Its transaction is rolled back and its row locks freed
 * before this hub reads or writes anything: a successful commit on a
 * marked session therefore always comes before the next hub's first
 * write. Ending a session needs the same role or pg_signal_backend. */
static int fence(struct ledger_pg *pg, char *err, size_t errlen)
{
    char sql[256], n[24];
    int r, ended = 0;

    snprintf(sql, sizeof(sql), "SELECT pg_advisory_lock_shared(%d)",
             WRITER_LOCK);
    r = exec_sql(pg, sql);
    snprintf(sql, sizeof(sql),
             "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE"
             " locktype = 'advisory' AND classid = 0 AND objid = %d AND"
             " objsubid = 1 AND pid <> pg_backend_pid()",
             WRITER_LOCK);
    for (int k = 0; r == 0; k++) {
        r = scalar(pg, sql, 0, NULL, n, sizeof(n));
        if (r != 0 || atoi(n) == 0)
            break;
        if (k == 0)
            ended = atoi(n);
        if (k * FENCE_POLL_MS >= FENCE_MAX_MS) {
            snprintf(err, errlen,
                     "%s sessions of the previous active hub do not end", n);
            return -ETIMEDOUT;
        }
        sleep_ms(FENCE_POLL_MS);
    }
    if (r != 0) {
        snprintf(err, errlen,
                 "cannot end the previous active hub's sessions: %s",
                 PQerrorMessage(pg->conn));
        err[strcspn(err, "\n")] = '\0'; /* libpq's DETAIL on a line */
        return r < 0 ? r : -EIO;
    }
    if (ended > 0)
        lu_notice("active: ended %d session(s) of the previous active hub",
                  ended);
    return 0;
}

/* Writes the lock's history: this hub's term, which every entry it
 * commits carries. */
static int record_term(struct ledger_pg *pg, const char *hub_id, char *err,
                       size_t errlen)
{
    char term[32], pid[16];
    const char *p[2] = {hub_id, pid};
    int r;

    r = exec_sql(pg, "CREATE TABLE IF NOT EXISTS hub_term(term bigserial"
                     " PRIMARY KEY, hub text NOT NULL, pid integer NOT NULL,"
                     " started_at timestamptz NOT NULL DEFAULT now())");
    snprintf(pid, sizeof(pid), "%d", (int)getpid());
    if (r == 0)
        r = scalar(pg,
                   "INSERT INTO hub_term(hub, pid) VALUES ($1,"
                   " $2::integer) RETURNING term",
                   2, p, term, sizeof(term));
    if (r != 0) {
        snprintf(err, errlen, "cannot record the active hub: %s",
                 PQerrorMessage(pg->conn));
        return r < 0 ? r : -EIO;
    }
    pg->term = strtoll(term, NULL, 10);
    lu_notice("active: this hub holds the ledger (term %lld)",
              (long long)pg->term);
    return 0;
}

int ledger_pg_check(const char *conninfo, char *err, size_t errlen)
{
    char *perr = NULL;
    PQconninfoOption *opts;

    if (ledger__pq_load(err, errlen) < 0)
        return -ENOENT;
    opts = PQconninfoParse(conninfo, &perr);
    if (opts == NULL) {
        snprintf(err, errlen, "ledger: not a PostgreSQL connection string: %s",
                 perr ? perr : "out of memory");
        err[strcspn(err, "\n")] = '\0';
        PQfreemem(perr);
        return -EINVAL;
    }
    PQconninfoFree(opts);
    return 0;
}

/* The writer's session: every write of this hub, under the lock held by
 * the lock's session (ledger/pg_lock.h). No idle_session_timeout: an idle
 * writer harms no one, and the next active hub ends it (fence()). */
static int connect_writer(struct ledger_pg *pg, const struct ledger_pg_conf *c,
                          char *err, size_t errlen)
{
    struct ledger__pg_session s = {.conninfo = c->conninfo,
                                   .purpose = "writer",
                                   .idle_ms = c->idle_timeout_ms,
                                   .idle_session = false};

    return ledger__pg_session_open(&s, &pg->conn, err, errlen);
}

int ledger_pg_open(const struct ledger_pg_conf *c, struct ledger_pg **out,
                   char *err, size_t errlen)
{
    struct ledger_pg *pg = lu_xcalloc(1, sizeof(*pg));
    int r;

    *out = NULL;
    r = ledger_pg_lock_open(c, &pg->lock, err, errlen);
    if (r == 0)
        r = ledger_pg_lock_take(pg->lock, c, err, errlen);
    if (r == 0)
        r = connect_writer(pg, c, err, errlen);
    if (r == 0)
        r = fence(pg, err, errlen);
    /* Our writer is marked: from here, a hub that takes the lock after us
     * ends it before it writes. The lock must still be ours after the
     * mark, or such a hub may have come and gone unseen. */
    if (r == 0 && (r = ledger_pg_lock_confirm(pg->lock)) < 0)
        snprintf(err, errlen, "lost the active lock while starting");
    if (r == 0)
        r = record_term(pg, c->hub_id, err, errlen);
    if (r == 0)
        r = migrate(pg, err, errlen);
    if (r == 0 && (r = load_hwms(pg)) < 0)
        snprintf(err, errlen, "ledger: cannot read the nodes: %s",
                 PQerrorMessage(pg->conn));
    if (r < 0) {
        ledger_pg_free(pg);
        return r;
    }
    batch_reset(pg);
    pg->freeze = getenv("LUYU_TEST_PG_FREEZE");
    *out = pg;
    return 0;
}

void ledger_pg_free(struct ledger_pg *pg)
{
    if (pg == NULL)
        return;
    if (pg->conn != NULL) /* NULL also when libpq could not be loaded */
        PQfinish(pg->conn);
    ledger_pg_lock_free(pg->lock); /* after the writer: frees the lock */
    for (int k = 0; k < C_COUNT; k++)
        lu_buf_free(&pg->batch[k]);
    free(pg->hwms);
    free(pg);
}

int ledger_pg_store_plan(struct ledger_pg *pg, const struct lu_plan *p)
{
    int r = exec_sql(pg, "BEGIN; DELETE FROM unit; DELETE FROM indicator");

    for (size_t k = 0; r == 0 && k < p->n_units; k++) {
        const char *v[3] = {p->units[k].code, p->units[k].name,
                            p->units[k].province};

        r = enqueue(pg, "INSERT INTO unit VALUES ($1, $2, $3)", 3, v);
    }
    for (size_t k = 0; r == 0 && k < p->n_indicators; k++) {
        const struct lu_plan_indicator *ind = &p->indicators[k];
        char scale[16];
        const char *v[4] = {ind->code, ind->name, ind->base_unit, scale};

        snprintf(scale, sizeof(scale), "%d", ind->scale);
        r = enqueue(pg,
                    "INSERT INTO indicator VALUES ($1, $2, $3,"
                    " $4::integer)",
                    4, v);
    }
    if (r == 0)
        return exec_sql(pg, "COMMIT");
    PQclear(PQexec(pg->conn, "ROLLBACK"));
    return r;
}

/* The sum of the balances; INT64_MAX when it is past it already (the
 * SQLite ledger's read_total explains why sums must stay exact). */
int ledger_pg_total(struct ledger_pg *pg, int64_t *total)
{
    char buf[64];
    int r = scalar(pg,
                   "SELECT CASE WHEN s > 9223372036854775807 THEN -1 ELSE s"
                   " END FROM (SELECT coalesce(sum(amount), 0) AS s FROM"
                   " balance) b",
                   0, NULL, buf, sizeof(buf));

    if (r != 0)
        return r < 0 ? r : -EIO;
    *total = strtoll(buf, NULL, 10);
    if (*total < 0)
        *total = INT64_MAX;
    return 0;
}

int ledger_pg_begin(struct ledger_pg *pg)
{
    if (PQstatus(pg->conn) != CONNECTION_OK)
        return -ENOTCONN;
    if (PQenterPipelineMode(pg->conn) != 1) {
        lu_err("ledger: %s", PQerrorMessage(pg->conn));
        return -EIO;
    }
    pg->in_pipeline = true;
    pg->failed = false;
    pg->queued = 0;
    return enqueue(pg, "BEGIN", 0, NULL);
}

static void leave_pipeline(struct ledger_pg *pg)
{
    if (pg->queued > 0)
        drain(pg, NULL);
    PQexitPipelineMode(pg->conn);
    pg->in_pipeline = false;
}

int ledger_pg_commit(struct ledger_pg *pg)
{
    int r = batch_flush(pg);

    if (r == 0)
        r = enqueue(pg, "COMMIT", 0, NULL);

    if (r == 0)
        r = drain(pg, NULL);
    if (r == 0 && PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
        r = -EIO; /* COMMIT of a failed transaction rolls it back */
    if (r < 0)
        return r; /* the caller rolls back, which leaves the pipeline */
    leave_pipeline(pg);
    for (size_t i = 0; i < pg->n_hwms; i++)
        pg->hwms[i].committed = pg->hwms[i].current;
    return 0;
}

void ledger_pg_rollback(struct ledger_pg *pg)
{
    batch_reset(pg);
    if (pg->in_pipeline)
        leave_pipeline(pg);
    if (PQstatus(pg->conn) == CONNECTION_OK &&
        PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
        PQclear(PQexec(pg->conn, "ROLLBACK"));
    for (size_t i = 0; i < pg->n_hwms; i++)
        pg->hwms[i].current = pg->hwms[i].committed;
}

int ledger_pg_hwm(struct ledger_pg *pg, const char *node, uint64_t *hwm)
{
    struct hwm *h = hwm_find(pg, node, false);

    *hwm = h ? h->current : 0;
    return 0;
}

int ledger_pg_set_hwm(struct ledger_pg *pg, const char *node, uint64_t hwm,
                      uint64_t merged, uint64_t rejected)
{
    char h[24], now[24], m[24], j[24];
    const char *v[5] = {node, h, now, m, j};
    struct hwm *c = hwm_find(pg, node, true);

    snprintf(h, sizeof(h), "%" PRIu64, hwm);
    snprintf(now, sizeof(now), "%lld", (long long)lu_now_s());
    snprintf(m, sizeof(m), "%" PRIu64, merged);
    snprintf(j, sizeof(j), "%" PRIu64, rejected);
    if (hwm > c->current)
        c->current = hwm;
    return enqueue(pg, SQL[Q_HWM_SET], 5, v);
}

int ledger_pg_reject(struct ledger_pg *pg, const char *node,
                     const Luyu__Entry *e, const char *reason)
{
    char seq[24], period[16], amount[24], at[24], text[LU_MAX_REASON];
    const char *v[8] = {node,   seq,    e->unit, e->indicator,
                        period, amount, text,    at};

    snprintf(seq, sizeof(seq), "%" PRIu64, e->seq);
    snprintf(period, sizeof(period), "%u", (unsigned)e->period);
    snprintf(amount, sizeof(amount), "%lld", (long long)e->amount);
    snprintf(at, sizeof(at), "%lld", (long long)lu_now_s());
    /* Stored, then sent in Ack and Welcome: valid UTF-8 whatever quoted. */
    snprintf(text, sizeof(text), "%s", reason);
    lu_utf8_fix(text);
    return enqueue(pg, SQL[Q_REJECT], 8, v);
}

int ledger_pg_target(struct ledger_pg *pg, const char *node, uint64_t seq,
                     int64_t *id, int64_t *root, char *unit, char *indicator,
                     uint32_t *period)
{
    char s[24];
    const char *v[2] = {node, s};
    PGresult *res;
    int r = 1;

    snprintf(s, sizeof(s), "%" PRIu64, seq);
    res = query(pg, SQL[Q_TARGET], 2, v);
    if (res == NULL)
        return conn_errno(pg);
    if (PQntuples(res) > 0) {
        *id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        *root = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
        snprintf(unit, LU_MAX_NAME + 1, "%s", PQgetvalue(res, 0, 2));
        snprintf(indicator, LU_MAX_NAME + 1, "%s", PQgetvalue(res, 0, 3));
        *period = (uint32_t)strtoul(PQgetvalue(res, 0, 4), NULL, 10);
        r = 0;
    }
    PQclear(res);
    return r;
}

int ledger_pg_chain(struct ledger_pg *pg, int64_t root, int64_t *amount)
{
    char s[24], buf[32];
    const char *v[1] = {s};
    int r;

    snprintf(s, sizeof(s), "%lld", (long long)root);
    r = scalar(pg, SQL[Q_CHAIN], 1, v, buf, sizeof(buf));
    if (r != 0)
        return r < 0 ? r : -EIO;
    *amount = strtoll(buf, NULL, 10);
    return 0;
}

int ledger_pg_insert(struct ledger_pg *pg, const char *node,
                     const Luyu__Entry *e, int64_t target, int64_t root,
                     int64_t prev)
{
    char seq[24], period[16], amount[24], rec_at[24], tg[24], rt[24], pv[24],
        now[24], term[24];
    const char *v[15] = {node,
                         seq,
                         e->unit,
                         e->indicator,
                         period,
                         amount,
                         e->note,
                         e->recorded_by,
                         rec_at,
                         target ? tg : NULL,
                         target ? rt : NULL,
                         target ? pv : NULL,
                         now,
                         term,
                         e->confirmed};

    int r;

    if (target == 0 && pg->in_pipeline) {
        struct lu_buf *b = pg->batch;

        batch_str(&b[C_NODE], node);
        batch_uint(&b[C_SEQ], e->seq);
        batch_str(&b[C_UNIT], e->unit);
        batch_str(&b[C_INDICATOR], e->indicator);
        batch_uint(&b[C_PERIOD], e->period);
        batch_int(&b[C_AMOUNT], e->amount);
        batch_str(&b[C_NOTE], e->note);
        batch_str(&b[C_BY], e->recorded_by);
        batch_int(&b[C_AT], e->recorded_at);
        batch_str(&b[C_CONFIRMED], e->confirmed);
        return ++pg->n_batch >= BATCH_MAX ? batch_flush(pg) : 0;
    }
    r = batch_flush(pg);
    if (r < 0)
        return r;
    snprintf(seq, sizeof(seq), "%" PRIu64, e->seq);
    snprintf(period, sizeof(period), "%u", (unsigned)e->period);
    snprintf(amount, sizeof(amount), "%lld", (long long)e->amount);
    snprintf(rec_at, sizeof(rec_at), "%lld", (long long)e->recorded_at);
    snprintf(tg, sizeof(tg), "%lld", (long long)target);
    snprintf(rt, sizeof(rt), "%lld", (long long)root);
    snprintf(pv, sizeof(pv), "%lld", (long long)prev);
    snprintf(now, sizeof(now), "%lld", (long long)lu_now_s());
    snprintf(term, sizeof(term), "%lld", (long long)pg->term);
    return enqueue(pg, SQL[Q_INSERT], 15, v);
}

struct nodes_cursor {
    PGresult *res;
    int row;
};

int ledger_pg_nodes(struct ledger_pg *pg, void **cursor,
                    struct ledger_node *row)
{
    struct nodes_cursor *c = *cursor;

    if (c == NULL) {
        PGresult *res = query(pg,
                              "SELECT id, hwm, entries, rejects, first_seen,"
                              " last_seen FROM node ORDER BY id",
                              0, NULL);

        if (res == NULL)
            return conn_errno(pg);
        c = lu_xcalloc(1, sizeof(*c));
        c->res = res;
        *cursor = c;
    }
    if (c->row < PQntuples(c->res)) {
        int i = c->row++;

        snprintf(row->node, sizeof(row->node), "%s", PQgetvalue(c->res, i, 0));
        row->hwm = strtoull(PQgetvalue(c->res, i, 1), NULL, 10);
        row->entries = strtoull(PQgetvalue(c->res, i, 2), NULL, 10);
        row->rejects = strtoull(PQgetvalue(c->res, i, 3), NULL, 10);
        row->first_seen = strtoll(PQgetvalue(c->res, i, 4), NULL, 10);
        row->last_seen = strtoll(PQgetvalue(c->res, i, 5), NULL, 10);
        return 1;
    }
    PQclear(c->res);
    free(c);
    *cursor = NULL;
    return 0;
}

int ledger_pg_rejects(struct ledger_pg *pg, const char *node, uint64_t from,
                      uint64_t to, size_t max, Luyu__Reject ***out, size_t *n)
{
    char f[24], t[24], m[24];
    const char *v[4] = {node, f, t, m};
    Luyu__Reject **rj = NULL;
    PGresult *res;
    int k;

    *out = NULL;
    *n = 0;
    snprintf(f, sizeof(f), "%" PRIu64, from);
    snprintf(t, sizeof(t), "%" PRIu64, to);
    snprintf(m, sizeof(m), "%zu", max);
    res = query(pg, SQL[Q_REJECTS], 4, v);
    if (res == NULL)
        return conn_errno(pg);
    for (k = 0; k < PQntuples(res); k++) {
        Luyu__Reject *r = lu_xmalloc(sizeof(*r));

        luyu__reject__init(r);
        r->seq = strtoull(PQgetvalue(res, k, 0), NULL, 10);
        r->reason = lu_xstrdup(PQgetvalue(res, k, 1));
        rj = lu_xrealloc(rj, (size_t)(k + 1) * sizeof(*rj));
        rj[k] = r;
    }
    PQclear(res);
    *out = rj;
    *n = (size_t)k;
    return 0;
}

uint32_t ledger_pg_began(struct ledger_pg *pg)
{
    char buf[16];
    const char *v[1] = {buf};
    time_t t = (time_t)lu_now_s();
    struct tm tm;

    if (scalar(pg, "SELECT value FROM meta WHERE key = 'began'", 0, NULL, buf,
               sizeof(buf)) == 0)
        return (uint32_t)strtoul(buf, NULL, 10);
    gmtime_r(&t, &tm);
    snprintf(buf, sizeof(buf), "%d", (tm.tm_year + 1900) * 100 + tm.tm_mon + 1);
    enqueue(pg, "INSERT INTO meta VALUES ('began', $1) ON CONFLICT DO NOTHING",
            1, v);
    return (uint32_t)strtoul(buf, NULL, 10);
}

int ledger_pg_keepalive(struct ledger_pg *pg, struct ledger_pg_repl *rp)
{
    if (rp != NULL)
        rp->term = pg->term;
    /* The writer's session lost (ended by another hub, by an operator, or
     * by the server) shows at its next statement; the hub stops too. */
    if (PQstatus(pg->conn) != CONNECTION_OK)
        return -ENOTCONN;
    return ledger_pg_lock_state(pg->lock, rp);
}

struct pg_conn *ledger_pg_conn(struct ledger_pg *pg)
{
    return pg->conn;
}

bool ledger_pg_busy(const struct ledger_pg *pg)
{
    return pg->in_pipeline;
}

int ledger_pg_txn_exec(struct ledger_pg *pg, const char *sql, int n,
                       const char *const *v, const int *lens, const int *fmts,
                       struct pg_result **out)
{
    PGresult *last = NULL;
    int r;

    *out = NULL;
    /* What it reads may be among the waiting entries. */
    if (batch_flush(pg) < 0 || pg->failed)
        return conn_errno(pg);
    if (PQsendQueryParams(pg->conn, sql, n, NULL, v, lens, fmts, 0) != 1) {
        lu_err("ledger: %s", PQerrorMessage(pg->conn));
        pg->failed = true;
        return conn_errno(pg);
    }
    r = drain(pg, &last);
    if (r < 0) {
        PQclear(last);
        return r;
    }
    *out = last;
    return 0;
}
