#include "tokens.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "outbox.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

static void digest(const char *token, uint8_t out[crypto_hash_sha256_BYTES])
{
    crypto_hash_sha256(out, (const uint8_t *)token, strlen(token));
}

int node_tokens_add(struct node_outbox *ob, const struct node_token *t,
                    char *token)
{
    sqlite3 *db = node_outbox_db(ob);
    sqlite3_stmt *st = NULL;
    uint8_t raw[32], h[crypto_hash_sha256_BYTES];
    char hex[65];
    int r;

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    snprintf(token, NODE_API_TOKEN_LEN + 1, "luyu_%s", hex);
    digest(token, h);
    r = lu_store_prepare(db,
                         "INSERT INTO api_token(name, hash, units,"
                         " created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                         &st);
    if (r < 0)
        return r;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, h, sizeof(h), SQLITE_STATIC);
    sqlite3_bind_text(st, 3, t->units, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, lu_now_s());
    sqlite3_bind_text(st, 5, t->created_by, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_CONSTRAINT) {
        r = -EEXIST;
    } else if (r != SQLITE_DONE) {
        lu_err("tokens: %s", sqlite3_errmsg(db));
        r = lu_store_errno(r);
    } else {
        r = 0;
    }
    sqlite3_finalize(st);
    sodium_memzero(raw, sizeof(raw));
    return r;
}

int node_tokens_revoke(struct node_outbox *ob, const char *name)
{
    sqlite3 *db = node_outbox_db(ob);
    sqlite3_stmt *st = NULL;
    int r = lu_store_prepare(
        db, "UPDATE api_token SET revoked = 1 WHERE name = ?", &st);

    if (r < 0)
        return r;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r != SQLITE_DONE)
        r = lu_store_errno(r);
    else
        r = sqlite3_changes(db) > 0 ? 0 : -ENOENT;
    sqlite3_finalize(st);
    return r;
}

static void fill(sqlite3_stmt *st, void *elem)
{
    struct node_token *t = elem;

    memset(t, 0, sizeof(*t));
    snprintf(t->name, sizeof(t->name), "%s", sqlite3_column_text(st, 0));
    snprintf(t->units, sizeof(t->units), "%s", sqlite3_column_text(st, 1));
    t->revoked = sqlite3_column_int(st, 2) != 0;
    t->created_at = sqlite3_column_int64(st, 3);
    snprintf(t->created_by, sizeof(t->created_by), "%s",
             sqlite3_column_text(st, 4));
}

#define COLUMNS                                                                \
    "SELECT name, units, revoked, created_at, created_by FROM api_token"

int node_tokens_find(struct node_outbox *ob, const char *token,
                     struct node_token *t)
{
    sqlite3 *db = node_outbox_db(ob);
    sqlite3_stmt *st = NULL;
    uint8_t h[crypto_hash_sha256_BYTES];
    int r;

    if (token == NULL || strlen(token) != NODE_API_TOKEN_LEN)
        return -ENOENT;
    digest(token, h);
    r = lu_store_prepare(db, COLUMNS " WHERE hash = ? AND revoked = 0", &st);
    if (r < 0)
        return r;
    sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_STATIC);
    return lu_store_row(st, fill, t);
}

int node_tokens_list(struct node_outbox *ob, struct node_token **out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    int r = lu_store_prepare(node_outbox_db(ob), COLUMNS " ORDER BY name", &st);

    *out = NULL;
    *n = 0;
    return r < 0 ? r : lu_store_rows(st, sizeof(**out), fill, (void **)out, n);
}
