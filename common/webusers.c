#include "webusers.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

bool lu_webuser_name_valid(const char *name)
{
    return strlen(name) <= LU_WEBUSER_NAME_MAX && lu_code_valid(name);
}

bool lu_webuser_hash_valid(const char *s)
{
    size_t n = strlen(s);

    if (n >= crypto_pwhash_STRBYTES || n > LU_WEBUSER_HASH_MAX ||
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

bool lu_units_has(const char *list, const char *unit)
{
    return !each_unit(list, differs, (void *)unit);
}

static bool in_list(const char *u, void *arg)
{
    return lu_units_has(arg, u);
}

bool lu_units_subset(const char *want, const char *have)
{
    return each_unit(want, in_list, (void *)have);
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

int lu_webusers_add(sqlite3 *db, const struct lu_webuser *u)
{
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

static int update(sqlite3 *db, const char *sql, const char *name,
                  const char *text)
{
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

int lu_webusers_passwd(sqlite3 *db, const char *name, const char *pwhash)
{
    return update(db,
                  "UPDATE web_user SET changed_at = ?, disabled = 0,"
                  " pwhash = ?3 WHERE name = ?2",
                  name, pwhash);
}

int lu_webusers_disable(sqlite3 *db, const char *name)
{
    return update(db,
                  "UPDATE web_user SET changed_at = ?, disabled = 1"
                  " WHERE name = ?2",
                  name, NULL);
}

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t len)
{
    const char *s = (const char *)sqlite3_column_text(st, i);

    snprintf(out, len, "%s", s ? s : "");
}

static void fill(sqlite3_stmt *st, struct lu_webuser *u)
{
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

int lu_webusers_get(sqlite3 *db, const char *name, struct lu_webuser *u)
{
    sqlite3_stmt *st = NULL;
    int r = lu_store_prepare(db, COLUMNS " WHERE name = ?", &st);

    if (r < 0)
        return r;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        fill(st, u);
        r = 0;
    } else {
        r = r == SQLITE_DONE ? -ENOENT : lu_store_errno(r);
    }
    sqlite3_finalize(st);
    return r;
}

int lu_webusers_list(sqlite3 *db, struct lu_webuser **out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int r = lu_store_prepare(db, COLUMNS " ORDER BY name", &st);

    *out = NULL;
    *n = 0;
    if (r < 0)
        return r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = lu_xrealloc(*out, cap * sizeof(**out));
        }
        fill(st, &(*out)[(*n)++]);
    }
    r = r == SQLITE_DONE ? 0 : lu_store_errno(r);
    sqlite3_finalize(st);
    return r;
}
