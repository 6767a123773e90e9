/* luyuctl template: writes the month's sheet for a unit, one row per
 * typed indicator of the plan (not those derived from the project pool,
 * which nobody types) with its Chinese name and base unit, for the clerk
 * to fill in the amounts and import back unchanged (luyuctl import, or the
 * node's spool directory). .xlsx through libxlsxwriter, with the month
 * column formatted as text so that Excel does not turn 2019-07 into a
 * date; CSV in UTF-8 with a BOM so that Excel on Windows reads the Chinese,
 * and the month written as 2019年7月, which Excel keeps as it is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

#include "amount.h"
#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "normalize.h"
#include "output.h"
#include "plan.h"
#include "util.h"
#include "xmalloc.h"

static const char USAGE[] =
    N_("usage: luyuctl template --unit UNIT --period YYYY-MM --out FILE\n"
       "                        [--format xlsx|csv]\n"
       "\n"
       "Writes the month's sheet for UNIT (its code or name in the plan): one\n"
       "row per indicator of the plan with its name and base unit (元, 人 or\n"
       "个). Fill in the 金额 column (0 when there is nothing to report; rows\n"
       "you do not report may be deleted) and import the file as it is with\n"
       "luyuctl import or through the node's spool directory.\n"
       "\n"
       "  --format xlsx|csv  default: from FILE's extension (.xlsx, else CSV)\n"
       "\n"
       "FILE must not exist yet.\n");

static const char *const HEADER[] = {"单位", "指标", "计量单位",
                                     "月份", "金额", "备注"};

static const char *base_unit(const struct lu_plan_indicator *ind)
{
    if (strcmp(ind->base_unit, "yuan") == 0)
        return "元";
    if (strcmp(ind->base_unit, "persons") == 0)
        return "人";
    if (strcmp(ind->base_unit, "count") == 0)
        return "个";
    return ind->base_unit;
}

static int write_csv(const char *out, const struct lu_plan *plan,
                     const struct lu_plan_unit *unit, uint32_t period)
{
    struct lu_buf b;
    char month[32], err[512];
    int r;

    snprintf(month, sizeof(month), "%u年%u月", period / 100, period % 100);
    lu_buf_init(&b);
    lu_buf_adds(&b, "\xEF\xBB\xBF");
    for (size_t c = 0; c < 6; c++)
        lu_buf_printf(&b, "%s%s", c ? "," : "", HEADER[c]);
    lu_buf_adds(&b, "\r\n");
    for (size_t i = 0; i < plan->n_indicators; i++) {
        const struct lu_plan_indicator *ind = &plan->indicators[i];

        if (ind->source != NULL)
            continue;
        lu_buf_csv_str(&b, unit->name);
        lu_buf_adds(&b, ",");
        lu_buf_csv_str(&b, ind->name);
        lu_buf_printf(&b, ",%s,%s,,\r\n", base_unit(ind), month);
    }
    r = lu_write_new_file(out, b.data, 0644, err, sizeof(err));
    lu_buf_free(&b);
    if (r < 0)
        return ctl_output_error(ctl_output_errno_exit(r), "%s", err);
    return CTL_EXIT_OK;
}

static int write_xlsx(const char *out, const struct lu_plan *plan,
                      const struct lu_plan_unit *unit, uint32_t period)
{
    lxw_workbook *wb = workbook_new(out);
    lxw_worksheet *ws;
    lxw_format *text, *bold;
    lxw_row_t row = 0;
    char month[8], sheet[32];
    lxw_error e;

    if (wb == NULL)
        return ctl_output_error(CTL_EXIT_FAIL, _("%s: cannot create it"), out);
    lu_period_format(period, month, sizeof(month));
    snprintf(sheet, sizeof(sheet), "%s", month);
    ws = workbook_add_worksheet(wb, sheet);
    text = workbook_add_format(wb);
    format_set_num_format(text, "@");
    bold = workbook_add_format(wb);
    format_set_bold(bold);
    worksheet_set_column(ws, 0, 0, 14, NULL);
    worksheet_set_column(ws, 1, 1, 36, NULL);
    worksheet_set_column(ws, 2, 2, 9, NULL);
    /* Text, so that what is typed there stays as typed, too. */
    worksheet_set_column(ws, 3, 3, 10, text);
    worksheet_set_column(ws, 4, 4, 18, NULL);
    worksheet_set_column(ws, 5, 5, 30, NULL);
    for (lxw_col_t c = 0; c < 6; c++)
        worksheet_write_string(ws, 0, c, HEADER[c], bold);
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t i = 0; i < plan->n_indicators; i++) {
        const struct lu_plan_indicator *ind = &plan->indicators[i];

        if (ind->source != NULL)
            continue;
        row++;
        worksheet_write_string(ws, row, 0, unit->name, NULL);
        worksheet_write_string(ws, row, 1, ind->name, NULL);
        worksheet_write_string(ws, row, 2, base_unit(ind), NULL);
        worksheet_write_string(ws, row, 3, month, text);
    }
    e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        unlink(out);
        return ctl_output_error(CTL_EXIT_FAIL, _("%s: cannot write it: %s"),
                                out, lxw_strerror(e));
    }
    return CTL_EXIT_OK;
}

/* The unit by code or name, with "did you mean" as in imports. */
static const struct lu_plan_unit *
find_unit(const struct ctl_args *a, const struct lu_plan *plan, const char *s)
{
    struct lu_norm_name *names = lu_xcalloc(plan->n_units + 1, sizeof(*names));
    char suggest[256];
    int i;

    for (size_t k = 0; k < plan->n_units; k++) {
        names[k].code = plan->units[k].code;
        names[k].name = plan->units[k].name;
    }
    i = lu_norm_match(s, names, plan->n_units, suggest, sizeof(suggest));
    free(names);
    if (i >= 0)
        return &plan->units[i];
    if (suggest[0])
        ctl_args_bad(a, _("unknown unit \"%s\"; did you mean %s?"), s, suggest);
    else
        ctl_args_bad(a, _("unknown unit \"%s\" (luyuctl plan lists them)"), s);
    return NULL;
}

static int run(const struct ctl_global *g, const struct ctl_args *a,
               const char *unit_s, const char *period_s, const char *out,
               bool xlsx)
{
    struct lu_plan *plan = NULL;
    const struct lu_plan_unit *unit;
    char err[512];
    uint32_t period;
    struct stat st;
    int r;

    r = lu_plan_load(g->plan, &plan, err, sizeof(err));
    if (r < 0)
        return ctl_output_error(ctl_output_errno_exit(r), "%s", err);
    unit = find_unit(a, plan, unit_s);
    if (unit == NULL) {
        r = CTL_EXIT_BAD;
    } else if (lu_norm_month(period_s, &period, err, sizeof(err)) < 0) {
        r = ctl_args_bad(a, "--period: %s", err);
    } else if (period < plan->start || period > plan->end) {
        r = ctl_args_bad(a, _("--period %s is outside the plan"), period_s);
    } else if (stat(out, &st) == 0) {
        r = ctl_args_bad(a, _("%s exists; give another name or delete it"),
                         out);
    } else {
        r = xlsx ? write_xlsx(out, plan, unit, period)
                 : write_csv(out, plan, unit, period);
    }
    if (r == CTL_EXIT_OK) {
        size_t typed = 0;

        for (size_t i = 0; i < plan->n_indicators; i++)
            typed += plan->indicators[i].source == NULL;
        printf(_("wrote %s: %zu indicators of %s for %s\n"), out, typed,
               unit->name, lu_period_format(period, err, sizeof(err)));
    }
    lu_plan_free(plan);
    return r;
}

int ctl_template_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *unit = NULL, *period = NULL, *format = NULL, *out = NULL;
    const struct ctl_opt opts[] = {{"--unit", CTL_OPT_VALUE, &unit},
                                   {"--period", CTL_OPT_VALUE, &period},
                                   {"--format", CTL_OPT_VALUE, &format},
                                   {"--out", CTL_OPT_VALUE, &out}};
    struct ctl_args a = {.cmd = "template", .opts = opts, .n_opts = 4};
    size_t n;
    bool xlsx;
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r == CTL_EXIT_OK && a.help)
        return ctl_output_usage(_(USAGE));
    if (r == CTL_EXIT_OK && (unit == NULL || period == NULL || out == NULL))
        r = ctl_args_bad(&a, _("--unit, --period and --out are required"));
    if (r == CTL_EXIT_OK && format != NULL && strcmp(format, "xlsx") != 0 &&
        strcmp(format, "csv") != 0)
        r = ctl_args_bad(&a, _("--format \"%s\": use xlsx or csv"), format);
    if (r != CTL_EXIT_OK)
        return r;
    n = strlen(out);
    xlsx = format ? strcmp(format, "xlsx") == 0
                  : n >= 5 && strcasecmp(out + n - 5, ".xlsx") == 0;
    return run(g, &a, unit, period, out, xlsx);
}
