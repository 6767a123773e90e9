#include "users.h"

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

/* Web users (outbox schema 2).
 *   name        the login name; entries record "web:NAME" as recorded_by
 *   role        clerk (enter, import, correct) or reviewer
 *   units       comma-separated units this user may report for, a subset
 *               of the node's; '' means all of the node's units
 *   pwhash      crypto_pwhash_str (Argon2id), made by luyuctl: the
 *               password itself is never sent to or stored by the node
 *   disabled    1: cannot sign in; rows are never deleted, so the name
 *               in an entry's recorded_by always names someone known
 *   created_at, created_by, changed_at   unix s and the Unix user
 * API tokens of the district's other systems (node/tokens.c).
 *   name        the system; entries record "api:NAME"
 *   hash        SHA-256 of the token: the token itself is shown once, by
 *               luyuctl token add, and never stored
 *   units       as for users
 *   revoked     1: refused from then on; rows are never deleted */
const char NODE_USERS_SCHEMA_V2[] =
    "CREATE TABLE IF NOT EXISTS web_user("
    " name TEXT PRIMARY KEY, role TEXT NOT NULL, units TEXT NOT NULL,"
    " pwhash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL, created_by TEXT NOT NULL,"
    " changed_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS api_token("
    " name TEXT PRIMARY KEY, hash BLOB NOT NULL UNIQUE, units TEXT NOT NULL,"
    " revoked INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
    " created_by TEXT NOT NULL) WITHOUT ROWID;";

bool node_user_name_valid(const char *name)
{
    return strlen(name) <= NODE_USER_NAME_MAX && lu_code_valid(name);
}

bool node_user_role_valid(const char *role)
{
    return strcmp(role, "clerk") == 0 || strcmp(role, "reviewer") == 0;
}

bool node_user_hash_valid(const char *s)
{
    size_t n = strlen(s);

    if (n >= crypto_pwhash_STRBYTES || n > NODE_USER_HASH_MAX ||
        strncmp(s, crypto_pwhash_argon2id_STRPREFIX,
                strlen(crypto_pwhash_argon2id_STRPREFIX)) != 0)
        return false;
    /* -1 when the string does not parse as a hash at all. */
    return crypto_pwhash_str_needs_rehash(s, crypto_pwhash_OPSLIMIT_MIN,
                                          crypto_pwhash_MEMLIMIT_MIN) >= 0;
}

/* Calls fn on each code of a comma-separated list until it returns false. */
static bool each_unit(const char *list, bool (*fn)(const char *u, void *arg),
                      void *arg)
{
    char code[128];

    while (*list != '\0') {
        size_t n = strcspn(list, ",");
        const char *p = list, *end = list + n;

        while (p < end && *p == ' ')
            p++;
        while (end > p && end[-1] == ' ')
            end--;
        if (end > p && (size_t)(end - p) < sizeof(code)) {
            memcpy(code, p, (size_t)(end - p));
            code[end - p] = '\0';
            if (!fn(code, arg))
                return false;
        }
        list += n + (list[n] == ',');
    }
    return true;
}

static bool differs(const char *u, void *arg)
{
    return strcmp(u, arg) != 0;
}

bool node_units_has(const char *list, const char *unit)
{
    return !each_unit(list, differs, (void *)unit);
}

static bool in_list(const char *u, void *arg)
{
    return node_units_has(arg, u);
}

bool node_units_subset(const char *want, const char *have)
{
    return each_unit(want, in_list, (void *)have);
}

const char *node_user_units(const struct node_user *u, const char *node_units)
{
    return u->units[0] ? u->units : node_units;
}

static int exec_one(sqlite3 *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_CONSTRAINT)
        return -EEXIST; /* the name is taken: the caller says so */
    if (rc != SQLITE_DONE) {
        lu_err("users: %s", sqlite3_errmsg(db));
        return lu_store_errno(rc);
    }
    return sqlite3_changes(db) > 0 ? 0 : -ENOENT;
}

int node_users_add(struct node_outbox *ob, const struct node_user *u)
{
    sqlite3 *db = node_outbox_db(ob);
    sqlite3_stmt *st = NULL;
    int64_t now = lu_now_s();
    int r;

    r = lu_store_prepare(db,
                         "INSERT INTO web_user(name, role, units, pwhash,"
                         " created_at, created_by, changed_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)",
                         &st);
    if (r < 0)
        return r;
    sqlite3_bind_text(st, 1, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, u->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u->units, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, u->pwhash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_text(st, 6, u->created_by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, now);
    r = exec_one(db, st);
    sqlite3_finalize(st);
    return r;
}

static int update(struct node_outbox *ob, const char *sql, const char *name,
                  const char *text)
{
    sqlite3 *db = node_outbox_db(ob);
    sqlite3_stmt *st = NULL;
    int r = lu_store_prepare(db, sql, &st);

    if (r < 0)
        return r;
    sqlite3_bind_int64(st, 1, lu_now_s());
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    if (text != NULL)
        sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
    r = exec_one(db, st);
    sqlite3_finalize(st);
    return r;
}

int node_users_passwd(struct node_outbox *ob, const char *name,
                      const char *pwhash)
{
    return update(ob,
                  "UPDATE web_user SET changed_at = ?, disabled = 0,"
                  " pwhash = ?3 WHERE name = ?2",
                  name, pwhash);
}

int node_users_disable(struct node_outbox *ob, const char *name)
{
    return update(ob,
                  "UPDATE web_user SET changed_at = ?, disabled = 1"
                  " WHERE name = ?2",
                  name, NULL);
}

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t len)
{
    const char *s = (const char *)sqlite3_column_text(st, i);

    snprintf(out, len, "%s", s ? s : "");
}

static void fill(sqlite3_stmt *st, void *elem)
{
    struct node_user *u = elem;

    memset(u, 0, sizeof(*u));
    copy_col(st, 0, u->name, sizeof(u->name));
    copy_col(st, 1, u->role, sizeof(u->role));
    copy_col(st, 2, u->units, sizeof(u->units));
    copy_col(st, 3, u->pwhash, sizeof(u->pwhash));
    u->disabled = sqlite3_column_int(st, 4) != 0;
    u->created_at = sqlite3_column_int64(st, 5);
    copy_col(st, 6, u->created_by, sizeof(u->created_by));
    u->changed_at = sqlite3_column_int64(st, 7);
}

#define COLUMNS                                                                \
    "SELECT name, role, units, pwhash, disabled, created_at, created_by,"      \
    " changed_at FROM web_user"

int node_users_get(struct node_outbox *ob, const char *name,
                   struct node_user *u)
{
    sqlite3 *db = node_outbox_db(ob);
    sqlite3_stmt *st = NULL;
    int r = lu_store_prepare(db, COLUMNS " WHERE name = ?", &st);

    if (r < 0)
        return r;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    return lu_store_row(st, fill, u);
}

int node_users_list(struct node_outbox *ob, struct node_user **out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    int r = lu_store_prepare(node_outbox_db(ob), COLUMNS " ORDER BY name", &st);

    *out = NULL;
    *n = 0;
    return r < 0 ? r : lu_store_rows(st, sizeof(**out), fill, (void **)out, n);
}
