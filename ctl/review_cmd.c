/* luyuctl review: the review of a unit's month (issue 16). approve at the
 * node (the district's reviewers); accept, return and unlock at the hub
 * (the province's reviewers), each through its daemon's control socket,
 * which knows who asks; queue and history read a hub's ledger through
 * ledger/review.h, its SQLite file or its PostgreSQL database (--ledger
 * with the hub's connection string, a read-only session of our own): each
 * unit's month with entries and its state, months whose entries carry warnings
 * the district confirmed (outliers, likely duplicates) first, with those
 * entries' ids. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "args.h"
#include "codec.h"
#include "ctl.h"
#include "i18n.h"
#include "json.h"
#include "ledgerdb.h"
#include "node.h"
#include "output.h"
#include "review.h"
#include "sql.h"
#include "table.h"
#include "util.h"

static const char USAGE[] = N_(
    "usage: luyuctl review approve UNIT/YYYY-MM [--reason TEXT] --node SOCK\n"
    "       luyuctl review accept UNIT/YYYY-MM [--reason TEXT] --hub SOCK\n"
    "       luyuctl review return UNIT/YYYY-MM --reason TEXT --hub SOCK\n"
    "       luyuctl review unlock UNIT/YYYY-MM --reason TEXT --hub SOCK\n"
    "       luyuctl review queue --state-dir HUBDIR [--period YYYY-MM]\n"
    "                            [--format table|json]\n"
    "       luyuctl review history UNIT/YYYY-MM --state-dir HUBDIR\n"
    "                            [--format table|json]\n"
    "       (queue and history: --ledger postgresql://... instead of\n"
    "        --state-dir for a hub whose ledger is in PostgreSQL)\n"
    "\n"
    "A unit's month is reviewed in two steps. At the district, a member\n"
    "of the node's review group (luyu-review) approves it: all its entries\n"
    "up to now. At the province, a member of the hub's review group\n"
    "(luyu-province) accepts it, which locks it (new entries and\n"
    "corrections are refused until it is unlocked), or returns it with a\n"
    "reason, which the node shows in status; an accepted month is\n"
    "unlocked with a reason. Every step is kept with who, when and why.\n"
    "\n"
    "queue lists every unit's month with entries and its state (open,\n"
    "approved, accepted, returned, unlocked), how many entries carry\n"
    "warnings the district confirmed when entering them (an outlier, a\n"
    "likely duplicate), with their ids: such months first, most first;\n"
    "then by month and unit.\n"
    "\n"
    "  --format json       queue: {months: [{unit, period, state, entries,\n"
    "                      flagged, last_received, flags: [{id,\n"
    "                      confirmed}]}]}; history: {steps: [{step, by,\n"
    "                      at, reason, node}]}\n");

struct out {
    struct ctl_table *t;
    struct lu_json *j;
};

/* What queue and history share once the ledger was read (r its answer):
 * an old ledger named, the table or the JSON (array in an object)
 * closed and written, o's and b's memory freed. */
static int finish(int r, struct ledger_sql *db, const char *dir, struct out *o,
                  struct lu_buf *b)
{
    if (r == -ENOTSUP && ledger_sql_is_pg(db)) {
        r = ctl_output_error(CTL_EXIT_FAIL, "%s",
                             _("the PostgreSQL ledger records no review yet: "
                               "start this release's luyu-hub once to "
                               "upgrade it"));
    } else if (r == -ENOTSUP) {
        r = ctl_output_error(CTL_EXIT_FAIL,
                             _("%s/ledger.db records no confirmed warnings "
                               "yet: start this release's luyu-hub once to "
                               "upgrade it"),
                             dir);
    } else if (r < 0 && !ledger_sql_is_pg(db)) {
        r = ctl_ledgerdb_fail(db);
    } else if (r < 0) {
        /* The message names PostgreSQL, never the connection string:
         * it may hold a password. */
        r = ctl_output_error(CTL_EXIT_FAIL, _("cannot read the ledger: %s"),
                             ledger_sql_errmsg(db));
    } else {
        if (o->j != NULL) {
            lu_json_end(o->j);
            lu_json_end(o->j);
            lu_buf_adds(b, "\n");
        } else {
            ctl_table_render(o->t, b, "");
        }
        r = ctl_output_write(b);
    }
    if (o->t != NULL)
        ctl_table_free(o->t);
    lu_buf_free(b);
    return r;
}

/* "node/seq:codes node/seq:codes" as a JSON array of {id, confirmed}. */
static void flags_json(struct lu_json *j, const char *flags)
{
    const char *p = flags;

    lu_json_key(j, "flags");
    lu_json_array(j);
    while (*p != '\0') {
        const char *sp = strchr(p, ' '), *end = sp ? sp : p + strlen(p);
        const char *colon = memchr(p, ':', (size_t)(end - p));

        lu_json_object(j);
        lu_json_key(j, "id");
        lu_json_strn(j, p, colon ? (size_t)(colon - p) : (size_t)(end - p));
        lu_json_key(j, "confirmed");
        lu_json_strn(j, colon ? colon + 1 : end,
                     colon ? (size_t)(end - colon - 1) : 0);
        lu_json_end(j);
        p = sp ? sp + 1 : end;
    }
    lu_json_end(j);
}

static int one(void *arg, const struct ledger_review_month *m)
{
    struct out *o = arg;
    char per[8], n[24], f[24], at[40];

    lu_period_format(m->period, per, sizeof(per));
    if (o->j != NULL) {
        lu_json_object(o->j);
        lu_json_kstr(o->j, "unit", m->unit);
        lu_json_kstr(o->j, "period", per);
        lu_json_kstr(o->j, "state", ledger_review_state_code(m->state));
        lu_json_kuint(o->j, "entries", m->entries);
        lu_json_kuint(o->j, "flagged", m->flagged);
        lu_json_kint(o->j, "last_received", m->last_received);
        flags_json(o->j, m->flags);
        lu_json_end(o->j);
        return 0;
    }
    snprintf(n, sizeof(n), "%llu", (unsigned long long)m->entries);
    snprintf(f, sizeof(f), "%llu", (unsigned long long)m->flagged);
    ctl_table_add(
        o->t, (const char *[]){
                  m->unit, per, ledger_review_state_text(m->state), n, f,
                  ctl_output_time(m->last_received, at, sizeof(at)), m->flags});
    return 0;
}

static int queue(struct ledger_sql *db, const char *dir, uint32_t period,
                 bool json)
{
    struct lu_json j;
    struct lu_buf b;
    struct out o = {0};
    int r;

    lu_buf_init(&b);
    lu_buf_adds(&b, "");
    if (json) {
        lu_json_init(&j, &b);
        lu_json_object(&j);
        lu_json_key(&j, "months");
        lu_json_array(&j);
        o.j = &j;
    } else {
        o.t = ctl_table_new(7);
        ctl_table_right(o.t, 3);
        ctl_table_right(o.t, 4);
        ctl_table_add(o.t, (const char *[]){_("unit"), _("period"), _("state"),
                                            _("entries"), _("flagged"),
                                            _("last received"),
                                            _("flagged entries")});
    }
    r = ledger_review_queue(db, period, one, &o);
    return finish(r, db, dir, &o, &b);
}

/* "UNIT/YYYY-MM" into unit (LU_MAX_NAME + 1) and period (8 bytes). */
static int split_month(const struct ctl_args *a, const char *s, char *unit,
                       char *period)
{
    const char *slash = s ? strchr(s, '/') : NULL;
    uint32_t per;
    char err[160];

    if (slash == NULL || slash == s || slash - s > LU_MAX_NAME ||
        lu_period_parse(slash + 1, &per, err, sizeof(err)) < 0)
        return ctl_args_bad(a, _("give the unit's month as UNIT/YYYY-MM, e.g. "
                                 "cq-wanzhou/2019-07"));
    snprintf(unit, LU_MAX_NAME + 1, "%.*s", (int)(slash - s), s);
    lu_period_format(per, period, 8);
    return CTL_EXIT_OK;
}

/* approve at the node, accept | return | unlock at the hub. */
static int step(const struct ctl_global *g, const struct ctl_args *a, int kind,
                const char *month, const char *reason, const char *hub)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlReview rv = LUYU__CTL_REVIEW__INIT;
    Luyu__CtlResponse *resp = NULL;
    struct ctl_global hg = {.daemon = "luyu-hub", .plan = g->plan};
    char unit[LU_MAX_NAME + 1], period[8];
    int r = split_month(a, month, unit, period);

    if (r != CTL_EXIT_OK)
        return r;
    rv.kind = (Luyu__ReviewKind)kind;
    rv.unit = unit;
    rv.period = period;
    if (reason != NULL)
        rv.reason = (char *)reason;
    req.body_case = LUYU__CTL_REQUEST__BODY_REVIEW;
    req.review = &rv;
    if (kind == LUYU__REVIEW_KIND__REVIEW_APPROVE) {
        r = ctl_node_need(g, "review approve");
        return r == CTL_EXIT_OK ? ctl_node_record(g, &req, 60000) : r;
    }
    hg.node = hub ? hub : getenv("LUYU_HUB");
    if (hg.node == NULL)
        return ctl_args_bad(a, _("give the hub's control socket with --hub"));
    r = ctl_node_call(&hg, &req, 60000, &resp);
    if (r != CTL_EXIT_OK)
        return r;
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK)
        r = ctl_node_refused(resp);
    else
        printf("%s\n", resp->message);
    luyu__ctl_response__free_unpacked(resp, NULL);
    return r;
}

static int history_row(void *arg, const struct ledger_review_step *s)
{
    struct out *o = arg;
    char at[40];

    if (o->j != NULL) {
        lu_json_object(o->j);
        lu_json_kstr(o->j, "step", ledger_review_kind_code(s->kind));
        lu_json_kstr(o->j, "by", s->by);
        lu_json_kint(o->j, "at", s->at);
        lu_json_kstr(o->j, "reason", s->reason);
        lu_json_kstr(o->j, "node", s->node);
        lu_json_end(o->j);
        return 0;
    }
    ctl_table_add(o->t, (const char *[]){
                            ledger_review_state_text(s->kind), s->by,
                            ctl_output_time(s->at, at, sizeof(at)), s->reason});
    return 0;
}

static int history(struct ledger_sql *db, const struct ctl_args *a,
                   const char *dir, const char *month, bool json)
{
    char unit[LU_MAX_NAME + 1], period[8], err[160];
    struct lu_json j;
    struct lu_buf b;
    struct out o = {0};
    uint32_t per = 0;
    int r = split_month(a, month, unit, period);

    if (r != CTL_EXIT_OK)
        return r;
    lu_period_parse(period, &per, err, sizeof(err));
    lu_buf_init(&b);
    lu_buf_adds(&b, "");
    if (json) {
        lu_json_init(&j, &b);
        lu_json_object(&j);
        lu_json_key(&j, "steps");
        lu_json_array(&j);
        o.j = &j;
    } else {
        o.t = ctl_table_new(4);
        ctl_table_add(
            o.t, (const char *[]){_("step"), _("by"), _("at"), _("reason")});
    }
    r = ledger_review_history(db, unit, per, history_row, &o);
    return finish(r, db, dir, &o, &b);
}

static const struct {
    const char *name;
    int kind;
} STEPS[] = {
    {"approve", LUYU__REVIEW_KIND__REVIEW_APPROVE},
    {"accept", LUYU__REVIEW_KIND__REVIEW_ACCEPT},
    {"return", LUYU__REVIEW_KIND__REVIEW_RETURN},
    {"unlock", LUYU__REVIEW_KIND__REVIEW_UNLOCK},
};

int ctl_review_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *dir = NULL, *format = NULL, *period = NULL, *reason = NULL,
               *hub = NULL, *pos[2];
    const struct ctl_opt opts[] = {
        {"--state-dir", CTL_OPT_VALUE, &dir},
        {"--ledger", CTL_OPT_VALUE, &dir},
        {"--period", CTL_OPT_VALUE, &period},
        {"--format", CTL_OPT_VALUE, &format},
        {"--reason", CTL_OPT_VALUE, &reason},
        {"--hub", CTL_OPT_VALUE, &hub},
    };
    struct ctl_args a = {
        .cmd = "review", .opts = opts, .n_opts = 6, .max_pos = 2, .pos = pos};
    struct ledger_sql *db = NULL;
    uint32_t per = 0;
    bool json = false;
    char err[160];
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(_(USAGE));
    if (r == CTL_EXIT_OK && a.n_pos == 0)
        r = ctl_args_bad(&a, _("what? approve, accept, return, unlock, queue "
                               "or history"));
    for (size_t i = 0; r == CTL_EXIT_OK && i < 4; i++) {
        if (strcmp(pos[0], STEPS[i].name) != 0)
            continue;
        if (a.n_pos != 2)
            return ctl_args_bad(&a, _("give the unit's month as "
                                      "UNIT/YYYY-MM"));
        return step(g, &a, STEPS[i].kind, pos[1], reason, hub);
    }
    if (r == CTL_EXIT_OK && strcmp(pos[0], "queue") != 0 &&
        strcmp(pos[0], "history") != 0)
        r = ctl_args_bad(&a, _("what? approve, accept, return, unlock, queue "
                               "or history"));
    if (r == CTL_EXIT_OK && dir == NULL)
        r = ctl_args_bad(&a, _("--state-dir is required (the hub's state "
                               "directory, which holds ledger.db)"));
    if (r == CTL_EXIT_OK && period != NULL &&
        lu_period_parse(period, &per, err, sizeof(err)) < 0)
        r = ctl_args_bad(&a, "--period: %s", err);
    if (r == CTL_EXIT_OK && format != NULL) {
        json = strcmp(format, "json") == 0;
        if (!json && strcmp(format, "table") != 0)
            r = ctl_args_bad(&a, _("--format \"%s\": use table or json"),
                             format);
    }
    if (r == CTL_EXIT_OK)
        r = ctl_ledgerdb_open(dir, &db);
    if (r == CTL_EXIT_OK && strcmp(pos[0], "queue") == 0)
        r = queue(db, dir, per, json);
    else if (r == CTL_EXIT_OK)
        r = history(db, &a, dir, a.n_pos == 2 ? pos[1] : NULL, json);
    ledger_reader_close(db);
    return r;
}
