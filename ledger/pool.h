/* The project pool (滚动项目库) in the hub's ledger: project events merged
 * by the hub (writer side, inside the ledger's transaction) and the pool's
 * figures read by luyuctl, the dashboard and the bulletin (reader side,
 * on a read-only ledger from ledger_reader_open, SQLite or PostgreSQL). The
 * schema is in ledger/ledger.c with the rest of the ledger's; nothing outside
 * this library runs SQL on it.
 *
 * Pool figures are derived from the projects' current states, never typed:
 * totals against the plan's pool target (15亿元), investment against
 * 3 x Shandong aid (1∶3) per unit and in total, by stage and task area,
 * what moved in a month, and which projects are stuck in a stage. */
#ifndef LEDGER_POOL_H
#define LEDGER_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

struct ledger;
struct lu_plan;

/* A project is stuck when it has been in 签约 or 开工 for more than this
 * many days (docs/DECISIONS.md says why 180). */
#define LEDGER_POOL_STUCK_DAYS 180

/* The writer side's prepared statements on the ledger's statement layer
 * (ledger_sql_handle(), SQLite or PostgreSQL; owned by the ledger). NULL
 * when the schema lacks the pool's tables. */
struct ledger_pool;
struct ledger_sql;
struct ledger_pool *ledger_pool_new(struct ledger_sql *db);
void ledger_pool_free(struct ledger_pool *pp);

/* Writer side, inside a transaction: merges a project event e from node.
 * Returns 0 when merged, 1 when refused for good (reason written; the
 * caller records the reject), negative errno on storage failure. Only the
 * node that created a project may change it, and only with a possible
 * move (lu_project_check_move). */
int ledger_pool_merge(struct ledger_pool *pp, const struct lu_plan *plan,
                      const char *node, const Luyu__Entry *e, char *reason,
                      size_t len);

/* One group of projects and its money (fen). */
struct ledger_pool_sum {
    char key[80]; /* unit code, stage code or area code; "" for a total */
    int64_t projects;
    int64_t planned, aid_planned, invested, aid_disbursed;
    int64_t poor_lifted, poor_jobs;
};

enum ledger_pool_group {
    LEDGER_POOL_TOTAL,
    LEDGER_POOL_BY_UNIT,
    LEDGER_POOL_BY_STAGE,
    LEDGER_POOL_BY_AREA,
};

/* Sums of the projects not dropped (终止 projects leave the pool's totals;
 * BY_STAGE lists them under "dropped"), grouped as asked, ordered by key.
 * unit filters when not NULL. *out is heap allocated (free()), *n rows. */
int ledger_pool_sums(struct ledger_sql *db, enum ledger_pool_group g,
                     const char *unit, struct ledger_pool_sum **out, size_t *n);

/* What moved in month (YYYYMM): projects that reached each stage (index
 * Stage - 1) by their stage dates, and the investment and aid recorded by
 * events of that month (the events' increases). */
struct ledger_pool_moves {
    int64_t reached[6];
    int64_t invested, aid_disbursed;
};
int ledger_pool_month(struct ledger_sql *db, uint32_t month,
                      struct ledger_pool_moves *out);

/* Projects as they stand, ordered by id; unit (NULL: all) filters, stuck
 * (a date YYYYMMDD, 0: off) keeps only those stuck on that day. Free with
 * ledger_pool_projects_free(). */
int ledger_pool_projects(struct ledger_sql *db, const char *unit,
                         uint32_t stuck_on, Luyu__Project ***out, size_t *n);
void ledger_pool_projects_free(Luyu__Project **v, size_t n);

/* The events of one project, oldest first. */
struct ledger_pool_event {
    char id[100]; /* entry id node/seq */
    int kind;
    char recorded_by[65];
    int64_t recorded_at, received_at;
    Luyu__Project *state; /* after the event */
};
int ledger_pool_history(struct ledger_sql *db, const char *project,
                        struct ledger_pool_event **out, size_t *n);
void ledger_pool_history_free(struct ledger_pool_event *v, size_t n);

/* 1 when the ledger has the pool's tables (schema 2 and later), 0 for an
 * older ledger that a reader opened as it is, -EIO on error. Readers of an
 * older ledger say "start the new luyu-hub once to upgrade it". */
int ledger_pool_exists(struct ledger_sql *db);

/* The newest project event's id (commit order), 0 when none, -1 on error. */
int64_t ledger_pool_max_event(struct ledger_sql *db);

/* 1 when a project event with id > after is dated in or before month
 * (YYYYMM): a change the bulletin of that month has not shown. 0 when
 * none, -EIO on error. */
int ledger_pool_changed_since(struct ledger_sql *db, uint32_t month,
                              int64_t after);

/* Days between two dates YYYYMMDD (b - a). */
int64_t ledger_pool_days(uint32_t a, uint32_t b);

#endif
