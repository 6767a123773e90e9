/* luyuctl history: who changed a figure, when, from what to what. Reads
 * the hub's ledger read-only, like luyuctl ledger. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "args.h"
#include "ctl.h"
#include "history.h"
#include "i18n.h"
#include "json.h"
#include "ledgerdb.h"
#include "money.h"
#include "output.h"
#include "reject.h"
#include "render.h"
#include "table.h"
#include "util.h"

static const char USAGE[] = N_(
    "usage: luyuctl history --state-dir HUBDIR ID|UNIT/INDICATOR/YYYY-MM\n"
    "                       [--format table|json]\n"
    "\n"
    "For an entry id (node/seq, e.g. cq-wanzhou/41): the entry's chain, the\n"
    "original and every correction of it, with the figure before each.\n"
    "For a figure (e.g. cq-wanzhou/agri_sales_to_sd/2019-07): every entry\n"
    "of it in the order the hub committed them, with the month's balance\n"
    "before and after each. Both show who recorded each entry and when,\n"
    "and the entries the hub rejected for that figure, with the reasons.\n"
    "\n"
    "  --state-dir HUBDIR  the hub's state directory\n"
    "  --ledger URL        or a hub's ledger in PostgreSQL (postgresql://...)\n"
    "  --format table      for people (the default)\n"
    "  --format json       {unit, indicator, period, base_unit, current,\n"
    "                       entries: [...], rejects: [...]}\n");

/* A stored amount as typed, in the figure's unit: exact, for JSON. */
static const char *amt(const struct ledger_history *h, int64_t v, char *buf,
                       size_t len)
{
    return lu_amount_format(v, h->ind.scale, buf, len);
}

/* The same for people (万元/亿元 in Chinese), for the tables. buf holds
 * LU_MONEY_LEN bytes. */
static const char *hum(const struct ledger_history *h, int64_t v, char *buf)
{
    return lu_money_amount(v, h->ind.base_unit, h->ind.scale, buf,
                           LU_MONEY_LEN);
}

static void title(const struct ledger_history *h, const char *query,
                  struct lu_buf *b)
{
    char period[8];

    lu_period_format(h->period, period, sizeof(period));
    if (h->by_id)
        lu_buf_printf(b, _("chain of %s in "), query);
    lu_buf_printf(b, "%s/%s/%s", h->unit, h->indicator, period);
    if (h->ind.name[0]) {
        lu_buf_adds(b, " (");
        ctl_output_text(b, h->ind.name);
        lu_buf_printf(b, ", %s)", ctl_render_unit(h->ind.base_unit));
    }
    lu_buf_adds(b, "\n");
}

/* The chain of one entry: each row's amount replaced the one before. */
static struct ctl_table *chain_table(const struct ledger_history *h)
{
    struct ctl_table *t = ctl_table_new(7);
    char a[LU_MONEY_LEN], p[LU_MONEY_LEN], rec[40], recv[40];

    ctl_table_right(t, 1);
    ctl_table_right(t, 2);
    ctl_table_add(t, (const char *[]){_("id"), _("amount"), _("previous"),
                                      _("recorded by"), _("recorded at"),
                                      _("received"), _("note")});
    for (size_t i = 0; i < h->n_entries; i++) {
        const struct ledger_history_entry *e = &h->entries[i];

        ctl_table_add(
            t,
            (const char *[]){
                e->id, hum(h, e->amount, a),
                e->has_prev ? hum(h, e->prev, p) : "-", e->recorded_by,
                ctl_output_time(e->recorded_at, rec, sizeof(rec)),
                ctl_output_time(e->received_at, recv, sizeof(recv)), e->note});
    }
    return t;
}

/* Every entry of a month: how each moved the balance. */
static struct ctl_table *figure_table(const struct ledger_history *h)
{
    struct ctl_table *t = ctl_table_new(9);
    char a[LU_MONEY_LEN], from[LU_MONEY_LEN], to[LU_MONEY_LEN];
    char rec[40], recv[40];

    ctl_table_right(t, 2);
    ctl_table_right(t, 3);
    ctl_table_right(t, 4);
    ctl_table_add(t, (const char *[]){_("id"), _("corrects"), _("amount"),
                                      _("balance before"), _("balance after"),
                                      _("recorded by"), _("recorded at"),
                                      _("received"), _("note")});
    for (size_t i = 0; i < h->n_entries; i++) {
        const struct ledger_history_entry *e = &h->entries[i];

        ctl_table_add(
            t,
            (const char *[]){
                e->id, e->corrects[0] ? e->corrects : "-", hum(h, e->amount, a),
                hum(h, e->before, from), hum(h, e->after, to), e->recorded_by,
                ctl_output_time(e->recorded_at, rec, sizeof(rec)),
                ctl_output_time(e->received_at, recv, sizeof(recv)), e->note});
    }
    return t;
}

static void rejects_table(const struct ledger_history *h, struct lu_buf *b)
{
    struct ctl_table *t = ctl_table_new(4);
    char a[LU_MONEY_LEN], at[40];

    ctl_table_right(t, 1);
    ctl_table_add(t, (const char *[]){_("id"), _("amount"), _("rejected at"),
                                      _("reason")});
    for (size_t i = 0; i < h->n_rejects; i++) {
        const struct ledger_history_reject *j = &h->rejects[i];

        ctl_table_add(t,
                      (const char *[]){j->id, hum(h, j->amount, a),
                                       ctl_output_time(j->at, at, sizeof(at)),
                                       lu_reject_say(j->code, j->reason)});
    }
    lu_buf_printf(b, _("\nrejected by the hub, not in the figure (%zu):\n"),
                  h->n_rejects);
    ctl_table_render(t, b, "  ");
    ctl_table_free(t);
}

static void render_table(const struct ledger_history *h, const char *query,
                         struct lu_buf *b)
{
    const struct ledger_history_entry *last =
        h->n_entries ? &h->entries[h->n_entries - 1] : NULL;
    struct ctl_table *t;
    char a[LU_MONEY_LEN];

    title(h, query, b);
    if (last == NULL) {
        lu_buf_adds(b, h->by_id ? _("not in the ledger: the hub rejected it\n")
                                : _("no entries\n"));
    } else {
        t = h->by_id ? chain_table(h) : figure_table(h);
        ctl_table_render(t, b, "");
        ctl_table_free(t);
        lu_buf_printf(b, "%s: %s (",
                      h->by_id ? _("current figure") : _("balance"),
                      hum(h, last->after, a));
        lu_buf_printf(b, ngettext("%zu entry", "%zu entries", h->n_entries),
                      h->n_entries);
        lu_buf_adds(b, ")\n");
    }
    if (h->n_rejects > 0)
        rejects_table(h, b);
}

/* Appends ,"key":"amount" or ,"key":null. */
static void json_amount(const struct ledger_history *h, struct lu_json *j,
                        const char *key, bool have, int64_t v)
{
    char a[32];

    lu_json_kstr(j, key, have ? amt(h, v, a, sizeof(a)) : NULL);
}

static void json_time(struct lu_json *j, const char *key, int64_t t)
{
    char buf[40];

    lu_json_kstr(j, key, ctl_output_time(t, buf, sizeof(buf)));
}

static void json_entry(const struct ledger_history *h,
                       const struct ledger_history_entry *e, struct lu_json *j)
{
    lu_json_object(j);
    lu_json_kstr(j, "id", e->id);
    json_amount(h, j, "amount", true, e->amount);
    lu_json_kint(j, "amount_base", e->amount);
    json_amount(h, j, "previous", e->has_prev, e->prev);
    lu_json_kstr(j, "corrects", e->corrects[0] ? e->corrects : NULL);
    if (!h->by_id) {
        json_amount(h, j, "balance_before", true, e->before);
        json_amount(h, j, "balance_after", true, e->after);
    }
    lu_json_kstr(j, "recorded_by", e->recorded_by);
    json_time(j, "recorded_at", e->recorded_at);
    json_time(j, "received_at", e->received_at);
    lu_json_kstr(j, "note", e->note);
    lu_json_end(j);
}

static void json_reject(const struct ledger_history *h,
                        const struct ledger_history_reject *r,
                        struct lu_json *j)
{
    lu_json_object(j);
    lu_json_kstr(j, "id", r->id);
    json_amount(h, j, "amount", true, r->amount);
    lu_json_kstr(j, "reason", r->reason);
    lu_json_kstr(j, "reason_code", lu_reject_name(r->code));
    json_time(j, "at", r->at);
    lu_json_end(j);
}

static void render_json(const struct ledger_history *h, const char *query,
                        struct lu_buf *b)
{
    char period[8];
    size_t n = h->n_entries;
    struct lu_json j;

    lu_json_init(&j, b);
    lu_json_object(&j);
    lu_json_kstr(&j, "query", query);
    lu_json_kstr(&j, "unit", h->unit);
    lu_json_kstr(&j, "indicator", h->indicator);
    lu_json_kstr(&j, "indicator_name", h->ind.name);
    lu_json_kstr(&j, "period", lu_period_format(h->period, period, 8));
    lu_json_kstr(&j, "base_unit", h->ind.base_unit);
    json_amount(h, &j, "current", n > 0, n ? h->entries[n - 1].after : 0);
    lu_json_key(&j, "entries");
    lu_json_array(&j);
    for (size_t i = 0; i < n; i++)
        json_entry(h, &h->entries[i], &j);
    lu_json_end(&j);
    lu_json_key(&j, "rejects");
    lu_json_array(&j);
    for (size_t i = 0; i < h->n_rejects; i++)
        json_reject(h, &h->rejects[i], &j);
    lu_json_end(&j);
    lu_json_end(&j);
    lu_buf_adds(b, "\n");
}

/* Loads the history, printing why it cannot. */
static int load(struct ledger_sql *db, const char *query,
                struct ledger_history *h)
{
    char err[512];
    int r = ledger_history_load(db, query, h, err, sizeof(err));

    if (r == -EINVAL || r == -ENOENT)
        return ctl_output_error(CTL_EXIT_BAD, "%s", err);
    if (r < 0)
        return ctl_output_error(CTL_EXIT_FAIL, "%s", err);
    return CTL_EXIT_OK;
}

int ctl_history_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *dir = NULL, *format = NULL, *pos[1];
    const struct ctl_opt opts[] = {
        {"--state-dir", CTL_OPT_VALUE, &dir},
        {"--ledger", CTL_OPT_VALUE, &dir},
        {"--format", CTL_OPT_VALUE, &format},
    };
    struct ctl_args a = {
        .cmd = "history", .opts = opts, .n_opts = 3, .max_pos = 1, .pos = pos};
    struct ledger_history h = {0};
    struct ledger_sql *db = NULL;
    struct lu_buf b;
    bool json = false;
    int r;

    lu_buf_init(&b);
    r = ctl_args_parse(&a, argc, argv);
    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(USAGE);
    if (r == CTL_EXIT_OK && a.n_pos == 0)
        r = ctl_args_bad(&a, _("give an entry id (cq-wanzhou/41) or a figure "
                               "(cq-wanzhou/agri_sales_to_sd/2019-07)"));
    if (r == CTL_EXIT_OK && dir == NULL)
        r = ctl_args_bad(&a, _("--state-dir is required (the hub's state "
                               "directory, which holds ledger.db)"));
    if (r == CTL_EXIT_OK && format != NULL) {
        json = strcmp(format, "json") == 0;
        if (!json && strcmp(format, "table") != 0)
            r = ctl_args_bad(&a, _("--format \"%s\": use table or json"),
                             format);
    }
    if (r == CTL_EXIT_OK)
        r = ctl_ledgerdb_open(dir, &db);
    if (r == CTL_EXIT_OK)
        r = load(db, pos[0], &h);
    if (r == CTL_EXIT_OK) {
        if (json)
            render_json(&h, pos[0], &b);
        else
            render_table(&h, pos[0], &b);
        r = ctl_output_write(&b);
    }
    ledger_history_close(&h);
    ledger_reader_close(db);
    lu_buf_free(&b);
    return r;
}
