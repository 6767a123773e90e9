#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "i18n.h"

void lu_store_global_init(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void lu_store_global_init_small(void)
{
    lu_store_global_init();
    sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

int lu_store_errno(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return 0;
    case SQLITE_FULL:
        return -ENOSPC;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return -EBUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return -EBADMSG;
    case SQLITE_CONSTRAINT:
        return -EEXIST;
    case SQLITE_CANTOPEN:
        return -ENOENT;
    case SQLITE_READONLY:
        return -EROFS;
    case SQLITE_NOMEM:
        return -ENOMEM;
    default:
        return -EIO;
    }
}

int lu_store_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        lu_err("sqlite: %s (in \"%.60s\")", msg ? msg : sqlite3_errstr(rc),
               sql);
        sqlite3_free(msg);
        return lu_store_errno(rc);
    }
    return 0;
}

int lu_store_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out)
{
    int rc = sqlite3_prepare_v2(db, sql, -1, out, NULL);

    if (rc != SQLITE_OK) {
        lu_err("sqlite: cannot prepare \"%.60s\": %s", sql, sqlite3_errmsg(db));
        return lu_store_errno(rc);
    }
    return 0;
}

int lu_store_meta_get(sqlite3 *db, const char *key, char *buf, size_t len)
{
    sqlite3_stmt *st = NULL;
    int r;

    r = lu_store_prepare(db, "SELECT value FROM meta WHERE key = ?", &st);
    if (r < 0)
        goto out;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);

        snprintf(buf, len, "%s", v ? v : "");
        r = 0;
    } else {
        r = r == SQLITE_DONE ? -ENOENT : lu_store_errno(r);
    }
out:
    sqlite3_finalize(st);
    return r;
}

int lu_store_meta_set(sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *st = NULL;
    int r;

    r = lu_store_prepare(
        db, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", &st);
    if (r < 0)
        goto out;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    r = sqlite3_step(st) == SQLITE_DONE ? 0
                                        : lu_store_errno(sqlite3_errcode(db));
out:
    sqlite3_finalize(st);
    return r;
}

int lu_store_version(sqlite3 *db, int *version)
{
    sqlite3_stmt *st = NULL;
    int r = lu_store_prepare(db, "PRAGMA user_version", &st);

    *version = 0;
    if (r == 0) {
        r = sqlite3_step(st);
        *version = r == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        r = r == SQLITE_ROW ? 0 : lu_store_errno(r);
    }
    sqlite3_finalize(st);
    return r;
}

int lu_store_check_version(sqlite3 *db, const char *kind, int known, char *err,
                           size_t errlen)
{
    int v, r = lu_store_version(db, &v);

    if (r < 0) {
        snprintf(err, errlen, _("cannot read the %s's schema version: %s"),
                 kind, sqlite3_errmsg(db));
        return r;
    }
    if (v > known) {
        snprintf(err, errlen,
                 _("this %s is schema %d; this %s knows up to %d: upgrade %s"),
                 kind, v, lu_log_ident(), known, lu_log_ident());
        return -EPROTO;
    }
    return 0;
}

/* 1 when the database holds no table but meta: a file just created. */
static int is_new(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int r = lu_store_prepare(db,
                             "SELECT count(*) FROM sqlite_master WHERE"
                             " type = 'table' AND name <> 'meta'",
                             &st);

    if (r == 0) {
        r = sqlite3_step(st);
        r = r == SQLITE_ROW ? sqlite3_column_int(st, 0) == 0
                            : lu_store_errno(r);
    }
    sqlite3_finalize(st);
    return r;
}

/* Copies db into a new file dest with SQLite's backup API (a consistent
 * copy, the WAL's committed pages included), replacing a copy left by an
 * earlier attempt that failed. */
static int backup(sqlite3 *db, const char *dest, char *err, size_t errlen)
{
    sqlite3 *out = NULL;
    sqlite3_backup *b;
    int rc;

    unlink(dest);
    rc = sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                         NULL);
    if (rc == SQLITE_OK) {
        b = sqlite3_backup_init(out, "main", db, "main");
        if (b != NULL) {
            rc = sqlite3_backup_step(b, -1);
            rc = sqlite3_backup_finish(b);
        } else {
            rc = sqlite3_errcode(out);
        }
    }
    if (rc != SQLITE_OK)
        snprintf(err, errlen, _("cannot back up to %s before migrating: %s"),
                 dest, out ? sqlite3_errmsg(out) : sqlite3_errstr(rc));
    sqlite3_close(out);
    return rc == SQLITE_OK ? 0 : lu_store_errno(rc);
}

/* Applies m[k] for every step after version from, then the last version,
 * inside the caller's transaction. */
static int apply(sqlite3 *db, int from, const struct lu_store_migration *m,
                 size_t n)
{
    char sql[64];
    int r = 0;

    for (size_t k = 0; r == 0 && k < n; k++) {
        if (m[k].to <= from)
            continue;
        if (m[k].sql != NULL)
            r = lu_store_exec(db, m[k].sql);
        if (r == 0 && m[k].fn != NULL)
            r = m[k].fn(db);
    }
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", m[n - 1].to);
    return r == 0 ? lu_store_exec(db, sql) : r;
}

int lu_store_migrate(sqlite3 *db, const char *path, const char *kind,
                     const struct lu_store_migration *m, size_t n, char *err,
                     size_t errlen)
{
    int last = m[n - 1].to, v, fresh, r;
    char bak[4200];

    r = lu_store_check_version(db, kind, last, err, errlen);
    if (r == 0)
        r = lu_store_version(db, &v);
    if (r < 0 || v == last)
        return r;
    fresh = v == 0 ? is_new(db) : 0;
    if (fresh < 0) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        return fresh;
    }
    if (!fresh) {
        snprintf(bak, sizeof(bak), "%s.bak-v%d", path, v);
        r = backup(db, bak, err, errlen);
        if (r < 0)
            return r;
        lu_notice("migrating %s schema %d -> %d (a copy of the old file is "
                  "%s)",
                  kind, v, last, bak);
    }
    r = lu_store_exec(db, "BEGIN IMMEDIATE");
    if (r == 0)
        r = apply(db, v, m, n);
    if (r == 0)
        r = lu_store_exec(db, "COMMIT");
    if (r < 0) {
        snprintf(err, errlen,
                 _("%s: migrating the %s schema %d -> %d failed: %s"), path,
                 kind, v, last, sqlite3_errmsg(db));
        if (!sqlite3_get_autocommit(db))
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    return r;
}

static bool file_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* Checks the freshly opened database: readable, intact, and of our kind. */
static int check_db(sqlite3 *db, const char *path, const char *kind,
                    bool created, bool readonly, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    char have[64];
    int r;

    /* The daemon checks the whole file when it starts; a reader (luyuctl)
     * only needs its schema to be readable, which the meta lookup below
     * proves. On a ledger of years quick_check takes seconds. "main."
     * because a bare quick_check also checks the (empty) temp database,
     * and opening that costs a page cache of its own for the connection's
     * whole life. */
    r = sqlite3_prepare_v2(db,
                           readonly ? "SELECT 'ok' FROM sqlite_schema LIMIT 1"
                                    : "PRAGMA main.quick_check",
                           -1, &st, NULL);
    if (r == SQLITE_OK)
        r = sqlite3_step(st);
    if (readonly && r == SQLITE_DONE) {
        snprintf(err, errlen, _("%s is empty, not a luyu %s"), path, kind);
        r = -EINVAL;
        goto out;
    }
    if (r != SQLITE_ROW ||
        strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
        char why[160];

        /* quick_check answers in several lines; one line of it is enough
         * to tell an admin what kind of damage this is. */
        snprintf(why, sizeof(why), "%s",
                 r == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0)
                                 : sqlite3_errmsg(db));
        for (char *p = why; *p; p++)
            *p = (*p == '\n' || *p == '\r') ? ' ' : *p;
        snprintf(err, errlen,
                 _("%s: damaged database (%s); refusing to start over it - "
                   "restore it from a backup or move it away"),
                 path, why);
        r = -EBADMSG;
        goto out;
    }
    r = 0;
    if (readonly && !file_exists(path))
        goto out;
    if (!readonly) {
        r = lu_store_exec(db, "CREATE TABLE IF NOT EXISTS meta("
                              "key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        if (r < 0) {
            snprintf(err, errlen, _("%s: cannot write: %s"), path,
                     sqlite3_errmsg(db));
            goto out;
        }
    }
    r = lu_store_meta_get(db, "kind", have, sizeof(have));
    if (r == -ENOENT && created) {
        r = lu_store_meta_set(db, "kind", kind);
    } else if (r == 0 && strcmp(have, kind) != 0) {
        snprintf(err, errlen, _("%s is a luyu %s, not a %s"), path, have, kind);
        r = -EINVAL;
    } else if (r < 0) {
        snprintf(err, errlen, _("%s is not a luyu %s database"), path, kind);
        r = -EINVAL;
    }
out:
    sqlite3_finalize(st);
    return r;
}

int lu_store_open(const char *path, const char *kind, int flags, sqlite3 **out,
                  char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    char wal[4096];
    bool exists = file_exists(path);
    bool readonly = (flags & LU_STORE_READONLY) != 0;
    int oflags, r;

    *out = NULL;
    snprintf(wal, sizeof(wal), "%s-wal", path);
    if (!exists && file_exists(wal)) {
        snprintf(err, errlen,
                 _("%s is missing but its write-ahead log %s is "
                   "there; refusing to start empty over lost data"),
                 path, wal);
        r = -ENOENT;
        goto out;
    }
    if (!exists && !(flags & LU_STORE_CREATE)) {
        snprintf(err, errlen, _("%s does not exist"), path);
        r = -ENOENT;
        goto out;
    }
    oflags = readonly ? SQLITE_OPEN_READONLY
                      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (readonly && !file_exists(wal)) {
        /* No WAL: the daemon is stopped (or checkpointed). Open the file
         * as immutable so that a reader, perhaps root, creates no -wal or
         * -shm file the daemon's own user could not open later. */
        char uri[4200];

        snprintf(uri, sizeof(uri), "file:%s?immutable=1", path);
        r = sqlite3_open_v2(
            uri, &db, oflags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
    } else {
        r = sqlite3_open_v2(path, &db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    }
    if (r != SQLITE_OK) {
        snprintf(err, errlen, _("%s: cannot open: %s"), path,
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(r));
        r = lu_store_errno(r);
        goto out;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_extended_result_codes(db, 0);
    if (!readonly) {
        /* WAL lets luyuctl read while the daemon writes; FULL makes every
         * commit durable before we answer "accepted" or send an ack. */
        r = lu_store_exec(db, "PRAGMA journal_mode=WAL");
        if (r == 0)
            r = lu_store_exec(db, "PRAGMA synchronous=FULL");
        /* Before quick_check reads the whole file through the cache: with
         * SQLite's default of 2 MB, a long outbox would stay cached for the
         * rest of the node's life. */
        if (r == 0 && (flags & LU_STORE_SMALL))
            r = lu_store_exec(db, "PRAGMA cache_size=-256");
        if (r < 0) {
            snprintf(err, errlen,
                     _("%s: damaged or not a database (%s); refusing "
                       "to start over it - restore it from a backup or move it "
                       "away"),
                     path, sqlite3_errmsg(db));
            goto out;
        }
    }
    r = check_db(db, path, kind, !exists, readonly, err, errlen);
    if (r < 0)
        goto out;
    *out = db;
    db = NULL;
out:
    sqlite3_close(db);
    return r;
}

void lu_store_close(sqlite3 *db)
{
    if (db == NULL)
        return;
    if (sqlite3_close(db) != SQLITE_OK)
        lu_warn("sqlite: close: %s", sqlite3_errmsg(db));
}

int lu_state_dir_lock(const char *dir, const char *daemon, char *err,
                      size_t errlen)
{
    char path[4096];
    struct stat st;
    int fd = -1, r;

    if (stat(dir, &st) < 0) {
        if (errno != ENOENT || mkdir(dir, 0750) < 0) {
            r = -errno;
            snprintf(err, errlen, _("state dir %s: %s"), dir, strerror(errno));
            goto out;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, _("state dir %s is not a directory"), dir);
        r = -ENOTDIR;
        goto out;
    }
    snprintf(path, sizeof(path), "%s/lock", dir);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        r = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        r = errno == EWOULDBLOCK ? -EBUSY : -errno;
        snprintf(err, errlen,
                 _("state dir %s is in use by another %s "
                   "(lock %s is held)"),
                 dir, daemon, path);
        goto out;
    }
    r = fd;
    fd = -1;
out:
    if (fd >= 0)
        close(fd);
    return r;
}

int lu_store_row(sqlite3_stmt *st, lu_store_fill_cb fill, void *elem)
{
    int r = sqlite3_step(st);

    if (r == SQLITE_ROW) {
        fill(st, elem);
        r = 0;
    } else {
        r = r == SQLITE_DONE ? -ENOENT : lu_store_errno(r);
    }
    sqlite3_finalize(st);
    return r;
}

int lu_store_rows(sqlite3_stmt *st, size_t size, lu_store_fill_cb fill,
                  void **out, size_t *n)
{
    size_t cap = 0;
    int r;

    *out = NULL;
    *n = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = lu_xrealloc(*out, cap * size);
        }
        fill(st, (char *)*out + (*n)++ * size);
    }
    r = r == SQLITE_DONE ? 0 : lu_store_errno(r);
    sqlite3_finalize(st);
    return r;
}
