#include "outbox.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "codec.h"
#include "log.h"
#include "reject.h"
#include "store.h"
#include "users.h"
#include "util.h"
#include "xmalloc.h"
#include "i18n.h"

/* The outbox schema. One row per accepted entry; rows are never deleted.
 *   seq        the entry's seq (entry id is node_id/seq); AUTOINCREMENT so
 *              that a seq is never reused, even after the newest row is
 *              somehow removed
 *   state      0 pending, 1 acknowledged by the hub, 2 rejected for good
 *   reason     the hub's reason for a reject, "[code] text" when the hub
 *              gave a RejectCode (common/reject.h: no column of its own)
 *   done_at    unix seconds of the ack or reject
 * The partial index keeps "what is still pending" cheap to find when most
 * of a long history is acknowledged.
 *
 * Versions (PRAGMA user_version, see lu_store_migrate): 0 is a new file or
 * one written before versions; 1 is SCHEMA_V1 below; 2 adds the web
 * users (node/users.c, NODE_USERS_SCHEMA_V2). A change to the
 * schema is a new step at the end of MIGRATIONS, never an edit of an old
 * one, and gets a fixture from the release before it under tests/data/.
 * 3 adds the project pool: an entry that is a project event keeps the
 * packed ProjectEvent (proto/luyu.proto) in outbox.project, NULL for a
 * figure; project holds each of the node's projects as it stands after its
 * newest event (a packed Project), written in the transaction that stores
 * the event, so the node checks the next change against it.
 * 4 adds outbox.confirmed, the data-quality warnings the person confirmed
 * when recording the entry (Entry.confirmed, node/quality.h), and the
 * outbox_figure index over unit and indicator, which the quality checks
 * read a figure's history through; outbox.review, the packed ReviewEvent of
 * an entry that is a district's approval of a month (NULL otherwise); and
 * notice, the province's review steps for this node's units as the hub
 * sent them (ReviewNotice, kept once per id): the newest of a unit's month
 * is what the node knows of its state (returned, accepted = locked). */
static const char SCHEMA_V1[] =
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

static const char SCHEMA_V3[] =
    "ALTER TABLE outbox ADD COLUMN project BLOB;"
    "CREATE TABLE project(id TEXT PRIMARY KEY, state BLOB NOT NULL,"
    " seq INTEGER NOT NULL) WITHOUT ROWID;";

static const char SCHEMA_V4[] =
    "ALTER TABLE outbox ADD COLUMN confirmed TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX outbox_figure ON outbox(unit, indicator);"
    "ALTER TABLE outbox ADD COLUMN review BLOB;"
    "CREATE TABLE notice(id INTEGER PRIMARY KEY, unit TEXT NOT NULL,"
    " period INTEGER NOT NULL, kind INTEGER NOT NULL, by TEXT NOT NULL,"
    " at INTEGER NOT NULL, reason TEXT NOT NULL,"
    " received_at INTEGER NOT NULL);"
    "CREATE INDEX notice_month ON notice(unit, period, id);";

static const struct lu_store_migration MIGRATIONS[] = {
    {1, SCHEMA_V1, NULL},
    {2, NODE_USERS_SCHEMA_V2, NULL},
    {3, SCHEMA_V3, NULL},
    {4, SCHEMA_V4, NULL},
};

struct node_outbox {
    sqlite3 *db;
    sqlite3_stmt *insert;
    sqlite3_stmt *read;
    sqlite3_stmt *ack;
    sqlite3_stmt *reject;
    sqlite3_stmt *project_set;
    /* Read on every clerk's submit (the data-quality checks and the review
     * lock): prepared once, since parsing them cost the node more than
     * running them (docs/DECISIONS.md, "Issue 19, ninth round"). */
    sqlite3_stmt *figure;
    sqlite3_stmt *month_notice;
    struct node_outbox_stats st;
    uint64_t first_pending;
    /* The WAL's checkpoints, off the clerk's submit (common/checkpoint.h):
     * NULL when no thread could be had, and SQLite checkpoints in the
     * commits as before. */
    struct lu_checkpointer *checkpointer;
};

/* The statements the outbox keeps prepared from open to free: those of
 * every entry's way (insert, read, ack, reject) and of every clerk's submit
 * (the figure's history for the data-quality checks, the month's newest
 * review decision, kinds up to 4, for the lock). */
static const struct {
    const char *sql;
    size_t off; /* of its sqlite3_stmt * in struct node_outbox */
} KEPT[] = {
    {"INSERT INTO outbox(unit, indicator, period, amount, note, recorded_by,"
     " recorded_at, corrects, project, confirmed, review)"
     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
     offsetof(struct node_outbox, insert)},
    {"INSERT OR REPLACE INTO project(id, state, seq) VALUES (?, ?, ?)",
     offsetof(struct node_outbox, project_set)},
    {"SELECT seq, unit, indicator, period, amount, note, recorded_by,"
     " recorded_at, corrects, project, confirmed, review FROM outbox"
     " WHERE seq >= ? ORDER BY seq LIMIT ?",
     offsetof(struct node_outbox, read)},
    {"UPDATE outbox SET state = 1, done_at = ?"
     " WHERE seq >= ? AND seq <= ? AND state = 0",
     offsetof(struct node_outbox, ack)},
    {"UPDATE outbox SET state = 2, reason = ?, done_at = ?"
     " WHERE seq = ? AND state = 0",
     offsetof(struct node_outbox, reject)},
    {"SELECT seq, period, amount, corrects, recorded_at, state FROM outbox"
     " WHERE unit = ?1 AND indicator = ?2 AND project IS NULL ORDER BY seq",
     offsetof(struct node_outbox, figure)},
    {"SELECT id, unit, period, kind, by, at, reason FROM notice"
     " WHERE unit = ?1 AND period = ?2 AND kind <= 4 ORDER BY id DESC LIMIT 1",
     offsetof(struct node_outbox, month_notice)},
};

static sqlite3_stmt **kept(struct node_outbox *ob, size_t i)
{
    return (sqlite3_stmt **)((char *)ob + KEPT[i].off);
}

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
    r = lu_store_migrate(ob->db, path, "outbox", MIGRATIONS,
                         sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]), err,
                         errlen);
    if (r < 0)
        goto fail;
    r = lu_store_meta_get(ob->db, "node_id", have, sizeof(have));
    if (r == -ENOENT) {
        r = lu_store_meta_set(ob->db, "node_id", node_id);
    } else if (r == 0 && strcmp(have, node_id) != 0) {
        snprintf(err, errlen, _("%s belongs to node \"%s\", not \"%s\""), path,
                 have, node_id);
        r = -EINVAL;
    }
    if (r < 0) {
        if (err[0] == '\0')
            snprintf(err, errlen, _("%s: cannot read meta"), path);
        goto fail;
    }
    for (size_t i = 0; r == 0 && i < sizeof(KEPT) / sizeof(KEPT[0]); i++)
        r = lu_store_prepare(ob->db, KEPT[i].sql, kept(ob, i));
    if (r == 0)
        r = load_stats(ob);
    if (r < 0) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(ob->db));
        goto fail;
    }
    ob->checkpointer = lu_checkpointer_new(ob->db, 0);
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
    lu_checkpointer_free(ob->checkpointer);
    for (size_t i = 0; i < sizeof(KEPT) / sizeof(KEPT[0]); i++)
        sqlite3_finalize(*kept(ob, i));
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

/* Ends a use of a statement kept prepared: its read ends (a statement left
 * stepping would hold the WAL's readers back from checkpoints) and the
 * borrowed strings bound to it are let go. */
static void release(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
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

/* Binds the packed event (SQLite copies it) or NULL for a figure. */
static int bind_review(sqlite3_stmt *st, int col, const Luyu__ReviewEvent *ev)
{
    uint8_t buf[LU_MAX_NOTE + 64];
    size_t n;

    if (ev == NULL)
        return sqlite3_bind_null(st, col) == SQLITE_OK ? 0 : -EIO;
    n = luyu__review_event__get_packed_size(ev);
    if (n > sizeof(buf))
        return -EMSGSIZE;
    luyu__review_event__pack(ev, buf);
    return sqlite3_bind_blob(st, col, buf, (int)n, SQLITE_TRANSIENT) ==
                   SQLITE_OK
               ? 0
               : -EIO;
}

static int bind_project(sqlite3_stmt *st, int col, const Luyu__ProjectEvent *ev)
{
    size_t n;
    uint8_t *buf;
    int rc;

    if (ev == NULL)
        return sqlite3_bind_null(st, col) == SQLITE_OK ? 0 : -EIO;
    n = luyu__project_event__get_packed_size(ev);
    buf = lu_xmalloc(n ? n : 1);
    luyu__project_event__pack(ev, buf);
    rc = sqlite3_bind_blob(st, col, buf, (int)n, SQLITE_TRANSIENT);
    free(buf);
    return rc == SQLITE_OK ? 0 : -EIO;
}

/* The project as it stands after event e, in e's transaction. */
static int project_set(struct node_outbox *ob, const Luyu__Entry *e)
{
    const Luyu__Project *p = e->project->project;
    sqlite3_stmt *st = ob->project_set;
    size_t n = luyu__project__get_packed_size(p);
    uint8_t *buf = lu_xmalloc(n ? n : 1);
    int r;

    luyu__project__pack(p, buf);
    sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, buf, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (int64_t)e->seq);
    r = step_done(ob->db, st);
    free(buf);
    return r;
}

static Luyu__Project *project_unpack(sqlite3_stmt *st, int col)
{
    const void *b = sqlite3_column_blob(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);

    /* Our own bytes, written by project_set; NULL only if the file was
     * damaged, which the caller reports. */
    return luyu__project__unpack(NULL, n, b);
}

int node_outbox_project_get(struct node_outbox *ob, const char *id,
                            Luyu__Project **out)
{
    sqlite3_stmt *st = NULL;
    int r;

    *out = NULL;
    r = lu_store_prepare(ob->db, "SELECT state FROM project WHERE id = ?", &st);
    if (r < 0)
        return r;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *out = project_unpack(st, 0);
        r = *out ? 0 : -EBADMSG;
    } else {
        r = r == SQLITE_DONE ? -ENOENT : lu_store_errno(r);
    }
    sqlite3_finalize(st);
    return r;
}

int node_outbox_projects(struct node_outbox *ob, const char *id,
                         Luyu__Project ***out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    Luyu__Project **v = NULL;
    size_t k = 0;
    int r;

    r = lu_store_prepare(ob->db,
                         "SELECT state FROM project WHERE ?1 = '' OR id = ?1"
                         " ORDER BY id",
                         &st);
    if (r < 0)
        return r;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        Luyu__Project *p = project_unpack(st, 0);

        if (p == NULL)
            continue;
        v = lu_xrealloc(v, (k + 1) * sizeof(*v));
        v[k++] = p;
    }
    sqlite3_finalize(st);
    *out = v;
    *n = k;
    return r == SQLITE_DONE ? 0 : lu_store_errno(r);
}

/* The events are read from the outbox's own rows: a project's history
 * needs no table of its own, and the unit narrows the scan through the
 * outbox_figure index. */
int node_outbox_each_project(struct node_outbox *ob, const char *id,
                             const char *unit, node_outbox_prow_cb cb,
                             void *arg)
{
    sqlite3_stmt *st = NULL;
    struct node_outbox_prow row;
    char reason[LU_MAX_REASON];
    int r;

    r = lu_store_prepare(
        ob->db,
        id == NULL ? "SELECT o.seq, o.recorded_by, o.recorded_at, o.state,"
                     " ifnull(o.reason, ''), o.project FROM project p"
                     " JOIN outbox o ON o.seq = p.seq ORDER BY p.id"
                   : "SELECT seq, recorded_by, recorded_at, state,"
                     " ifnull(reason, ''), project FROM outbox"
                     " WHERE unit = ?1 AND project IS NOT NULL ORDER BY seq",
        &st);
    if (r < 0)
        return r;
    if (id != NULL)
        sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        Luyu__ProjectEvent *ev = luyu__project_event__unpack(
            NULL, (size_t)sqlite3_column_bytes(st, 5),
            sqlite3_column_blob(st, 5));

        /* Our own bytes; a damaged row is skipped rather than shown. */
        if (ev == NULL || ev->project == NULL ||
            (id != NULL && strcmp(ev->project->id, id) != 0)) {
            luyu__project_event__free_unpacked(ev, NULL);
            continue;
        }
        row.ev = ev;
        row.seq = (uint64_t)sqlite3_column_int64(st, 0);
        row.recorded_by = (const char *)sqlite3_column_text(st, 1);
        row.recorded_at = sqlite3_column_int64(st, 2);
        row.state = sqlite3_column_int(st, 3);
        snprintf(reason, sizeof(reason), "%s",
                 (const char *)sqlite3_column_text(st, 4));
        row.reject_code = lu_reject_split(reason);
        row.reason = reason;
        cb(arg, &row);
        luyu__project_event__free_unpacked(ev, NULL);
    }
    r = r == SQLITE_DONE ? 0 : lu_store_errno(r);
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
        r = bind_project(st, 9, e->project);
        sqlite3_bind_text(st, 10, e->confirmed, -1, SQLITE_STATIC);
        if (r == 0)
            r = bind_review(st, 11, e->review);
        if (r == 0)
            r = step_done(ob->db, st);
        if (r < 0)
            goto fail;
        entries[i]->seq = (uint64_t)sqlite3_last_insert_rowid(ob->db);
        if (e->project != NULL && (r = project_set(ob, e)) < 0)
            goto fail;
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
    if (sqlite3_column_type(st, 9) == SQLITE_BLOB)
        e->project = luyu__project_event__unpack(
            NULL, (size_t)sqlite3_column_bytes(st, 9),
            sqlite3_column_blob(st, 9));
    e->confirmed = col_dup(st, 10);
    if (sqlite3_column_type(st, 11) == SQLITE_BLOB)
        e->review = luyu__review_event__unpack(
            NULL, (size_t)sqlite3_column_bytes(st, 11),
            sqlite3_column_blob(st, 11));
}

void node_outbox_entry_clear(Luyu__Entry *e)
{
    free(e->unit);
    free(e->indicator);
    free(e->note);
    free(e->recorded_by);
    free(e->corrects);
    free(e->confirmed);
    if (e->project != NULL)
        luyu__project_event__free_unpacked(e->project, NULL);
    if (e->review != NULL)
        luyu__review_event__free_unpacked(e->review, NULL);
    e->unit = e->indicator = e->note = e->recorded_by = e->corrects =
        e->confirmed = NULL;
    e->project = NULL;
    e->review = NULL;
}

int node_outbox_get(struct node_outbox *ob, uint64_t seq, Luyu__Entry *e,
                    int *state)
{
    sqlite3_stmt *st = NULL;
    int r;

    r = lu_store_prepare(ob->db,
                         "SELECT seq, unit, indicator, period, amount, note,"
                         " recorded_by, recorded_at, corrects, project,"
                         " confirmed, review, state FROM outbox WHERE seq = ?",
                         &st);
    if (r < 0)
        goto out;
    sqlite3_bind_int64(st, 1, (int64_t)seq);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        fill_entry(st, e);
        *state = sqlite3_column_int(st, 12);
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

        node_outbox_entry_clear(e);
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
        /* The code is kept in the reason column (common/reject.h). */
        char reason[LU_MAX_REASON];

        lu_reject_fmt(reason, sizeof(reason), rejects[i]->code, "%s",
                      rejects[i]->reason);
        sqlite3_bind_text(ob->reject, 1, reason, -1, SQLITE_TRANSIENT);
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

int node_outbox_each(struct node_outbox *ob, uint32_t period, size_t max,
                     node_outbox_rec_cb cb, void *arg)
{
    sqlite3_stmt *st = NULL;
    struct node_outbox_rec row;
    char reason[LU_MAX_REASON];
    int r;

    r = lu_store_prepare(ob->db,
                         "SELECT seq, unit, indicator, period, amount, note,"
                         " recorded_by, recorded_at, corrects, state,"
                         " ifnull(reason, ''), ifnull(done_at, 0) FROM outbox"
                         " WHERE review IS NULL AND (?1 = 0 OR period = ?1)"
                         " ORDER BY seq DESC LIMIT ?2",
                         &st);
    if (r < 0)
        return r;
    sqlite3_bind_int64(st, 1, period);
    sqlite3_bind_int64(st, 2, (int64_t)max);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        row.seq = (uint64_t)sqlite3_column_int64(st, 0);
        row.unit = (const char *)sqlite3_column_text(st, 1);
        row.indicator = (const char *)sqlite3_column_text(st, 2);
        row.period = (uint32_t)sqlite3_column_int64(st, 3);
        row.amount = sqlite3_column_int64(st, 4);
        row.note = (const char *)sqlite3_column_text(st, 5);
        row.recorded_by = (const char *)sqlite3_column_text(st, 6);
        row.recorded_at = sqlite3_column_int64(st, 7);
        row.corrects = (const char *)sqlite3_column_text(st, 8);
        row.state = sqlite3_column_int(st, 9);
        snprintf(reason, sizeof(reason), "%s",
                 (const char *)sqlite3_column_text(st, 10));
        row.reject_code = lu_reject_split(reason);
        row.reason = reason;
        row.done_at = sqlite3_column_int64(st, 11);
        cb(arg, &row);
    }
    r = r == SQLITE_DONE ? 0 : lu_store_errno(r);
    sqlite3_finalize(st);
    return r;
}

int node_outbox_each_figure(struct node_outbox *ob, const char *unit,
                            const char *indicator, node_outbox_rec_cb cb,
                            void *arg)
{
    sqlite3_stmt *st = ob->figure;
    struct node_outbox_rec row;
    int r;

    memset(&row, 0, sizeof(row));
    sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, indicator, -1, SQLITE_STATIC);
    row.unit = unit;
    row.indicator = indicator;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        row.seq = (uint64_t)sqlite3_column_int64(st, 0);
        row.period = (uint32_t)sqlite3_column_int64(st, 1);
        row.amount = sqlite3_column_int64(st, 2);
        row.corrects = (const char *)sqlite3_column_text(st, 3);
        row.recorded_at = sqlite3_column_int64(st, 4);
        row.state = sqlite3_column_int(st, 5);
        cb(arg, &row);
    }
    r = r == SQLITE_DONE ? 0 : lu_store_errno(r);
    release(st);
    return r;
}

int node_outbox_notices_add(struct node_outbox *ob,
                            Luyu__ReviewNotice *const *v, size_t n)
{
    sqlite3_stmt *st = NULL;
    int r, added = 0;

    if (n == 0)
        return 0;
    r = lu_store_exec(ob->db, "BEGIN IMMEDIATE");
    if (r == 0)
        r = lu_store_prepare(ob->db,
                             "INSERT OR IGNORE INTO notice(id, unit, period,"
                             " kind, by, at, reason, received_at)"
                             " VALUES (?,?,?,?,?,?,?,?)",
                             &st);
    for (size_t i = 0; r == 0 && i < n; i++) {
        sqlite3_bind_int64(st, 1, (int64_t)v[i]->id);
        sqlite3_bind_text(st, 2, v[i]->unit, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, v[i]->period);
        sqlite3_bind_int(st, 4, v[i]->kind);
        sqlite3_bind_text(st, 5, v[i]->by, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, v[i]->at);
        sqlite3_bind_text(st, 7, v[i]->reason, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, lu_now_s());
        r = step_done(ob->db, st);
        added += sqlite3_changes(ob->db);
    }
    sqlite3_finalize(st);
    if (r == 0)
        r = lu_store_exec(ob->db, "COMMIT");
    if (r < 0) {
        sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
        return r;
    }
    return added;
}

uint64_t node_outbox_notice_after(struct node_outbox *ob)
{
    sqlite3_stmt *st = NULL;
    uint64_t id = 0;

    if (lu_store_prepare(ob->db, "SELECT ifnull(max(id), 0) FROM notice",
                         &st) == 0 &&
        sqlite3_step(st) == SQLITE_ROW)
        id = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

static Luyu__ReviewNotice *notice_row(sqlite3_stmt *st)
{
    Luyu__ReviewNotice *v = lu_xmalloc(sizeof(*v));

    luyu__review_notice__init(v);
    v->id = (uint64_t)sqlite3_column_int64(st, 0);
    v->unit = col_dup(st, 1);
    v->period = (uint32_t)sqlite3_column_int64(st, 2);
    v->kind = (Luyu__ReviewKind)sqlite3_column_int(st, 3);
    v->by = col_dup(st, 4);
    v->at = sqlite3_column_int64(st, 5);
    v->reason = col_dup(st, 6);
    return v;
}

int node_outbox_notices(struct node_outbox *ob, const char *unit,
                        uint32_t period, size_t max, Luyu__ReviewNotice ***out,
                        size_t *n)
{
    sqlite3_stmt *st = NULL;
    int r;

    *out = lu_xcalloc(max ? max : 1, sizeof(**out));
    *n = 0;
    if (unit != NULL) {
        /* One month: asked on every clerk's submit (the review lock). */
        st = ob->month_notice;
        sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, period);
        while ((r = sqlite3_step(st)) == SQLITE_ROW && *n < max)
            (*out)[(*n)++] = notice_row(st);
        r = r == SQLITE_DONE || r == SQLITE_ROW ? 0 : lu_store_errno(r);
        release(st);
        return r;
    }
    /* The newest step of each month and every reminder, newest first. */
    r = lu_store_prepare(
        ob->db,
        "SELECT id, unit, period, kind, by, at, reason FROM notice n"
        " WHERE kind = 5 OR id = (SELECT max(id) FROM notice m WHERE"
        " m.unit = n.unit AND m.period = n.period AND m.kind <= 4)"
        " ORDER BY id DESC LIMIT ?1",
        &st);
    if (r < 0)
        return r;
    sqlite3_bind_int64(st, 1, (int64_t)max);
    while ((r = sqlite3_step(st)) == SQLITE_ROW && *n < max)
        (*out)[(*n)++] = notice_row(st);
    r = r == SQLITE_DONE || r == SQLITE_ROW ? 0 : lu_store_errno(r);
    sqlite3_finalize(st);
    return r;
}

void node_outbox_notices_free(Luyu__ReviewNotice **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        luyu__review_notice__free_unpacked(v[i], NULL);
    free(v);
}

sqlite3 *node_outbox_db(struct node_outbox *ob)
{
    return ob->db;
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
                           char **reasons, int *codes)
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
        codes[n] = lu_reject_split(reasons[n]);
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

/* Per unit's month (project events are not monthly): the figures, the
 * newest approval (an outbox row with
 * a review: the node only ever approves) and the newest step notice. */
static const char MONTHS_QUERY[] =
    "SELECT o.unit, o.period, sum(o.review IS NULL),"
    " ifnull(a.recorded_by, ''), ifnull(a.recorded_at, 0),"
    " ifnull(a.state, 0), ifnull(a.reason, ''), ifnull(a.note, ''),"
    " ifnull((SELECT received_at FROM notice n WHERE n.unit = o.unit AND"
    "  n.period = o.period AND n.kind <= 4 ORDER BY n.id DESC LIMIT 1), 0)"
    " FROM outbox o LEFT JOIN outbox a ON a.seq = (SELECT max(seq) FROM"
    "  outbox r WHERE r.review IS NOT NULL AND r.unit = o.unit AND"
    "  r.period = o.period)"
    " WHERE o.project IS NULL AND o.period != 0"
    " GROUP BY o.unit, o.period ORDER BY o.period DESC, o.unit LIMIT ?1";

int node_outbox_months(struct node_outbox *ob, size_t max,
                       node_outbox_month_cb cb, void *arg)
{
    sqlite3_stmt *st = NULL;
    struct node_outbox_month m;
    int r = lu_store_prepare(ob->db, MONTHS_QUERY, &st);

    if (r < 0)
        return r;
    sqlite3_bind_int64(st, 1, (int64_t)max);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        m.unit = (const char *)sqlite3_column_text(st, 0);
        m.period = (uint32_t)sqlite3_column_int64(st, 1);
        m.entries = (uint64_t)sqlite3_column_int64(st, 2);
        m.approved_by = (const char *)sqlite3_column_text(st, 3);
        m.approved_at = sqlite3_column_int64(st, 4);
        m.approval_state = sqlite3_column_int(st, 5);
        m.approval_reason = (const char *)sqlite3_column_text(st, 6);
        if (m.approval_state != NODE_REJECTED)
            m.approval_reason = (const char *)sqlite3_column_text(st, 7);
        m.step_received_at = sqlite3_column_int64(st, 8);
        cb(arg, &m);
    }
    if (r != SQLITE_DONE)
        lu_err("outbox: months: %s", sqlite3_errmsg(ob->db));
    r = r == SQLITE_DONE ? 0 : lu_store_errno(r);
    sqlite3_finalize(st);
    return r;
}

/* The listing's query: the newest matching entries first, so that LIMIT
 * keeps the newest. ?4 < 0 means no limit. */
static const char LIST_QUERY[] =
    "SELECT seq, unit, indicator, period, amount, note, recorded_by,"
    " recorded_at, corrects, NULL, confirmed, NULL, state,"
    " ifnull(reason, ''), ifnull(done_at, 0) FROM outbox WHERE review IS NULL"
    " AND (?1 IS NULL OR period = ?1)"
    " AND (?2 IS NULL OR unit = ?2) AND (?3 IS NULL OR indicator = ?3)"
    " ORDER BY seq DESC LIMIT ?4";

static void bind_filter(sqlite3_stmt *st, const struct node_outbox_filter *f)
{
    if (f->period != 0)
        sqlite3_bind_int64(st, 1, f->period);
    if (f->unit != NULL && f->unit[0] != '\0')
        sqlite3_bind_text(st, 2, f->unit, -1, SQLITE_STATIC);
    if (f->indicator != NULL && f->indicator[0] != '\0')
        sqlite3_bind_text(st, 3, f->indicator, -1, SQLITE_STATIC);
}

static int read_rows(struct node_outbox *ob, const struct node_outbox_filter *f,
                     struct node_outbox_list *l)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int r;

    r = lu_store_prepare(ob->db, LIST_QUERY, &st);
    if (r < 0)
        return r;
    bind_filter(st, f);
    sqlite3_bind_int64(st, 4, f->limit ? (int64_t)f->limit : -1);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        struct node_outbox_row *w;
        char node[LU_MAX_NAME + 1];

        if (l->n == cap) {
            cap = cap ? cap * 2 : 16;
            l->rows = lu_xrealloc(l->rows, cap * sizeof(*l->rows));
        }
        w = &l->rows[l->n++];
        memset(w, 0, sizeof(*w));
        fill_entry(st, &w->e);
        w->state = sqlite3_column_int(st, 12);
        w->reason = col_dup(st, 13);
        w->reject_code = lu_reject_split(w->reason);
        w->done_at = sqlite3_column_int64(st, 14);
        if (w->e.corrects[0] != '\0' &&
            lu_entry_id_parse(w->e.corrects, node, &w->corrects_seq) < 0)
            w->corrects_seq = 0;
    }
    r = r == SQLITE_DONE ? 0 : lu_store_errno(r);
    sqlite3_finalize(st);
    return r;
}

/* How many matching entries are older than the oldest listed. */
static int count_omitted(struct node_outbox *ob,
                         const struct node_outbox_filter *f,
                         struct node_outbox_list *l)
{
    sqlite3_stmt *st = NULL;
    int r;

    if (f->limit == 0 || l->n < f->limit)
        return 0;
    r = lu_store_prepare(ob->db,
                         "SELECT count(*) FROM outbox"
                         " WHERE (?1 IS NULL OR period = ?1)"
                         " AND (?2 IS NULL OR unit = ?2)"
                         " AND (?3 IS NULL OR indicator = ?3) AND seq < ?4",
                         &st);
    if (r < 0)
        return r;
    bind_filter(st, f);
    sqlite3_bind_int64(st, 4, (int64_t)l->rows[0].e.seq);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        l->omitted = (uint64_t)sqlite3_column_int64(st, 0);
        r = 0;
    } else {
        r = lu_store_errno(r);
    }
    sqlite3_finalize(st);
    return r;
}

static const struct node_outbox_row *row_find(const struct node_outbox_list *l,
                                              uint64_t seq)
{
    size_t lo = 0, hi = l->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (l->rows[mid].e.seq == seq)
            return &l->rows[mid];
        if (l->rows[mid].e.seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The original of the chain seq belongs to, for an entry older than the
 * listing: followed through the outbox. Corrections always name an older
 * entry, so the walk ends; the bound only guards a damaged database. */
static uint64_t root_of(struct node_outbox *ob, uint64_t seq)
{
    char node[LU_MAX_NAME + 1];
    Luyu__Entry e;
    uint64_t next;
    int state;

    for (int depth = 0; depth < 100000; depth++) {
        if (node_outbox_get(ob, seq, &e, &state) < 0)
            return seq;
        next = 0;
        if (e.corrects[0] != '\0' &&
            lu_entry_id_parse(e.corrects, node, &next) < 0)
            next = 0;
        node_outbox_entry_clear(&e);
        if (next == 0 || next >= seq)
            return seq;
        seq = next;
    }
    return seq;
}

static int by_root_seq(const void *a, const void *b)
{
    const struct node_outbox_row *x = *(const struct node_outbox_row *const *)a;
    const struct node_outbox_row *y = *(const struct node_outbox_row *const *)b;

    if (x->root != y->root)
        return x->root < y->root ? -1 : 1;
    return x->e.seq < y->e.seq ? -1 : x->e.seq > y->e.seq;
}

/* Sets each row's root and marks each chain's newest entry that the hub
 * did not reject as current. Rows are ascending, so a correction's target
 * in the listing already has its root. */
static void link_chains(struct node_outbox *ob, struct node_outbox_list *l)
{
    struct node_outbox_row **by = lu_xcalloc(l->n + 1, sizeof(*by));
    uint64_t root = 0;
    bool taken = false;

    for (size_t i = 0; i < l->n; i++) {
        struct node_outbox_row *w = &l->rows[i];
        const struct node_outbox_row *t;

        if (w->corrects_seq == 0)
            w->root = w->e.seq;
        else if ((t = row_find(l, w->corrects_seq)) != NULL)
            w->root = t->root;
        else
            w->root = root_of(ob, w->corrects_seq);
        by[i] = w;
    }
    qsort(by, l->n, sizeof(*by), by_root_seq);
    /* Newest first within each chain; seqs start at 1, so root 0 is none. */
    for (size_t i = l->n; i-- > 0;) {
        if (by[i]->root != root) {
            root = by[i]->root;
            taken = false;
        }
        by[i]->current = by[i]->state != NODE_REJECTED && !taken;
        taken = taken || by[i]->current;
    }
    free(by);
}

int node_outbox_list(struct node_outbox *ob, const struct node_outbox_filter *f,
                     struct node_outbox_list *l)
{
    int r;

    memset(l, 0, sizeof(*l));
    r = read_rows(ob, f, l);
    if (r < 0)
        return r;
    /* Newest first from the query; ascending for people and chains. */
    for (size_t i = 0; i < l->n / 2; i++) {
        struct node_outbox_row tmp = l->rows[i];

        l->rows[i] = l->rows[l->n - 1 - i];
        l->rows[l->n - 1 - i] = tmp;
    }
    r = count_omitted(ob, f, l);
    if (r < 0)
        return r;
    link_chains(ob, l);
    return 0;
}

void node_outbox_list_free(struct node_outbox_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        Luyu__Entry *e = &l->rows[i].e;

        node_outbox_entry_clear(e);
        free(l->rows[i].reason);
    }
    free(l->rows);
    memset(l, 0, sizeof(*l));
}
