#include "review.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "codec.h"
#include "i18n.h"
#include "sql.h"
#include "util.h"
#include "xmalloc.h"

/* Whether entry has the confirmed column (SQLite ledger schema 3,
 * PostgreSQL schema 4, or later): a reader may open an older ledger as it
 * is. */
static int has_confirmed(struct ledger_sql *db)
{
    struct ledger_stmt *st = NULL;
    int r;

    if (ledger_sql_prepare(
            db,
            ledger_sql_is_pg(db)
                ? "SELECT 1 FROM information_schema.columns WHERE"
                  " table_schema = current_schema() AND"
                  " table_name = 'entry' AND column_name = 'confirmed'"
                : "SELECT 1 FROM pragma_table_info('entry')"
                  " WHERE name = 'confirmed'",
            &st) < 0)
        return -EIO;
    r = ledger_stmt_step(st);
    ledger_stmt_finalize(st);
    return r < 0 ? -EIO : r;
}

static const char *const KIND_CODES[] = {
    [LUYU__REVIEW_KIND__REVIEW_APPROVE] = "approve",
    [LUYU__REVIEW_KIND__REVIEW_ACCEPT] = "accept",
    [LUYU__REVIEW_KIND__REVIEW_RETURN] = "return",
    [LUYU__REVIEW_KIND__REVIEW_UNLOCK] = "unlock",
    [LUYU__REVIEW_KIND__REVIEW_REMIND] = "remind",
};

static const char *const STATE_CODES[] = {
    [0] = "open",
    [LUYU__REVIEW_KIND__REVIEW_APPROVE] = "approved",
    [LUYU__REVIEW_KIND__REVIEW_ACCEPT] = "accepted",
    [LUYU__REVIEW_KIND__REVIEW_RETURN] = "returned",
    [LUYU__REVIEW_KIND__REVIEW_UNLOCK] = "unlocked",
};

/* Runs st to its end: 0, or -EIO. Rows are not read. */
static int run(struct ledger_stmt *st)
{
    int r;

    while ((r = ledger_stmt_step(st)) == 1)
        ;
    return r < 0 ? -EIO : 0;
}

int ledger_remind_add(struct ledger_sql *db, const char *unit, uint32_t period,
                      const char *reason, int64_t at)
{
    struct ledger_stmt *st = NULL;
    int r;

    /* RETURNING says whether the row is new: on PostgreSQL inside the
     * intake's transaction the layer keeps no count of changes. */
    if (ledger_sql_prepare(db,
                           "INSERT INTO reminder(unit, period, reason, at)"
                           " VALUES (?,?,?,?) ON CONFLICT DO NOTHING"
                           " RETURNING 1",
                           &st) < 0)
        return -EIO;
    ledger_stmt_bind_text(st, 1, unit);
    ledger_stmt_bind_int64(st, 2, period);
    ledger_stmt_bind_text(st, 3, reason);
    ledger_stmt_bind_int64(st, 4, at);
    r = ledger_stmt_step(st);
    if (r == 1 && run(st) < 0)
        r = -EIO;
    ledger_stmt_finalize(st);
    if (r <= 0)
        return r < 0 ? -EIO : 0;
    r = ledger_review_add(db, unit, period, LUYU__REVIEW_KIND__REVIEW_REMIND,
                          "hub", reason, "", 0, at);
    return r < 0 ? r : 1;
}

int ledger_remind_hooked(struct ledger_sql *db, const char *unit,
                         uint32_t period, const char *reason)
{
    struct ledger_stmt *st = NULL;
    int r;

    if (ledger_sql_prepare(db,
                           "UPDATE reminder SET hooked = 1 WHERE unit = ? AND"
                           " period = ? AND reason = ?",
                           &st) < 0)
        return -EIO;
    ledger_stmt_bind_text(st, 1, unit);
    ledger_stmt_bind_int64(st, 2, period);
    ledger_stmt_bind_text(st, 3, reason);
    r = run(st);
    ledger_stmt_finalize(st);
    return r;
}

int ledger_remind_each(struct ledger_sql *db, int unhooked_only, size_t max,
                       ledger_remind_cb cb, void *arg)
{
    struct ledger_stmt *st = NULL;
    int r = 0, rc = 0;

    if (ledger_sql_prepare(db,
                           "SELECT unit, period, reason, at FROM reminder"
                           " WHERE ?1 = 0 OR hooked = 0"
                           " ORDER BY at DESC, unit, period, reason LIMIT ?2",
                           &st) < 0)
        return -EIO;
    ledger_stmt_bind_int64(st, 1, unhooked_only);
    ledger_stmt_bind_int64(st, 2, (int64_t)max);
    while (r == 0 && (rc = ledger_stmt_step(st)) == 1)
        r = cb(arg, ledger_stmt_text(st, 0), (uint32_t)ledger_stmt_int64(st, 1),
               ledger_stmt_text(st, 2), ledger_stmt_int64(st, 3));
    ledger_stmt_finalize(st);
    return r == 0 && rc < 0 ? -EIO : r;
}

int64_t ledger_remind_entries(struct ledger_sql *db, const char *unit,
                              uint32_t period)
{
    struct ledger_stmt *st = NULL;
    int64_t n = -1;

    if (ledger_sql_prepare(db,
                           "SELECT count(*) FROM entry WHERE unit = ? AND"
                           " period = ?",
                           &st) == 0) {
        ledger_stmt_bind_text(st, 1, unit);
        ledger_stmt_bind_int64(st, 2, period);
        if (ledger_stmt_step(st) == 1)
            n = ledger_stmt_int64(st, 0);
    }
    ledger_stmt_finalize(st);
    return n;
}

int64_t ledger_review_max(struct ledger_sql *db)
{
    struct ledger_stmt *st = NULL;
    int64_t v = -1;

    if (has_confirmed(db) == 0)
        return 0;
    if (ledger_sql_prepare(db, "SELECT coalesce(max(id), 0) FROM review_event",
                           &st) == 0 &&
        ledger_stmt_step(st) == 1)
        v = ledger_stmt_int64(st, 0);
    ledger_stmt_finalize(st);
    return v;
}

int ledger_review_changed_since(struct ledger_sql *db, uint32_t period,
                                int64_t after)
{
    struct ledger_stmt *st = NULL;
    int r;

    if (has_confirmed(db) != 1)
        return 0;
    if (ledger_sql_prepare(db,
                           "SELECT 1 FROM review_event WHERE id > ? AND"
                           " period = ? AND kind <= 4 LIMIT 1",
                           &st) < 0)
        return -EIO;
    ledger_stmt_bind_int64(st, 1, after);
    ledger_stmt_bind_int64(st, 2, period);
    r = ledger_stmt_step(st);
    ledger_stmt_finalize(st);
    return r < 0 ? -EIO : r;
}

int ledger_review_states(struct ledger_sql *db, uint32_t period, int64_t upto,
                         const char *const *units, size_t n, int *kinds)
{
    struct ledger_stmt *st = NULL;
    int r = 0;

    memset(kinds, 0, n * sizeof(*kinds));
    if (has_confirmed(db) != 1)
        return 0;
    if (ledger_sql_prepare(db,
                           "SELECT kind FROM review_event WHERE unit = ? AND"
                           " period = ? AND id <= ? AND kind <= 4"
                           " ORDER BY id DESC LIMIT 1",
                           &st) < 0)
        return -EIO;
    for (size_t i = 0; i < n && r == 0; i++) {
        ledger_stmt_bind_text(st, 1, units[i]);
        ledger_stmt_bind_int64(st, 2, period);
        ledger_stmt_bind_int64(st, 3, upto);
        r = ledger_stmt_step(st);
        if (r == 1)
            kinds[i] = (int)ledger_stmt_int64(st, 0);
        r = r < 0 ? -EIO : 0;
        ledger_stmt_reset(st);
    }
    ledger_stmt_finalize(st);
    return r;
}

const char *ledger_review_kind_code(int kind)
{
    return kind >= 1 && kind <= 5 ? KIND_CODES[kind] : NULL;
}

const char *ledger_review_state_code(int kind)
{
    return kind >= 0 && kind <= 4 ? STATE_CODES[kind] : "open";
}

static void fill_step(struct ledger_stmt *st, struct ledger_review_step *s)
{
    s->id = ledger_stmt_int64(st, 0);
    s->unit = ledger_stmt_text(st, 1);
    s->period = (uint32_t)ledger_stmt_int64(st, 2);
    s->kind = (int)ledger_stmt_int64(st, 3);
    s->by = ledger_stmt_text(st, 4);
    s->at = ledger_stmt_int64(st, 5);
    s->reason = ledger_stmt_text(st, 6);
    s->node = ledger_stmt_text(st, 7);
}

#define STEP_COLUMNS "id, unit, period, kind, by, at, reason, node"

#define LAST_STEP_SQL                                                          \
    "SELECT " STEP_COLUMNS " FROM review_event"                                \
    " WHERE unit = ? AND period = ? AND kind <= 4"                             \
    " ORDER BY id DESC LIMIT 1"

int ledger_review_last(struct ledger_sql *db, const char *unit, uint32_t period,
                       struct ledger_review_step *last, char *by, char *reason)
{
    struct ledger_stmt *st = NULL;
    int r;

    memset(last, 0, sizeof(*last));
    by[0] = reason[0] = '\0';
    last->by = by;
    last->reason = reason;
    if (ledger_sql_prepare(db, LAST_STEP_SQL, &st) < 0)
        return -EIO;
    ledger_stmt_bind_text(st, 1, unit);
    ledger_stmt_bind_int64(st, 2, period);
    r = ledger_stmt_step(st);
    if (r == 1) {
        struct ledger_review_step s;

        fill_step(st, &s);
        last->id = s.id;
        last->period = s.period;
        last->kind = s.kind;
        last->at = s.at;
        snprintf(by, LU_MAX_NAME + 1, "%s", s.by);
        snprintf(reason, LU_MAX_NOTE + 1, "%s", s.reason);
    }
    ledger_stmt_finalize(st);
    return r < 0 ? -EIO : 0;
}

int ledger_review_check(struct ledger_sql *db, const char *unit,
                        uint32_t period, int kind, char *why, size_t len)
{
    char by[LU_MAX_NAME + 1], reason[LU_MAX_NOTE + 1], per[8];
    struct ledger_review_step last;
    const char *state;
    bool ok;

    if (ledger_review_last(db, unit, period, &last, by, reason) < 0)
        return -EIO;
    state = ledger_review_state_code(last.kind);
    switch (kind) {
    case LUYU__REVIEW_KIND__REVIEW_APPROVE:
        ok = last.kind != LUYU__REVIEW_KIND__REVIEW_ACCEPT;
        break;
    case LUYU__REVIEW_KIND__REVIEW_ACCEPT:
    case LUYU__REVIEW_KIND__REVIEW_RETURN:
        ok = last.kind == LUYU__REVIEW_KIND__REVIEW_APPROVE;
        break;
    case LUYU__REVIEW_KIND__REVIEW_UNLOCK:
        ok = last.kind == LUYU__REVIEW_KIND__REVIEW_ACCEPT;
        break;
    default:
        ok = false;
    }
    if (ok)
        return 0;
    lu_period_format(period, per, sizeof(per));
    if (kind == LUYU__REVIEW_KIND__REVIEW_APPROVE)
        snprintf(why, len,
                 "%s of %s is accepted and locked (by %s); the province "
                 "must unlock it first",
                 per, unit, by);
    else
        snprintf(why, len, "cannot %s %s of %s: it is %s%s",
                 ledger_review_kind_code(kind) ? ledger_review_kind_code(kind)
                                               : "do that to",
                 per, unit, state,
                 kind == LUYU__REVIEW_KIND__REVIEW_UNLOCK
                     ? " (only an accepted month is unlocked)"
                     : " (the district approves it first)");
    return 1;
}

int ledger_review_add(struct ledger_sql *db, const char *unit, uint32_t period,
                      int kind, const char *by, const char *reason,
                      const char *node, uint64_t seq, int64_t at)
{
    struct ledger_stmt *st = NULL;
    int r;

    if (ledger_sql_prepare(db,
                           "INSERT INTO review_event(unit, period, kind, by,"
                           " at, reason, node, seq) VALUES (?,?,?,?,?,?,?,?)",
                           &st) < 0)
        return -EIO;
    ledger_stmt_bind_text(st, 1, unit);
    ledger_stmt_bind_int64(st, 2, period);
    ledger_stmt_bind_int64(st, 3, kind);
    ledger_stmt_bind_text(st, 4, by);
    ledger_stmt_bind_int64(st, 5, at);
    ledger_stmt_bind_text(st, 6, reason ? reason : "");
    ledger_stmt_bind_text(st, 7, node);
    if (seq > 0)
        ledger_stmt_bind_int64(st, 8, (int64_t)seq);
    else
        ledger_stmt_bind_null(st, 8);
    r = run(st);
    ledger_stmt_finalize(st);
    /* What the locked months' caches hold may have changed. */
    ledger_sql_touch(db);
    return r;
}

/* The registry's units as ",a,b,": unit codes hold no comma. Contained
 * with instr() in SQLite, strpos() in PostgreSQL, which lack each other's.
 * The units the registry gives the node are the only ones it may report
 * (the hub refuses others), so with them the node's entries are not read
 * (BYREG): on a ledger of millions, collecting the units of a node's
 * entries read every one of them, at every Hello, and a hub restart with
 * a hundred nodes took minutes to welcome them all (issue 19). Without a
 * registry the entries are all there is (ANY). */
#define NOTICES_SQL(CONTAINS, ENTRIES)                                         \
    "SELECT " STEP_COLUMNS " FROM review_event"                                \
    " WHERE id > ?1 AND kind IN (2, 3, 4, 5) AND"                              \
    " (unit IN (SELECT unit FROM review_event WHERE"                           \
    "  node = ?2 AND kind = 1)" ENTRIES "  OR " CONTAINS                       \
    "(?4, ',' || unit || ',') > 0)"                                            \
    " ORDER BY id LIMIT ?3"
#define NOTICES_BYREG ""
#define NOTICES_ANY " OR unit IN (SELECT unit FROM entry WHERE node = ?2)"

int ledger_review_notices(struct ledger_sql *db, const char *node,
                          const char *const *units, size_t n_units,
                          uint64_t after, size_t max, Luyu__ReviewNotice ***out,
                          size_t *n)
{
    struct ledger_stmt *st = NULL;
    struct ledger_review_step s;
    struct lu_buf list;
    int r = 0;

    *out = NULL;
    *n = 0;
    lu_buf_init(&list);
    lu_buf_adds(&list, ",");
    for (size_t i = 0; i < n_units; i++)
        lu_buf_printf(&list, "%s,", units[i]);
    if (ledger_sql_prepare(
            db,
            ledger_sql_is_pg(db)
                ? (n_units > 0 ? NOTICES_SQL("strpos", NOTICES_BYREG)
                               : NOTICES_SQL("strpos", NOTICES_ANY))
                : (n_units > 0 ? NOTICES_SQL("instr", NOTICES_BYREG)
                               : NOTICES_SQL("instr", NOTICES_ANY)),
            &st) < 0) {
        lu_buf_free(&list);
        return -EIO;
    }
    ledger_stmt_bind_int64(st, 1, (int64_t)after);
    ledger_stmt_bind_text(st, 2, node);
    ledger_stmt_bind_int64(st, 3, (int64_t)max);
    ledger_stmt_bind_text(st, 4, list.data);
    lu_buf_free(&list);
    *out = lu_xcalloc(max ? max : 1, sizeof(**out));
    while (*n < max && (r = ledger_stmt_step(st)) == 1) {
        Luyu__ReviewNotice *v = lu_xmalloc(sizeof(*v));

        fill_step(st, &s);
        luyu__review_notice__init(v);
        v->id = (uint64_t)s.id;
        v->unit = lu_xstrdup(s.unit);
        v->period = s.period;
        v->kind = (Luyu__ReviewKind)s.kind;
        v->by = lu_xstrdup(s.by);
        v->at = s.at;
        v->reason = lu_xstrdup(s.reason);
        (*out)[(*n)++] = v;
    }
    ledger_stmt_finalize(st);
    return r < 0 ? -EIO : 0;
}

void ledger_review_notices_free(Luyu__ReviewNotice **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i]->unit);
        free(v[i]->by);
        free(v[i]->reason);
        free(v[i]);
    }
    free(v);
}

int ledger_review_history(struct ledger_sql *db, const char *unit,
                          uint32_t period, ledger_review_step_cb cb, void *arg)
{
    struct ledger_review_step s;
    struct ledger_stmt *st = NULL;
    int r = has_confirmed(db), rc = 0;

    if (r <= 0)
        return r == 0 ? -ENOTSUP : r;
    if (ledger_sql_prepare(db,
                           "SELECT " STEP_COLUMNS " FROM review_event"
                           " WHERE unit = ? AND period = ? AND kind <= 4"
                           " ORDER BY id",
                           &st) < 0)
        return -EIO;
    ledger_stmt_bind_text(st, 1, unit);
    ledger_stmt_bind_int64(st, 2, period);
    r = 0;
    while (r == 0 && (rc = ledger_stmt_step(st)) == 1) {
        fill_step(st, &s);
        r = cb(arg, &s);
    }
    if (r == 0 && rc < 0)
        r = -EIO;
    ledger_stmt_finalize(st);
    return r;
}

/* Figure entries only: project events live in project_event, not entry.
 * The flagged entries' ids are joined with group_concat in SQLite and
 * string_agg in PostgreSQL (in id order); the rest reads the same in
 * both. Sorted outside, where "flagged" names the column in both. */
#define QUEUE_SQL(JOINED)                                                      \
    "SELECT * FROM (SELECT unit, period, count(*) AS n,"                       \
    " sum(CASE WHEN confirmed != '' THEN 1 ELSE 0 END) AS flagged,"            \
    " max(received_at) AS last,"                                               \
    " coalesce(" JOINED ", '') AS flags,"                                      \
    " coalesce((SELECT kind FROM review_event r WHERE r.unit = e.unit AND"     \
    "  r.period = e.period AND r.kind <= 4 ORDER BY id DESC LIMIT 1), 0)"      \
    "  AS state"                                                               \
    " FROM (SELECT * FROM entry WHERE ?1 = 0 OR period = ?1 ORDER BY id) e"    \
    " GROUP BY unit, period) q"                                                \
    " ORDER BY flagged > 0 DESC, flagged DESC, period, unit"

#define FLAG_OF                                                                \
    "CASE WHEN confirmed != '' THEN node || '/' || seq || ':' || confirmed "   \
    "END"

int ledger_review_queue(struct ledger_sql *db, uint32_t period,
                        ledger_review_cb cb, void *arg)
{
    struct ledger_review_month m;
    struct ledger_stmt *st = NULL;
    int r = has_confirmed(db), rc = 0;

    if (r <= 0)
        return r == 0 ? -ENOTSUP : r;
    if (ledger_sql_prepare(
            db,
            ledger_sql_is_pg(db)
                ? QUEUE_SQL("string_agg(" FLAG_OF ", ' ' ORDER BY id)")
                : QUEUE_SQL("group_concat(" FLAG_OF ", ' ')"),
            &st) < 0)
        return -EIO;
    ledger_stmt_bind_int64(st, 1, period);
    r = 0;
    while (r == 0 && (rc = ledger_stmt_step(st)) == 1) {
        m.unit = ledger_stmt_text(st, 0);
        m.period = (uint32_t)ledger_stmt_int64(st, 1);
        m.entries = (uint64_t)ledger_stmt_int64(st, 2);
        m.flagged = (uint64_t)ledger_stmt_int64(st, 3);
        m.last_received = ledger_stmt_int64(st, 4);
        m.flags = ledger_stmt_text(st, 5);
        m.state = (int)ledger_stmt_int64(st, 6);
        r = cb(arg, &m);
    }
    if (r == 0 && rc < 0)
        r = -EIO;
    ledger_stmt_finalize(st);
    return r;
}

const char *ledger_review_state_text(int kind)
{
    switch (kind) {
    case LUYU__REVIEW_KIND__REVIEW_APPROVE:
        return _("approved");
    case LUYU__REVIEW_KIND__REVIEW_ACCEPT:
        return _("accepted (locked)");
    case LUYU__REVIEW_KIND__REVIEW_RETURN:
        return _("returned");
    case LUYU__REVIEW_KIND__REVIEW_UNLOCK:
        return _("unlocked");
    default:
        return _("open");
    }
}
