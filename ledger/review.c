#include "review.h"

#include <errno.h>

#include "store.h"

/* Whether entry has the confirmed column (ledger schema 3 or later): a
 * reader may open an older ledger as it is. */
static int has_confirmed(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int r;

    if (lu_store_prepare(db,
                         "SELECT 1 FROM pragma_table_info('entry')"
                         " WHERE name = 'confirmed'",
                         &st) < 0)
        return -EIO;
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -EIO;
}

/* Figure entries only: project events live in project_event, not entry. */
static const char QUEUE[] =
    "SELECT unit, period, count(*) AS n,"
    " sum(confirmed != '') AS flagged, max(received_at),"
    " ifnull(group_concat(CASE WHEN confirmed != '' THEN"
    "  node || '/' || seq || ':' || confirmed END, ' '), '')"
    " FROM (SELECT * FROM entry WHERE ?1 = 0 OR period = ?1 ORDER BY id)"
    " GROUP BY unit, period"
    " ORDER BY flagged > 0 DESC, flagged DESC, period, unit";

int ledger_review_queue(sqlite3 *db, uint32_t period, ledger_review_cb cb,
                        void *arg)
{
    struct ledger_review_month m;
    sqlite3_stmt *st = NULL;
    int r = has_confirmed(db), rc = SQLITE_DONE;

    if (r <= 0)
        return r == 0 ? -ENOTSUP : r;
    if (lu_store_prepare(db, QUEUE, &st) < 0)
        return -EIO;
    sqlite3_bind_int64(st, 1, period);
    r = 0;
    while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        m.unit = (const char *)sqlite3_column_text(st, 0);
        m.period = (uint32_t)sqlite3_column_int64(st, 1);
        m.entries = (uint64_t)sqlite3_column_int64(st, 2);
        m.flagged = (uint64_t)sqlite3_column_int64(st, 3);
        m.last_received = sqlite3_column_int64(st, 4);
        m.flags = (const char *)sqlite3_column_text(st, 5);
        r = cb(arg, &m);
    }
    if (r == 0 && rc != SQLITE_DONE)
        r = -EIO;
    sqlite3_finalize(st);
    return r;
}
