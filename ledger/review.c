#include "review.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "codec.h"
#include "i18n.h"
#include "store.h"
#include "util.h"
#include "xmalloc.h"

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

int ledger_remind_add(sqlite3 *db, const char *unit, uint32_t period,
                      const char *reason, int64_t at)
{
    sqlite3_stmt *st = NULL;
    int r;

    if (lu_store_prepare(db,
                         "INSERT OR IGNORE INTO reminder(unit, period, reason,"
                         " at) VALUES (?,?,?,?)",
                         &st) < 0)
        return -EIO;
    sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, period);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, at);
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return -EIO;
    if (sqlite3_changes(db) == 0)
        return 0;
    r = ledger_review_add(db, unit, period, LUYU__REVIEW_KIND__REVIEW_REMIND,
                          "hub", reason, "", 0, at);
    return r < 0 ? r : 1;
}

int ledger_remind_hooked(sqlite3 *db, const char *unit, uint32_t period,
                         const char *reason)
{
    sqlite3_stmt *st = NULL;
    int r;

    if (lu_store_prepare(db,
                         "UPDATE reminder SET hooked = 1 WHERE unit = ? AND"
                         " period = ? AND reason = ?",
                         &st) < 0)
        return -EIO;
    sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, period);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? 0 : -EIO;
}

int ledger_remind_each(sqlite3 *db, int unhooked_only, size_t max,
                       ledger_remind_cb cb, void *arg)
{
    sqlite3_stmt *st = NULL;
    int r = 0, rc;

    if (lu_store_prepare(db,
                         "SELECT unit, period, reason, at FROM reminder"
                         " WHERE ?1 = 0 OR hooked = 0"
                         " ORDER BY at DESC, unit, period, reason LIMIT ?2",
                         &st) < 0)
        return -EIO;
    sqlite3_bind_int(st, 1, unhooked_only);
    sqlite3_bind_int64(st, 2, (int64_t)max);
    while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        r = cb(arg, (const char *)sqlite3_column_text(st, 0),
               (uint32_t)sqlite3_column_int64(st, 1),
               (const char *)sqlite3_column_text(st, 2),
               sqlite3_column_int64(st, 3));
    sqlite3_finalize(st);
    return r;
}

int64_t ledger_remind_entries(sqlite3 *db, const char *unit, uint32_t period)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;

    if (lu_store_prepare(db,
                         "SELECT count(*) FROM entry WHERE unit = ? AND"
                         " period = ?",
                         &st) == 0) {
        sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, period);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

int64_t ledger_review_max(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    if (has_confirmed(db) == 0)
        return 0;
    if (lu_store_prepare(db, "SELECT ifnull(max(id), 0) FROM review_event",
                         &st) == 0 &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int ledger_review_changed_since(sqlite3 *db, uint32_t period, int64_t after)
{
    sqlite3_stmt *st = NULL;
    int r;

    if (has_confirmed(db) != 1)
        return 0;
    if (lu_store_prepare(db,
                         "SELECT 1 FROM review_event WHERE id > ? AND"
                         " period = ? AND kind <= 4 LIMIT 1",
                         &st) < 0)
        return -EIO;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, period);
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -EIO;
}

int ledger_review_states(sqlite3 *db, uint32_t period, int64_t upto,
                         const char *const *units, size_t n, int *kinds)
{
    sqlite3_stmt *st = NULL;
    int r = 0;

    memset(kinds, 0, n * sizeof(*kinds));
    if (has_confirmed(db) != 1)
        return 0;
    if (lu_store_prepare(db,
                         "SELECT kind FROM review_event WHERE unit = ? AND"
                         " period = ? AND id <= ? AND kind <= 4"
                         " ORDER BY id DESC LIMIT 1",
                         &st) < 0)
        return -EIO;
    for (size_t i = 0; i < n && r == 0; i++) {
        sqlite3_bind_text(st, 1, units[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, period);
        sqlite3_bind_int64(st, 3, upto);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW)
            kinds[i] = sqlite3_column_int(st, 0);
        r = r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -EIO;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
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

static void fill_step(sqlite3_stmt *st, struct ledger_review_step *s)
{
    s->id = sqlite3_column_int64(st, 0);
    s->unit = (const char *)sqlite3_column_text(st, 1);
    s->period = (uint32_t)sqlite3_column_int64(st, 2);
    s->kind = sqlite3_column_int(st, 3);
    s->by = (const char *)sqlite3_column_text(st, 4);
    s->at = sqlite3_column_int64(st, 5);
    s->reason = (const char *)sqlite3_column_text(st, 6);
    s->node = (const char *)sqlite3_column_text(st, 7);
}

#define STEP_COLUMNS "id, unit, period, kind, by, at, reason, node"

#define LAST_STEP_SQL                                                          \
    "SELECT " STEP_COLUMNS " FROM review_event"                                \
    " WHERE unit = ? AND period = ? AND kind <= 4"                             \
    " ORDER BY id DESC LIMIT 1"

/* ledger_review_last with the statement prepared (LAST_STEP_SQL); resets
 * it. */
static int last_step(sqlite3_stmt *st, const char *unit, uint32_t period,
                     struct ledger_review_step *last, char *by, char *reason)
{
    int r;

    memset(last, 0, sizeof(*last));
    by[0] = reason[0] = '\0';
    last->by = by;
    last->reason = reason;
    sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, period);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        struct ledger_review_step s;

        fill_step(st, &s);
        last->id = s.id;
        last->period = s.period;
        last->kind = s.kind;
        last->at = s.at;
        snprintf(by, LU_MAX_NAME + 1, "%s", s.by ? s.by : "");
        snprintf(reason, LU_MAX_NOTE + 1, "%s", s.reason ? s.reason : "");
    }
    sqlite3_reset(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -EIO;
}

int ledger_review_last(sqlite3 *db, const char *unit, uint32_t period,
                       struct ledger_review_step *last, char *by, char *reason)
{
    sqlite3_stmt *st = NULL;
    int r;

    memset(last, 0, sizeof(*last));
    by[0] = reason[0] = '\0';
    last->by = by;
    last->reason = reason;
    if (lu_store_prepare(db, LAST_STEP_SQL, &st) < 0)
        return -EIO;
    r = last_step(st, unit, period, last, by, reason);
    sqlite3_finalize(st);
    return r;
}

int ledger_review_check(sqlite3 *db, const char *unit, uint32_t period,
                        int kind, char *why, size_t len)
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

int ledger_review_add(sqlite3 *db, const char *unit, uint32_t period, int kind,
                      const char *by, const char *reason, const char *node,
                      uint64_t seq, int64_t at)
{
    sqlite3_stmt *st = NULL;
    int r;

    if (lu_store_prepare(db,
                         "INSERT INTO review_event(unit, period, kind, by, at,"
                         " reason, node, seq) VALUES (?,?,?,?,?,?,?,?)",
                         &st) < 0)
        return -EIO;
    sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, period);
    sqlite3_bind_int(st, 3, kind);
    sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, at);
    sqlite3_bind_text(st, 6, reason ? reason : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, node, -1, SQLITE_STATIC);
    if (seq > 0)
        sqlite3_bind_int64(st, 8, (int64_t)seq);
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? 0 : -EIO;
}

int ledger_review_locked(sqlite3 *db, sqlite3_stmt **st, const char *unit,
                         uint32_t period, char *why, size_t len)
{
    char by[LU_MAX_NAME + 1], reason[LU_MAX_NOTE + 1], per[8];
    struct ledger_review_step last;

    /* Prepared once: the hub asks for every entry it merges, and parsing
     * the statement each time was a fifth of its work (issue 19). */
    if (*st == NULL && lu_store_prepare(db, LAST_STEP_SQL, st) < 0)
        return -EIO;
    if (last_step(*st, unit, period, &last, by, reason) < 0)
        return -EIO;
    if (last.kind != LUYU__REVIEW_KIND__REVIEW_ACCEPT)
        return 0;
    snprintf(why, len,
             "%s of %s was accepted by the province (%s) and is locked; ask "
             "the province to unlock it",
             lu_period_format(period, per, sizeof(per)), unit, by);
    return 1;
}

int ledger_review_notices(sqlite3 *db, const char *node,
                          const char *const *units, size_t n_units,
                          uint64_t after, size_t max, Luyu__ReviewNotice ***out,
                          size_t *n)
{
    sqlite3_stmt *st = NULL;
    struct ledger_review_step s;
    struct lu_buf list;
    int r;

    *out = NULL;
    *n = 0;
    /* The registry's units as ",a,b,": unit codes hold no comma. */
    lu_buf_init(&list);
    lu_buf_adds(&list, ",");
    for (size_t i = 0; i < n_units; i++)
        lu_buf_printf(&list, "%s,", units[i]);
    /* The units the registry gives the node are the only ones it may
     * report (the hub refuses others), so with them the node's entries are
     * not read: on a ledger of millions, collecting the units of a node's
     * entries read every one of them, at every Hello, and a hub restart
     * with a hundred nodes took minutes to welcome them all (issue 19).
     * Without a registry the entries are all there is. */
    if (lu_store_prepare(db,
                         n_units > 0
                             ? "SELECT " STEP_COLUMNS " FROM review_event"
                               " WHERE id > ?1 AND kind IN (2, 3, 4, 5) AND"
                               " (instr(?4, ',' || unit || ',') > 0 OR"
                               "  unit IN (SELECT unit FROM review_event"
                               "  WHERE node = ?2 AND kind = 1))"
                               " ORDER BY id LIMIT ?3"
                             : "SELECT " STEP_COLUMNS " FROM review_event"
                               " WHERE id > ?1 AND kind IN (2, 3, 4, 5) AND"
                               " (unit IN (SELECT unit FROM review_event WHERE"
                               "  node = ?2 AND kind = 1) OR unit IN (SELECT"
                               "  unit FROM entry WHERE node = ?2)"
                               "  OR instr(?4, ',' || unit || ',') > 0)"
                               " ORDER BY id LIMIT ?3",
                         &st) < 0) {
        lu_buf_free(&list);
        return -EIO;
    }
    sqlite3_bind_int64(st, 1, (int64_t)after);
    sqlite3_bind_text(st, 2, node, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (int64_t)max);
    sqlite3_bind_text(st, 4, list.data, (int)list.len, SQLITE_TRANSIENT);
    lu_buf_free(&list);
    *out = lu_xcalloc(max ? max : 1, sizeof(**out));
    while ((r = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        Luyu__ReviewNotice *v = lu_xmalloc(sizeof(*v));

        fill_step(st, &s);
        luyu__review_notice__init(v);
        v->id = (uint64_t)s.id;
        v->unit = lu_xstrdup(s.unit ? s.unit : "");
        v->period = s.period;
        v->kind = (Luyu__ReviewKind)s.kind;
        v->by = lu_xstrdup(s.by ? s.by : "");
        v->at = s.at;
        v->reason = lu_xstrdup(s.reason ? s.reason : "");
        (*out)[(*n)++] = v;
    }
    sqlite3_finalize(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : -EIO;
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

int ledger_review_history(sqlite3 *db, const char *unit, uint32_t period,
                          ledger_review_step_cb cb, void *arg)
{
    struct ledger_review_step s;
    sqlite3_stmt *st = NULL;
    int r = has_confirmed(db), rc = SQLITE_DONE;

    if (r <= 0)
        return r == 0 ? -ENOTSUP : r;
    if (lu_store_prepare(db,
                         "SELECT " STEP_COLUMNS " FROM review_event"
                         " WHERE unit = ? AND period = ? AND kind <= 4"
                         " ORDER BY id",
                         &st) < 0)
        return -EIO;
    sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, period);
    r = 0;
    while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        fill_step(st, &s);
        r = cb(arg, &s);
    }
    if (r == 0 && rc != SQLITE_DONE)
        r = -EIO;
    sqlite3_finalize(st);
    return r;
}

/* Figure entries only: project events live in project_event, not entry. */
static const char QUEUE[] =
    "SELECT unit, period, count(*) AS n,"
    " sum(confirmed != '') AS flagged, max(received_at),"
    " ifnull(group_concat(CASE WHEN confirmed != '' THEN"
    "  node || '/' || seq || ':' || confirmed END, ' '), ''),"
    " ifnull((SELECT kind FROM review_event r WHERE r.unit = e.unit AND"
    "  r.period = e.period AND r.kind <= 4 ORDER BY id DESC LIMIT 1), 0)"
    " FROM (SELECT * FROM entry WHERE ?1 = 0 OR period = ?1 ORDER BY id) e"
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
        m.state = sqlite3_column_int(st, 6);
        r = cb(arg, &m);
    }
    if (r == 0 && rc != SQLITE_DONE)
        r = -EIO;
    sqlite3_finalize(st);
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
