#include "history.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "i18n.h"
#include "reject.h"
#include "sql.h"
#include "xmalloc.h"

/* Every entry column history shows, and the id of the entry it corrects
 * (entry.corrects is the corrected row's entry.id, not its "node/seq"). */
#define ENTRY_SELECT                                                           \
    "SELECT e.node, e.seq, e.amount, e.prev_amount, e.recorded_by,"            \
    " e.recorded_at, e.received_at, e.note, c.node, c.seq"                     \
    " FROM entry e LEFT JOIN entry c ON c.id = e.corrects WHERE "

static const char BY_CHAIN[] =
    ENTRY_SELECT "coalesce(e.root, e.id) = ?1 ORDER BY e.id";
static const char BY_FIGURE[] = ENTRY_SELECT
    "e.unit = ?1 AND e.indicator = ?2 AND e.period = ?3 ORDER BY e.id";

/* An id the hub refused is in reject, not entry; it still has a figure. */
static const char FIND_ID[] =
    "SELECT coalesce(root, id), unit, indicator, period FROM entry"
    " WHERE node = ?1 AND seq = ?2 UNION ALL"
    " SELECT 0, unit, indicator, period FROM reject"
    " WHERE node = ?1 AND seq = ?2 ORDER BY 1 DESC LIMIT 1";

static const char REJECTS[] =
    "SELECT node, seq, amount, reason, at FROM reject"
    " WHERE unit = ?1 AND indicator = ?2 AND period = ?3"
    " ORDER BY at, node, seq";

void ledger_history_close(struct ledger_history *h)
{
    for (size_t i = 0; i < h->n_entries; i++) {
        free(h->entries[i].recorded_by);
        free(h->entries[i].note);
    }
    free(h->entries);
    for (size_t i = 0; i < h->n_rejects; i++)
        free(h->rejects[i].reason);
    free(h->rejects);
    memset(h, 0, sizeof(*h));
}

/* Writes why the ledger could not be read into err. */
static int fail(struct ledger_sql *db, char *err, size_t errlen)
{
    snprintf(err, errlen, _("reading the ledger: %s"), ledger_sql_errmsg(db));
    return -EIO;
}

static void format_id(char *buf, struct ledger_stmt *st, int col)
{
    snprintf(buf, LEDGER_HISTORY_ID, "%s/%lld", ledger_stmt_text(st, col),
             (long long)ledger_stmt_int64(st, col + 1));
}

/* Finds the figure an entry id belongs to and the root of its chain (0
 * when the hub rejected it, so it has no chain). */
static int find_id(struct ledger_sql *db, const char *id,
                   struct ledger_history *h, int64_t *root, char *err,
                   size_t errlen)
{
    struct ledger_stmt *st = NULL;
    char node[LU_MAX_NAME + 1];
    uint64_t seq;
    int rc, r = 0;

    if (lu_entry_id_parse(id, node, &seq) < 0) {
        snprintf(err, errlen,
                 _("\"%s\" is not an entry id (node/seq, e.g. "
                   "cq-wanzhou/41)"),
                 id);
        return -EINVAL;
    }
    if (ledger_sql_prepare(db, FIND_ID, &st) < 0)
        return fail(db, err, errlen);
    ledger_stmt_bind_text(st, 1, node);
    ledger_stmt_bind_int64(st, 2, (int64_t)seq);
    rc = ledger_stmt_step(st);
    if (rc == 1) {
        *root = ledger_stmt_int64(st, 0);
        snprintf(h->unit, sizeof(h->unit), "%s", ledger_stmt_text(st, 1));
        snprintf(h->indicator, sizeof(h->indicator), "%s",
                 ledger_stmt_text(st, 2));
        h->period = (uint32_t)ledger_stmt_int64(st, 3);
    } else if (rc == 0) {
        snprintf(err, errlen, _("no entry %s in the ledger"), id);
        r = -ENOENT;
    } else {
        r = fail(db, err, errlen);
    }
    ledger_stmt_finalize(st);
    if (r == 0 && ledger_reader_indicator(db, h->indicator, &h->ind) == -EIO)
        r = fail(db, err, errlen);
    return r;
}

/* Checks that the ledger's plan copy knows the unit and the indicator. */
static int check_codes(struct ledger_sql *db, struct ledger_history *h,
                       char *err, size_t errlen)
{
    int r = ledger_reader_unit(db, h->unit);

    if (r == -ENOENT) {
        snprintf(err, errlen,
                 _("unknown unit \"%s\" (not in this "
                   "ledger's plan)"),
                 h->unit);
        return r;
    }
    if (r == 0)
        r = ledger_reader_indicator(db, h->indicator, &h->ind);
    if (r == -ENOENT)
        snprintf(err, errlen,
                 _("unknown indicator \"%s\" (not in this "
                   "ledger's plan)"),
                 h->indicator);
    else if (r < 0)
        r = fail(db, err, errlen);
    return r;
}

/* Splits "unit/indicator/YYYY-MM" and checks each part. */
static int find_figure(struct ledger_sql *db, const char *query,
                       struct ledger_history *h, char *err, size_t errlen)
{
    const char *a = strchr(query, '/'), *b = strchr(a + 1, '/');
    size_t lu = (size_t)(a - query), li = (size_t)(b - a - 1);

    if (lu == 0 || lu > LU_MAX_NAME || li == 0 || li > LU_MAX_NAME) {
        snprintf(err, errlen,
                 _("\"%s\" is not a figure "
                   "(unit/indicator/YYYY-MM)"),
                 query);
        return -EINVAL;
    }
    memcpy(h->unit, query, lu);
    h->unit[lu] = '\0';
    memcpy(h->indicator, a + 1, li);
    h->indicator[li] = '\0';
    if (lu_period_parse(b + 1, &h->period, err, errlen) < 0)
        return -EINVAL;
    return check_codes(db, h, err, errlen);
}

static void read_entry(struct ledger_stmt *st, struct ledger_history_entry *e)
{
    memset(e, 0, sizeof(*e));
    format_id(e->id, st, 0);
    e->amount = ledger_stmt_int64(st, 2);
    e->has_prev = !ledger_stmt_null(st, 3);
    e->prev = ledger_stmt_int64(st, 3);
    e->recorded_by = lu_xstrdup(ledger_stmt_text(st, 4));
    e->recorded_at = ledger_stmt_int64(st, 5);
    e->received_at = ledger_stmt_int64(st, 6);
    e->note = lu_xstrdup(ledger_stmt_text(st, 7));
    if (!ledger_stmt_null(st, 8))
        format_id(e->corrects, st, 8);
}

/* Loads the entries in commit order and works out the figure before and
 * after each: an original adds its amount, a correction replaces its
 * chain's previous figure. For a chain that is the chain's own figure;
 * for a month it is the month's balance. */
static int load_entries(struct ledger_sql *db, struct ledger_history *h,
                        int64_t root, char *err, size_t errlen)
{
    struct ledger_stmt *st = NULL;
    size_t cap = 0;
    int64_t running = 0;
    int rc, r = 0;

    if (ledger_sql_prepare(db, h->by_id ? BY_CHAIN : BY_FIGURE, &st) < 0)
        return fail(db, err, errlen);
    if (h->by_id) {
        ledger_stmt_bind_int64(st, 1, root);
    } else {
        ledger_stmt_bind_text(st, 1, h->unit);
        ledger_stmt_bind_text(st, 2, h->indicator);
        ledger_stmt_bind_int64(st, 3, h->period);
    }
    while ((rc = ledger_stmt_step(st)) == 1) {
        struct ledger_history_entry *e;

        if (h->n_entries == cap) {
            cap = cap ? cap * 2 : 16;
            h->entries = lu_xrealloc(h->entries, cap * sizeof(*e));
        }
        e = &h->entries[h->n_entries++];
        read_entry(st, e);
        e->before = running;
        running += e->amount - (e->has_prev ? e->prev : 0);
        e->after = running;
    }
    if (rc != 0)
        r = fail(db, err, errlen);
    ledger_stmt_finalize(st);
    return r;
}

static int load_rejects(struct ledger_sql *db, struct ledger_history *h,
                        char *err, size_t errlen)
{
    struct ledger_stmt *st = NULL;
    size_t cap = 0;
    int rc, r = 0;

    if (ledger_sql_prepare(db, REJECTS, &st) < 0)
        return fail(db, err, errlen);
    ledger_stmt_bind_text(st, 1, h->unit);
    ledger_stmt_bind_text(st, 2, h->indicator);
    ledger_stmt_bind_int64(st, 3, h->period);
    while ((rc = ledger_stmt_step(st)) == 1) {
        struct ledger_history_reject *j;

        if (h->n_rejects == cap) {
            cap = cap ? cap * 2 : 8;
            h->rejects = lu_xrealloc(h->rejects, cap * sizeof(*j));
        }
        j = &h->rejects[h->n_rejects++];
        format_id(j->id, st, 0);
        j->amount = ledger_stmt_int64(st, 2);
        j->reason = lu_xstrdup(ledger_stmt_text(st, 3));
        j->code = lu_reject_split(j->reason);
        j->at = ledger_stmt_int64(st, 4);
    }
    if (rc != 0)
        r = fail(db, err, errlen);
    ledger_stmt_finalize(st);
    return r;
}

/* An entry id has one slash (node ids hold none), a figure two. */
static int slashes(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += *s == '/';
    return n;
}

int ledger_history_load(struct ledger_sql *db, const char *query,
                        struct ledger_history *h, char *err, size_t errlen)
{
    int64_t root = 0;
    int r;

    memset(h, 0, sizeof(*h));
    h->by_id = slashes(query) == 1;
    if (h->by_id) {
        r = find_id(db, query, h, &root, err, errlen);
    } else if (slashes(query) == 2) {
        r = find_figure(db, query, h, err, errlen);
    } else {
        snprintf(err, errlen,
                 _("\"%s\" is neither an entry id (node/seq) nor a "
                   "figure (unit/indicator/YYYY-MM)"),
                 query);
        r = -EINVAL;
    }
    /* A rejected id has no chain (root 0), only its reject. */
    if (r == 0 && (!h->by_id || root != 0))
        r = load_entries(db, h, root, err, errlen);
    if (r == 0)
        r = load_rejects(db, h, err, errlen);
    return r;
}
