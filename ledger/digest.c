#include "digest.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "reader.h"
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

/* The digester's thread reads SLICE ids at a time: each slice is a read
 * of its own (on SQLite a read transaction that ends with the statement's
 * reset, on PostgreSQL one query in autocommit), so no snapshot is held
 * across a block (a long SQLite reader keeps the WAL from being reset; a
 * PostgreSQL server may end sessions idle in a transaction), and a stop
 * waits for one slice at most. It looks for a final block every
 * LOOK_EVERY_MS while there is none; the loop tries a store again after
 * RETRY_MS while a transaction is open on its connection, and after
 * LOOK_EVERY_MS when the store failed. */
enum { SLICE = 4096, LOOK_EVERY_MS = 2000, RETRY_MS = 10 };

#ifndef LEDGER_DIGEST_NICE /* a build may measure another (-D...=N) */
#define LEDGER_DIGEST_NICE 10
#endif

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

/* A block hashed by the thread, waiting for the loop to store it. */
struct block {
    int64_t upto;
    uint8_t digest[32];
    uint64_t n;
};

/* The mutex guards quit, ready and block; done and last are written under
 * it and read without it too (atomically: status and /metrics read them
 * on the loop, the thread reads quit between slices). rd, its statements,
 * b and read_failing are the thread's alone between new and free; db, put,
 * store_failing and the handles are the loop's. */
struct ledger_digester {
    struct ledger_sql *db;   /* the hub's connection, borrowed: stores */
    struct ledger_stmt *put; /* on db */
    char *where;             /* what rd opens: state directory or URL */
    struct ledger_sql *rd;   /* the thread's read-only connection */
    struct ledger_stmt *rows, *last_id; /* on rd */
    struct lu_buf b;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool quit;
    bool ready;         /* block is handed over, not yet stored */
    struct block block; /* one in flight at a time */
    int64_t done;       /* block digests stored up to this id */
    int64_t last;       /* the ledger's last entry id when last looked */
    const char *hold;   /* test hook, see hold() */
    bool read_failing;  /* warned about a read; quiet until one passes */
    bool store_failing; /* warned about a store; the same */
    uv_async_t async;   /* the thread: a block is ready */
    uv_timer_t retry;   /* the loop: store the block again */
    int handles;        /* open uv handles; freed when the last closes */
};

static void close_reader(struct ledger_digester *d)
{
    ledger_stmt_finalize(d->rows);
    ledger_stmt_finalize(d->last_id);
    ledger_reader_close(d->rd);
    d->rows = d->last_id = NULL;
    d->rd = NULL;
}

/* The thread's own read-only connection, opened again after a failed read
 * (a PostgreSQL session may be gone). */
static int open_reader(struct ledger_digester *d)
{
    char err[256] = "";
    int r;

    if (d->rd != NULL)
        return 0;
    r = ledger_reader_open(d->where, &d->rd, err, sizeof(err));
    if (r == 0 && (ledger_sql_prepare(d->rd, RANGE, &d->rows) < 0 ||
                   ledger_sql_prepare(d->rd, LAST_ID, &d->last_id) < 0))
        r = -EIO;
    if (r < 0 && !d->read_failing)
        lu_warn("ledger digest: cannot open the ledger to read: %s",
                err[0]  ? err
                : d->rd ? ledger_sql_errmsg(d->rd)
                        : strerror(-r));
    if (r < 0)
        close_reader(d);
    return r;
}

/* The ledger's last entry id. */
static int last_id(struct ledger_digester *d, int64_t *last)
{
    int r = ledger_stmt_step(d->last_id);

    if (r == 1)
        *last = ledger_stmt_int64(d->last_id, 0);
    ledger_stmt_reset(d->last_id);
    return r == 1 ? 0 : r < 0 ? r : -EIO;
}

/* What the thread found stored (at) and how far the ledger goes. */
static void publish(struct ledger_digester *d, int64_t at, int64_t last)
{
    pthread_mutex_lock(&d->mu);
    if (at > d->done)
        __atomic_store_n(&d->done, at, __ATOMIC_RELEASE);
    __atomic_store_n(&d->last, last, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&d->mu);
}

/* Test hook (tests/integration/29-digest-thread.py): while the file
 * LUYU_TEST_DIGEST_HOLD names exists, the thread stops after a block's
 * first slice, as if the hashing took that long, and says so once; a stop
 * does not wait for it. */
static void hold(struct ledger_digester *d)
{
    struct timespec ten_ms = {0, 10 * 1000 * 1000};
    bool said = false;

    while (d->hold != NULL && access(d->hold, F_OK) == 0 &&
           !__atomic_load_n(&d->quit, __ATOMIC_ACQUIRE)) {
        if (!said)
            lu_notice("ledger digest: held in the middle of a block (%s)",
                      d->hold);
        said = true;
        nanosleep(&ten_ms, NULL);
    }
}

/* Hashes the block after at, chained from prev, a slice per read: 1 with
 * blk filled, 0 when told to stop, or a negative errno. */
static int hash_block(struct ledger_digester *d, int64_t at,
                      const uint8_t prev[32], struct block *blk)
{
    int64_t end = at + LEDGER_DIGEST_BLOCK;
    crypto_hash_sha256_state h;
    int r = 0;

    blk->n = 0;
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, prev, 32);
    for (int64_t from = at; r == 0 && from < end; from += SLICE) {
        if (from > at)
            hold(d);
        if (__atomic_load_n(&d->quit, __ATOMIC_ACQUIRE))
            return 0;
        r = hash_range(d->rows, &h, &d->b, from, from + SLICE, &blk->n);
    }
    if (r < 0)
        return r;
    crypto_hash_sha256_final(&h, blk->digest);
    blk->upto = end;
    return 1;
}

/* One step of the thread: the block after the last one stored, if it is
 * final, hashed and handed to the loop. 1 when one was handed over, 0 when
 * none is final yet (or a stop came), or a negative errno. The stored
 * blocks are read again each time: ledger_digest_point() (a bulletin, on
 * the loop) may have stored some meanwhile, and the loop stores each
 * block before the thread goes on. */
static int next_block(struct ledger_digester *d)
{
    int64_t at = 0, last = 0;
    uint8_t prev[32];
    struct block blk;
    int r = open_reader(d);

    if (r == 0)
        r = latest(d->rd, INT64_MAX, &at, prev);
    if (r == 0)
        r = last_id(d, &last);
    if (r < 0)
        return r;
    publish(d, at, last);
    if (last < at + LEDGER_DIGEST_BLOCK)
        return 0;
    r = hash_block(d, at, prev, &blk);
    if (r == 1) {
        pthread_mutex_lock(&d->mu);
        d->block = blk;
        d->ready = true;
        pthread_mutex_unlock(&d->mu);
        uv_async_send(&d->async);
    }
    return r;
}

/* Waits until the loop has stored the block in flight, then ms more
 * (0: none). false when the digester stops. */
static bool wait_turn(struct ledger_digester *d, int ms)
{
    struct timespec until;
    bool go;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&d->mu);
    while (!d->quit && d->ready)
        pthread_cond_wait(&d->cond, &d->mu);
    while (!d->quit && ms > 0 &&
           pthread_cond_timedwait(&d->cond, &d->mu, &until) != ETIMEDOUT)
        ; /* woken early: by a store, or for nothing */
    go = !d->quit;
    pthread_mutex_unlock(&d->mu);
    return go;
}

/* The hashing has no deadline: where the cores are contended (a storm,
 * with the hub's loop at a full core), the thread gives way to the loop
 * and the sockets' I/O, and catches up once there is room; on an idle
 * core the nice value changes nothing. On Linux a thread id sets that
 * thread's nice value only. Named for top -H and perf. */
static void lower_priority(void)
{
    prctl(PR_SET_NAME, "luyu-digest", 0, 0, 0);
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid),
                    LEDGER_DIGEST_NICE) < 0)
        lu_debug("ledger digest: cannot lower the thread's priority: %s",
                 strerror(errno));
}

static void *run(void *arg)
{
    struct ledger_digester *d = arg;
    int ms = 0;

    lower_priority();
    while (wait_turn(d, ms)) {
        int r = next_block(d);

        if (r < 0 && !d->read_failing)
            lu_warn("ledger digest: %s; retrying", strerror(-r));
        /* Not fatal: bulletins compute what is missing. The connection
         * is opened again at the next look. */
        if (r < 0)
            close_reader(d);
        d->read_failing = r < 0;
        ms = r == 1 ? 0 : LOOK_EVERY_MS;
    }
    return NULL;
}

static void on_retry(uv_timer_t *t);

/* On the loop: stores the block the thread handed over. Only the loop
 * writes the ledger, and never inside a transaction on its connection
 * (the intake's group, say): then it tries again shortly. A digest is
 * stored only after the reader saw its block's entries committed. On
 * SQLite the intake's groups commit with synchronous=NORMAL and the WAL
 * is synced by a thread (common/walsync.h); a power loss that drops
 * entries from the WAL's end drops every later frame with them, this
 * digest's too: the WAL is sequential, so no digest outlives its
 * entries. */
/* Stores a block, on SQLite without an fsync of its own: a digest can
 * always be computed again (ledger_digest_point() computes the blocks the
 * table lacks), so it need not be durable when stored, only never
 * outlive its entries, which the WAL's order ensures (above). The next
 * group's WAL sync covers it. This keeps one fsync per 65,536 entries off
 * the loop, a stall a clerk's entry arriving then would wait through.
 * The connection goes back to FULL at once, as after the intake's lazy
 * groups (ledger_begin_lazy). */
static int put_lazily(struct ledger_digester *d, const struct block *blk)
{
    sqlite3 *lite = ledger_sql_sqlite_handle(d->db);
    int r;

    if (lite != NULL && sqlite3_exec(lite, "PRAGMA synchronous=NORMAL", NULL,
                                     NULL, NULL) != SQLITE_OK)
        lite = NULL; /* then it commits as before, with FULL */
    r = put(d->put, blk->upto, blk->digest, blk->n);
    if (lite != NULL && sqlite3_exec(lite, "PRAGMA synchronous=FULL", NULL,
                                     NULL, NULL) != SQLITE_OK)
        lu_err("ledger digest: cannot set synchronous=FULL again: %s",
               sqlite3_errmsg(lite));
    return r;
}

static void store(struct ledger_digester *d)
{
    struct block blk;
    bool ready;
    int r;

    pthread_mutex_lock(&d->mu);
    ready = d->ready;
    blk = d->block;
    pthread_mutex_unlock(&d->mu);
    if (!ready)
        return;
    if (ledger_sql_in_txn(d->db)) {
        uv_timer_start(&d->retry, on_retry, RETRY_MS, 0);
        return;
    }
    r = put_lazily(d, &blk);
    if (r < 0) {
        /* A full disk, say: retried later; the thread waits meanwhile. */
        if (!d->store_failing)
            lu_warn("ledger digest: %s; retrying", strerror(-r));
        d->store_failing = true;
        uv_timer_start(&d->retry, on_retry, LOOK_EVERY_MS, 0);
        return;
    }
    d->store_failing = false;
    pthread_mutex_lock(&d->mu);
    d->ready = false;
    if (blk.upto > d->done)
        __atomic_store_n(&d->done, blk.upto, __ATOMIC_RELEASE);
    pthread_cond_signal(&d->cond);
    pthread_mutex_unlock(&d->mu);
}

static void on_retry(uv_timer_t *t)
{
    store(t->data);
}

static void on_async(uv_async_t *a)
{
    store(a->data);
}

static void on_closed(uv_handle_t *h)
{
    struct ledger_digester *d = h->data;

    if (--d->handles > 0)
        return;
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->cond);
    lu_buf_free(&d->b);
    free(d->where);
    free(d);
}

/* Before the thread starts: the thread's connection, and where the
 * stored blocks and the ledger end, so that status is right at once. */
static int first_look(struct ledger_digester *d)
{
    int64_t at = 0, last = 0;
    uint8_t prev[32];
    int r = open_reader(d);

    if (r == 0)
        r = latest(d->rd, INT64_MAX, &at, prev);
    if (r == 0)
        r = last_id(d, &last);
    if (r == 0)
        r = ledger_sql_prepare(d->db, PUT, &d->put);
    d->done = at;
    d->last = last;
    return r;
}

struct ledger_digester *
ledger_digester_new(uv_loop_t *loop, struct ledger_sql *db, const char *where)
{
    struct ledger_digester *d = lu_xcalloc(1, sizeof(*d));
    pthread_condattr_t ca;
    int r;

    d->db = db;
    d->where = lu_xstrdup(where);
    d->hold = getenv("LUYU_TEST_DIGEST_HOLD");
    lu_buf_init(&d->b);
    pthread_mutex_init(&d->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cond, &ca);
    pthread_condattr_destroy(&ca);
    uv_async_init(loop, &d->async, on_async);
    uv_timer_init(loop, &d->retry);
    d->async.data = d->retry.data = d;
    d->handles = 2;
    r = first_look(d);
    if (r < 0) {
        lu_err("ledger digest: cannot read the ledger: %s",
               d->rd ? ledger_sql_errmsg(d->rd) : strerror(-r));
        goto fail;
    }
    r = pthread_create(&d->thread, NULL, run, d);
    if (r != 0) {
        lu_err("ledger digest: cannot start its thread: %s", strerror(r));
        goto fail;
    }
    return d;

fail:
    close_reader(d);
    ledger_stmt_finalize(d->put);
    /* Freed once the loop has closed both handles (on_closed). */
    uv_close((uv_handle_t *)&d->async, on_closed);
    uv_close((uv_handle_t *)&d->retry, on_closed);
    return NULL;
}

void ledger_digester_free(struct ledger_digester *d)
{
    if (d == NULL)
        return;
    pthread_mutex_lock(&d->mu);
    __atomic_store_n(&d->quit, true, __ATOMIC_RELEASE);
    pthread_cond_signal(&d->cond);
    pthread_mutex_unlock(&d->mu);
    /* At most a slice's read away. A block handed over and not stored is
     * dropped: the next start hashes it again. */
    pthread_join(d->thread, NULL);
    close_reader(d);
    ledger_stmt_finalize(d->put);
    uv_close((uv_handle_t *)&d->async, on_closed);
    uv_close((uv_handle_t *)&d->retry, on_closed);
}

int64_t ledger_digester_done(const struct ledger_digester *d)
{
    return d ? __atomic_load_n(&d->done, __ATOMIC_ACQUIRE) : 0;
}

int64_t ledger_digester_backlog(const struct ledger_digester *d)
{
    int64_t final, done;

    if (d == NULL)
        return 0;
    done = __atomic_load_n(&d->done, __ATOMIC_ACQUIRE);
    final = __atomic_load_n(&d->last, __ATOMIC_ACQUIRE) / LEDGER_DIGEST_BLOCK *
            LEDGER_DIGEST_BLOCK;
    return final > done ? final - done : 0;
}
