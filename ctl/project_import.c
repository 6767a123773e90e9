/* luyuctl project import: a CSV file of projects (the columns luyuctl
 * project list --format csv writes), sent to the node as one request that
 * stores every project or none. Problems are reported as FILE:LINE. The
 * same rows are stored once (an import key, as for figures). */
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "csv.h"
#include "ctl.h"
#include "i18n.h"
#include "ctlmsg.h"
#include "node.h"
#include "output.h"
#include "project_cmd.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_SHOWN 100
#define NCOLS 15

static const char USAGE[] = N_(
    "usage: luyuctl --node SOCK project import FILE.csv [--dry-run] "
    "[--again]\n"
    "\n"
    "Adds every project of FILE.csv at the node, all or none. The first\n"
    "line is the header (the columns of luyuctl project list --format csv):\n"
    "\n"
    "  id,unit,name,area,partner,enterprise,planned,aid_planned,invested,\n"
    "  aid_disbursed,stage,stage_dates,drop_reason,poor_lifted,poor_jobs\n"
    "\n"
    "or the same in Chinese "
    "(项目编号,单位,项目名称,任务领域,山东结对方,山东企业,\n"
    "计划总投资,山东帮扶资金,已完成投资,已拨付帮扶资金,阶段,各阶段日期,"
    "终止原因,\n"
    "预计带动脱贫人数,预计吸纳贫困人口就业). Task areas by code or Chinese "
    "name\n"
    "(industry or 产业合作), stages by code or name (signed or 签约).\n"
    "\n"
    "Money in yuan; stage as for project stage; stage_dates the dates\n"
    "YYYY-MM-DD of each stage reached, separated by ';' (a dropped project:\n"
    "its stages' dates, then empty ones up to 运营, then the date it was\n"
    "dropped). Every problem is reported as FILE:LINE: and nothing is\n"
    "stored. The same rows are stored only once; --again stores them anew\n"
    "(which the node refuses: the projects exist).\n");

static const char *const COLUMNS[NCOLS] = {
    "id",         "unit",        "name",        "area",        "partner",
    "enterprise", "planned",     "aid_planned", "invested",    "aid_disbursed",
    "stage",      "stage_dates", "drop_reason", "poor_lifted", "poor_jobs"};

/* The same columns as a Chinese spreadsheet heads them; either header is
 * accepted, column by column. */
static const char *const COLUMNS_ZH[NCOLS] = {"项目编号",
                                              "单位",
                                              "项目名称",
                                              "任务领域",
                                              "山东结对方",
                                              "山东企业",
                                              "计划总投资",
                                              "山东帮扶资金",
                                              "已完成投资",
                                              "已拨付帮扶资金",
                                              "阶段",
                                              "各阶段日期",
                                              "终止原因",
                                              "预计带动脱贫人数",
                                              "预计吸纳贫困人口就业"};

struct pimport {
    const char *path;
    Luyu__CtlProject **v;
    int *lines;
    size_t n;
    struct lu_buf shown;
    size_t n_problems;
};

static void problem(struct pimport *im, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct pimport *im, int line, const char *fmt, ...)
{
    va_list ap;
    char msg[1024];

    if (im->n_problems++ >= MAX_SHOWN)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    lu_buf_printf(&im->shown, "%s:%d: ", im->path, line);
    ctl_output_text(&im->shown, msg);
    lu_buf_adds(&im->shown, "\n");
}

static void free_project(Luyu__CtlProject *p)
{
    char **f[] = {
        &p->id,          &p->unit,          &p->name,    &p->area,
        &p->partner,     &p->enterprise,    &p->planned, &p->aid_planned,
        &p->invested,    &p->aid_disbursed, &p->stage,   &p->reason,
        &p->poor_lifted, &p->poor_jobs};

    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        free(*f[i]);
    for (size_t i = 0; i < p->n_stage_dates; i++)
        free(p->stage_dates[i]);
    free(p->stage_dates);
    free(p);
}

static void add_row(struct pimport *im, char **f, size_t n, int line)
{
    Luyu__CtlProject *p;
    char *dates, *save = NULL;

    if (n != NCOLS) {
        problem(im, line, _("expected %d fields, got %zu"), NCOLS, n);
        return;
    }
    p = lu_xmalloc(sizeof(*p));
    luyu__ctl_project__init(p);
    p->kind = LUYU__PROJECT_EVENT__KIND__CREATED;
    p->id = lu_xstrdup(f[0]);
    p->unit = lu_xstrdup(f[1]);
    p->name = lu_xstrdup(f[2]);
    p->area = lu_xstrdup(f[3]);
    p->partner = lu_xstrdup(f[4]);
    p->enterprise = lu_xstrdup(f[5]);
    p->planned = lu_xstrdup(f[6]);
    p->aid_planned = lu_xstrdup(f[7]);
    p->invested = lu_xstrdup(f[8]);
    p->aid_disbursed = lu_xstrdup(f[9]);
    p->stage = lu_xstrdup(f[10]);
    p->reason = lu_xstrdup(f[12]);
    p->poor_lifted = lu_xstrdup(f[13]);
    p->poor_jobs = lu_xstrdup(f[14]);
    p->stage_dates = lu_xcalloc(6, sizeof(char *));
    dates = f[11];
    /* strsep keeps empty dates (a dropped project's stages not reached). */
    while ((save = strsep(&dates, ";")) != NULL && p->n_stage_dates < 6)
        p->stage_dates[p->n_stage_dates++] = lu_xstrdup(save);
    if (save != NULL)
        problem(im, line, "%s", _("more than 6 stage dates"));
    if (p->planned[0] == '\0')
        problem(im, line, "%s", _("planned is empty"));
    im->v = lu_xrealloc(im->v, (im->n + 1) * sizeof(*im->v));
    im->lines = lu_xrealloc(im->lines, (im->n + 1) * sizeof(int));
    im->v[im->n] = p;
    im->lines[im->n++] = line;
}

static void parse(struct pimport *im, const char *data, size_t len)
{
    struct lu_csv *csv = lu_csv_new(data, len);
    bool header = true;
    char **f, err[512];
    size_t n;
    int r, line = 0;

    while ((r = lu_csv_next(csv, &f, &n, &line, err, sizeof(err))) > 0) {
        if (header) {
            size_t i;

            for (i = 0; i < n && i < NCOLS &&
                        (strcmp(f[i], COLUMNS[i]) == 0 ||
                         strcmp(f[i], COLUMNS_ZH[i]) == 0);
                 i++)
                ;
            if (i != NCOLS || n != NCOLS)
                problem(im, line, "%s",
                        _("the first line must be the header \"id,unit,name,"
                          "area,...,poor_jobs\" (see luyuctl project import "
                          "--help)"));
        } else {
            add_row(im, f, n, line);
        }
        header = false;
        if (im->n_problems > 0 && header == false && line > 1 &&
            im->n_problems >= MAX_SHOWN)
            break;
    }
    if (r < 0)
        problem(im, line, "%s", err);
    else if (im->n == 0 && im->n_problems == 0)
        problem(im, line, "%s", _("no projects in the file"));
    lu_csv_free(csv);
}

static void key_of(struct pimport *im, uint8_t key[32])
{
    Luyu__CtlProjects only = LUYU__CTL_PROJECTS__INIT;
    size_t len;
    uint8_t *buf;

    only.projects = im->v;
    only.n_projects = im->n;
    len = luyu__ctl_projects__get_packed_size(&only);
    buf = lu_xmalloc(len + 1);
    luyu__ctl_projects__pack(&only, buf);
    crypto_hash_sha256(key, buf, len);
    free(buf);
}

static int answer(struct pimport *im, const Luyu__CtlResponse *resp,
                  bool dry_run)
{
    struct lu_buf b;
    int r;

    if (resp->code == LUYU__CTL_RESPONSE__CODE__BAD_INPUT &&
        resp->n_problems > 0) {
        for (size_t i = 0; i < resp->n_problems; i++) {
            uint32_t k = resp->problems[i]->index;

            problem(im, k < im->n ? im->lines[k] : 0, "%s",
                    resp->problems[i]->message);
        }
        fputs(im->shown.data ? im->shown.data : "", stderr);
        return ctl_output_error(CTL_EXIT_BAD, "%s: %s", im->path,
                                resp->message);
    }
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK)
        return ctl_node_refused(resp);
    lu_buf_init(&b);
    if (resp->repeat)
        lu_buf_printf(&b,
                      _("already imported %zu projects (%s .. %s) by %s; "
                        "nothing stored again\n"),
                      resp->n_ids, resp->n_ids ? resp->ids[0] : "",
                      resp->n_ids ? resp->ids[resp->n_ids - 1] : "",
                      resp->repeat_by);
    else if (dry_run)
        lu_buf_printf(&b, "%s\n", resp->message);
    else
        lu_buf_printf(&b, _("imported %zu projects (%s .. %s)\n"), resp->n_ids,
                      resp->n_ids ? resp->ids[0] : "",
                      resp->n_ids ? resp->ids[resp->n_ids - 1] : "");
    r = ctl_output_write(&b);
    lu_buf_free(&b);
    return r;
}

int ctl_project_import_cmd(const struct ctl_global *g, int argc, char **argv)
{
    const char *dry = NULL, *again = NULL, *pos[1] = {0};
    const struct ctl_opt opts[] = {{"--dry-run", CTL_OPT_FLAG, &dry},
                                   {"--again", CTL_OPT_FLAG, &again}};
    struct ctl_args a = {.cmd = "project import",
                         .opts = opts,
                         .n_opts = 2,
                         .max_pos = 1,
                         .pos = pos};
    struct pimport im = {0};
    Luyu__CtlProjects req = LUYU__CTL_PROJECTS__INIT;
    Luyu__CtlRequest creq = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlResponse *resp = NULL;
    uint8_t key[32];
    char *data = NULL;
    size_t len = 0;
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return ctl_output_usage(USAGE);
    if (a.n_pos == 0)
        return ctl_args_bad(&a, "%s", _("which file?"));
    r = ctl_node_need(g, "project import");
    if (r != CTL_EXIT_OK)
        return r;
    im.path = pos[0];
    lu_buf_init(&im.shown);
    r = lu_read_file(im.path, 2 * (size_t)LU_CTL_MAX_MSG, &data, &len);
    if (r < 0) {
        r = ctl_output_error(ctl_output_errno_exit(r), "%s: %s", im.path,
                             strerror(-r));
        goto out;
    }
    parse(&im, data, len);
    if (im.n_problems > 0) {
        fputs(im.shown.data, stderr);
        r = ctl_output_error(CTL_EXIT_BAD,
                             ngettext("%s: %zu problem; nothing stored",
                                      "%s: %zu problems; nothing stored",
                                      im.n_problems),
                             im.path, im.n_problems);
        goto out;
    }
    req.projects = im.v;
    req.n_projects = im.n;
    req.dry_run = dry != NULL;
    if (again == NULL) {
        key_of(&im, key);
        req.import_key.data = key;
        req.import_key.len = sizeof(key);
    }
    creq.body_case = LUYU__CTL_REQUEST__BODY_PROJECTS;
    creq.projects = &req;
    r = ctl_node_call(g, &creq, 600000, &resp);
    if (r == CTL_EXIT_OK)
        r = answer(&im, resp, dry != NULL);
    luyu__ctl_response__free_unpacked(resp, NULL);
out:
    for (size_t i = 0; i < im.n; i++)
        free_project(im.v[i]);
    free(im.v);
    free(im.lines);
    lu_buf_free(&im.shown);
    free(data);
    return r;
}
