/* The bulletin store's SQL, internal to ledger/bulletins.c: the schema (its
 * documentation is next to it in bulletins_db.c), the store's state, and
 * the queries. Functions return 0 or a negative errno, as the store does. */
#ifndef LEDGER_BULLETINS_DB_H
#define LEDGER_BULLETINS_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bulletin.pb-c.h"
#include "bulletins.h"
#include "sign.h"

/* The columns ledger_bulletins_db_items() reads into an item, in its order;
 * a query may add payload after them. */
#define LEDGER_BULLETINS_DB_ITEM                                               \
    "province, period, revision, issued_at, upto_entry, stored_at,"            \
    " coalesce(sent_at, 0), coalesce(acked_at, 0), origin = 'own', signer"

struct ledger_sql;
struct ledger_stmt;

struct ledger_bulletins {
    struct ledger_sql *db; /* the ledger's, owned only when own_db */
    bool own_db;           /* a reader's layer over its SQLite handle */
    bool readonly, empty;  /* empty: a reader's ledger has no tables yet */
    char hub_id[65], province[17], peer_id[65], peer_province[17];
    struct lu_sign_key key;
    bool has_key, has_peer;
    uint8_t peer_key[LU_SIGN_PUBLIC_BYTES];
};

/* Creates the tables when missing: a step of the ledger's migration to
 * schema 1 (ledger/ledger.c), the one owner of the file's schema. */
int ledger_bulletins_db_schema(sqlite3 *db);

/* Logs the database's error (and writes it into err when not NULL);
 * returns r when negative, else -EIO. */
int ledger_bulletins_db_fail(struct ledger_bulletins *s, int r, char *err,
                             size_t errlen);

/* Records a hub's public signing key (kept once per signer and key). */
int ledger_bulletins_db_record_signer(struct ledger_bulletins *s,
                                      const char *id, const uint8_t *key,
                                      const char *province, const char *origin);

/* The latest revision held for (province, period) and its upto_entry;
 * *rev 0 and *upto -1 when none. */
int ledger_bulletins_db_latest(struct ledger_bulletins *s, const char *province,
                               uint32_t period, uint32_t *rev, int64_t *upto);

/* The ledger's last entry id (0 when empty), -1 when the read fails. */
int64_t ledger_bulletins_db_max_entry(struct ledger_sql *db);

/* 1 when an entry of s's province for period or earlier has id > after,
 * 0 when none, negative on error. */
int ledger_bulletins_db_changed_since(struct ledger_bulletins *s,
                                      uint32_t period, int64_t after);

/* Stores a signed bulletin: data is its packed SignedBulletin. */
int ledger_bulletins_db_insert(struct ledger_bulletins *s,
                               const Luyu__Bulletin *b, const uint8_t *data,
                               size_t len, const char *origin,
                               const char *signer, int64_t now);

/* Reads a row of LEDGER_BULLETINS_DB_ITEM (and payload, column 10, when
 * with_payload; a heap copy) into it. */
void ledger_bulletins_db_read_item(struct ledger_stmt *st, bool with_payload,
                                   struct ledger_bulletins_item *it);

/* Runs a parameterless query of LEDGER_BULLETINS_DB_ITEM (and payload when
 * with_payload), collecting heap items. */
int ledger_bulletins_db_items(struct ledger_bulletins *s, const char *sql,
                              bool with_payload,
                              struct ledger_bulletins_item **out, size_t *n);

/* Runs an UPDATE with ?1 now, ?2 province, ?3 period, ?4 revision;
 * -ENOENT when no row matched. */
int ledger_bulletins_db_mark(struct ledger_bulletins *s, const char *sql,
                             const char *province, uint32_t period,
                             uint32_t revision, int64_t now);

#endif
