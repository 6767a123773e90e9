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
#include "ledgerdb.h"
#include "money.h"
#include "output.h"
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
                                       j->reason});
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
static void json_amount(const struct ledger_history *h, struct lu_buf *b,
                        const char *key, bool have, int64_t v)
{
    char a[32];

    if (have)
        lu_buf_printf(b, ",\"%s\":\"%s\"", key, amt(h, v, a, sizeof(a)));
    else
        lu_buf_printf(b, ",\"%s\":null", key);
}

static void json_str(struct lu_buf *b, const char *key, const char *v)
{
    lu_buf_printf(b, ",\"%s\":", key);
    if (v != NULL)
        lu_buf_json_str(b, v);
    else
        lu_buf_adds(b, "null");
}

static void json_time(struct lu_buf *b, const char *key, int64_t t)
{
    char buf[40];

    json_str(b, key, ctl_output_time(t, buf, sizeof(buf)));
}

static void json_entry(const struct ledger_history *h,
                       const struct ledger_history_entry *e, struct lu_buf *b)
{
    lu_buf_adds(b, "{\"id\":");
    lu_buf_json_str(b, e->id);
    json_amount(h, b, "amount", true, e->amount);
    lu_buf_printf(b, ",\"amount_base\":%lld", (long long)e->amount);
    json_amount(h, b, "previous", e->has_prev, e->prev);
    json_str(b, "corrects", e->corrects[0] ? e->corrects : NULL);
    if (!h->by_id) {
        json_amount(h, b, "balance_before", true, e->before);
        json_amount(h, b, "balance_after", true, e->after);
    }
    json_str(b, "recorded_by", e->recorded_by);
    json_time(b, "recorded_at", e->recorded_at);
    json_time(b, "received_at", e->received_at);
    json_str(b, "note", e->note);
    lu_buf_adds(b, "}");
}

static void json_reject(const struct ledger_history *h,
                        const struct ledger_history_reject *j, struct lu_buf *b)
{
    lu_buf_adds(b, "{\"id\":");
    lu_buf_json_str(b, j->id);
    json_amount(h, b, "amount", true, j->amount);
    json_str(b, "reason", j->reason);
    json_time(b, "at", j->at);
    lu_buf_adds(b, "}");
}

static void render_json(const struct ledger_history *h, const char *query,
                        struct lu_buf *b)
{
    char period[8];
    size_t n = h->n_entries;

    lu_buf_adds(b, "{\"query\":");
    lu_buf_json_str(b, query);
    json_str(b, "unit", h->unit);
    json_str(b, "indicator", h->indicator);
    json_str(b, "indicator_name", h->ind.name);
    json_str(b, "period", lu_period_format(h->period, period, 8));
    json_str(b, "base_unit", h->ind.base_unit);
    json_amount(h, b, "current", n > 0, n ? h->entries[n - 1].after : 0);
    lu_buf_adds(b, ",\"entries\":[");
    for (size_t i = 0; i < n; i++) {
        lu_buf_adds(b, i ? ",\n" : "\n");
        json_entry(h, &h->entries[i], b);
    }
    lu_buf_adds(b, "],\"rejects\":[");
    for (size_t i = 0; i < h->n_rejects; i++) {
        lu_buf_adds(b, i ? ",\n" : "\n");
        json_reject(h, &h->rejects[i], b);
    }
    lu_buf_adds(b, "]}\n");
}

/* Loads the history, printing why it cannot. */
static int load(sqlite3 *db, const char *query, struct ledger_history *h)
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
        {"--format", CTL_OPT_VALUE, &format},
    };
    struct ctl_args a = {
        .cmd = "history", .opts = opts, .n_opts = 2, .max_pos = 1, .pos = pos};
    struct ledger_history h = {0};
    sqlite3 *db = NULL;
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
