#include "outbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

/* The outbox schema. One row per accepted entry; rows are never deleted.
 *   seq        the entry's seq (entry id is node_id/seq); AUTOINCREMENT so
 *              that a seq is never reused, even after the newest row is
 *              somehow removed
 *   state      0 pending, 1 acknowledged by the hub, 2 rejected for good
 *   reason     the hub's reason for a reject
 *   done_at    unix seconds of the ack or reject
 * The partial index keeps "what is still pending" cheap to find when most
 * of a long history is acknowledged. */
static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS outbox("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " unit TEXT NOT NULL, indicator TEXT NOT NULL,"
    " period INTEGER NOT NULL, amount INTEGER NOT NULL,"
    " note TEXT NOT NULL, recorded_by TEXT NOT NULL,"
    " recorded_at INTEGER NOT NULL, corrects TEXT NOT NULL DEFAULT '',"
    " state INTEGER NOT NULL DEFAULT 0, reason TEXT, done_at INTEGER);"
    "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(seq)"
    " WHERE state = 0;"
    "CREATE INDEX IF NOT EXISTS outbox_rejected ON outbox(seq)"
    " WHERE state = 2;"
    /* One row per keyed import (luyuctl import), committed with its
     * entries: seqs first_seq .. first_seq + n - 1. */
    "CREATE TABLE IF NOT EXISTS import(key BLOB PRIMARY KEY,"
    " first_seq INTEGER NOT NULL, n INTEGER NOT NULL, at INTEGER NOT NULL,"
    " recorded_by TEXT NOT NULL) WITHOUT ROWID;";

struct node_outbox {
    sqlite3 *db;
    sqlite3_stmt *insert;
    sqlite3_stmt *read;
    sqlite3_stmt *ack;
    sqlite3_stmt *reject;
    struct node_outbox_stats st;
    uint64_t first_pending;
};

static int load_stats(struct node_outbox *ob)
{
    sqlite3_stmt *st = NULL;
    int r;

    /* One pass and no sort: GROUP BY state would sort the whole outbox in
     * a temporary b-tree (on a long history a megabyte of memory, then
     * temporary files) to produce three rows. */
    r = lu_store_prepare(ob->db,
                         /* states: NODE_PENDING, _ACKED, _REJECTED */
                         "SELECT count(*) FILTER (WHERE state = 0),"
                         " count(*) FILTER (WHERE state = 1),"
                         " count(*) FILTER (WHERE state = 2),"
                         " max(done_at) FROM outbox",
                         &st);
    if (r < 0 || (r = sqlite3_step(st)) != SQLITE_ROW) {
        r = r < 0 ? r : lu_store_errno(r);
        goto out;
    }
    ob->st.pending = (uint64_t)sqlite3_column_int64(st, 0);
    ob->st.acknowledged = (uint64_t)sqlite3_column_int64(st, 1);
    ob->st.rejected = (uint64_t)sqlite3_column_int64(st, 2);
    ob->st.last_ack_s = sqlite3_column_int64(st, 3);
    sqlite3_finalize(st);
    st = NULL;
    r = lu_store_prepare(ob->db,
                         "SELECT (SELECT ifnull(max(seq), 0) FROM outbox),"
                         " (SELECT min(seq) FROM outbox WHERE state = 0)",
                         &st);
    if (r < 0 || (r = sqlite3_step(st)) != SQLITE_ROW) {
        r = r < 0 ? r : lu_store_errno(r);
        goto out;
    }
    ob->st.last_seq = (uint64_t)sqlite3_column_int64(st, 0);
    if (sqlite3_column_type(st, 1) == SQLITE_NULL)
        ob->first_pending = ob->st.last_seq + 1;
    else
        ob->first_pending = (uint64_t)sqlite3_column_int64(st, 1);
    r = 0;
out:
    sqlite3_finalize(st);
    return r;
}

int node_outbox_open(const char *state_dir, const char *node_id,
                     struct node_outbox **out, char *err, size_t errlen)
{
    struct node_outbox *ob = lu_xcalloc(1, sizeof(*ob));
    char path[4096], have[128];
    int r;

    *out = NULL;
    snprintf(path, sizeof(path), "%s/outbox.db", state_dir);
    r = lu_store_open(path, "outbox", LU_STORE_CREATE | LU_STORE_SMALL, &ob->db,
                      err, errlen);
    if (r < 0)
        goto fail;
    r = lu_store_exec(ob->db, SCHEMA);
    if (r < 0) {
        snprintf(err, errlen, "%s: cannot create schema: %s", path,
                 sqlite3_errmsg(ob->db));
        goto fail;
    }
    r = lu_store_meta_get(ob->db, "node_id", have, sizeof(have));
    if (r == -ENOENT) {
        r = lu_store_meta_set(ob->db, "node_id", node_id);
    } else if (r == 0 && strcmp(have, node_id) != 0) {
        snprintf(err, errlen, "%s belongs to node \"%s\", not \"%s\"", path,
                 have, node_id);
        r = -EINVAL;
    }
    if (r < 0) {
        if (err[0] == '\0')
            snprintf(err, errlen, "%s: cannot read meta", path);
        goto fail;
    }
    r = lu_store_prepare(ob->db,
                         "INSERT INTO outbox(unit, indicator, period, amount,"
                         " note, recorded_by, recorded_at, corrects)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         &ob->insert);
    if (r == 0)
        r = lu_store_prepare(ob->db,
                             "SELECT seq, unit, indicator, period, amount,"
                             " note, recorded_by, recorded_at, corrects"
                             " FROM outbox WHERE seq >= ? ORDER BY seq"
                             " LIMIT ?",
                             &ob->read);
    if (r == 0)
        r = lu_store_prepare(ob->db,
                             "UPDATE outbox SET state = 1, done_at = ?"
                             " WHERE seq >= ? AND seq <= ? AND state = 0",
                             &ob->ack);
    if (r == 0)
        r = lu_store_prepare(ob->db,
                             "UPDATE outbox SET state = 2, reason = ?,"
                             " done_at = ? WHERE seq = ? AND state = 0",
                             &ob->reject);
    if (r == 0)
        r = load_stats(ob);
    if (r < 0) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(ob->db));
        goto fail;
    }
    *out = ob;
    return 0;
fail:
    node_outbox_free(ob);
    return r;
}

void node_outbox_free(struct node_outbox *ob)
{
    if (ob == NULL)
        return;
    sqlite3_finalize(ob->insert);
    sqlite3_finalize(ob->read);
    sqlite3_finalize(ob->ack);
    sqlite3_finalize(ob->reject);
    lu_store_close(ob->db);
    free(ob);
}

static int step_done(sqlite3 *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        lu_err("outbox: %s", sqlite3_errmsg(db));
        return lu_store_errno(rc);
    }
    return 0;
}

int node_outbox_import_find(struct node_outbox *ob,
                            struct node_outbox_import *im)
{
    sqlite3_stmt *st = NULL;
    int r = lu_store_prepare(ob->db,
                             "SELECT first_seq, n, at, recorded_by FROM import"
                             " WHERE key = ?",
                             &st);

    if (r < 0)
        return r;
    sqlite3_bind_blob(st, 1, im->key, NODE_IMPORT_KEY_LEN, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        im->first_seq = (uint64_t)sqlite3_column_int64(st, 0);
        im->n = (uint64_t)sqlite3_column_int64(st, 1);
        im->at = sqlite3_column_int64(st, 2);
        snprintf(im->by, sizeof(im->by), "%s",
                 (const char *)sqlite3_column_text(st, 3));
        r = 1;
    } else {
        r = r == SQLITE_DONE ? 0 : lu_store_errno(r);
    }
    sqlite3_finalize(st);
    return r;
}

static int import_add(struct node_outbox *ob,
                      const struct node_outbox_import *im,
                      Luyu__Entry **entries, size_t n)
{
    sqlite3_stmt *st = NULL;
    int r = lu_store_prepare(ob->db,
                             "INSERT INTO import(key, first_seq, n, at,"
                             " recorded_by) VALUES (?, ?, ?, ?, ?)",
                             &st);

    if (r < 0)
        return r;
    sqlite3_bind_blob(st, 1, im->key, NODE_IMPORT_KEY_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)entries[0]->seq);
    sqlite3_bind_int64(st, 3, (int64_t)n);
    sqlite3_bind_int64(st, 4, lu_now_s());
    sqlite3_bind_text(st, 5, entries[0]->recorded_by, -1, SQLITE_STATIC);
    r = step_done(ob->db, st);
    sqlite3_finalize(st);
    return r;
}

int node_outbox_append(struct node_outbox *ob, Luyu__Entry **entries, size_t n,
                       struct node_outbox_import *im)
{
    int r;

    r = lu_store_exec(ob->db, "BEGIN IMMEDIATE");
    if (r < 0)
        return r;
    /* Looked up inside the transaction that would store the key. */
    if (im != NULL && (r = node_outbox_import_find(ob, im)) != 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        const Luyu__Entry *e = entries[i];
        sqlite3_stmt *st = ob->insert;

        sqlite3_bind_text(st, 1, e->unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, e->indicator, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, e->period);
        sqlite3_bind_int64(st, 4, e->amount);
        sqlite3_bind_text(st, 5, e->note, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, e->recorded_by, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, e->recorded_at);
        sqlite3_bind_text(st, 8, e->corrects, -1, SQLITE_STATIC);
        r = step_done(ob->db, st);
        if (r < 0)
            goto fail;
        entries[i]->seq = (uint64_t)sqlite3_last_insert_rowid(ob->db);
    }
    if (im != NULL && n > 0) {
        r = import_add(ob, im, entries, n);
        if (r < 0)
            goto fail;
    }
    r = lu_store_exec(ob->db, "COMMIT");
    if (r < 0)
        goto fail;
    ob->st.pending += n;
    if (n > 0)
        ob->st.last_seq = entries[n - 1]->seq;
    return 0;
fail:
    sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
    return r;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);

    return lu_xstrdup(s ? s : "");
}

static void fill_entry(sqlite3_stmt *st, Luyu__Entry *e)
{
    luyu__entry__init(e);
    e->seq = (uint64_t)sqlite3_column_int64(st, 0);
    e->unit = col_dup(st, 1);
    e->indicator = col_dup(st, 2);
    e->period = (uint32_t)sqlite3_column_int64(st, 3);
    e->amount = sqlite3_column_int64(st, 4);
    e->note = col_dup(st, 5);
    e->recorded_by = col_dup(st, 6);
    e->recorded_at = sqlite3_column_int64(st, 7);
    e->corrects = col_dup(st, 8);
}

int node_outbox_get(struct node_outbox *ob, uint64_t seq, Luyu__Entry *e,
                    int *state)
{
    sqlite3_stmt *st = NULL;
    int r;

    r = lu_store_prepare(ob->db,
                         "SELECT seq, unit, indicator, period, amount, note,"
                         " recorded_by, recorded_at, corrects, state"
                         " FROM outbox WHERE seq = ?",
                         &st);
    if (r < 0)
        goto out;
    sqlite3_bind_int64(st, 1, (int64_t)seq);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        fill_entry(st, e);
        *state = sqlite3_column_int(st, 9);
        r = 0;
    } else {
        r = r == SQLITE_DONE ? -ENOENT : lu_store_errno(r);
    }
out:
    sqlite3_finalize(st);
    return r;
}

int node_outbox_read(struct node_outbox *ob, uint64_t from, size_t max,
                     struct node_batch *b)
{
    sqlite3_stmt *st = ob->read;
    int rc;

    b->entries = lu_xcalloc(max, sizeof(*b->entries));
    b->n = 0;
    sqlite3_bind_int64(st, 1, (int64_t)from);
    sqlite3_bind_int64(st, 2, (int64_t)max);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        Luyu__Entry *e = lu_xmalloc(sizeof(*e));

        fill_entry(st, e);
        b->entries[b->n++] = e;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        lu_err("outbox: read: %s", sqlite3_errmsg(ob->db));
        node_batch_clear(b);
        return lu_store_errno(rc);
    }
    return 0;
}

void node_batch_clear(struct node_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        Luyu__Entry *e = b->entries[i];

        free(e->unit);
        free(e->indicator);
        free(e->note);
        free(e->recorded_by);
        free(e->corrects);
        free(e);
    }
    free(b->entries);
    b->entries = NULL;
    b->n = 0;
}

int node_outbox_ack(struct node_outbox *ob, uint64_t upto,
                    Luyu__Reject **rejects, size_t n_rejects)
{
    int64_t now = lu_now_s();
    uint64_t acked, rejected = 0;
    int r;

    if (upto < ob->first_pending)
        return 0;
    if (upto > ob->st.last_seq)
        upto = ob->st.last_seq;
    /* An ack need not be durable: if it is lost in a crash, the entries
     * are sent again and the hub ignores them. Skipping its fsync halves
     * the node's fsyncs at low rates; the next FULL commit (a submit)
     * makes it durable anyway. */
    r = lu_store_exec(ob->db, "PRAGMA synchronous=NORMAL");
    if (r == 0)
        r = lu_store_exec(ob->db, "BEGIN IMMEDIATE");
    if (r < 0)
        goto fail;
    for (size_t i = 0; i < n_rejects; i++) {
        sqlite3_bind_text(ob->reject, 1, rejects[i]->reason, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ob->reject, 2, now);
        sqlite3_bind_int64(ob->reject, 3, (int64_t)rejects[i]->seq);
        r = step_done(ob->db, ob->reject);
        if (r < 0)
            goto fail;
        rejected += (uint64_t)sqlite3_changes(ob->db);
    }
    sqlite3_bind_int64(ob->ack, 1, now);
    sqlite3_bind_int64(ob->ack, 2, (int64_t)ob->first_pending);
    sqlite3_bind_int64(ob->ack, 3, (int64_t)upto);
    r = step_done(ob->db, ob->ack);
    if (r < 0)
        goto fail;
    acked = (uint64_t)sqlite3_changes(ob->db);
    r = lu_store_exec(ob->db, "COMMIT");
    if (r < 0)
        goto fail;
    lu_store_exec(ob->db, "PRAGMA synchronous=FULL");
    ob->st.acknowledged += acked;
    ob->st.rejected += rejected;
    ob->st.pending -= acked + rejected;
    ob->st.last_ack_s = now;
    ob->first_pending = upto + 1;
    return 0;
fail:
    sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
    lu_store_exec(ob->db, "PRAGMA synchronous=FULL");
    return r;
}

uint64_t node_outbox_first_pending(const struct node_outbox *ob)
{
    return ob->first_pending;
}

void node_outbox_stats(const struct node_outbox *ob,
                       struct node_outbox_stats *st)
{
    *st = ob->st;
}

size_t node_outbox_rejects(struct node_outbox *ob, size_t max, char **ids,
                           char **reasons)
{
    sqlite3_stmt *st = NULL;
    char node[128] = "";
    size_t n = 0;

    lu_store_meta_get(ob->db, "node_id", node, sizeof(node));
    if (lu_store_prepare(ob->db,
                         "SELECT seq, reason FROM outbox WHERE state = 2"
                         " ORDER BY seq DESC LIMIT ?",
                         &st) < 0)
        return 0;
    sqlite3_bind_int64(st, 1, (int64_t)max);
    while (n < max && sqlite3_step(st) == SQLITE_ROW) {
        ids[n] = lu_xasprintf("%s/%lld", node,
                              (long long)sqlite3_column_int64(st, 0));
        reasons[n] = col_dup(st, 1);
        n++;
    }
    sqlite3_finalize(st);
    return n;
}
