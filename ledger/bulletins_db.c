/* The bulletin store's SQL (ledger/bulletins.h): its schema, and the reads
 * and writes ledger/bulletins.c builds on. */
#include "bulletins_db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sql.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

/* The store's schema, in the ledger file beside ledger/ledger.c's tables
 * (and in PostgreSQL, ledger/pg.c's schema 2, with the same columns).
 *
 * bulletin         one row per bulletin held, own or the peer's.
 *   province, period, revision   its key ("CQ", YYYYMM, 1..)
 *   issued_at      the issuer's issue time (unix s), from the payload
 *   upto_entry     the issuer's ledger entry id it covers up to
 *   payload        the packed SignedBulletin exactly as signed and sent
 *   digest         the bulletin's digest (32 bytes)
 *   origin         'own' (issued here) or 'peer' (received, verified)
 *   signer         hub id that signed it
 *   stored_at      when this hub stored it
 *   sent_at        own: last time handed to the peer link; NULL never
 *   acked_at       own: when the peer first acknowledged it; NULL not yet
 * bulletin_signer  public signing keys of the hubs this store was opened
 *                  with: signer id, 32-byte key, province, 'own'|'peer',
 *                  first seen. A hub that changes its key keeps the old
 *                  row, so that its old bulletins still verify. */
static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS bulletin(province TEXT NOT NULL,"
    " period INTEGER NOT NULL, revision INTEGER NOT NULL,"
    " issued_at INTEGER NOT NULL, upto_entry INTEGER NOT NULL,"
    " payload BLOB NOT NULL, digest BLOB NOT NULL,"
    " origin TEXT NOT NULL CHECK (origin IN ('own', 'peer')),"
    " signer TEXT NOT NULL, stored_at INTEGER NOT NULL,"
    " sent_at INTEGER, acked_at INTEGER,"
    " PRIMARY KEY(province, period, revision));"
    "CREATE TABLE IF NOT EXISTS bulletin_signer(signer TEXT NOT NULL,"
    " public_key BLOB NOT NULL, province TEXT NOT NULL,"
    " origin TEXT NOT NULL, first_seen INTEGER NOT NULL,"
    " PRIMARY KEY(signer, public_key));";

int ledger_bulletins_db_schema(sqlite3 *db)
{
    return lu_store_exec(db, SCHEMA);
}

int ledger_bulletins_db_fail(struct ledger_bulletins *s, int r, char *err,
                             size_t errlen)
{
    if (err != NULL)
        snprintf(err, errlen, "bulletin store: %s", ledger_sql_errmsg(s->db));
    lu_err("bulletin store: %s", ledger_sql_errmsg(s->db));
    return r < 0 ? r : -EIO;
}

int ledger_bulletins_db_record_signer(struct ledger_bulletins *s,
                                      const char *id, const uint8_t *key,
                                      const char *province, const char *origin)
{
    struct ledger_stmt *st = NULL;
    int r;

    r = ledger_sql_prepare(s->db,
                           "INSERT OR IGNORE INTO bulletin_signer VALUES"
                           " (?1, ?2, ?3, ?4, ?5)",
                           &st);
    if (r == 0) {
        ledger_stmt_bind_text(st, 1, id);
        ledger_stmt_bind_blob(st, 2, key, LU_SIGN_PUBLIC_BYTES);
        ledger_stmt_bind_text(st, 3, province);
        ledger_stmt_bind_text(st, 4, origin);
        ledger_stmt_bind_int64(st, 5, lu_now_s());
        r = ledger_stmt_step(st);
    }
    ledger_stmt_finalize(st);
    return r < 0 ? r : 0;
}

/* The latest revision held for (province, period) and its upto_entry;
 * *rev 0 when none. */
int ledger_bulletins_db_latest(struct ledger_bulletins *s, const char *province,
                               uint32_t period, uint32_t *rev, int64_t *upto)
{
    struct ledger_stmt *st = NULL;
    int r;

    *rev = 0;
    *upto = -1;
    if (s->empty)
        return 0;
    if (ledger_sql_prepare(s->db,
                           "SELECT revision, upto_entry FROM bulletin WHERE"
                           " province = ?1 AND period = ?2"
                           " ORDER BY revision DESC LIMIT 1",
                           &st) < 0)
        return -EIO;
    ledger_stmt_bind_text(st, 1, province);
    ledger_stmt_bind_int64(st, 2, period);
    r = ledger_stmt_step(st);
    if (r == 1) {
        *rev = (uint32_t)ledger_stmt_int64(st, 0);
        *upto = ledger_stmt_int64(st, 1);
    }
    ledger_stmt_finalize(st);
    return r < 0 ? r : 0;
}

int64_t ledger_bulletins_db_max_entry(struct ledger_sql *db)
{
    struct ledger_stmt *st = NULL;
    int64_t id = -1;

    if (ledger_sql_prepare(db, "SELECT coalesce(max(id), 0) FROM entry", &st) ==
            0 &&
        ledger_stmt_step(st) == 1)
        id = ledger_stmt_int64(st, 0);
    ledger_stmt_finalize(st);
    return id;
}

/* Whether an entry of the province for period or earlier has arrived
 * since entry id `after`: a rowid range, usually short. */
int ledger_bulletins_db_changed_since(struct ledger_bulletins *s,
                                      uint32_t period, int64_t after)
{
    struct ledger_stmt *st = NULL;
    int r;

    if (ledger_sql_prepare(s->db,
                           "SELECT 1 FROM entry WHERE id > ?1 AND +period <= ?2"
                           " AND unit IN (SELECT code FROM unit WHERE"
                           " province = ?3) LIMIT 1",
                           &st) < 0)
        return -EIO;
    ledger_stmt_bind_int64(st, 1, after);
    ledger_stmt_bind_int64(st, 2, period);
    ledger_stmt_bind_text(st, 3, s->province);
    r = ledger_stmt_step(st);
    ledger_stmt_finalize(st);
    return r;
}

int ledger_bulletins_db_insert(struct ledger_bulletins *s,
                               const Luyu__Bulletin *b, const uint8_t *data,
                               size_t len, const char *origin,
                               const char *signer, int64_t now)
{
    struct ledger_stmt *st = NULL;
    int r = ledger_sql_prepare(s->db,
                               "INSERT INTO bulletin(province, period,"
                               " revision, issued_at, upto_entry, payload,"
                               " origin, signer, stored_at, digest)"
                               " VALUES (?,?,?,?,?,?,?,?,?,?)",
                               &st);

    if (r == 0) {
        ledger_stmt_bind_text(st, 1, b->province);
        ledger_stmt_bind_int64(st, 2, b->period);
        ledger_stmt_bind_int64(st, 3, b->revision);
        ledger_stmt_bind_int64(st, 4, b->issued_at);
        ledger_stmt_bind_int64(st, 5, b->upto_entry);
        ledger_stmt_bind_blob(st, 6, data, len);
        ledger_stmt_bind_text(st, 7, origin);
        ledger_stmt_bind_text(st, 8, signer);
        ledger_stmt_bind_int64(st, 9, now);
        ledger_stmt_bind_blob(st, 10, b->digest.data, b->digest.len);
        r = ledger_stmt_step(st);
    }
    ledger_stmt_finalize(st);
    return r == 0 ? 0 : ledger_bulletins_db_fail(s, r, NULL, 0);
}

void ledger_bulletins_db_read_item(struct ledger_stmt *st, bool payload,
                                   struct ledger_bulletins_item *it)
{
    memset(it, 0, sizeof(*it));
    snprintf(it->province, sizeof(it->province), "%s", ledger_stmt_text(st, 0));
    it->period = (uint32_t)ledger_stmt_int64(st, 1);
    it->revision = (uint32_t)ledger_stmt_int64(st, 2);
    it->issued_at = ledger_stmt_int64(st, 3);
    it->upto_entry = ledger_stmt_int64(st, 4);
    it->stored_at = ledger_stmt_int64(st, 5);
    it->sent_at = ledger_stmt_int64(st, 6);
    it->acked_at = ledger_stmt_int64(st, 7);
    it->own = ledger_stmt_int64(st, 8) != 0;
    snprintf(it->signer, sizeof(it->signer), "%s", ledger_stmt_text(st, 9));
    if (payload) {
        it->len = ledger_stmt_bytes(st, 10);
        it->payload = lu_xmalloc(it->len + 1);
        if (it->len > 0)
            memcpy(it->payload, ledger_stmt_blob(st, 10), it->len);
    }
}

/* See bulletins_db.h. */
int ledger_bulletins_db_items(struct ledger_bulletins *s, const char *sql,
                              bool payload, struct ledger_bulletins_item **out,
                              size_t *n)
{
    struct ledger_stmt *st = NULL;
    size_t cap = 0;
    int r;

    *out = NULL;
    *n = 0;
    if (s->empty)
        return 0;
    if (ledger_sql_prepare(s->db, sql, &st) < 0)
        return -EIO;
    while ((r = ledger_stmt_step(st)) == 1) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            *out = lu_xrealloc(*out, cap * sizeof(**out));
        }
        ledger_bulletins_db_read_item(st, payload, &(*out)[(*n)++]);
    }
    ledger_stmt_finalize(st);
    return r == 0 ? 0 : ledger_bulletins_db_fail(s, r, NULL, 0);
}

int ledger_bulletins_db_mark(struct ledger_bulletins *s, const char *sql,
                             const char *province, uint32_t period,
                             uint32_t revision, int64_t now)
{
    struct ledger_stmt *st = NULL;
    int r;

    if (s->readonly || s->empty)
        return -EROFS;
    if (ledger_sql_prepare(s->db, sql, &st) < 0)
        return -EIO;
    ledger_stmt_bind_int64(st, 1, now);
    ledger_stmt_bind_text(st, 2, province);
    ledger_stmt_bind_int64(st, 3, period);
    ledger_stmt_bind_int64(st, 4, revision);
    r = ledger_stmt_step(st);
    ledger_stmt_finalize(st);
    if (r != 0)
        return ledger_bulletins_db_fail(s, r, NULL, 0);
    /* -1, unknown: a write inside the intake's transaction on PostgreSQL,
     * taken as done. An acknowledgement of a bulletin this store does not
     * hold then counts in the peer's metrics; nothing is stored for it. */
    return ledger_sql_changes(s->db) != 0 ? 0 : -ENOENT;
}
