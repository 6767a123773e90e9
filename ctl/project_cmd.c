/* luyuctl project add | edit | stage | money: one change of one project,
 * typed on the command line and checked by the node against the project's
 * current state. The dispatcher for every project subcommand is here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "node.h"
#include "output.h"
#include "project_cmd.h"
#include "util.h"
#include "xmalloc.h"

#define PROJECT_TIMEOUT_MS 120000

static const char USAGE[] = N_(
    "usage: luyuctl project SUBCOMMAND ...\n"
    "\n"
    "The cooperation project pool (滚动项目库). At the node (--node SOCK):\n"
    "  add ID --name N --area A --planned YUAN [--aid YUAN] [...]\n"
    "  edit ID [--name N] [--planned YUAN] [...]\n"
    "  stage ID STAGE [--date YYYY-MM-DD] [--reason TEXT]\n"
    "  money ID [--invested YUAN] [--disbursed YUAN] [--over-plan]\n"
    "           [--date YYYY-MM-DD]   (the month the money was invested)\n"
    "  import FILE.csv [--dry-run] [--again]\n"
    "  list | show ID          the node's own projects\n"
    "At a hub (--state-dir HUBDIR, or --ledger postgresql://... for a ledger\n"
    "in PostgreSQL), the province's pool:\n"
    "  list [--unit U] [--stage S] [--stuck] | show ID | history ID\n"
    "  pool [--month YYYY-MM] [--unit U]\n"
    "  (list, show, history and pool take --format table|csv|json)\n"
    "\n"
    "ID is UNIT-YYYY-NNN: the unit's code, the year the project entered the\n"
    "pool and its number (cq-wanzhou-2019-003). STAGE is reserve (储备),\n"
    "signed (签约), started (开工), completed (完工), operating (运营) or\n"
    "dropped (终止, needs --reason). Money is typed in yuan (1234.56).\n"
    "\n"
    "Fields of add and edit:\n"
    "  --unit U  --name N  --area A (task area code)  --partner U (Shandong\n"
    "  unit)  --enterprise E  --planned YUAN  --aid YUAN (Shandong fiscal\n"
    "  aid planned)  --invested YUAN  --disbursed YUAN  --poor-lifted N\n"
    "  --poor-jobs N  --over-plan (allow invested above planned)\n"
    "  add only: --stage S --dates D1,D2,... (the dates of each stage up to\n"
    "  S, for a project that is further along already)\n"
    "\n"
    "Exit status 2: the node refused the change (nothing was stored).\n");

int ctl_project_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";

    if (argc == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)
        return argc == 0 ? (fputs(_(USAGE), stderr), CTL_EXIT_BAD)
                         : ctl_output_usage(USAGE);
    if (strcmp(sub, "add") == 0 || strcmp(sub, "edit") == 0 ||
        strcmp(sub, "stage") == 0 || strcmp(sub, "money") == 0)
        return ctl_project_change_cmd(g, argc, argv);
    if (strcmp(sub, "import") == 0)
        return ctl_project_import_cmd(g, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0 ||
        strcmp(sub, "history") == 0 || strcmp(sub, "pool") == 0)
        return ctl_project_read_cmd(g, argc, argv);
    return ctl_output_error(CTL_EXIT_BAD,
                            _("project: no subcommand \"%s\" (see luyuctl "
                              "project --help)"),
                            sub);
}

int ctl_project_send(const struct ctl_global *g, Luyu__CtlProjects *req,
                     const char *what)
{
    Luyu__CtlRequest r = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlResponse *resp = NULL;
    struct lu_buf b;
    int rc;

    rc = ctl_node_need(g, what);
    if (rc != CTL_EXIT_OK)
        return rc;
    r.body_case = LUYU__CTL_REQUEST__BODY_PROJECTS;
    r.projects = req;
    rc = ctl_node_call(g, &r, PROJECT_TIMEOUT_MS, &resp);
    if (rc != CTL_EXIT_OK)
        return rc;
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK) {
        rc = ctl_node_refused(resp);
    } else {
        lu_buf_init(&b);
        for (size_t i = 0; i < resp->n_ids; i++)
            lu_buf_printf(&b, "%s\n", resp->ids[i]);
        if (resp->n_ids == 0)
            lu_buf_printf(&b, "%s\n", resp->message);
        rc = ctl_output_write(&b);
        lu_buf_free(&b);
    }
    luyu__ctl_response__free_unpacked(resp, NULL);
    return rc;
}

/* Splits "D1,D2,..." into p->stage_dates (pointers into a copy). */
static void split_dates(char *s, Luyu__CtlProject *p, char **slots)
{
    char *save = NULL;

    p->stage_dates = slots;
    for (char *t = strtok_r(s, ",", &save); t && p->n_stage_dates < 6;
         t = strtok_r(NULL, ",", &save))
        slots[p->n_stage_dates++] = t;
}

static void set(char **field, const char *v)
{
    if (v != NULL)
        *field = (char *)v;
}

int ctl_project_change_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *sub = argv[0], *pos[2] = {0};
    const char *unit = NULL, *name = NULL, *area = NULL, *partner = NULL,
               *ent = NULL, *planned = NULL, *aid = NULL, *invested = NULL,
               *disbursed = NULL, *lifted = NULL, *jobs = NULL, *over = NULL,
               *stage = NULL, *dates = NULL, *date = NULL, *reason = NULL;
    const struct ctl_opt opts[] = {
        {"--unit", CTL_OPT_VALUE, &unit},
        {"--name", CTL_OPT_VALUE, &name},
        {"--area", CTL_OPT_VALUE, &area},
        {"--partner", CTL_OPT_VALUE, &partner},
        {"--enterprise", CTL_OPT_VALUE, &ent},
        {"--planned", CTL_OPT_VALUE, &planned},
        {"--aid", CTL_OPT_VALUE, &aid},
        {"--invested", CTL_OPT_VALUE, &invested},
        {"--disbursed", CTL_OPT_VALUE, &disbursed},
        {"--poor-lifted", CTL_OPT_VALUE, &lifted},
        {"--poor-jobs", CTL_OPT_VALUE, &jobs},
        {"--over-plan", CTL_OPT_FLAG, &over},
        {"--stage", CTL_OPT_VALUE, &stage},
        {"--dates", CTL_OPT_VALUE, &dates},
        {"--date", CTL_OPT_VALUE, &date},
        {"--reason", CTL_OPT_VALUE, &reason},
    };
    bool staging = strcmp(sub, "stage") == 0;
    struct ctl_args a = {.cmd = "project",
                         .opts = opts,
                         .n_opts = sizeof(opts) / sizeof(opts[0]),
                         .max_pos = staging ? 2 : 1,
                         .pos = pos};
    Luyu__CtlProjects req = LUYU__CTL_PROJECTS__INIT;
    Luyu__CtlProject p = LUYU__CTL_PROJECT__INIT, *pp = &p;
    char *slots[6], *copy = NULL;
    int r;

    r = ctl_args_parse(&a, argc - 1, argv + 1);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return ctl_project_cmd(g, 1, (char *[]){"--help"});
    if (a.n_pos < (staging ? 2u : 1u))
        return ctl_args_bad(&a, "%s",
                            staging ? _("give the project id and the stage")
                                    : _("which project? give its id, e.g. "
                                        "cq-wanzhou-2019-003"));
    p.kind = strcmp(sub, "add") == 0     ? LUYU__PROJECT_EVENT__KIND__CREATED
             : staging                   ? LUYU__PROJECT_EVENT__KIND__STAGED
             : strcmp(sub, "money") == 0 ? LUYU__PROJECT_EVENT__KIND__MONEY
                                         : LUYU__PROJECT_EVENT__KIND__EDITED;
    p.id = (char *)pos[0];
    set(&p.stage, staging ? pos[1] : stage);
    set(&p.unit, unit);
    set(&p.name, name);
    set(&p.area, area);
    set(&p.partner, partner);
    set(&p.enterprise, ent);
    set(&p.planned, planned);
    set(&p.aid_planned, aid);
    set(&p.invested, invested);
    set(&p.aid_disbursed, disbursed);
    set(&p.poor_lifted, lifted);
    set(&p.poor_jobs, jobs);
    set(&p.date, date);
    set(&p.reason, reason);
    p.over_plan = over != NULL;
    if (dates != NULL) {
        copy = lu_xstrdup(dates);
        split_dates(copy, &p, slots);
    }
    req.projects = &pp;
    req.n_projects = 1;
    r = ctl_project_send(g, &req, "project");
    free(copy);
    return r;
}
