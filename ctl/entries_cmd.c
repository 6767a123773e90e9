/* luyuctl entries: a clerk's own view at the node. What this node
 * recorded, who recorded it, whether it reached the hub (or why the hub
 * refused it) and which entry corrects which, asked of the node over its
 * control socket: no hub state directory is needed. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "json.h"
#include "money.h"
#include "node.h"
#include "output.h"
#include "plan.h"
#include "reject.h"
#include "table.h"
#include "util.h"

/* The node reads the entries from its outbox in one query. */
#define ENTRIES_TIMEOUT_MS 60000

static const char USAGE[] = N_(
    "usage: luyuctl --node SOCK entries [--period YYYY-MM] [--unit U]\n"
    "                [--indicator I] [--limit N]\n"
    "                [--format table|csv|json] [--excel]\n"
    "\n"
    "Lists the entries this node recorded, oldest first: each entry's id,\n"
    "figure, amount, who recorded it and when, whether it is still pending,\n"
    "in the hub's ledger, or rejected by the hub (with the hub's reason),\n"
    "and which entry corrects which. Entries marked * are current: the\n"
    "newest of their chain that the hub did not reject, the ones whose\n"
    "amount counts. `luyuctl correct UNIT/INDICATOR/YYYY-MM` corrects a\n"
    "figure's current entry when it has exactly one.\n"
    "\n"
    "  --period, --unit, --indicator   only these entries\n"
    "  --limit N           the newest N entries (default 10000)\n"
    "  --format table      for people (the default)\n"
    "  --format csv        id,unit,indicator,period,amount,state,reason,\n"
    "                      recorded_by,recorded_at,corrects,corrected_by,\n"
    "                      current,note,reason_code,confirmed (amounts as\n"
    "                      typed, exact)\n"
    "  --format json       {entries: [{id, unit, indicator, period, amount,\n"
    "                      amount_base, base_unit, state, reason,\n"
    "                      reason_code,\n"
    "                      recorded_by, recorded_at, corrects, corrected_by,\n"
    "                      current, note, confirmed}], omitted}\n"
    "  --excel             CSV for Excel: starts with a UTF-8 byte order\n"
    "                      mark, so that Chinese text is not garbled\n"
    "\n"
    "States in CSV and JSON are codes: pending, at_hub, rejected; so are\n"
    "the hub's reasons (reason_code: not_registered, other_province,\n"
    "unknown_unit, unknown_indicator, outside_plan, bad_correction,\n"
    "ledger_total, project_owner, project_move; empty when the hub gave\n"
    "none, and reason holds its words). confirmed lists the warnings\n"
    "confirmed when the entry was recorded: outlier, duplicate.\n");

enum format { FMT_TABLE, FMT_CSV, FMT_JSON };

static const char *state_code(Luyu__CtlEntryView__State s)
{
    if (s == LUYU__CTL_ENTRY_VIEW__STATE__AT_HUB)
        return "at_hub";
    if (s == LUYU__CTL_ENTRY_VIEW__STATE__REJECTED)
        return "rejected";
    return "pending";
}

/* An entry's amount, typed (exact) or for people, by its indicator. */
static const char *amount_of(const struct lu_plan *plan,
                             const Luyu__CtlEntryView *v, bool human, char *buf,
                             size_t len)
{
    const struct lu_plan_indicator *ind = lu_plan_indicator(plan, v->indicator);
    int scale = ind ? ind->scale : 1;

    if (human)
        return lu_money_amount(v->amount, ind ? ind->base_unit : "", scale, buf,
                               len);
    return lu_amount_format(v->amount, scale, buf, len);
}

static void emit_csv(const struct lu_plan *plan, const Luyu__CtlEntryView *v,
                     struct lu_buf *b)
{
    char period[8], amount[32], at[40];
    const char *const cells[] = {
        v->id,
        v->unit,
        v->indicator,
        lu_period_format(v->period, period, sizeof(period)),
        amount_of(plan, v, false, amount, sizeof(amount)),
        state_code(v->state),
        v->reason,
        v->recorded_by,
        ctl_output_time(v->recorded_at, at, sizeof(at)),
        v->corrects};

    for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
        lu_buf_csv_str(b, cells[i]);
        lu_buf_adds(b, ",");
    }
    lu_buf_adds(b, "\"");
    for (size_t i = 0; i < v->n_corrected_by; i++)
        lu_buf_printf(b, "%s%s", i ? " " : "", v->corrected_by[i]);
    lu_buf_printf(b, "\",%d,", v->current ? 1 : 0);
    lu_buf_csv_str(b, v->note);
    lu_buf_adds(b, ",");
    lu_buf_csv_str(b, lu_reject_name(v->reject_code));
    lu_buf_adds(b, ",");
    lu_buf_csv_str(b, v->confirmed);
    lu_buf_adds(b, "\n");
}

/* Confirmed warning codes ("outlier,duplicate") as a JSON array. */
static void confirmed_json(struct lu_json *j, const char *codes)
{
    const char *p = codes, *comma;

    lu_json_key(j, "confirmed");
    lu_json_array(j);
    while (*p != '\0') {
        comma = strchr(p, ',');
        lu_json_strn(j, p, comma ? (size_t)(comma - p) : strlen(p));
        p = comma ? comma + 1 : p + strlen(p);
    }
    lu_json_end(j);
}

static void emit_json(const struct lu_plan *plan, const Luyu__CtlEntryView *v,
                      struct lu_json *j)
{
    const struct lu_plan_indicator *ind = lu_plan_indicator(plan, v->indicator);
    char period[8], amount[32];

    lu_json_object(j);
    lu_json_kstr(j, "id", v->id);
    lu_json_kstr(j, "unit", v->unit);
    lu_json_kstr(j, "indicator", v->indicator);
    lu_json_kstr(j, "period",
                 lu_period_format(v->period, period, sizeof(period)));
    lu_json_kstr(j, "amount",
                 amount_of(plan, v, false, amount, sizeof(amount)));
    lu_json_kint(j, "amount_base", v->amount);
    lu_json_kstr(j, "base_unit", ind ? ind->base_unit : "");
    lu_json_kstr(j, "state", state_code(v->state));
    lu_json_kstr(j, "reason", v->reason);
    lu_json_kstr(j, "reason_code", lu_reject_name(v->reject_code));
    lu_json_kstr(j, "recorded_by", v->recorded_by);
    lu_json_kint(j, "recorded_at", v->recorded_at);
    lu_json_kstr(j, "corrects", v->corrects);
    lu_json_key(j, "corrected_by");
    lu_json_array(j);
    for (size_t i = 0; i < v->n_corrected_by; i++)
        lu_json_str(j, v->corrected_by[i]);
    lu_json_end(j);
    lu_json_key(j, "current");
    lu_json_bool(j, v->current);
    lu_json_kstr(j, "note", v->note);
    confirmed_json(j, v->confirmed);
    lu_json_end(j);
}

/* The state as a person reads it; a refusal carries the hub's reason. */
static void state_text(const Luyu__CtlEntryView *v, struct lu_buf *b)
{
    if (v->state == LUYU__CTL_ENTRY_VIEW__STATE__AT_HUB) {
        lu_buf_adds(b, _("at the hub"));
    } else if (v->state == LUYU__CTL_ENTRY_VIEW__STATE__REJECTED) {
        lu_buf_printf(b, _("rejected: %s"),
                      lu_reject_say(v->reject_code, v->reason));
    } else {
        lu_buf_adds(b, _("pending"));
    }
    /* Warnings the person confirmed when recording it (node/quality.h). */
    if (strstr(v->confirmed, "outlier") != NULL)
        lu_buf_printf(b, "; %s", _("outlier confirmed"));
    if (strstr(v->confirmed, "duplicate") != NULL)
        lu_buf_printf(b, "; %s", _("likely duplicate confirmed"));
}

static void correction_text(const Luyu__CtlEntryView *v, struct lu_buf *b)
{
    struct lu_buf ids;

    if (v->corrects[0] != '\0')
        lu_buf_printf(b, _("corrects %s"), v->corrects);
    if (v->n_corrected_by == 0)
        return;
    lu_buf_init(&ids);
    for (size_t i = 0; i < v->n_corrected_by; i++)
        lu_buf_printf(&ids, "%s%s", i ? ", " : "", v->corrected_by[i]);
    lu_buf_adds(b, b->len ? "; " : "");
    lu_buf_printf(b, _("corrected by %s"), ids.data);
    lu_buf_free(&ids);
}

/* Codes for English readers; the plan's (Chinese) names when messages are
 * translated, so that a Chinese reader meets no English word. */
static const char *unit_name(const struct lu_plan *plan, const char *code)
{
    const struct lu_plan_unit *u = lu_plan_unit(plan, code);

    return lu_i18n_translated() && u != NULL ? u->name : code;
}

static const char *indicator_name(const struct lu_plan *plan, const char *code)
{
    const struct lu_plan_indicator *i = lu_plan_indicator(plan, code);

    return lu_i18n_translated() && i != NULL ? i->name : code;
}

static void emit_row(const struct lu_plan *plan, const Luyu__CtlEntryView *v,
                     struct ctl_table *t)
{
    char id[96], period[8], amount[LU_MONEY_LEN], at[40];
    struct lu_buf state, corr;

    lu_buf_init(&state);
    lu_buf_init(&corr);
    lu_buf_adds(&state, "");
    lu_buf_adds(&corr, "");
    state_text(v, &state);
    correction_text(v, &corr);
    snprintf(id, sizeof(id), "%s%s", v->current ? "*" : " ", v->id);
    ctl_table_add(
        t, (const char *[]){
               id, unit_name(plan, v->unit), indicator_name(plan, v->indicator),
               lu_period_format(v->period, period, sizeof(period)),
               amount_of(plan, v, true, amount, sizeof(amount)), state.data,
               v->recorded_by, ctl_output_time(v->recorded_at, at, sizeof(at)),
               corr.data, v->note});
    lu_buf_free(&state);
    lu_buf_free(&corr);
}

static struct ctl_table *table_new(void)
{
    struct ctl_table *t = ctl_table_new(10);

    ctl_table_right(t, 4);
    ctl_table_add(t, (const char *[]){_("id"), _("unit"), _("indicator"),
                                      _("period"), _("amount"), _("state"),
                                      _("recorded by"), _("recorded at"),
                                      _("correction"), _("note")});
    return t;
}

static void render(const struct lu_plan *plan, const Luyu__CtlResponse *resp,
                   enum format fmt, bool excel, struct lu_buf *b)
{
    struct ctl_table *t = NULL;
    size_t n = resp->n_entries;

    if (fmt == FMT_CSV) {
        if (excel)
            ctl_output_bom(b);
        lu_buf_adds(b, "id,unit,indicator,period,amount,state,reason,"
                       "recorded_by,recorded_at,corrects,corrected_by,"
                       "current,note,reason_code,confirmed\n");
        for (size_t i = 0; i < n; i++)
            emit_csv(plan, resp->entries[i], b);
        return;
    }
    if (fmt == FMT_JSON) {
        struct lu_json j;

        lu_json_init(&j, b);
        lu_json_object(&j);
        lu_json_key(&j, "entries");
        lu_json_array(&j);
        for (size_t i = 0; i < n; i++)
            emit_json(plan, resp->entries[i], &j);
        lu_json_end(&j);
        lu_json_kuint(&j, "omitted", resp->entries_omitted);
        lu_json_end(&j);
        lu_buf_adds(b, "\n");
        return;
    }
    if (n == 0) {
        lu_buf_printf(b, "%s\n", _("no entries match"));
        return;
    }
    t = table_new();
    for (size_t i = 0; i < n; i++)
        emit_row(plan, resp->entries[i], t);
    ctl_table_render(t, b, "");
    ctl_table_free(t);
    lu_buf_printf(b, ngettext("%zu entry", "%zu entries", n), n);
    lu_buf_printf(b, "%s\n", _("; * marks the current entry of each chain"));
    if (resp->entries_omitted > 0)
        lu_buf_printf(b,
                      _("%llu older entries not shown (use --period or "
                        "--limit)\n"),
                      (unsigned long long)resp->entries_omitted);
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

/* Filters are checked here, against the plan, so that a mistyped code is
 * an error naming it rather than an empty listing. */
static int check_filters(const struct ctl_args *a, const struct lu_plan *plan,
                         const Luyu__CtlEntriesRequest *q)
{
    uint32_t period;
    char err[256];

    if (q->unit[0] != '\0' && lu_plan_unit(plan, q->unit) == NULL)
        return ctl_output_error(
            CTL_EXIT_BAD, _("unknown unit \"%s\" (see luyuctl plan)"), q->unit);
    if (q->indicator[0] != '\0' &&
        lu_plan_indicator(plan, q->indicator) == NULL)
        return ctl_output_error(
            CTL_EXIT_BAD, _("unknown indicator \"%s\" (see luyuctl plan)"),
            q->indicator);
    if (q->period[0] != '\0' &&
        lu_period_parse(q->period, &period, err, sizeof(err)) < 0)
        return ctl_args_bad(a, "--period: %s", err);
    return CTL_EXIT_OK;
}

/* Months the province returned, with its message, above the table: the
 * clerk who lists what was entered sees what to fix (the node's status
 * holds the province's latest step on each month). */
static void returned(const struct ctl_global *g, struct lu_buf *b)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlStatusRequest sreq = LUYU__CTL_STATUS_REQUEST__INIT;
    Luyu__CtlResponse *resp = NULL;
    char per[8];

    req.body_case = LUYU__CTL_REQUEST__BODY_STATUS;
    req.status = &sreq;
    if (ctl_node_call(g, &req, ENTRIES_TIMEOUT_MS, &resp) != CTL_EXIT_OK)
        return;
    for (size_t i = 0; resp->status != NULL && i < resp->status->n_reviews;
         i++) {
        const Luyu__ReviewNotice *v = resp->status->reviews[i];

        if (v->kind != LUYU__REVIEW_KIND__REVIEW_RETURN)
            continue;
        lu_buf_printf(b, _("returned by the province (%s): %s %s: "), v->by,
                      lu_period_format(v->period, per, sizeof(per)), v->unit);
        ctl_output_text(b, v->reason);
        lu_buf_adds(b, "\n");
    }
    luyu__ctl_response__free_unpacked(resp, NULL);
}

static int ask(const struct ctl_global *g, const struct lu_plan *plan,
               Luyu__CtlEntriesRequest *q, enum format fmt, bool excel)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlResponse *resp = NULL;
    struct lu_buf b;
    int r;

    req.body_case = LUYU__CTL_REQUEST__BODY_ENTRIES;
    req.entries = q;
    r = ctl_node_call(g, &req, ENTRIES_TIMEOUT_MS, &resp);
    if (r != CTL_EXIT_OK)
        return r;
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK) {
        r = ctl_node_refused(resp);
        goto out;
    }
    lu_buf_init(&b);
    lu_buf_adds(&b, "");
    if (fmt == FMT_TABLE)
        returned(g, &b);
    render(plan, resp, fmt, excel, &b);
    r = ctl_output_write(&b);
    lu_buf_free(&b);
out:
    luyu__ctl_response__free_unpacked(resp, NULL);
    return r;
}

int ctl_entries_cmd(const struct ctl_global *g, int argc, char **argv)
{
    Luyu__CtlEntriesRequest q = LUYU__CTL_ENTRIES_REQUEST__INIT;
    const char *period = NULL, *unit = NULL, *indicator = NULL, *limit = NULL,
               *format = NULL, *excel = NULL;
    const struct ctl_opt opts[] = {
        {"--period", CTL_OPT_VALUE, &period},
        {"--unit", CTL_OPT_VALUE, &unit},
        {"--indicator", CTL_OPT_VALUE, &indicator},
        {"--limit", CTL_OPT_VALUE, &limit},
        {"--format", CTL_OPT_VALUE, &format},
        {"--excel", CTL_OPT_FLAG, &excel},
    };
    struct ctl_args a = {.cmd = "entries", .opts = opts, .n_opts = 6};
    struct lu_plan *plan = NULL;
    enum format fmt = FMT_TABLE;
    uint64_t n = 0;
    char err[512];
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return ctl_output_usage(USAGE);
    r = parse_format(&a, format, &fmt);
    if (r == CTL_EXIT_OK && excel != NULL && fmt != FMT_CSV)
        r = ctl_args_bad(&a, _("--excel goes with --format csv"));
    if (r == CTL_EXIT_OK && limit != NULL &&
        (lu_parse_u64(limit, &n) < 0 || n == 0 || n > 100000))
        r = ctl_args_bad(&a,
                         _("--limit \"%s\": give a number from 1 to "
                           "100000"),
                         limit);
    if (r == CTL_EXIT_OK)
        r = ctl_node_need(g, "entries");
    if (r != CTL_EXIT_OK)
        return r;
    if (lu_plan_load(g->plan, &plan, err, sizeof(err)) < 0)
        return ctl_output_error(CTL_EXIT_FAIL, "%s", err);
    q.period = (char *)(period ? period : "");
    q.unit = (char *)(unit ? unit : "");
    q.indicator = (char *)(indicator ? indicator : "");
    q.limit = (uint32_t)n;
    r = check_filters(&a, plan, &q);
    if (r == CTL_EXIT_OK)
        r = ask(g, plan, &q, fmt, excel != NULL);
    lu_plan_free(plan);
    return r;
}
