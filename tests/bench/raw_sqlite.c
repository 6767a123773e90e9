/* luyu-rawsqlite: the physical limit of the hub's ledger on this disk. It
 * writes the same rows as luyu-loadgen (tests/bench/benchgen.h) into the
 * same schema (created by ledger_open, so WAL and synchronous=FULL as
 * in the hub) with no network and no protobuf, in transactions of --txn
 * entries:
 *
 *   raw     per entry exactly the SQL the hub runs for an original entry
 *           (INSERT entry, balance upsert), per batch the
 *           node's high-water mark read and upsert; nothing else. This is
 *           raw_sqlite_eps.
 *   merge   the hub's own code path, ledger_merge() per entry (plan
 *           checks, province check, the same statements) and
 *           ledger_set_hwm() per batch: tells the cost of the hub's
 *           checks apart from the cost of SQLite.
 *
 * Tuning knobs, to measure what a change to the hub would buy (defaults are
 * the hub's settings): --cache-kib N (PRAGMA cache_size=-N), --autocheckpoint
 * PAGES (PRAGMA wal_autocheckpoint), --memstatus 0 (SQLite's allocator
 * without its global mutex), --chain 1 (a chain row for each original, as
 * the hub wrote before ledger schema 4: raw mode only), --synchronous
 * normal (commits without an fsync, as the hub's intake groups commit now
 * that a thread syncs the WAL: tells what a group's size costs without the
 * fsync's wait).
 *
 * Prints one JSON object on stdout. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchgen.h"
#include "codec.h"
#include "ledger.h"
#include "log.h"
#include "plan.h"
#include "store.h"
#include "xmalloc.h"

/* The hub's statements (ledger/ledger.c), for the original-entry path. */
static const char *const RAW_SQL[] = {
    "INSERT INTO entry(node, seq, unit, indicator, period, amount, note,"
    " recorded_by, recorded_at, corrects, root, prev_amount, received_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO chain(root, amount, latest) VALUES (?,?,?)",
    "INSERT INTO balance(unit, indicator, period, amount, entries)"
    " VALUES (?,?,?,?,1) ON CONFLICT DO UPDATE SET"
    " amount = amount + excluded.amount, entries = entries + 1",
    "SELECT hwm FROM node WHERE id = ?",
    "INSERT INTO node(id, hwm, first_seen, last_seen, entries, rejects)"
    " VALUES (?1, ?2, ?3, ?3, ?4, 0) ON CONFLICT DO UPDATE SET"
    " hwm = max(hwm, ?2), last_seen = ?3, entries = entries + ?4",
};

enum { S_ENTRY, S_CHAIN, S_BALANCE, S_HWM_GET, S_HWM_SET, S_COUNT };

struct opts {
    const char *dir, *plan, *province, *mode;
    unsigned nodes, batch;
    uint64_t entries, txn;
    long cache_kib, autocheckpoint; /* 0: SQLite's default, as the hub */
    int memstatus, chain;
    const char *synchronous; /* NULL: the hub's FULL */
};

struct raw {
    sqlite3 *db;
    sqlite3_stmt *st[S_COUNT];
    int64_t now;
    int chain;
};

static int step(sqlite3 *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "rawsqlite: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

static int raw_entry(struct raw *w, const char *node, const Luyu__Entry *e)
{
    sqlite3_stmt *ins = w->st[S_ENTRY], *ch = w->st[S_CHAIN],
                 *bal = w->st[S_BALANCE];
    int64_t id;

    sqlite3_bind_text(ins, 1, node, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 2, (int64_t)e->seq);
    sqlite3_bind_text(ins, 3, e->unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, e->indicator, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 5, e->period);
    sqlite3_bind_int64(ins, 6, e->amount);
    sqlite3_bind_text(ins, 7, e->note, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 8, e->recorded_by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 9, e->recorded_at);
    sqlite3_bind_null(ins, 10);
    sqlite3_bind_null(ins, 11);
    sqlite3_bind_null(ins, 12);
    sqlite3_bind_int64(ins, 13, w->now);
    if (step(w->db, ins) < 0)
        return -1;
    id = sqlite3_last_insert_rowid(w->db);
    sqlite3_bind_int64(ch, 1, id);
    sqlite3_bind_int64(ch, 2, e->amount);
    sqlite3_bind_int64(ch, 3, id);
    if (w->chain && step(w->db, ch) < 0)
        return -1;
    sqlite3_bind_text(bal, 1, e->unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(bal, 2, e->indicator, -1, SQLITE_STATIC);
    sqlite3_bind_int64(bal, 3, e->period);
    sqlite3_bind_int64(bal, 4, e->amount);
    return step(w->db, bal);
}

static int raw_hwm(struct raw *w, const char *node, uint64_t hwm, uint64_t n)
{
    sqlite3_stmt *g = w->st[S_HWM_GET], *s = w->st[S_HWM_SET];

    sqlite3_bind_text(g, 1, node, -1, SQLITE_STATIC);
    if (step(w->db, g) < 0)
        return -1;
    sqlite3_bind_text(s, 1, node, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (int64_t)hwm);
    sqlite3_bind_int64(s, 3, w->now);
    sqlite3_bind_int64(s, 4, (int64_t)n);
    return step(w->db, s);
}

/* One node's batch of n entries from seq first, by either path. */
static int write_batch(const struct opts *o, struct bench_gen *g,
                       struct ledger *l, struct raw *w, unsigned node,
                       uint64_t first, uint64_t n)
{
    char id[LU_MAX_NAME + 1], note[96], reason[LU_MAX_REASON];
    bool merge = strcmp(o->mode, "merge") == 0;
    uint64_t hwm;
    int r = 0;

    bench_gen_node_id("bench", node, id, sizeof(id));
    if (merge)
        r = ledger_hwm(l, id, &hwm);
    for (uint64_t i = 0; r == 0 && i < n; i++) {
        Luyu__Entry e;

        bench_gen_entry(g, node, first + i, &e, note, sizeof(note));
        r = merge ? ledger_merge(l, id, &e, reason, sizeof(reason))
                  : raw_entry(w, id, &e);
        if (r > 0) {
            fprintf(stderr, "rawsqlite: refused: %s\n", reason);
            r = -1;
        }
    }
    if (r == 0)
        r = merge ? ledger_set_hwm(l, id, first + n - 1, n, 0)
                  : raw_hwm(w, id, first + n - 1, n);
    return r < 0 ? -1 : 0;
}

/* Round robin over the nodes, a batch each, committing every txn entries:
 * the order in which the hub sees them. */
static int fill(const struct opts *o, struct bench_gen *g, struct ledger *l,
                struct raw *w, uint64_t *commits)
{
    uint64_t per = o->entries / o->nodes, in_txn = 0;
    int r = 0;

    for (uint64_t first = 1; r == 0 && first <= per; first += o->batch) {
        uint64_t n = per - first + 1 < o->batch ? per - first + 1 : o->batch;

        for (unsigned k = 0; r == 0 && k < o->nodes; k++) {
            if (in_txn == 0)
                r = ledger_begin(l);
            if (r == 0)
                r = write_batch(o, g, l, w, k, first, n);
            in_txn += n;
            if (r == 0 && in_txn >= o->txn) {
                r = ledger_commit(l);
                in_txn = 0;
                (*commits)++;
            }
        }
    }
    if (r == 0 && in_txn > 0) {
        r = ledger_commit(l);
        (*commits)++;
    }
    return r;
}

static int tune(const struct opts *o, sqlite3 *db)
{
    char sql[128];
    int r = 0;

    if (o->cache_kib > 0) {
        snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%ld", o->cache_kib);
        r = lu_store_exec(db, sql);
    }
    if (r == 0 && o->autocheckpoint > 0) {
        snprintf(sql, sizeof(sql), "PRAGMA wal_autocheckpoint=%ld",
                 o->autocheckpoint);
        r = lu_store_exec(db, sql);
    }
    if (r == 0 && o->synchronous != NULL) {
        snprintf(sql, sizeof(sql), "PRAGMA synchronous=%s", o->synchronous);
        r = lu_store_exec(db, sql);
    }
    return r;
}

static int run(const struct opts *o)
{
    struct bench_gen g;
    struct ledger *l = NULL;
    struct raw w = {.now = 0};
    uint64_t t0, commits = 0;
    double secs;
    char err[1024];
    int r;

    r = bench_gen_init(&g, o->plan, o->province, err, sizeof(err));
    if (r == 0)
        r = ledger_open(o->dir, g.plan, o->province, &l, err, sizeof(err));
    if (r < 0) {
        fprintf(stderr, "rawsqlite: %s\n", err);
        goto out;
    }
    w.db = ledger_db(l);
    w.now = g.recorded_at;
    w.chain = o->chain;
    r = tune(o, w.db);
    for (int k = 0; r == 0 && k < S_COUNT; k++)
        r = lu_store_prepare(w.db, RAW_SQL[k], &w.st[k]);
    t0 = bench_now_ns();
    if (r == 0)
        r = fill(o, &g, l, &w, &commits);
    secs = (double)(bench_now_ns() - t0) / 1e9;
    if (r == 0) {
        uint64_t n = o->entries / o->nodes * o->nodes;

        printf("{\"mode\":\"%s\",\"txn\":%" PRIu64 ",\"nodes\":%u,"
               "\"entries\":%" PRIu64 ",\"commits\":%" PRIu64
               ",\"seconds\":%.3f,\"eps\":%.0f,\"cache_kib\":%ld,"
               "\"autocheckpoint\":%ld,\"memstatus\":%d,\"chain\":%d}\n",
               o->mode, o->txn, o->nodes, n, commits, secs, (double)n / secs,
               o->cache_kib, o->autocheckpoint, o->memstatus, o->chain);
    } else {
        ledger_rollback(l);
    }
    for (int k = 0; k < S_COUNT; k++)
        sqlite3_finalize(w.st[k]);
out:
    ledger_free(l);
    bench_gen_close(&g);
    return r;
}

int main(int argc, char **argv)
{
    struct opts o = {.plan = lu_plan_default_path(),
                     .province = "CQ",
                     .mode = "raw",
                     .nodes = 100,
                     .batch = 500,
                     .entries = 100000,
                     .txn = 20000,
                     .memstatus = 1,
                     .chain = 0};

    lu_log_set_ident("luyu-rawsqlite");
    lu_log_level = LU_LOG_WARNING;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];

        if (strcmp(k, "--dir") == 0)
            o.dir = v;
        else if (strcmp(k, "--plan") == 0)
            o.plan = v;
        else if (strcmp(k, "--province") == 0)
            o.province = v;
        else if (strcmp(k, "--mode") == 0)
            o.mode = v;
        else if (strcmp(k, "--nodes") == 0)
            o.nodes = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(k, "--batch") == 0)
            o.batch = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(k, "--entries") == 0)
            o.entries = strtoull(v, NULL, 10);
        else if (strcmp(k, "--txn") == 0)
            o.txn = strtoull(v, NULL, 10);
        else if (strcmp(k, "--cache-kib") == 0)
            o.cache_kib = strtol(v, NULL, 10);
        else if (strcmp(k, "--autocheckpoint") == 0)
            o.autocheckpoint = strtol(v, NULL, 10);
        else if (strcmp(k, "--memstatus") == 0)
            o.memstatus = atoi(v);
        else if (strcmp(k, "--chain") == 0)
            o.chain = atoi(v);
        else if (strcmp(k, "--synchronous") == 0)
            o.synchronous = v;
        else
            o.dir = NULL;
    }
    if (o.dir == NULL || o.nodes == 0 || o.batch == 0 || o.txn == 0 ||
        o.entries < o.nodes ||
        (strcmp(o.mode, "raw") != 0 && strcmp(o.mode, "merge") != 0)) {
        fputs("usage: luyu-rawsqlite --dir DIR [--mode raw|merge] [--nodes N]"
              " [--entries M]\n       [--batch B] [--txn T] [--plan FILE]"
              " [--province CQ]\n       [--cache-kib N] [--autocheckpoint P]"
              " [--memstatus 0|1] [--chain 0|1]\n",
              stderr);
        return 2;
    }
    /* Before SQLite initializes: memory statistics cost a global mutex
     * on every allocation. */
    if (!o.memstatus)
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return run(&o) < 0 ? 1 : 0;
}
