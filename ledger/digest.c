#include "digest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sql.h"
#include "store.h"
#include "xmalloc.h"

/* Entries of one id range, in the digest's order. */
static const char RANGE[] =
    "SELECT " LEDGER_DIGEST_COLUMNS " FROM entry WHERE id > ?1 AND id <= ?2"
    " ORDER BY id";
/* The stored block end at or below ?1 nearest to it. */
static const char LATEST[] = "SELECT upto, digest FROM digest_block"
                             " WHERE upto <= ?1 ORDER BY upto DESC LIMIT 1";
static const char PUT[] = "INSERT OR IGNORE INTO digest_block(upto, digest,"
                          " entries) VALUES (?1, ?2, ?3)";
static const char LAST_ID[] = "SELECT coalesce(max(id), 0) FROM entry";

/* The digester hashes SLICE ids per loop turn, between the intake's
 * groups: 4,096 took 20-34 ms in a storm under load (issue 19, third
 * round), time a clerk's entry arriving then waited; 1,024 is a quarter. */
enum { SLICE = 1024, LOOK_EVERY_MS = 2000 };

static void put_int(struct lu_buf *b, uint64_t v, int bytes)
{
    uint8_t x[8];

    for (int i = 0; i < bytes; i++)
        x[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    lu_buf_add(b, x, (size_t)bytes);
}

static void put_str(struct lu_buf *b, struct ledger_stmt *st, int col)
{
    const char *t = ledger_stmt_text(st, col);
    size_t n = ledger_stmt_bytes(st, col);

    put_int(b, (uint64_t)n, 4);
    if (n > 0)
        lu_buf_add(b, t, n);
}

static uint64_t col(struct ledger_stmt *st, int c)
{
    return (uint64_t)ledger_stmt_int64(st, c);
}

void ledger_digest_row(crypto_hash_sha256_state *h, struct lu_buf *b,
                       struct ledger_stmt *st)
{
    b->len = 0;
    put_int(b, col(st, 0), 8);  /* id */
    put_str(b, st, 1);          /* node */
    put_int(b, col(st, 2), 8);  /* seq */
    put_str(b, st, 3);          /* unit */
    put_str(b, st, 4);          /* indicator */
    put_int(b, col(st, 5), 4);  /* period */
    put_int(b, col(st, 6), 8);  /* amount */
    put_int(b, col(st, 7), 8);  /* corrects */
    put_str(b, st, 8);          /* note */
    put_str(b, st, 9);          /* recorded_by */
    put_int(b, col(st, 10), 8); /* recorded_at */
    put_int(b, col(st, 11), 8); /* received_at */
    crypto_hash_sha256_update(h, (const uint8_t *)b->data, b->len);
}

/* Hashes the entries from < id <= upto with a prepared RANGE statement
 * into h; counts them in *n. */
static int hash_range(struct ledger_stmt *rows, crypto_hash_sha256_state *h,
                      struct lu_buf *b, int64_t from, int64_t upto, uint64_t *n)
{
    int r;

    ledger_stmt_bind_int64(rows, 1, from);
    ledger_stmt_bind_int64(rows, 2, upto);
    while ((r = ledger_stmt_step(rows)) == 1) {
        ledger_digest_row(h, b, rows);
        (*n)++;
    }
    ledger_stmt_reset(rows);
    return r;
}

/* The stored block end nearest at or below upto: *at and digest, or 0 and
 * zeros. A ledger without the table (written before it existed) has none
 * stored. */
static int latest(struct ledger_sql *db, int64_t upto, int64_t *at,
                  uint8_t digest[32])
{
    struct ledger_stmt *st = NULL;
    sqlite3 *lite = ledger_sql_sqlite_handle(db);
    int r;

    *at = 0;
    memset(digest, 0, 32);
    if (lite != NULL &&
        sqlite3_table_column_metadata(lite, NULL, "digest_block", NULL, NULL,
                                      NULL, NULL, NULL, NULL) != SQLITE_OK)
        return 0; /* an old SQLite file without the table */
    if (ledger_sql_prepare(db, LATEST, &st) < 0)
        return -EIO;
    ledger_stmt_bind_int64(st, 1, upto);
    r = ledger_stmt_step(st);
    if (r == 1 && ledger_stmt_bytes(st, 1) == 32) {
        *at = ledger_stmt_int64(st, 0);
        memcpy(digest, ledger_stmt_blob(st, 1), 32);
    }
    ledger_stmt_finalize(st);
    return r < 0 ? r : 0;
}

static int put(struct ledger_stmt *st, int64_t upto, const uint8_t digest[32],
               uint64_t n)
{
    int r;

    ledger_stmt_bind_int64(st, 1, upto);
    ledger_stmt_bind_blob(st, 2, digest, 32);
    ledger_stmt_bind_int64(st, 3, (int64_t)n);
    r = ledger_stmt_step(st);
    ledger_stmt_reset(st);
    return r;
}

int ledger_digest_point(struct ledger_sql *db, int64_t upto, bool store,
                        int64_t *from, uint8_t digest[32])
{
    int64_t end = upto / LEDGER_DIGEST_BLOCK * LEDGER_DIGEST_BLOCK, at;
    struct ledger_stmt *rows = NULL, *st = NULL;
    struct lu_buf b;
    int r;

    lu_buf_init(&b);
    r = latest(db, end, &at, digest);
    if (r == 0 && at < end)
        r = ledger_sql_prepare(db, RANGE, &rows);
    if (r == 0 && at < end && store)
        r = ledger_sql_prepare(db, PUT, &st);
    while (r == 0 && at < end) {
        crypto_hash_sha256_state h;
        uint64_t n = 0;

        crypto_hash_sha256_init(&h);
        crypto_hash_sha256_update(&h, digest, 32);
        r = hash_range(rows, &h, &b, at, at + LEDGER_DIGEST_BLOCK, &n);
        crypto_hash_sha256_final(&h, digest);
        at += LEDGER_DIGEST_BLOCK;
        if (r == 0 && st != NULL)
            r = put(st, at, digest, n);
    }
    ledger_stmt_finalize(rows);
    ledger_stmt_finalize(st);
    lu_buf_free(&b);
    *from = end;
    return r;
}

int ledger_digest_at(struct ledger_sql *db, int64_t upto, uint8_t digest[32])
{
    struct ledger_stmt *rows = NULL, *last = NULL;
    crypto_hash_sha256_state h;
    int64_t from, end = -1;
    uint64_t n = 0;
    struct lu_buf b;
    int r = ledger_sql_prepare(db, LAST_ID, &last);

    if (r == 0 && ledger_stmt_step(last) == 1)
        end = ledger_stmt_int64(last, 0);
    ledger_stmt_finalize(last);
    if (r == 0 && end < 0)
        r = -EIO;
    if (r == 0 && (upto < 0 || upto > end))
        r = -ERANGE;
    if (r == 0)
        r = ledger_digest_point(db, upto, false, &from, digest);
    if (r == 0)
        r = ledger_sql_prepare(db, RANGE, &rows);
    if (r < 0) {
        ledger_stmt_finalize(rows);
        return r;
    }
    lu_buf_init(&b);
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, digest, 32);
    r = hash_range(rows, &h, &b, from, upto, &n);
    crypto_hash_sha256_final(&h, digest);
    ledger_stmt_finalize(rows);
    lu_buf_free(&b);
    return r;
}

struct ledger_digester {
    struct ledger_sql *db;
    uv_timer_t timer; /* looks for final blocks */
    uv_idle_t idle;   /* runs while there is one */
    struct ledger_stmt *rows, *put, *last_id;
    crypto_hash_sha256_state h;
    struct lu_buf b;
    int64_t done;     /* block digests stored up to this id */
    uint8_t prev[32]; /* the digest at done */
    int64_t at;       /* the current block is hashed up to this id */
    uint64_t n;       /* entries in it so far */
    int64_t last;     /* the ledger's last entry id when last looked */
    bool failing;     /* warned about an error; quiet until it passes */
    int handles;      /* open uv handles; freed when the last closes */
};

/* Starts the block after done, skipping what ledger_digest_point() may have
 * stored meanwhile. */
static int start_block(struct ledger_digester *d)
{
    int64_t at;
    uint8_t digest[32];
    int r = latest(d->db, INT64_MAX, &at, digest);

    if (r == 0 && at > d->done) {
        d->done = at;
        memcpy(d->prev, digest, 32);
    }
    d->at = d->done;
    d->n = 0;
    crypto_hash_sha256_init(&d->h);
    crypto_hash_sha256_update(&d->h, d->prev, 32);
    return r;
}

static void trouble(struct ledger_digester *d, int r)
{
    /* Not fatal: bulletins compute what is missing. Retried at the next
     * look, e.g. once a full disk has room again. */
    if (!d->failing)
        lu_warn("ledger digest: %s; retrying", strerror(-r));
    d->failing = true;
    uv_idle_stop(&d->idle);
}

/* One slice: up to SLICE ids of the current block; at its end, store. */
static void on_idle(uv_idle_t *h)
{
    struct ledger_digester *d = h->data;
    int64_t end = d->done + LEDGER_DIGEST_BLOCK, to = d->at + SLICE;
    uint8_t digest[32];
    int r;

    /* Never inside an intake transaction (the ledger's one connection). */
    if (ledger_sql_in_txn(d->db))
        return;
    if (d->last < end) {
        uv_idle_stop(&d->idle);
        return;
    }
    r = hash_range(d->rows, &d->h, &d->b, d->at, to < end ? to : end, &d->n);
    if (r == 0)
        d->at = to < end ? to : end;
    if (r == 0 && d->at == end) {
        crypto_hash_sha256_final(&d->h, digest);
        r = put(d->put, end, digest, d->n);
        if (r == 0) {
            d->done = end;
            memcpy(d->prev, digest, 32);
            r = start_block(d);
        }
    }
    if (r < 0)
        trouble(d, r);
    else
        d->failing = false;
}

/* The ledger's last entry id into d->last. */
static int look(struct ledger_digester *d)
{
    int r;

    if (ledger_sql_in_txn(d->db))
        return 0; /* looked at again in LOOK_EVERY_MS */
    r = ledger_stmt_step(d->last_id);
    if (r == 1)
        d->last = ledger_stmt_int64(d->last_id, 0);
    ledger_stmt_reset(d->last_id);
    return r == 1 ? 0 : r < 0 ? r : -EIO;
}

static void on_timer(uv_timer_t *t)
{
    struct ledger_digester *d = t->data;
    int r = look(d);

    if (r < 0) {
        trouble(d, r);
        return;
    }
    /* A block after an error starts over: its partial hash is lost. */
    if (d->failing && start_block(d) < 0)
        return;
    if (d->last >= d->done + LEDGER_DIGEST_BLOCK)
        uv_idle_start(&d->idle, on_idle);
}

struct ledger_digester *ledger_digester_new(uv_loop_t *loop,
                                            struct ledger_sql *db)
{
    struct ledger_digester *d = lu_xcalloc(1, sizeof(*d));

    d->db = db;
    lu_buf_init(&d->b);
    if (ledger_sql_prepare(db, RANGE, &d->rows) < 0 ||
        ledger_sql_prepare(db, PUT, &d->put) < 0 ||
        ledger_sql_prepare(db, LAST_ID, &d->last_id) < 0 ||
        start_block(d) < 0 || look(d) < 0) {
        lu_err("ledger digest: cannot read the ledger: %s",
               ledger_sql_errmsg(db));
        ledger_stmt_finalize(d->rows);
        ledger_stmt_finalize(d->put);
        ledger_stmt_finalize(d->last_id);
        lu_buf_free(&d->b);
        free(d);
        return NULL;
    }
    uv_idle_init(loop, &d->idle);
    uv_timer_init(loop, &d->timer);
    d->idle.data = d->timer.data = d;
    d->handles = 2;
    uv_timer_start(&d->timer, on_timer, 0, LOOK_EVERY_MS);
    return d;
}

static void on_closed(uv_handle_t *h)
{
    struct ledger_digester *d = h->data;

    if (--d->handles > 0)
        return;
    ledger_stmt_finalize(d->rows);
    ledger_stmt_finalize(d->put);
    ledger_stmt_finalize(d->last_id);
    lu_buf_free(&d->b);
    free(d);
}

void ledger_digester_free(struct ledger_digester *d)
{
    if (d == NULL)
        return;
    uv_close((uv_handle_t *)&d->idle, on_closed);
    uv_close((uv_handle_t *)&d->timer, on_closed);
}

int64_t ledger_digester_done(const struct ledger_digester *d)
{
    return d ? d->done : 0;
}

int64_t ledger_digester_backlog(const struct ledger_digester *d)
{
    int64_t final;

    if (d == NULL)
        return 0;
    final = d->last / LEDGER_DIGEST_BLOCK * LEDGER_DIGEST_BLOCK;
    return final > d->done ? final - d->done : 0;
}
