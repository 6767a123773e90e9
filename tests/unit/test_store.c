/* Tests for schema versions (common/store.c): a new file is created at the
 * last version with no backup; an older file is copied to PATH.bak-vN and
 * migrated in one transaction, so that a failing step leaves it exactly as
 * it was; a newer file is refused with the message a person needs. */
#include <errno.h>
#include <sys/stat.h>

#include "log.h"
#include "store.h"
#include "test.h"

static int fail_step(sqlite3 *db)
{
    return -EIO;
}

static const struct lu_store_migration V1[] = {
    {1, "CREATE TABLE a(x INTEGER); INSERT INTO a VALUES (1);", NULL},
};
static const struct lu_store_migration V2_BAD[] = {
    {1, "CREATE TABLE a(x INTEGER); INSERT INTO a VALUES (1);", NULL},
    {2, "CREATE TABLE b(y INTEGER); UPDATE a SET x = 2;", fail_step},
};
static const struct lu_store_migration V2[] = {
    {1, "CREATE TABLE a(x INTEGER); INSERT INTO a VALUES (1);", NULL},
    {2, "CREATE TABLE b(y INTEGER); UPDATE a SET x = 2;", NULL},
};

static bool exists(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0;
}

static int version(sqlite3 *db)
{
    int v = -1;

    ASSERT_EQ(lu_store_version(db, &v), 0);
    return v;
}

static long long scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;

    if (lu_store_prepare(db, sql, &st) == 0 && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int main(void)
{
    char dir[] = "/tmp/luyu-test-store-XXXXXX", path[256], bak[300],
         err[256] = "";
    sqlite3 *db = NULL;

    lu_log_set_ident("test_store");
    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(path, sizeof(path), "%s/x.db", dir);
    ASSERT_EQ(
        lu_store_open(path, "thing", LU_STORE_CREATE, &db, err, sizeof(err)),
        0);
    /* New: straight to the last version, nothing to back up. */
    ASSERT_EQ(lu_store_migrate(db, path, "thing", V1, 1, err, sizeof(err)), 0);
    ASSERT_EQ(version(db), 1);
    snprintf(bak, sizeof(bak), "%s.bak-v0", path);
    ASSERT_TRUE(!exists(bak));

    /* A failing step: rolled back, the file stays at 1, with a backup. */
    ASSERT_EQ(lu_store_migrate(db, path, "thing", V2_BAD, 2, err, sizeof(err)),
              -EIO);
    ASSERT_CONTAINS(err, "migrating the thing schema 1 -> 2 failed");
    ASSERT_EQ(version(db), 1);
    ASSERT_EQ(scalar(db, "SELECT x FROM a"), 1);
    ASSERT_EQ(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name='b'"),
              0);
    snprintf(bak, sizeof(bak), "%s.bak-v1", path);
    ASSERT_TRUE(exists(bak));

    /* Then the right one. */
    ASSERT_EQ(lu_store_migrate(db, path, "thing", V2, 2, err, sizeof(err)), 0);
    ASSERT_EQ(version(db), 2);
    ASSERT_EQ(scalar(db, "SELECT x FROM a"), 2);

    /* Newer than known: refused, untouched. */
    err[0] = '\0';
    ASSERT_EQ(lu_store_migrate(db, path, "thing", V1, 1, err, sizeof(err)),
              -EPROTO);
    ASSERT_STREQ(err, "this thing is schema 2; this test_store knows up to 1: "
                      "upgrade test_store");
    ASSERT_EQ(version(db), 2);
    lu_store_close(db);

    /* The backup is the file as it was before the migration. */
    ASSERT_EQ(
        lu_store_open(bak, "thing", LU_STORE_READONLY, &db, err, sizeof(err)),
        0);
    ASSERT_EQ(version(db), 1);
    ASSERT_EQ(scalar(db, "SELECT x FROM a"), 1);
    lu_store_close(db);
    test_rm_dir(dir);
    return test_failures ? 1 : 0;
}
