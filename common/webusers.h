/* The people who sign in to a daemon's web pages, the same table at the
 * node (in outbox.db, outbox migration 2) and at the hub (in users.db,
 * hub/users.c): name, role, the units they may see or report for, an
 * Argon2id password hash (libsodium's crypto_pwhash_str format, made by
 * luyuctl) and whether they are disabled. The functions work on the
 * owning daemon's connection, on its loop thread; which roles exist is
 * the daemon's to say. */
#ifndef LU_WEBUSERS_H
#define LU_WEBUSERS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The table, as its owners' migrations create it.
 *   name        the login name; node entries record "web:NAME"
 *   role        the daemon's roles (node: clerk, reviewer; hub: viewer,
 *               reviewer, admin)
 *   units       comma-separated units; '' means all of them
 *   pwhash      crypto_pwhash_str (Argon2id), made by luyuctl: the
 *               password itself is never sent to or stored by a daemon
 *   disabled    1: cannot sign in; rows are never deleted, so a name
 *               recorded anywhere always names someone known
 *   created_at, created_by, changed_at   unix s and the Unix user */
#define LU_WEBUSERS_TABLE                                                      \
    "CREATE TABLE IF NOT EXISTS web_user("                                     \
    " name TEXT PRIMARY KEY, role TEXT NOT NULL, units TEXT NOT NULL,"         \
    " pwhash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"              \
    " created_at INTEGER NOT NULL, created_by TEXT NOT NULL,"                  \
    " changed_at INTEGER NOT NULL) WITHOUT ROWID;"

#define LU_WEBUSER_NAME_MAX 32
#define LU_WEBUSER_UNITS_MAX 512
#define LU_WEBUSER_HASH_MAX 128

struct lu_webuser {
    char name[LU_WEBUSER_NAME_MAX + 1];
    char role[16];
    char units[LU_WEBUSER_UNITS_MAX + 1];
    char pwhash[LU_WEBUSER_HASH_MAX + 1];
    bool disabled;
    int64_t created_at, changed_at; /* unix s */
    char created_by[65];
};

/* Whether name is a valid user name: 1-32 of [a-z0-9_.-], starting with a
 * letter or digit. */
bool lu_webuser_name_valid(const char *name);
/* Whether s looks like a crypto_pwhash_str Argon2id string. */
bool lu_webuser_hash_valid(const char *s);

/* Whether unit is in list, a comma-separated list of unit codes (spaces
 * around the commas allowed). */
bool lu_units_has(const char *list, const char *unit);
/* Whether every unit of want is in have; want "" is all of have: true. */
bool lu_units_subset(const char *want, const char *have);

/* Adds a user. -EEXIST when the name is taken. */
int lu_webusers_add(sqlite3 *db, const struct lu_webuser *u);
/* Sets a user's password hash and enables them. -ENOENT when unknown. */
int lu_webusers_passwd(sqlite3 *db, const char *name, const char *pwhash);
/* Disables a user. -ENOENT when unknown. */
int lu_webusers_disable(sqlite3 *db, const char *name);
/* Looks a user up. -ENOENT when unknown. */
int lu_webusers_get(sqlite3 *db, const char *name, struct lu_webuser *u);
/* Every user, by name, into a heap array the caller frees with free(). */
int lu_webusers_list(sqlite3 *db, struct lu_webuser **out, size_t *n);

#endif
