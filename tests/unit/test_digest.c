/* Tests for the ledger's block digests (ledger/digest.c): a ledger of three
 * blocks and a bit, its digests computed here from the definition in
 * proto/bulletin.proto with an encoder of this test's own, against
 * ledger_digest_point() with and without stored blocks and against what the
 * background digester stores while a real libuv loop runs. */
#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "digest.h"
#include "ledger.h"
#include "plan.h"
#include "sql.h"
#include "test.h"

static char dir[] = "/tmp/luyu-test-digest-XXXXXX";
/* The ledger's statement layer over its SQLite file, what the hub uses. */
static struct ledger_sql *sq;

/* Entries 1..n: every column varies, some notes empty, some non-ASCII,
 * some corrections. */
static void fill(sqlite3 *db, int64_t from, int64_t n)
{
    char sql[1024];

    snprintf(sql, sizeof(sql),
             "WITH RECURSIVE c(k) AS (SELECT %lld UNION ALL SELECT k + 1 FROM"
             " c WHERE k < %lld) INSERT INTO entry(id, node, seq, unit,"
             " indicator, period, amount, note, recorded_by, recorded_at,"
             " corrects, root, prev_amount, received_at) SELECT k,"
             " printf('n-%%d', k %% 7), k, printf('u%%d', k %% 11), 'ind',"
             " 201801 + k %% 12, k * 1000003 - 5, CASE k %% 3 WHEN 0 THEN ''"
             " WHEN 1 THEN '说明 ' || k ELSE 'note' END, 'who', k * 7,"
             " CASE WHEN k %% 13 = 0 THEN k - 1 END, NULL, NULL, k * 11"
             " FROM c",
             (long long)from, (long long)(from + n - 1));
    ASSERT_EQ(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static void be(crypto_hash_sha256_state *h, uint64_t v, int bytes)
{
    uint8_t x[8];

    for (int i = 0; i < bytes; i++)
        x[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    crypto_hash_sha256_update(h, x, (size_t)bytes);
}

static void str(crypto_hash_sha256_state *h, sqlite3_stmt *st, int c)
{
    int n = sqlite3_column_bytes(st, c);

    be(h, (uint64_t)n, 4);
    crypto_hash_sha256_update(h, sqlite3_column_text(st, c), (size_t)n);
}

/* One step of the definition: SHA-256 over out and the entries
 * from < id <= to, into out. */
static void step(sqlite3_stmt *st, uint8_t out[32], int64_t from, int64_t to)
{
    static const int width[12] = {8, 0, 8, 0, 0, 4, 8, 8, 0, 0, 8, 8};
    crypto_hash_sha256_state h;

    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, out, 32);
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < 12; c++) {
            if (width[c])
                be(&h, (uint64_t)sqlite3_column_int64(st, c), width[c]);
            else
                str(&h, st, c);
        }
    }
    sqlite3_reset(st);
    crypto_hash_sha256_final(&h, out);
}

/* The digest by the definition: the block chain from 0 (zeros) to the last
 * block end at or below upto; with tail (a bulletin's digest), one more
 * step over the entries after that end up to upto, maybe none. */
static void reference(sqlite3 *db, int64_t upto, bool tail, uint8_t out[32])
{
    int64_t last = upto / LEDGER_DIGEST_BLOCK * LEDGER_DIGEST_BLOCK;
    sqlite3_stmt *st = NULL;

    memset(out, 0, 32);
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "SELECT id, node, seq, unit, indicator,"
                                 " period, amount, corrects, note,"
                                 " recorded_by, recorded_at, received_at"
                                 " FROM entry WHERE id > ? AND id <= ?"
                                 " ORDER BY id",
                                 -1, &st, NULL),
              SQLITE_OK);
    for (int64_t at = 0; at < last; at += LEDGER_DIGEST_BLOCK)
        step(st, out, at, at + LEDGER_DIGEST_BLOCK);
    if (tail)
        step(st, out, last, upto);
    sqlite3_finalize(st);
}

static int64_t count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* The stored digest at upto equals the reference. */
static void check_stored(sqlite3 *db, int64_t upto)
{
    sqlite3_stmt *st = NULL;
    uint8_t want[32];

    reference(db, upto, false, want);
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "SELECT digest, entries FROM digest_block"
                                 " WHERE upto = ?",
                                 -1, &st, NULL),
              SQLITE_OK);
    sqlite3_bind_int64(st, 1, upto);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    ASSERT_EQ(sqlite3_column_bytes(st, 0), 32);
    if (sqlite3_column_bytes(st, 0) == 32)
        ASSERT_TRUE(memcmp(sqlite3_column_blob(st, 0), want, 32) == 0);
    ASSERT_EQ(sqlite3_column_int64(st, 1), LEDGER_DIGEST_BLOCK);
    sqlite3_finalize(st);
}

static void check_point(sqlite3 *db, int64_t upto, bool store, int64_t want)
{
    int64_t from = -1;
    uint8_t d[32], ref[32];

    ASSERT_EQ(ledger_digest_point(sq, upto, store, &from, d), 0);
    ASSERT_EQ(from, want);
    reference(db, want, false, ref);
    ASSERT_TRUE(memcmp(d, ref, 32) == 0);
}

struct run {
    struct ledger_digester *d;
    int64_t want;
    uv_timer_t check, give_up;
};

static void on_check(uv_timer_t *t)
{
    struct run *r = t->data;

    if (ledger_digester_done(r->d) >= r->want) {
        uv_timer_stop(&r->check);
        uv_timer_stop(&r->give_up);
    }
}

static void on_give_up(uv_timer_t *t)
{
    struct run *r = t->data;

    uv_timer_stop(&r->check);
}

/* Runs the loop until the digester has stored blocks up to want (or 20 s
 * pass); the digester's own timer keeps the loop alive, so it is stopped
 * with uv_stop once the checks end. */
static void run_until(uv_loop_t *loop, struct run *r, int64_t want)
{
    r->want = want;
    uv_timer_start(&r->check, on_check, 10, 10);
    uv_timer_start(&r->give_up, on_give_up, 20000, 0);
    while (uv_is_active((uv_handle_t *)&r->check))
        uv_run(loop, UV_RUN_ONCE);
    uv_timer_stop(&r->give_up);
}

static void test_digester(sqlite3 *db)
{
    uv_loop_t loop;
    struct run r = {0};

    uv_loop_init(&loop);
    r.d = ledger_digester_new(&loop, sq, dir);
    ASSERT_TRUE(r.d != NULL);
    uv_timer_init(&loop, &r.check);
    uv_timer_init(&loop, &r.give_up);
    r.check.data = r.give_up.data = &r;
    if (r.d != NULL) {
        /* One block stored by check_point() before; the digester goes on
         * from there. */
        run_until(&loop, &r, 3 * LEDGER_DIGEST_BLOCK);
        ASSERT_EQ(ledger_digester_done(r.d), 3 * LEDGER_DIGEST_BLOCK);
        ASSERT_EQ(ledger_digester_backlog(r.d), 0);
        ASSERT_EQ(count(db, "SELECT count(*) FROM digest_block"), 3);
        for (int k = 1; k <= 3; k++)
            check_stored(db, k * LEDGER_DIGEST_BLOCK);
        /* New entries complete a fourth block: picked up at the next
         * look. */
        fill(db, 3 * LEDGER_DIGEST_BLOCK + 1001, LEDGER_DIGEST_BLOCK);
        run_until(&loop, &r, 4 * LEDGER_DIGEST_BLOCK);
        ASSERT_EQ(ledger_digester_done(r.d), 4 * LEDGER_DIGEST_BLOCK);
        check_stored(db, 4 * LEDGER_DIGEST_BLOCK);
    }
    ledger_digester_free(r.d);
    uv_close((uv_handle_t *)&r.check, NULL);
    uv_close((uv_handle_t *)&r.give_up, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
}

int main(void)
{
    const char *src = getenv("LUYU_SOURCE_DIR");
    struct lu_plan *plan = NULL;
    struct ledger *l = NULL;
    char path[4096], err[512] = "";
    sqlite3 *db;

    snprintf(path, sizeof(path), "%s/etc/plan-2018-2020.ini", src ? src : ".");
    ASSERT_EQ(lu_plan_load(path, &plan, err, sizeof(err)), 0);
    ASSERT_TRUE(mkdtemp(dir) != NULL);
    if (plan != NULL)
        ASSERT_EQ(ledger_open(dir, plan, "CQ", &l, err, sizeof(err)), 0);
    if (l == NULL)
        TEST_DONE();
    db = ledger_db(l);
    sq = ledger_sql_handle(l);
    /* Empty, and short of one block: the chain point is 0, zeros. */
    check_point(db, 0, true, 0);
    fill(db, 1, 1000);
    check_point(db, 1000, true, 0);
    /* 3 blocks and 1000 entries. A point computes the blocks it lacks;
     * read-only it stores nothing. */
    fill(db, 1001, 3 * LEDGER_DIGEST_BLOCK);
    check_point(db, 3 * LEDGER_DIGEST_BLOCK + 1000, false,
                3 * LEDGER_DIGEST_BLOCK);
    ASSERT_EQ(count(db, "SELECT count(*) FROM digest_block"), 0);
    check_point(db, LEDGER_DIGEST_BLOCK + 5, true, LEDGER_DIGEST_BLOCK);
    ASSERT_EQ(count(db, "SELECT count(*) FROM digest_block"), 1);
    check_stored(db, LEDGER_DIGEST_BLOCK);
    test_digester(db);
    /* At a block end exactly, and from stored blocks only. */
    check_point(db, 2 * LEDGER_DIGEST_BLOCK, false, 2 * LEDGER_DIGEST_BLOCK);
    check_point(db, 4 * LEDGER_DIGEST_BLOCK + 999, false,
                4 * LEDGER_DIGEST_BLOCK);
    /* The digest at any entry, as a bulletin holds it (at a block end too:
     * one more step, over no entries); not past the end. */
    {
        int64_t at[] = {0, 1, LEDGER_DIGEST_BLOCK, 2 * LEDGER_DIGEST_BLOCK + 77,
                        4 * LEDGER_DIGEST_BLOCK + 1000};
        uint8_t d[32], ref[32];

        for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
            ASSERT_EQ(ledger_digest_at(sq, at[k], d), 0);
            reference(db, at[k], true, ref);
            ASSERT_TRUE(memcmp(d, ref, 32) == 0);
        }
        ASSERT_EQ(ledger_digest_at(sq, 4 * LEDGER_DIGEST_BLOCK + 1001, d),
                  -ERANGE);
    }
    /* A stored digest is what a point uses: a damaged one shows. */
    ASSERT_EQ(sqlite3_exec(db,
                           "UPDATE digest_block SET digest = zeroblob(32)"
                           " WHERE upto = 65536",
                           NULL, NULL, NULL),
              SQLITE_OK);
    {
        int64_t from;
        uint8_t d[32], ref[32];

        ASSERT_EQ(ledger_digest_point(sq, LEDGER_DIGEST_BLOCK, false, &from, d),
                  0);
        reference(db, LEDGER_DIGEST_BLOCK, false, ref);
        ASSERT_TRUE(memcmp(d, ref, 32) != 0);
    }
    ledger_free(l);
    lu_plan_free(plan);
    test_rm_dir(dir);
    TEST_DONE();
}
