#include "projects.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amount.h"
#include "i18n.h"
#include "intake.h"
#include "log.h"
#include "outbox.h"
#include "plan.h"
#include "project.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_CHANGES 100000

/* One change of a request. Strings of p point into the request, into an
 * earlier item's project or into old, which all live until the commit. */
struct item {
    Luyu__Project p;
    uint32_t dates[LU_PROJECT_STAGES];
    Luyu__ProjectEvent ev;
    Luyu__Entry e;
    Luyu__Project *old_owned; /* from the outbox, freed at the end */
};

static uint32_t today(void)
{
    time_t t = time(NULL);
    struct tm tm;

    localtime_r(&t, &tm);
    return (uint32_t)(tm.tm_year + 1900) * 10000 +
           (uint32_t)(tm.tm_mon + 1) * 100 + (uint32_t)tm.tm_mday;
}

static int money(const char *what, const char *typed, int64_t *v, char *err,
                 size_t errlen)
{
    char why[200];
    int r;

    if (typed[0] == '\0')
        return 0;
    r = lu_amount_parse(typed, 100, v, why, sizeof(why));

    /* The parser's reason is for log readers; people read the checks of
     * the entry form, in their language, after the field's code (which
     * the web pages use to put the message on its field). */
    if (r == -ERANGE) {
        snprintf(err, errlen, "%s: %s", what,
                 _("too large: at most 100 billion yuan"));
        return -EINVAL;
    }
    if (r < 0) {
        snprintf(err, errlen, "%s: %s", what,
                 _("Not an amount: digits with at most two decimals, no sign "
                   "or separators, e.g. 1234.50."));
        return -EINVAL;
    }
    return 0;
}

static int count(const char *what, const char *typed, uint32_t *v, char *err,
                 size_t errlen)
{
    uint64_t n;

    if (typed[0] == '\0')
        return 0;
    if (lu_parse_u64(typed, &n) < 0 || n > UINT32_MAX) {
        snprintf(err, errlen, _("%s \"%.*s\" is not a whole number"), what,
                 lu_utf8_cut(typed, 40), typed);
        return -EINVAL;
    }
    *v = (uint32_t)n;
    return 0;
}

static void text(char **field, const char *typed)
{
    if (typed[0] != '\0')
        *field = (char *)typed;
}

/* The fields every kind of change may set; empty means unchanged. */
static int apply_fields(const struct lu_plan *plan, const Luyu__CtlProject *t,
                        Luyu__Project *p, char *err, size_t errlen)
{
    int r;

    text(&p->name, t->name);
    text(&p->area, t->area);
    /* A task area may be typed by its Chinese name (产业合作). */
    for (size_t i = 0; plan != NULL && t->area[0] && i < plan->n_areas; i++) {
        if (strcmp(plan->areas[i].name, t->area) == 0)
            p->area = plan->areas[i].code;
    }
    text(&p->partner, t->partner);
    text(&p->enterprise, t->enterprise);
    r = money("planned", t->planned, &p->planned, err, errlen);
    if (r == 0)
        r = money("aid_planned", t->aid_planned, &p->aid_planned, err, errlen);
    if (r == 0)
        r = money("invested", t->invested, &p->invested, err, errlen);
    if (r == 0)
        r = money("aid_disbursed", t->aid_disbursed, &p->aid_disbursed, err,
                  errlen);
    if (r == 0)
        r = count("poor_lifted", t->poor_lifted, &p->poor_lifted, err, errlen);
    if (r == 0)
        r = count("poor_jobs", t->poor_jobs, &p->poor_jobs, err, errlen);
    if (t->over_plan)
        p->over_plan = 1;
    return r;
}

/* The unit of a new project: the one given, or the one of this node's
 * units that the id starts with. */
static const char *new_unit(struct node_intake *in, const Luyu__CtlProject *t)
{
    const struct lu_plan *plan = node_intake_plan(in);

    if (t->unit[0] != '\0')
        return t->unit;
    for (size_t i = 0; i < plan->n_units; i++) {
        if (lu_project_id_valid(t->id, plan->units[i].code) &&
            node_intake_allowed(in, plan->units[i].code))
            return plan->units[i].code;
    }
    return "";
}

/* A new project: at 储备 dated today, or at the stage given with the
 * dates of every stage up to it (an existing pool being imported). */
static int build_created(struct node_intake *in, const Luyu__CtlProject *t,
                         struct item *it, char *err, size_t errlen)
{
    Luyu__Project *p = &it->p;
    int stage = t->stage[0] ? lu_project_stage_parse(t->stage)
                            : LUYU__STAGE__STAGE_RESERVE;

    p->id = t->id;
    p->unit = (char *)new_unit(in, t);
    if (stage == 0) {
        snprintf(err, errlen, _("no such stage \"%.*s\""),
                 lu_utf8_cut(t->stage, 40), t->stage);
        return -EINVAL;
    }
    p->stage = stage;
    if (t->n_stage_dates > LU_PROJECT_STAGES) {
        snprintf(err, errlen, _("more than %d stage dates"), LU_PROJECT_STAGES);
        return -EINVAL;
    }
    for (size_t s = 0; s < t->n_stage_dates; s++) {
        if (t->stage_dates[s][0] != '\0' &&
            lu_project_date_parse(t->stage_dates[s], &it->dates[s]) < 0) {
            snprintf(err, errlen, _("%s date \"%.*s\" is not YYYY-MM-DD"),
                     lu_project_stage_name((int)s + 1),
                     lu_utf8_cut(t->stage_dates[s], 20), t->stage_dates[s]);
            return -EINVAL;
        }
    }
    if (t->n_stage_dates == 0 && stage == LUYU__STAGE__STAGE_RESERVE) {
        if (t->date[0] != '\0' &&
            lu_project_date_parse(t->date, &it->dates[0]) < 0) {
            snprintf(err, errlen, _("date \"%.*s\" is not YYYY-MM-DD"),
                     lu_utf8_cut(t->date, 20), t->date);
            return -EINVAL;
        }
        if (it->dates[0] == 0)
            it->dates[0] = today();
    }
    text(&p->drop_reason, t->reason);
    /* Without a partner, the unit's pairing from the plan (济南-武隆 ...). */
    const struct lu_plan_unit *u = lu_plan_unit(node_intake_plan(in), p->unit);

    if (t->partner[0] == '\0' && u != NULL && u->pair != NULL)
        p->partner = u->pair;
    return apply_fields(node_intake_plan(in), t, p, err, errlen);
}

static int build_staged(struct node_intake *in, const Luyu__CtlProject *t,
                        struct item *it, char *err, size_t errlen)
{
    Luyu__Project *p = &it->p;
    int stage = lu_project_stage_parse(t->stage);
    uint32_t d = 0;

    if (stage == 0) {
        snprintf(err, errlen, _("no such stage \"%.*s\""),
                 lu_utf8_cut(t->stage, 40), t->stage);
        return -EINVAL;
    }
    if (t->date[0] != '\0' && lu_project_date_parse(t->date, &d) < 0) {
        snprintf(err, errlen, _("date \"%.*s\" is not YYYY-MM-DD"),
                 lu_utf8_cut(t->date, 20), t->date);
        return -EINVAL;
    }
    p->stage = stage;
    it->dates[stage - 1] = d ? d : today();
    if (stage == LUYU__STAGE__STAGE_DROPPED)
        text(&p->drop_reason, t->reason);
    /* Without a partner, the unit's pairing from the plan (济南-武隆 ...). */
    const struct lu_plan_unit *u = lu_plan_unit(node_intake_plan(in), p->unit);

    if (t->partner[0] == '\0' && u != NULL && u->pair != NULL)
        p->partner = u->pair;
    return apply_fields(node_intake_plan(in), t, p, err, errlen);
}

/* Index of the request's items by project id: the newest item of each id,
 * so that a change finds the one before it in O(1) (an import of 100,000
 * projects would otherwise compare ids 5 billion times). Open addressing,
 * at most half full. */
struct index {
    size_t *slot; /* item number + 1; 0 is empty */
    size_t mask;
};

static size_t hash(const char *s)
{
    size_t h = 14695981039346656037u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void index_init(struct index *ix, size_t n)
{
    size_t cap = 16;

    while (cap < 2 * n)
        cap *= 2;
    ix->slot = lu_xcalloc(cap, sizeof(size_t));
    ix->mask = cap - 1;
}

/* The slot of id: holding it, or the empty one where it goes. */
static size_t *index_find(struct index *ix, struct item *items, const char *id)
{
    size_t i = hash(id) & ix->mask;

    while (ix->slot[i] != 0 && strcmp(items[ix->slot[i] - 1].p.id, id) != 0)
        i = (i + 1) & ix->mask;
    return &ix->slot[i];
}

/* The project an item changes: an earlier item of the request, or the
 * outbox's state. NULL when there is none. */
static const Luyu__Project *find_old(struct node_intake *in, struct item *items,
                                     size_t i, const char *id, struct index *ix)
{
    size_t *slot = index_find(ix, items, id);

    if (*slot != 0)
        return &items[*slot - 1].p;
    if (node_outbox_project_get(node_intake_outbox(in), id,
                                &items[i].old_owned) < 0)
        return NULL;
    return items[i].old_owned;
}

/* A date typed with an edit or money update; 0 with a reason when bad. */
static uint32_t event_date(const char *typed, char *err, size_t errlen)
{
    uint32_t d = 0;

    if (lu_project_date_parse(typed, &d) < 0) {
        snprintf(err, errlen, _("date \"%.*s\" is not YYYY-MM-DD"),
                 lu_utf8_cut(typed, 20), typed);
        return 0;
    }
    return d;
}

static int no_project(const char *id, char *err, size_t errlen)
{
    snprintf(err, errlen, _("no project %.*s at this node"),
             lu_utf8_cut(id, 80), id);
    return -ENOENT;
}

static int build(struct node_intake *in, struct item *items, size_t i,
                 const Luyu__CtlProject *t, const char *who, struct index *ix,
                 char *err, size_t errlen)
{
    struct item *it = &items[i];
    const Luyu__Project *old;
    int r;

    if (!lu_utf8_valid(t->name, strlen(t->name)) ||
        !lu_utf8_valid(t->enterprise, strlen(t->enterprise)) ||
        !lu_utf8_valid(t->reason, strlen(t->reason)) ||
        !lu_utf8_valid(t->id, strlen(t->id))) {
        snprintf(err, errlen, "%s", _("a field is not valid UTF-8 text"));
        return -EINVAL;
    }
    old = find_old(in, items, i, t->id, ix);
    luyu__project__init(&it->p);
    if (old != NULL && t->kind != LUYU__PROJECT_EVENT__KIND__CREATED) {
        it->p = *old;
        memcpy(it->dates, old->stage_dates,
               sizeof(uint32_t) * (old->n_stage_dates < LU_PROJECT_STAGES
                                       ? old->n_stage_dates
                                       : LU_PROJECT_STAGES));
    }
    it->p.stage_dates = it->dates;
    it->p.n_stage_dates = LU_PROJECT_STAGES;
    if (t->kind == LUYU__PROJECT_EVENT__KIND__CREATED)
        r = build_created(in, t, it, err, errlen);
    else if (old == NULL)
        r = no_project(t->id, err, errlen);
    else if (t->kind == LUYU__PROJECT_EVENT__KIND__STAGED)
        r = build_staged(in, t, it, err, errlen);
    else
        r = apply_fields(node_intake_plan(in), t, &it->p, err, errlen);
    if (r < 0)
        return -EINVAL;
    if (!node_intake_allowed(in, it->p.unit)) {
        snprintf(err, errlen,
                 _("project %.*s: unit \"%.*s\" is not this node's"),
                 lu_utf8_cut(t->id, 80), t->id, lu_utf8_cut(it->p.unit, 64),
                 it->p.unit);
        return -EPERM;
    }
    luyu__project_event__init(&it->ev);
    it->ev.kind = t->kind;
    it->ev.project = &it->p;
    if (lu_project_check_move(old, &it->ev, node_intake_plan(in), err, errlen) <
        0)
        return -EINVAL;
    luyu__entry__init(&it->e);
    it->e.unit = it->p.unit;
    it->e.recorded_by = (char *)who;
    it->e.recorded_at = lu_now_s();
    /* The event's month: a stage move's date, the date given with an
     * edit or a money update (money invested in July, reported in
     * August), or today. */
    if (t->kind == LUYU__PROJECT_EVENT__KIND__STAGED)
        it->e.period = it->dates[it->p.stage - 1] / 100;
    else if (t->kind != LUYU__PROJECT_EVENT__KIND__CREATED &&
             t->date[0] != '\0')
        it->e.period = event_date(t->date, err, errlen) / 100;
    else
        it->e.period = today() / 100;
    if (it->e.period == 0)
        return -EINVAL;
    it->e.project = &it->ev;
    return 0;
}

void node_projects_submit(struct node_intake *in, const Luyu__CtlProjects *req,
                          const char *who, Luyu__CtlResponse *resp)
{
    size_t n = req->n_projects, refused = 0;
    struct item *items;
    struct index ix;
    Luyu__Entry **ptrs;
    struct node_outbox_import im = {.key = req->import_key.data};
    bool keyed = req->import_key.len == NODE_IMPORT_KEY_LEN;
    char err[300], msg[256];

    if (n == 0 || n > MAX_CHANGES || (req->import_key.len > 0 && !keyed)) {
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                            n == 0
                                ? _("no project changes")
                                : _("too many changes, or a bad import key"));
        return;
    }
    /* A repeated import is answered before its rows are checked: they
     * were checked and stored the first time, and checked again they
     * would only say that the projects exist. */
    if (keyed && node_outbox_import_find(node_intake_outbox(in), &im) == 1) {
        node_intake_repeat(in, &im, resp);
        return;
    }
    items = lu_xcalloc(n, sizeof(*items));
    ptrs = lu_xcalloc(n, sizeof(*ptrs));
    index_init(&ix, n);
    for (size_t i = 0; i < n; i++) {
        err[0] = '\0';
        ptrs[i] = &items[i].e;
        if (build(in, items, i, req->projects[i], who, &ix, err, sizeof(err)) <
            0) {
            node_intake_problem(resp, (uint32_t)i, err);
            refused++;
        } else {
            /* Later changes of this project build on this one. */
            *index_find(&ix, items, items[i].p.id) = i + 1;
        }
    }
    if (refused > 0) {
        snprintf(msg, sizeof(msg),
                 ngettext("%zu of %zu project change refused; nothing was "
                          "stored",
                          "%zu of %zu project changes refused; nothing was "
                          "stored",
                          n),
                 refused, n);
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT, msg);
    } else if (req->dry_run) {
        snprintf(msg, sizeof(msg),
                 ngettext("%zu project change would be accepted (dry run, "
                          "nothing stored)",
                          "%zu project changes would be accepted (dry run, "
                          "nothing stored)",
                          n),
                 n);
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__OK, msg);
    } else {
        node_intake_commit(in, ptrs, n, keyed ? &im : NULL, resp);
    }
    for (size_t i = 0; i < n; i++)
        luyu__project__free_unpacked(items[i].old_owned, NULL);
    free(ix.slot);
    free(ptrs);
    free(items);
}

void node_projects_list(struct node_intake *in, const Luyu__CtlProjectList *req,
                        Luyu__CtlResponse *resp)
{
    int r = node_outbox_projects(node_intake_outbox(in), req->id,
                                 &resp->projects, &resp->n_projects);

    if (r < 0)
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__FAILED,
                            _("could not read the projects"));
    else if (req->id[0] != '\0' && resp->n_projects == 0)
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                            _("no such project at this node"));
}

void node_projects_response_clear(Luyu__CtlResponse *resp)
{
    for (size_t i = 0; i < resp->n_projects; i++)
        luyu__project__free_unpacked(resp->projects[i], NULL);
    free(resp->projects);
    resp->projects = NULL;
    resp->n_projects = 0;
}
