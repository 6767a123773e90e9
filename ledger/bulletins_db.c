/* The bulletin store's SQL (ledger/bulletins.h): its schema, and the reads
 * and writes ledger/bulletins.c builds on. */
#include "bulletins_db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "xmalloc.h"

/* The store's schema, in the ledger file beside ledger/ledger.c's tables.
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

int ledger_bulletins_db_fail(struct ledger_bulletins *s, int rc, char *err,
                             size_t errlen)
{
    if (err != NULL)
        snprintf(err, errlen, "bulletin store: %s", sqlite3_errmsg(s->db));
    lu_err("bulletin store: %s", sqlite3_errmsg(s->db));
    return lu_store_errno(rc) ? lu_store_errno(rc) : -EIO;
}

int ledger_bulletins_db_record_signer(struct ledger_bulletins *s,
                                      const char *id, const uint8_t *key,
                                      const char *province, const char *origin)
{
    sqlite3_stmt *st = NULL;
    int r;

    r = lu_store_prepare(s->db,
                         "INSERT OR IGNORE INTO bulletin_signer VALUES"
                         " (?, ?, ?, ?, strftime('%s', 'now'))",
                         &st);
    if (r == 0) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, key, LU_SIGN_PUBLIC_BYTES, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, province, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, origin, -1, SQLITE_STATIC);
        r = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
    }
    sqlite3_finalize(st);
    return r;
}

/* The latest revision held for (province, period) and its upto_entry;
 * *rev 0 when none. */
int ledger_bulletins_db_latest(struct ledger_bulletins *s, const char *province,
                               uint32_t period, uint32_t *rev, int64_t *upto)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *rev = 0;
    *upto = -1;
    if (s->empty)
        return 0;
    if (lu_store_prepare(s->db,
                         "SELECT revision, upto_entry FROM bulletin WHERE"
                         " province = ? AND period = ?"
                         " ORDER BY revision DESC LIMIT 1",
                         &st) < 0)
        return -EIO;
    sqlite3_bind_text(st, 1, province, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, period);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *rev = (uint32_t)sqlite3_column_int64(st, 0);
        *upto = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

int64_t ledger_bulletins_db_max_entry(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int64_t id = -1;

    if (lu_store_prepare(db, "SELECT coalesce(max(id), 0) FROM entry", &st) ==
            0 &&
        sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

/* Whether an entry of the province for period or earlier has arrived
 * since entry id `after`: a rowid range, usually short. */
int ledger_bulletins_db_changed_since(struct ledger_bulletins *s,
                                      uint32_t period, int64_t after)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (lu_store_prepare(s->db,
                         "SELECT 1 FROM entry WHERE id > ?1 AND period <= ?2"
                         " AND unit IN (SELECT code FROM unit WHERE"
                         " province = ?3) LIMIT 1",
                         &st) < 0)
        return -EIO;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, period);
    sqlite3_bind_text(st, 3, s->province, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -EIO;
}

int ledger_bulletins_db_insert(struct ledger_bulletins *s,
                               const Luyu__Bulletin *b, const uint8_t *data,
                               size_t len, const char *origin,
                               const char *signer, int64_t now)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db,
                                "INSERT INTO bulletin(province, period,"
                                " revision, issued_at, upto_entry, payload,"
                                " origin, signer, stored_at, digest)"
                                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                                -1, &st, NULL);

    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, b->province, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, b->period);
        sqlite3_bind_int64(st, 3, b->revision);
        sqlite3_bind_int64(st, 4, b->issued_at);
        sqlite3_bind_int64(st, 5, b->upto_entry);
        sqlite3_bind_blob(st, 6, data, (int)len, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, origin, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, signer, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 9, now);
        sqlite3_bind_blob(st, 10, b->digest.data, (int)b->digest.len,
                          SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : ledger_bulletins_db_fail(s, rc, NULL, 0);
}

void ledger_bulletins_db_read_item(sqlite3_stmt *st, bool payload,
                                   struct ledger_bulletins_item *it)
{
    memset(it, 0, sizeof(*it));
    snprintf(it->province, sizeof(it->province), "%s",
             (const char *)sqlite3_column_text(st, 0));
    it->period = (uint32_t)sqlite3_column_int64(st, 1);
    it->revision = (uint32_t)sqlite3_column_int64(st, 2);
    it->issued_at = sqlite3_column_int64(st, 3);
    it->upto_entry = sqlite3_column_int64(st, 4);
    it->stored_at = sqlite3_column_int64(st, 5);
    it->sent_at = sqlite3_column_int64(st, 6);
    it->acked_at = sqlite3_column_int64(st, 7);
    it->own = sqlite3_column_int(st, 8) != 0;
    snprintf(it->signer, sizeof(it->signer), "%s",
             (const char *)sqlite3_column_text(st, 9));
    if (payload) {
        it->len = (size_t)sqlite3_column_bytes(st, 10);
        it->payload = lu_xmalloc(it->len + 1);
        if (it->len > 0)
            memcpy(it->payload, sqlite3_column_blob(st, 10), it->len);
    }
}

/* See bulletins_db.h. */
int ledger_bulletins_db_items(struct ledger_bulletins *s, const char *sql,
                              bool payload, struct ledger_bulletins_item **out,
                              size_t *n)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (s->empty)
        return 0;
    if (lu_store_prepare(s->db, sql, &st) < 0)
        return -EIO;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            *out = lu_xrealloc(*out, cap * sizeof(**out));
        }
        ledger_bulletins_db_read_item(st, payload, &(*out)[(*n)++]);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : ledger_bulletins_db_fail(s, rc, NULL, 0);
}

int ledger_bulletins_db_mark(struct ledger_bulletins *s, const char *sql,
                             const char *province, uint32_t period,
                             uint32_t revision, int64_t now)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (s->readonly || s->empty)
        return -EROFS;
    if (lu_store_prepare(s->db, sql, &st) < 0)
        return -EIO;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_text(st, 2, province, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, period);
    sqlite3_bind_int64(st, 4, revision);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return ledger_bulletins_db_fail(s, rc, NULL, 0);
    return sqlite3_changes(s->db) > 0 ? 0 : -ENOENT;
}
