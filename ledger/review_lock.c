/* Whether a unit's month is accepted (locked), asked by the intake for
 * every entry it merges (ledger/review.h, ledger_review_locked): the
 * accepted months held in memory and read again only after a review step
 * or a rollback through the same statement layer, on either engine. On
 * SQLite a prepared statement per entry was 5 % of the hub's loop during
 * ingest (issue 19, fourth round); the hub is the only writer of its
 * ledger's review steps, all of them through ledger_review_add. */
#include "review.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "codec.h"
#include "sql.h"
#include "util.h"
#include "xmalloc.h"

/* Every month whose newest step is an acceptance, sorted for bsearch. */
#define ACCEPTED_SQL                                                           \
    "SELECT unit, period, by FROM review_event r WHERE kind = 2 AND"           \
    " id = (SELECT max(id) FROM review_event l WHERE l.unit = r.unit AND"      \
    " l.period = r.period AND l.kind <= 4)"

struct accepted {
    char *unit;
    uint32_t period;
    char *by;
};

struct ledger_review_locks {
    /* The accepted months as of gen (ledger_sql_gen), sorted. */
    struct accepted *v;
    size_t n;
    uint64_t gen;
    bool loaded;
};

static int by_month(const void *a, const void *b)
{
    const struct accepted *x = a, *y = b;
    int c = strcmp(x->unit, y->unit);

    if (c != 0)
        return c;
    return x->period < y->period ? -1 : x->period > y->period;
}

static void drop(struct ledger_review_locks *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].unit);
        free(c->v[i].by);
    }
    free(c->v);
    c->v = NULL;
    c->n = 0;
    c->loaded = false;
}

/* Reads the accepted months again: 0 or -EIO. */
static int load(struct ledger_sql *db, struct ledger_review_locks *c)
{
    struct ledger_stmt *st = NULL;
    size_t cap = 0;
    int r;

    drop(c);
    if (ledger_sql_prepare(db, ACCEPTED_SQL, &st) < 0)
        return -EIO;
    while ((r = ledger_stmt_step(st)) == 1) {
        if (c->n == cap) {
            cap = cap ? cap * 2 : 64;
            c->v = lu_xrealloc(c->v, cap * sizeof(*c->v));
        }
        c->v[c->n].unit = lu_xstrdup(ledger_stmt_text(st, 0));
        c->v[c->n].period = (uint32_t)ledger_stmt_int64(st, 1);
        c->v[c->n].by = lu_xstrdup(ledger_stmt_text(st, 2));
        c->n++;
    }
    ledger_stmt_finalize(st);
    if (r < 0) {
        drop(c);
        return -EIO;
    }
    if (c->n > 1)
        qsort(c->v, c->n, sizeof(*c->v), by_month);
    c->gen = ledger_sql_gen(db);
    c->loaded = true;
    return 0;
}

/* Who accepted the month into by (LU_MAX_NAME + 1): 1, 0 when it is not
 * accepted, -EIO. */
static int accepted(struct ledger_sql *db, struct ledger_review_locks *c,
                    const char *unit, uint32_t period, char *by)
{
    struct accepted key = {.unit = (char *)unit, .period = period}, *hit;

    if ((!c->loaded || c->gen != ledger_sql_gen(db)) && load(db, c) < 0)
        return -EIO;
    hit = c->n ? bsearch(&key, c->v, c->n, sizeof(*c->v), by_month) : NULL;
    if (hit == NULL)
        return 0;
    snprintf(by, LU_MAX_NAME + 1, "%s", hit->by);
    return 1;
}

int ledger_review_locked(struct ledger_sql *db, struct ledger_review_locks **c,
                         const char *unit, uint32_t period, char *why,
                         size_t len)
{
    char by[LU_MAX_NAME + 1], per[8];
    int r;

    if (*c == NULL)
        *c = lu_xcalloc(1, sizeof(**c));
    r = accepted(db, *c, unit, period, by);
    if (r <= 0)
        return r;
    snprintf(why, len,
             "%s of %s was accepted by the province (%s) and is locked; ask "
             "the province to unlock it",
             lu_period_format(period, per, sizeof(per)), unit, by);
    return 1;
}

void ledger_review_locks_free(struct ledger_review_locks *c)
{
    if (c == NULL)
        return;
    drop(c);
    free(c);
}
