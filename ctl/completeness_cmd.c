/* luyuctl completeness: who has reported a month and who has not. For the
 * hub's own province it is computed from the ledger now (the same code as
 * the bulletin, so the two always agree); for the other province it comes
 * from the latest bulletin of that month the hub holds, verified. */
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "args.h"
#include "bulletin.h"
#include "bulletin_cmd.h"
#include "bulletin_src.h"
#include "i18n.h"
#include "json.h"
#include "output.h"
#include "render.h"
#include "table.h"
#include "util.h"

static const char USAGE[] =
    N_("usage: luyuctl completeness YYYY-MM --state-dir HUBDIR [--province P]\n"
       "                            [--json] [--issue-day D]\n"
       "\n"
       "Lists every reporting unit of the province for the month: whether it\n"
       "is expected to report (districts, cities, departments), whether it\n"
       "reported on time, late or not at all, how many entries it sent, how\n"
       "many after the month closed (00:00 China time on day D of the next\n"
       "month, default 5), and when the first arrived. Computed from the\n"
       "ledger now for the hub's own province; for the other province taken\n"
       "from the latest bulletin held.\n"
       "\n"
       "  --state-dir HUBDIR  the hub's state directory\n"
       "  --ledger URL        or a hub's ledger in PostgreSQL "
       "(postgresql://...)\n");

static void text(const struct ctl_render_view *v, struct lu_buf *b)
{
    const Luyu__Bulletin *bl = v->b;
    const Luyu__Completeness *c = bl->completeness;
    struct ctl_table *t = ctl_table_new(8);
    char p[8], at[40], e[24], l[24];

    lu_buf_printf(b, "%s (%s) %s: ", bl->province_name, bl->province,
                  lu_period_format(bl->period, p, sizeof(p)));
    ctl_output_text(b, v->trust);
    lu_buf_printf(b, _("\nmonth closed %s\n"),
                  ledger_calendar_format(bl->closed_at, at, sizeof(at)));
    lu_buf_printf(b,
                  _("expected %u, reported %u (on time %u, late %u), "
                    "missing %u\n"),
                  c->expected, c->reported, c->on_time, c->late, c->missing);
    lu_buf_printf(b,
                  _("reporting rate %u.%u%%, on time %u.%u%%; accepted %u, "
                    "approved %u, returned %u, not approved %u\n"),
                  c->reporting_rate_permille / 10,
                  c->reporting_rate_permille % 10,
                  c->on_time_rate_permille / 10, c->on_time_rate_permille % 10,
                  c->accepted, c->approved, c->returned, c->pending);
    ctl_table_right(t, 4);
    ctl_table_right(t, 5);
    ctl_table_add(t,
                  (const char *[]){_("unit"), _("name"), _("kind"), _("state"),
                                   _("entries"), _("late entries"),
                                   _("first received"), _("review")});
    for (size_t i = 0; i < bl->n_units; i++) {
        const Luyu__UnitReport *u = bl->units[i];

        snprintf(e, sizeof(e), "%llu", (unsigned long long)u->entries);
        snprintf(l, sizeof(l), "%llu", (unsigned long long)u->entries_late);
        ctl_table_add(
            t, (const char *[]){
                   u->code, u->name, ctl_render_kind(u->kind),
                   u->expected ? ctl_render_state(u->state) : _("not expected"),
                   e, l,
                   u->first_received_at
                       ? ledger_calendar_format(u->first_received_at, at, 40)
                       : "-",
                   ctl_render_review(u->review)});
    }
    ctl_table_render(t, b, "  ");
    ctl_table_free(t);
}

/* The month's review state for machines, as in the bulletin's JSON. */
static const char *review_code(uint32_t kind)
{
    static const char *const names[] = {"open", "approved", "accepted",
                                        "returned", "unlocked"};

    return kind < sizeof(names) / sizeof(*names) ? names[kind] : "open";
}

static void json(const struct ctl_render_view *v, struct lu_buf *b)
{
    const Luyu__Bulletin *bl = v->b;
    const Luyu__Completeness *c = bl->completeness;
    char p[8], at[40];
    struct lu_json j;

    lu_json_init(&j, b);
    lu_json_object(&j);
    lu_json_kstr(&j, "province", bl->province);
    lu_json_kstr(&j, "period", lu_period_format(bl->period, p, sizeof(p)));
    lu_json_kstr(&j, "source", bl->draft ? "ledger" : "bulletin");
    lu_json_key(&j, "revision");
    if (bl->draft)
        lu_json_null(&j);
    else
        lu_json_uint(&j, bl->revision);
    lu_json_kstr(&j, "closed_at",
                 ledger_calendar_format(bl->closed_at, at, sizeof(at)));
    lu_json_kuint(&j, "expected", c->expected);
    lu_json_kuint(&j, "reported", c->reported);
    lu_json_kuint(&j, "on_time", c->on_time);
    lu_json_kuint(&j, "late", c->late);
    lu_json_kuint(&j, "missing", c->missing);
    /* DHIS2's reporting rates (per mille of expected) and the review. */
    lu_json_kuint(&j, "reporting_rate_permille", c->reporting_rate_permille);
    lu_json_kuint(&j, "on_time_rate_permille", c->on_time_rate_permille);
    lu_json_kuint(&j, "accepted", c->accepted);
    lu_json_kuint(&j, "approved", c->approved);
    lu_json_kuint(&j, "returned", c->returned);
    lu_json_kuint(&j, "pending", c->pending);
    lu_json_key(&j, "units");
    lu_json_array(&j);
    for (size_t i = 0; i < bl->n_units; i++) {
        const Luyu__UnitReport *u = bl->units[i];

        lu_json_object(&j);
        lu_json_kstr(&j, "unit", u->code);
        lu_json_kstr(&j, "name", u->name);
        lu_json_key(&j, "expected");
        lu_json_bool(&j, u->expected);
        lu_json_kstr(&j, "state", ledger_bulletin_state_name(u->state));
        lu_json_kuint(&j, "entries", u->entries);
        lu_json_kuint(&j, "entries_late", u->entries_late);
        lu_json_key(&j, "first_received_at");
        if (u->first_received_at)
            lu_json_str(&j, ledger_calendar_format(u->first_received_at, at,
                                                   sizeof(at)));
        else
            lu_json_null(&j);
        lu_json_kstr(&j, "review", review_code(u->review));
        lu_json_end(&j);
    }
    lu_json_end(&j);
    lu_json_end(&j);
    lu_buf_adds(b, "\n");
}

static int run(const struct ctl_global *g, const char *dir, const char *month,
               const char *given, const char *day, bool as_json)
{
    struct ctl_bulletin_want w = {.draft = true};
    struct ctl_render_view v = {0};
    struct ctl_bulletin_src src;
    const char *province = NULL;
    uint64_t d = LEDGER_BULLETIN_DEFAULT_ISSUE_DAY;
    struct lu_buf b;
    int r = ctl_bulletin_src_period(month, &w.period);

    if (r == CTL_EXIT_OK && day != NULL &&
        (lu_parse_u64(day, &d) < 0 || d < 1 || d > 28))
        r = ctl_output_error(CTL_EXIT_BAD, _("--issue-day \"%s\": 1..28"), day);
    if (r != CTL_EXIT_OK)
        return r;
    w.issue_day = (int)d;
    lu_buf_init(&b);
    r = ctl_bulletin_src_open(dir, g->plan, &src);
    if (r == CTL_EXIT_OK)
        r = ctl_bulletin_src_province(&src, given, &province);
    if (r == CTL_EXIT_OK) {
        /* Another province's units are not in this ledger. */
        w.draft = src.own[0] == '\0' || strcmp(province, src.own) == 0;
        r = ctl_bulletin_src_load(&src, province, &w, false, &v);
    }
    if (r == CTL_EXIT_OK) {
        if (as_json)
            json(&v, &b);
        else
            text(&v, &b);
        r = ctl_output_write(&b);
    }
    ctl_render_view_clear(&v);
    ctl_bulletin_src_close(&src);
    lu_buf_free(&b);
    return r;
}

int ctl_completeness_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *dir = NULL, *province = NULL, *as_json = NULL, *day = NULL;
    const char *pos[1];
    const struct ctl_opt opts[] = {
        {"--state-dir", CTL_OPT_VALUE, &dir},
        {"--ledger", CTL_OPT_VALUE, &dir},
        {"--province", CTL_OPT_VALUE, &province},
        {"--json", CTL_OPT_FLAG, &as_json},
        {"--issue-day", CTL_OPT_VALUE, &day},
    };
    struct ctl_args a = {.cmd = "completeness",
                         .opts = opts,
                         .n_opts = 5,
                         .max_pos = 1,
                         .pos = pos};
    int r = ctl_args_parse(&a, argc, argv);

    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(USAGE);
    if (r == CTL_EXIT_OK && a.n_pos == 0)
        r = ctl_args_bad(&a, _("which month? (YYYY-MM)"));
    if (r == CTL_EXIT_OK && dir == NULL)
        r = ctl_args_bad(&a, _("--state-dir is required (the hub's state "
                               "directory, which holds ledger.db)"));
    if (r != CTL_EXIT_OK)
        return r;
    return run(g, dir, pos[0], province, day, as_json != NULL);
}
