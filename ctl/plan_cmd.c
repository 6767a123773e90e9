/* luyuctl plan: what the plan file says, as JSON for scripts or as tables
 * for people: the reporting units and the indicators with their targets. */
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "json.h"
#include "money.h"
#include "output.h"
#include "plan.h"
#include "render.h"
#include "table.h"
#include "util.h"

static const char USAGE[] =
    N_("usage: luyuctl [--plan FILE] plan [--format text|json]\n"
       "\n"
       "Shows the cooperation plan luyu works from: its reporting units and\n"
       "its indicators with their base units and targets.\n"
       "\n"
       "  --format text   tables for people (the default)\n"
       "  --format json   {\"units\":[{\"code\",\"name\",\"province\",...}],\n"
       "                   \"indicators\":[{\"code\",\"name\",\"unit\",...}]}\n"
       "\n"
       "The plan file is --plan, else $LUYU_PLAN, else the installed one.\n");

/* A target as a person would type it, or "" when the kind has none. A
 * ratio's terms are plain numbers; every other target is in the base
 * unit. */
static const char *target_text(const struct lu_plan_indicator *ind, char *buf,
                               size_t len)
{
    if (ind->target_kind == LU_TARGET_NONE ||
        ind->target_kind == LU_TARGET_GROWTH || ind->target == 0)
        return strcpy(buf, "");
    return lu_amount_format(
        ind->target, ind->target_kind == LU_TARGET_RATIO ? 1 : ind->scale, buf,
        len);
}

/* The plan's (Chinese) name of a task area when messages are translated,
 * else its code. */
static const char *area_name(const struct lu_plan *p, const char *code)
{
    const struct lu_plan_area *a = lu_plan_area(p, code);

    return lu_i18n_translated() && a != NULL ? a->name : code;
}

/* A target kind for people; JSON keeps lu_target_kind_name()'s codes. */
static const char *kind_text(enum lu_target_kind kind)
{
    static const char *const names[] = {
        [LU_TARGET_NONE] = N_("none"),
        [LU_TARGET_YEARLY_MIN] = N_("at least, every year"),
        [LU_TARGET_PERIOD_MIN] = N_("at least, over the plan period"),
        [LU_TARGET_GROWTH] = N_("more than the year before"),
        [LU_TARGET_COVERAGE] = N_("coverage"),
        [LU_TARGET_RATIO] = N_("ratio"),
        [LU_TARGET_LEVEL] = N_("level by the end of the plan"),
    };

    if ((unsigned)kind >= sizeof(names) / sizeof(names[0]))
        return lu_target_kind_name(kind);
    return _(names[kind]);
}

/* A key whose value is the text, or null when there is none. */
static void json_opt(struct lu_json *j, const char *key, const char *value)
{
    lu_json_key(j, key);
    if (value != NULL && value[0] != '\0')
        lu_json_str(j, value);
    else
        lu_json_null(j);
}

static void json_unit(struct lu_json *j, const struct lu_plan_unit *u)
{
    lu_json_object(j);
    lu_json_kstr(j, "code", u->code);
    lu_json_kstr(j, "name", u->name);
    lu_json_kstr(j, "province", u->province);
    json_opt(j, "kind", u->kind);
    json_opt(j, "pair", u->pair);
    lu_json_end(j);
}

static void json_indicator(struct lu_json *j,
                           const struct lu_plan_indicator *ind)
{
    char target[32];

    lu_json_object(j);
    lu_json_kstr(j, "code", ind->code);
    lu_json_kstr(j, "name", ind->name);
    lu_json_kstr(j, "unit", ind->base_unit);
    lu_json_kint(j, "scale", ind->scale);
    json_opt(j, "area", ind->area);
    json_opt(j, "target_kind", lu_target_kind_name(ind->target_kind));
    json_opt(j, "target", target_text(ind, target, sizeof(target)));
    json_opt(j, "ratio_of", ind->ratio_of);
    if (ind->target_kind == LU_TARGET_RATIO)
        lu_json_kint(j, "per", ind->per);
    json_opt(j, "scope", ind->scope);
    json_opt(j, "note", ind->note);
    lu_json_end(j);
}

static void render_json(const struct lu_plan *p, struct lu_buf *b)
{
    struct lu_json j;

    lu_json_init(&j, b);
    lu_json_object(&j);
    lu_json_key(&j, "units");
    lu_json_array(&j);
    for (size_t i = 0; i < p->n_units; i++)
        json_unit(&j, &p->units[i]);
    lu_json_end(&j);
    lu_json_key(&j, "indicators");
    lu_json_array(&j);
    for (size_t i = 0; i < p->n_indicators; i++)
        json_indicator(&j, &p->indicators[i]);
    lu_json_end(&j);
    lu_json_end(&j);
    lu_buf_adds(b, "\n");
}

static void render_units(const struct lu_plan *p, struct lu_buf *b)
{
    struct ctl_table *t = ctl_table_new(5);

    ctl_table_add(t, (const char *[]){_("code"), _("province"), _("kind"),
                                      _("paired with"), _("name")});
    for (size_t i = 0; i < p->n_units; i++) {
        const struct lu_plan_unit *u = &p->units[i];

        ctl_table_add(t, (const char *[]){u->code, u->province,
                                          ctl_render_kind(u->kind),
                                          u->pair ? u->pair : "-", u->name});
    }
    lu_buf_printf(b, _("units (%zu):\n"), p->n_units);
    ctl_table_render(t, b, "  ");
    ctl_table_free(t);
}

static void render_indicators(const struct lu_plan *p, struct lu_buf *b)
{
    struct ctl_table *t = ctl_table_new(6);
    char target[96], value[LU_MONEY_LEN];

    ctl_table_right(t, 4);
    ctl_table_add(t,
                  (const char *[]){_("code"), _("unit of measure"), _("area"),
                                   _("target"), _("value"), _("name")});
    for (size_t i = 0; i < p->n_indicators; i++) {
        const struct lu_plan_indicator *ind = &p->indicators[i];

        target_text(ind, value, sizeof(value));
        if (value[0] != '\0' && ind->target_kind != LU_TARGET_RATIO)
            lu_money_amount(ind->target, ind->base_unit, ind->scale, value,
                            sizeof(value));
        if (ind->target_kind == LU_TARGET_RATIO) {
            snprintf(target, sizeof(target), _("ratio to %s"), ind->ratio_of);
            snprintf(value, sizeof(value), "%lld:%lld", (long long)ind->target,
                     (long long)ind->per);
        } else if (ind->target_kind == LU_TARGET_COVERAGE)
            snprintf(target, sizeof(target), _("coverage per %s"),
                     ctl_render_kind(ind->scope));
        else
            snprintf(target, sizeof(target), "%s", kind_text(ind->target_kind));
        ctl_table_add(t, (const char *[]){ind->code,
                                          ctl_render_unit(ind->base_unit),
                                          area_name(p, ind->area), target,
                                          value, ind->name});
    }
    lu_buf_printf(b, _("indicators (%zu):\n"), p->n_indicators);
    ctl_table_render(t, b, "  ");
    ctl_table_free(t);
}

static void render_text(const struct lu_plan *p, struct lu_buf *b)
{
    char start[8], end[8];

    lu_buf_printf(b, "%s\n%s .. %s\n\n", p->name,
                  lu_period_format(p->start, start, sizeof(start)),
                  lu_period_format(p->end, end, sizeof(end)));
    render_units(p, b);
    lu_buf_adds(b, "\n");
    render_indicators(p, b);
}

int ctl_plan_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *format = NULL;
    const struct ctl_opt opts[] = {{"--format", CTL_OPT_VALUE, &format}};
    struct ctl_args a = {.cmd = "plan", .opts = opts, .n_opts = 1};
    struct lu_plan *plan = NULL;
    struct lu_buf b;
    char err[512];
    int r;

    lu_buf_init(&b);
    r = ctl_args_parse(&a, argc, argv);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return ctl_output_usage(USAGE);
    if (format && strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
        return ctl_args_bad(&a, _("--format \"%s\": use text or json"), format);
    r = lu_plan_load(g->plan, &plan, err, sizeof(err));
    if (r < 0)
        return ctl_output_error(ctl_output_errno_exit(r), "%s", err);
    if (format && strcmp(format, "json") == 0)
        render_json(plan, &b);
    else
        render_text(plan, &b);
    r = ctl_output_write(&b);
    lu_buf_free(&b);
    lu_plan_free(plan);
    return r;
}
