/* SQLite and state-directory helpers shared by the node's outbox and the
 * hub's ledger: opening a database the way luyu's durability promise needs
 * (WAL, synchronous=FULL, busy timeout, an integrity check on open), mapping
 * SQLite result codes to negative errnos, and the lock that keeps a second
 * daemon off a state directory. */
#ifndef LU_STORE_H
#define LU_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

enum {
    LU_STORE_CREATE = 1,   /* create the file if it does not exist */
    LU_STORE_READONLY = 2, /* open for queries only (luyuctl) */
    LU_STORE_SMALL = 4,    /* a 256 KiB page cache (the node's outbox) */
};

/* Call once at the start of a daemon, before anything else touches
 * SQLite: turns off SQLite's memory statistics, whose global mutex showed
 * up as 7% of the hub's time under load. */
void lu_store_global_init(void);

/* The same, for a daemon whose databases are small and read a little at a
 * time (the node): SQLite then allocates its page cache a page at a time as
 * it reads, instead of 20 pages up front for every database it opens. */
void lu_store_global_init_small(void);

/* Opens path. Refuses, with a reason in err: a file that is not a SQLite
 * database or fails quick_check, a WAL file with no database beside it, and
 * (without LU_STORE_CREATE) a missing file. `kind` is a short name such as
 * "outbox" or "ledger" written into a meta table on creation and checked
 * afterwards, so that a node never opens a hub's ledger or the reverse.
 * LU_STORE_SMALL applies to a writer; a READONLY reader ignores it. */
int lu_store_open(const char *path, const char *kind, int flags, sqlite3 **out,
                  char *err, size_t errlen);
void lu_store_close(sqlite3 *db);

/* Runs SQL without results; logs sqlite3_errmsg() on failure. */
int lu_store_exec(sqlite3 *db, const char *sql);

/* Prepares a statement; logs on failure. */
int lu_store_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out);

/* Reading rows into structs: fill copies the current row of st into elem
 * (one struct of the caller's type). */
typedef void (*lu_store_fill_cb)(sqlite3_stmt *st, void *elem);
/* The first row of st into elem: 0, -ENOENT when there is none, or the
 * step's error. Finalizes st. */
int lu_store_row(sqlite3_stmt *st, lu_store_fill_cb fill, void *elem);
/* Every row of st into a new array of structs of size bytes, *out (the
 * caller frees it with free()), *n of them. 0 or the step's error (*out
 * holds the rows read before it). Finalizes st. */
int lu_store_rows(sqlite3_stmt *st, size_t size, lu_store_fill_cb fill,
                  void **out, size_t *n);

/* Maps a SQLite result code to a negative errno: SQLITE_FULL -> -ENOSPC,
 * BUSY/LOCKED -> -EBUSY, CORRUPT/NOTADB -> -EBADMSG, CONSTRAINT -> -EEXIST,
 * IOERR -> -EIO, anything else -> -EIO. */
int lu_store_errno(int rc);

/* Reads or writes meta(key, value). get returns -ENOENT when unset; the
 * value is copied into buf. */
int lu_store_meta_get(sqlite3 *db, const char *key, char *buf, size_t len);
int lu_store_meta_set(sqlite3 *db, const char *key, const char *value);

/* Schema versions. Every database carries its schema version in PRAGMA
 * user_version; its owner lists the migrations that bring it from each
 * version to the next, in order. A file at version 0 is either new (only
 * the meta table) or one written by a release before versions (the
 * migration to 1 creates what is missing with CREATE ... IF NOT EXISTS,
 * so both end up the same). */
struct lu_store_migration {
    int to;          /* the version after this step: 1, 2, ... in order */
    const char *sql; /* run in the migration's transaction; may be NULL */
    int (*fn)(sqlite3 *db); /* then this, when not NULL; 0 or -errno */
};

/* The file's schema version into *version. */
int lu_store_version(sqlite3 *db, int *version);

/* Refuses a file whose schema is newer than `known`, for a reader that
 * never migrates: -EPROTO with "this ledger is schema 5; this luyuctl knows
 * up to 4: upgrade luyuctl" in err (kind "ledger", the program's name from
 * lu_log_ident()). 0 otherwise. */
int lu_store_check_version(sqlite3 *db, const char *kind, int known, char *err,
                           size_t errlen);

/* Brings the database at path (open in db, a writer holding the state
 * directory's lock) to the last version of m[0..n): refuses a newer file
 * as lu_store_check_version does; does nothing at the last version;
 * otherwise copies the file to PATH.bak-vN first (N the version found;
 * skipped for a new file that holds nothing yet), logs "migrating ledger
 * schema N -> M", and applies every later step and the new user_version in
 * one transaction, so that a failure leaves the file as it was. Returns 0
 * or a negative errno with the reason in err. */
int lu_store_migrate(sqlite3 *db, const char *path, const char *kind,
                     const struct lu_store_migration *m, size_t n, char *err,
                     size_t errlen);

/* Makes sure dir exists (creating it 0750 if its parent does) and takes an
 * exclusive flock on dir/lock. The lock dies with the process, so a crash
 * leaves no stale lock. Returns the fd to keep open, or a negative errno
 * with a reason in err (-EBUSY: another daemon holds it). */
int lu_state_dir_lock(const char *dir, const char *daemon, char *err,
                      size_t errlen);

#endif
