/* Tests for common/checkpoint.c: once a database's WAL passes the
 * threshold, the checkpointer's thread copies it into the database file
 * (the file grows while only the WAL was written to), the commits no
 * longer checkpoint themselves below the threshold, and the WAL stays
 * bounded while written without a pause, also when the commits leave the
 * copy to lu_checkpointer_settle(). */
#include <sqlite3.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

#include "checkpoint.h"
#include "test.h"

static long long file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Commits rows of about 4 KB (a page each) in transactions of 10. */
static void write_pages(sqlite3 *db, int n)
{
    sqlite3_stmt *st = NULL;

    sqlite3_prepare_v2(db, "INSERT INTO t(v) VALUES (zeroblob(3900))", -1, &st,
                       NULL);
    for (int i = 0; i < n; i++) {
        if (i % 10 == 0)
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
        if (i % 10 == 9)
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    sqlite3_finalize(st);
}

int main(void)
{
    char dir[] = "/tmp/luyu-test-checkpoint-XXXXXX", path[128], wal[140];
    struct lu_checkpointer *c;
    struct lu_checkpointer_stats st = {0, 0, 0};
    sqlite3 *db = NULL;
    long long before;

    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(path, sizeof(path), "%s/l.db", dir);
    ASSERT_EQ(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; CREATE TABLE t(v BLOB);"
                 " PRAGMA wal_checkpoint(TRUNCATE);",
                 NULL, NULL, NULL);
    before = file_size(path);
    c = lu_checkpointer_new(db, 100);
    ASSERT_TRUE(c != NULL);
    /* Below the threshold: nothing is checkpointed, not even by SQLite. */
    write_pages(db, 50);
    sleep_ms(200);
    lu_checkpointer_stats(c, &st);
    ASSERT_EQ(st.runs, 0);
    ASSERT_EQ(file_size(path), before);
    /* Past it: the thread copies the WAL into the file. */
    write_pages(db, 200);
    for (int i = 0; i < 1000 && file_size(path) < before + 100 * 4000; i++)
        sleep_ms(10);
    lu_checkpointer_stats(c, &st);
    ASSERT_TRUE(st.runs >= 1);
    ASSERT_EQ(st.failures, 0);
    ASSERT_TRUE(file_size(path) >= before + 100 * 4000);
    /* Written without a pause, the WAL still starts again from its
     * beginning: its file stays near RESTART_FACTOR (10) times the
     * threshold, not the 20 MB written. */
    write_pages(db, 5000);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    ASSERT_TRUE(file_size(wal) < 1500LL * 4200);
    /* Deferred (the hub's way): the commits only note the copy, and
     * settling after every group of commits keeps the WAL as bounded;
     * without the settles nothing would copy it (the thread is not asked
     * past ten times the threshold) and it would grow to 20 MB. */
    lu_checkpointer_defer(c);
    for (int i = 0; i < 50; i++) {
        write_pages(db, 100);
        lu_checkpointer_settle(c);
    }
    lu_checkpointer_stats(c, &st);
    ASSERT_TRUE(st.inline_runs >= 1);
    ASSERT_TRUE(file_size(wal) < 1500LL * 4200);
    lu_checkpointer_settle(NULL);
    lu_checkpointer_free(c);
    lu_checkpointer_free(NULL);
    sqlite3_close(db);
    test_rm_dir(dir);
    return test_failures ? 1 : 0;
}
