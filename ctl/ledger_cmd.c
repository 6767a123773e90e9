/* luyuctl ledger: the balances of a hub's ledger, per unit, indicator and
 * month, read straight from its database (read-only, beside the running
 * hub), as a table for people or CSV and JSON for scripts. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "json.h"
#include "ledgerdb.h"
#include "money.h"
#include "output.h"
#include "table.h"
#include "util.h"

static const char USAGE[] = N_(
    "usage: luyuctl ledger --state-dir HUBDIR [--period YYYY-MM] [--unit U]\n"
    "                      [--indicator I] [--format table|csv|json] "
    "[--excel]\n"
    "\n"
    "Lists the balances in the hub's ledger (HUBDIR/ledger.db): for each\n"
    "unit, indicator and month the current figure (corrections applied)\n"
    "and how many entries made it, ordered by period, unit, indicator.\n"
    "\n"
    "  --state-dir HUBDIR  the hub's state directory\n"
    "  --ledger URL        or a hub's ledger in PostgreSQL (postgresql://...)\n"
    "  --period, --unit, --indicator   only these rows\n"
    "  --format table      aligned columns (the default)\n"
    "  --format csv        unit,indicator,period,amount\n"
    "  --format json       [{unit, indicator, period, amount (as typed),\n"
    "                        amount_base (stored), base_unit, entries}]\n"
    "  --excel             with --format csv: starts with a UTF-8 byte\n"
    "                      order mark, so that Excel shows Chinese right\n");

enum format { FMT_TABLE, FMT_CSV, FMT_JSON };

struct filter {
    const char *unit, *indicator;
    uint32_t period; /* 0: every period */
};

struct row {
    const char *unit, *indicator, *base_unit, *name;
    char period[8], amount[32], human[LU_MONEY_LEN];
    long long base, entries;
};

static void read_row(const struct ledger_balance *x, struct row *w)
{
    w->unit = x->unit;
    w->indicator = x->indicator;
    lu_period_format(x->period, w->period, sizeof(w->period));
    w->base = x->amount;
    w->entries = x->entries;
    lu_amount_format(w->base, x->scale, w->amount, sizeof(w->amount));
    w->base_unit = x->base_unit;
    lu_money_amount(w->base, w->base_unit, x->scale, w->human,
                    sizeof(w->human));
    w->name = x->name;
}

static void emit_csv(const struct row *w, struct lu_buf *b)
{
    lu_buf_csv_str(b, w->unit);
    lu_buf_adds(b, ",");
    lu_buf_csv_str(b, w->indicator);
    lu_buf_printf(b, ",%s,%s\n", w->period, w->amount);
}

/* One row as a JSON object on its own line; the array around the rows is
 * written as they stream (list()). */
static void emit_json(const struct row *w, struct lu_buf *b, bool first)
{
    struct lu_json j;

    lu_buf_adds(b, first ? "\n" : ",\n");
    lu_json_init(&j, b);
    lu_json_object(&j);
    lu_json_kstr(&j, "unit", w->unit);
    lu_json_kstr(&j, "indicator", w->indicator);
    lu_json_kstr(&j, "period", w->period);
    lu_json_kstr(&j, "amount", w->amount);
    lu_json_kint(&j, "amount_base", w->base);
    lu_json_kstr(&j, "base_unit", w->base_unit);
    lu_json_kint(&j, "entries", w->entries);
    lu_json_kstr(&j, "indicator_name", w->name);
    lu_json_end(&j);
}

static void emit_table(const struct row *w, struct ctl_table *t)
{
    char entries[24];

    snprintf(entries, sizeof(entries), "%lld", w->entries);
    ctl_table_add(t, (const char *[]){w->unit, w->indicator, w->period,
                                      w->human, entries, w->name});
}

static struct ctl_table *table_new(void)
{
    struct ctl_table *t = ctl_table_new(6);

    ctl_table_right(t, 3);
    ctl_table_right(t, 4);
    ctl_table_add(t, (const char *[]){_("unit"), _("indicator"), _("period"),
                                      _("amount"), _("entries"), _("name")});
    return t;
}

/* Appends what comes after the rows. */
static void finish(enum format fmt, struct ctl_table *t, size_t n,
                   struct lu_buf *b)
{
    if (fmt == FMT_JSON) {
        lu_buf_adds(b, n ? "\n]\n" : "]\n");
    } else if (fmt == FMT_TABLE && n == 0) {
        lu_buf_adds(b, _("no balances match\n"));
    } else if (fmt == FMT_TABLE) {
        ctl_table_render(t, b, "");
        lu_buf_printf(b, ngettext("%zu row\n", "%zu rows\n", n), n);
    }
}

/* Streams CSV and JSON as the rows come, so that a ledger of years of
 * entries never has to fit in memory; a table needs every row first for
 * its column widths. */
static int list(struct ledger_sql *db, const struct filter *f, enum format fmt,
                bool excel)
{
    struct ledger_balances *c = NULL;
    struct ledger_balance x;
    struct ctl_table *t = NULL;
    struct lu_buf b;
    struct row w;
    size_t n = 0;
    int rc = 0, r = CTL_EXIT_OK;

    lu_buf_init(&b);
    if (ledger_balances_open(db, f->unit, f->indicator, f->period, &c) < 0) {
        r = ctl_ledgerdb_fail(db);
        goto out;
    }
    if (fmt == FMT_CSV && excel)
        ctl_output_bom(&b);
    if (fmt == FMT_CSV)
        lu_buf_adds(&b, "unit,indicator,period,amount\n");
    else if (fmt == FMT_JSON)
        lu_buf_adds(&b, "[");
    else
        t = table_new();
    while (r == CTL_EXIT_OK && (rc = ledger_balances_next(c, &x)) == 1) {
        read_row(&x, &w);
        if (fmt == FMT_CSV)
            emit_csv(&w, &b);
        else if (fmt == FMT_JSON)
            emit_json(&w, &b, n == 0);
        else
            emit_table(&w, t);
        n++;
        r = ctl_output_flush(&b);
    }
    if (r == CTL_EXIT_OK && rc < 0)
        r = ctl_ledgerdb_fail(db);
    if (r != CTL_EXIT_OK)
        goto out;
    finish(fmt, t, n, &b);
    r = ctl_output_write(&b);
out:
    ctl_table_free(t);
    ledger_balances_free(c);
    lu_buf_free(&b);
    return r;
}

static int parse_format(const struct ctl_args *a, const char *s,
                        enum format *fmt)
{
    if (s == NULL || strcmp(s, "table") == 0)
        *fmt = FMT_TABLE;
    else if (strcmp(s, "csv") == 0)
        *fmt = FMT_CSV;
    else if (strcmp(s, "json") == 0)
        *fmt = FMT_JSON;
    else
        return ctl_args_bad(a, _("--format \"%s\": use table, csv or json"), s);
    return CTL_EXIT_OK;
}

int ctl_ledger_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *dir = NULL, *period = NULL, *format = NULL, *excel = NULL;
    struct filter f = {0};
    const struct ctl_opt opts[] = {
        {"--state-dir", CTL_OPT_VALUE, &dir},
        {"--ledger", CTL_OPT_VALUE, &dir},
        {"--period", CTL_OPT_VALUE, &period},
        {"--unit", CTL_OPT_VALUE, &f.unit},
        {"--indicator", CTL_OPT_VALUE, &f.indicator},
        {"--format", CTL_OPT_VALUE, &format},
        {"--excel", CTL_OPT_FLAG, &excel},
    };
    struct ctl_args a = {.cmd = "ledger", .opts = opts, .n_opts = 7};
    enum format fmt = FMT_TABLE;
    struct ledger_sql *db = NULL;
    char err[256];
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(USAGE);
    if (r == CTL_EXIT_OK && dir == NULL)
        r = ctl_args_bad(&a, _("--state-dir is required (the hub's state "
                               "directory, which holds ledger.db)"));
    if (r == CTL_EXIT_OK)
        r = parse_format(&a, format, &fmt);
    if (r == CTL_EXIT_OK && period != NULL &&
        lu_period_parse(period, &f.period, err, sizeof(err)) < 0)
        r = ctl_output_error(CTL_EXIT_BAD, "--period: %s", err);
    if (r == CTL_EXIT_OK && excel != NULL && fmt != FMT_CSV)
        r = ctl_args_bad(&a, _("--excel goes with --format csv"));
    if (r == CTL_EXIT_OK)
        r = ctl_ledgerdb_open(dir, &db);
    if (r == CTL_EXIT_OK)
        r = ctl_ledgerdb_check(db, f.unit, f.indicator, NULL);
    if (r == CTL_EXIT_OK)
        r = list(db, &f, fmt, excel != NULL);
    ledger_reader_close(db);
    return r;
}
