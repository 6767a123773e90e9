/* luyuctl review queue: the province's review queue, read from a hub's
 * ledger through ledger/review.h: each unit's month with entries, months
 * whose entries carry warnings the district confirmed (outliers, likely
 * duplicates) first, with those entries' ids. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "json.h"
#include "ledgerdb.h"
#include "output.h"
#include "review.h"
#include "table.h"
#include "util.h"

static const char USAGE[] =
    N_("usage: luyuctl review queue --state-dir HUBDIR [--period YYYY-MM]\n"
       "                            [--format table|json]\n"
       "\n"
       "The province's review queue, from the hub's ledger: every unit's\n"
       "month with entries, how many entries, and how many carry warnings\n"
       "the district confirmed when entering them (an outlier against the\n"
       "unit's own months, a likely duplicate), with their ids. Months with\n"
       "such entries come first, most first; then by month and unit.\n"
       "\n"
       "  --state-dir HUBDIR  the hub's state directory\n"
       "  --period YYYY-MM    only this month\n"
       "  --format json       {months: [{unit, period, entries, flagged,\n"
       "                      last_received, flags: [{id, confirmed}]}]}\n");

struct out {
    struct ctl_table *t;
    struct lu_json *j;
};

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
        lu_json_kuint(o->j, "entries", m->entries);
        lu_json_kuint(o->j, "flagged", m->flagged);
        lu_json_kint(o->j, "last_received", m->last_received);
        flags_json(o->j, m->flags);
        lu_json_end(o->j);
        return 0;
    }
    snprintf(n, sizeof(n), "%llu", (unsigned long long)m->entries);
    snprintf(f, sizeof(f), "%llu", (unsigned long long)m->flagged);
    ctl_table_add(o->t, (const char *[]){
                            m->unit, per, n, f,
                            ctl_output_time(m->last_received, at, sizeof(at)),
                            m->flags});
    return 0;
}

static int queue(sqlite3 *db, const char *dir, uint32_t period, bool json)
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
        o.t = ctl_table_new(6);
        ctl_table_right(o.t, 2);
        ctl_table_right(o.t, 3);
        ctl_table_add(o.t,
                      (const char *[]){_("unit"), _("period"), _("entries"),
                                       _("flagged"), _("last received"),
                                       _("flagged entries")});
    }
    r = ledger_review_queue(db, period, one, &o);
    if (r == -ENOTSUP) {
        r = ctl_output_error(CTL_EXIT_FAIL,
                             _("%s/ledger.db records no confirmed warnings "
                               "yet: start this release's luyu-hub once to "
                               "upgrade it"),
                             dir);
    } else if (r < 0) {
        r = ctl_ledgerdb_fail(db);
    } else {
        if (json) {
            lu_json_end(&j);
            lu_json_end(&j);
            lu_buf_adds(&b, "\n");
        } else {
            ctl_table_render(o.t, &b, "");
        }
        r = ctl_output_write(&b);
    }
    if (o.t != NULL)
        ctl_table_free(o.t);
    lu_buf_free(&b);
    return r;
}

int ctl_review_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *dir = NULL, *format = NULL, *period = NULL, *pos[1];
    const struct ctl_opt opts[] = {
        {"--state-dir", CTL_OPT_VALUE, &dir},
        {"--period", CTL_OPT_VALUE, &period},
        {"--format", CTL_OPT_VALUE, &format},
    };
    struct ctl_args a = {
        .cmd = "review", .opts = opts, .n_opts = 3, .max_pos = 1, .pos = pos};
    sqlite3 *db = NULL;
    uint32_t per = 0;
    bool json = false;
    char err[160];
    int r;

    (void)g;
    r = ctl_args_parse(&a, argc, argv);
    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(_(USAGE));
    if (r == CTL_EXIT_OK && (a.n_pos == 0 || strcmp(pos[0], "queue") != 0))
        r = ctl_args_bad(&a, _("what? luyuctl review queue"));
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
    if (r == CTL_EXIT_OK)
        r = queue(db, dir, per, json);
    if (db != NULL)
        ledger_reader_close(db);
    return r;
}
