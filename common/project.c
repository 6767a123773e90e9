#include "project.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "amount.h"
#include "codec.h"
#include "money.h"
#include "plan.h"
#include "util.h"
#include "i18n.h"

static const char *const CODES[] = {
    NULL, "reserve", "signed", "started", "completed", "operating", "dropped"};
/* The Chinese names are data of the domain, not translations: a project
 * is 签约 in both provinces' bulletins whatever the reader's locale. */
static const char *const NAMES[] = {"?",    "储备", "签约", "开工",
                                    "完工", "运营", "终止"};

const char *lu_project_stage_code(int stage)
{
    return stage >= 1 && stage <= LU_PROJECT_STAGES ? CODES[stage] : NULL;
}

const char *lu_project_stage_name(int stage)
{
    return stage >= 1 && stage <= LU_PROJECT_STAGES ? NAMES[stage] : "?";
}

int lu_project_stage_parse(const char *s)
{
    for (int i = 1; i <= LU_PROJECT_STAGES; i++) {
        if (strcmp(s, CODES[i]) == 0 || strcmp(s, NAMES[i]) == 0)
            return i;
    }
    if (strcmp(s, "落地") == 0)
        return LUYU__STAGE__STAGE_STARTED;
    return 0;
}

const char *lu_project_kind_name(int kind)
{
    static const char *const K[] = {"?", N_("registered"), N_("edited"),
                                    N_("stage moved"), N_("money updated")};

    return kind >= 1 && kind <= 4 ? _(K[kind]) : "?";
}

const char *lu_project_kind_code(int kind)
{
    static const char *const K[] = {"?", "created", "edited", "staged",
                                    "money"};

    return kind >= 1 && kind <= 4 ? K[kind] : "?";
}

int lu_project_date_valid(uint32_t d)
{
    static const int DAYS[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    uint32_t y = d / 10000, m = d / 100 % 100, day = d % 100;

    if (y < 2000 || y > 2099 || m < 1 || m > 12 || day < 1)
        return 0;
    if (m == 2 && day == 29)
        return y % 4 == 0; /* 2000 is a leap year; 2100 is out of range */
    return day <= (uint32_t)DAYS[m - 1];
}

int lu_project_date_parse(const char *s, uint32_t *out)
{
    unsigned y, m, d;
    int n = 0;

    if (strlen(s) != 10 || sscanf(s, "%4u-%2u-%2u%n", &y, &m, &d, &n) != 3 ||
        n != 10 || s[4] != '-' || s[7] != '-')
        return -EINVAL;
    *out = y * 10000 + m * 100 + d;
    return lu_project_date_valid(*out) ? 0 : -EINVAL;
}

char *lu_project_date_format(uint32_t d, char *buf, size_t len)
{
    if (d == 0)
        snprintf(buf, len, "%s", "");
    else
        snprintf(buf, len, "%04u-%02u-%02u", d / 10000, d / 100 % 100, d % 100);
    return buf;
}

uint32_t lu_project_stage_date(const Luyu__Project *p, int s)
{
    if (s < 1 || (size_t)s > p->n_stage_dates)
        return 0;
    return p->stage_dates[s - 1];
}

int lu_project_id_valid(const char *id, const char *unit)
{
    size_t n = strlen(unit), len = strlen(id), digits = 0;
    const char *p;

    if (len > LU_PROJECT_ID_MAX || n == 0 || strncmp(id, unit, n) != 0 ||
        id[n] != '-')
        return 0;
    p = id + n + 1;
    if (strncmp(p, "20", 2) != 0 || p[2] < '0' || p[2] > '9' || p[3] < '0' ||
        p[3] > '9' || p[4] != '-')
        return 0;
    for (p += 5; *p >= '0' && *p <= '9'; p++)
        digits++;
    return *p == '\0' && digits >= 3 && digits <= 6;
}

/* what is N_()-marked: the message is for people, in their money. */
static int money(const char *what, int64_t v, char *err, size_t errlen)
{
    char a[LU_MONEY_LEN], b[LU_MONEY_LEN];

    if (v < 0 || v > LU_AMOUNT_MAX) {
        snprintf(err, errlen, _("%s %s is out of range (0 to %s)"), _(what),
                 lu_money_yuan(v, a, sizeof(a)),
                 lu_money_yuan(LU_AMOUNT_MAX, b, sizeof(b)));
        return -EINVAL;
    }
    return 0;
}

int lu_project_check_wire(const Luyu__Project *p, char *err, size_t errlen)
{
    /* The field names are for people: a clerk meets them in luyuctl. */
    if (lu_check_text(_("project id"), p->id, LU_PROJECT_ID_MAX, err, errlen) <
            0 ||
        lu_check_text(_("unit"), p->unit, LU_MAX_NAME, err, errlen) < 0 ||
        lu_check_text(_("name"), p->name, LU_PROJECT_NAME_MAX, err, errlen) <
            0 ||
        lu_check_text(_("area"), p->area, LU_MAX_NAME, err, errlen) < 0 ||
        lu_check_text(_("partner"), p->partner, LU_MAX_NAME, err, errlen) < 0 ||
        lu_check_text(_("enterprise"), p->enterprise, LU_PROJECT_NAME_MAX, err,
                      errlen) < 0 ||
        lu_check_text(_("drop reason"), p->drop_reason, LU_PROJECT_REASON_MAX,
                      err, errlen) < 0)
        return -EINVAL;
    if (p->n_stage_dates > LU_PROJECT_STAGES) {
        snprintf(err, errlen, _("%zu stage dates"), p->n_stage_dates);
        return -EINVAL;
    }
    return 0;
}

static int check_texts(const Luyu__Project *p, char *err, size_t errlen)
{
    if (lu_project_check_wire(p, err, errlen) < 0)
        return -EINVAL;
    if (!lu_code_valid(p->unit) || !lu_project_id_valid(p->id, p->unit)) {
        snprintf(err, errlen,
                 _("project id \"%.80s\" is not UNIT-YYYY-NNN for unit %.64s"),
                 p->id, p->unit);
        return -EINVAL;
    }
    if (p->name[0] == '\0') {
        snprintf(err, errlen, _("project %s has no name"), p->id);
        return -EINVAL;
    }
    return 0;
}

static int check_money(const Luyu__Project *p, char *err, size_t errlen)
{
    char a[LU_MONEY_LEN], b[LU_MONEY_LEN];

    if (money(N_("planned investment"), p->planned, err, errlen) < 0 ||
        money(N_("Shandong aid planned"), p->aid_planned, err, errlen) < 0 ||
        money(N_("money invested"), p->invested, err, errlen) < 0 ||
        money(N_("aid disbursed"), p->aid_disbursed, err, errlen) < 0)
        return -EINVAL;
    if (p->aid_planned > p->planned) {
        snprintf(err, errlen,
                 _("project %s: Shandong aid %s above the plan %s"), p->id,
                 lu_money_yuan(p->aid_planned, a, sizeof(a)),
                 lu_money_yuan(p->planned, b, sizeof(b)));
        return -EINVAL;
    }
    if (p->invested > p->planned && !p->over_plan) {
        snprintf(err, errlen,
                 _("project %s: invested %s above the plan %s (allow it "
                   "explicitly: luyuctl project ... --over-plan)"),
                 p->id, lu_money_yuan(p->invested, a, sizeof(a)),
                 lu_money_yuan(p->planned, b, sizeof(b)));
        return -EINVAL;
    }
    if (p->aid_disbursed > p->aid_planned && !p->over_plan) {
        snprintf(err, errlen,
                 _("project %s: aid disbursed %s above the aid planned %s"),
                 p->id, lu_money_yuan(p->aid_disbursed, a, sizeof(a)),
                 lu_money_yuan(p->aid_planned, b, sizeof(b)));
        return -EINVAL;
    }
    return 0;
}

/* Every stage up to the current one has a date, in order; none after it.
 * A dropped project keeps the dates it reached and a date of dropping. */
static int check_stages(const Luyu__Project *p, char *err, size_t errlen)
{
    uint32_t last = 0;
    int top;

    if (p->stage < 1 || p->stage > LU_PROJECT_STAGES) {
        snprintf(err, errlen, _("project %s: no such stage %d"), p->id,
                 p->stage);
        return -EINVAL;
    }
    if (p->n_stage_dates != LU_PROJECT_STAGES) {
        snprintf(err, errlen, _("project %s: %zu stage dates, not %d"), p->id,
                 p->n_stage_dates, LU_PROJECT_STAGES);
        return -EINVAL;
    }
    top = p->stage == LUYU__STAGE__STAGE_DROPPED ? LUYU__STAGE__STAGE_OPERATING
                                                 : p->stage;
    for (int s = 1; s <= LUYU__STAGE__STAGE_OPERATING; s++) {
        uint32_t d = p->stage_dates[s - 1];

        if (p->stage != LUYU__STAGE__STAGE_DROPPED && s > top && d != 0) {
            snprintf(err, errlen, _("project %s: a date for %s, not reached"),
                     p->id, NAMES[s]);
            return -EINVAL;
        }
        if (s <= top && d == 0 && p->stage != LUYU__STAGE__STAGE_DROPPED) {
            snprintf(err, errlen, _("project %s: no date for %s"), p->id,
                     NAMES[s]);
            return -EINVAL;
        }
        if (d != 0 && !lu_project_date_valid(d)) {
            snprintf(err, errlen, _("project %s: %s date %u is not a date"),
                     p->id, NAMES[s], d);
            return -EINVAL;
        }
        if (d != 0 && d < last) {
            snprintf(err, errlen, _("project %s: %s date goes backwards"),
                     p->id, NAMES[s]);
            return -EINVAL;
        }
        if (d != 0)
            last = d;
    }
    if (p->stage == LUYU__STAGE__STAGE_DROPPED) {
        uint32_t d = p->stage_dates[LUYU__STAGE__STAGE_DROPPED - 1];

        if (!lu_project_date_valid(d) || d < last) {
            snprintf(
                err, errlen,
                _("project %s: 终止 needs a date on or after its last stage"),
                p->id);
            return -EINVAL;
        }
        if (p->drop_reason[0] == '\0') {
            snprintf(err, errlen, _("project %s: 终止 needs a reason"), p->id);
            return -EINVAL;
        }
    } else if (p->stage_dates[LUYU__STAGE__STAGE_DROPPED - 1] != 0) {
        snprintf(err, errlen, _("project %s: a 终止 date but not dropped"),
                 p->id);
        return -EINVAL;
    }
    return 0;
}

static int check_plan(const Luyu__Project *p, const struct lu_plan *plan,
                      char *err, size_t errlen)
{
    const struct lu_plan_unit *u = lu_plan_unit(plan, p->unit);

    if (u == NULL) {
        snprintf(err, errlen, _("unknown unit \"%.64s\""), p->unit);
        return -EINVAL;
    }
    if (lu_plan_area(plan, p->area) == NULL) {
        snprintf(err, errlen, _("unknown task area \"%.64s\""), p->area);
        return -EINVAL;
    }
    if (p->partner[0] != '\0') {
        const struct lu_plan_unit *pu = lu_plan_unit(plan, p->partner);

        if (pu == NULL) {
            snprintf(err, errlen, _("unknown partner unit \"%.64s\""),
                     p->partner);
            return -EINVAL;
        }
        /* The partner is on the other side of the pairing. */
        if (strcmp(pu->province, u->province) == 0) {
            snprintf(err, errlen,
                     _("partner %s is of province %s, like the project's "
                       "unit; name the paired unit of the other province"),
                     pu->code, pu->province);
            return -EINVAL;
        }
    }
    return 0;
}

int lu_project_check(const Luyu__Project *p, const struct lu_plan *plan,
                     char *err, size_t errlen)
{
    int r = check_texts(p, err, errlen);

    if (r == 0)
        r = check_money(p, err, errlen);
    if (r == 0)
        r = check_stages(p, err, errlen);
    if (r == 0 && plan != NULL)
        r = check_plan(p, plan, err, errlen);
    return r;
}

static int check_stage_move(const Luyu__Project *o, const Luyu__Project *p,
                            char *err, size_t errlen)
{
    if (p->stage < 1 || p->stage > LU_PROJECT_STAGES || o->stage < 1 ||
        o->stage > LU_PROJECT_STAGES) {
        snprintf(err, errlen, _("project %s: no such stage %d"), p->id,
                 p->stage);
        return -EINVAL;
    }
    if (o->stage == LUYU__STAGE__STAGE_DROPPED ||
        (o->stage == LUYU__STAGE__STAGE_OPERATING && p->stage != o->stage)) {
        snprintf(err, errlen,
                 _("project %s is %s already: it moves no further"), p->id,
                 NAMES[o->stage]);
        return -EINVAL;
    }
    if (p->stage < o->stage) {
        snprintf(err, errlen, _("project %s cannot go back from %s to %s"),
                 p->id, NAMES[o->stage], NAMES[p->stage]);
        return -EINVAL;
    }
    for (int s = 1; s <= (int)o->stage && s <= LUYU__STAGE__STAGE_OPERATING;
         s++) {
        if (o->stage_dates[s - 1] != p->stage_dates[s - 1]) {
            snprintf(err, errlen, _("project %s: the date of %s cannot change"),
                     p->id, NAMES[s]);
            return -EINVAL;
        }
    }
    return 0;
}

int lu_project_check_move(const Luyu__Project *old,
                          const Luyu__ProjectEvent *ev,
                          const struct lu_plan *plan, char *err, size_t errlen)
{
    const Luyu__Project *p = ev->project;
    int r;

    if (p == NULL || p->n_stage_dates != LU_PROJECT_STAGES ||
        (old != NULL && old->n_stage_dates != LU_PROJECT_STAGES) ||
        ev->kind < LUYU__PROJECT_EVENT__KIND__CREATED ||
        ev->kind > LUYU__PROJECT_EVENT__KIND__MONEY) {
        snprintf(err, errlen,
                 _("malformed project event (kind, state or stage dates)"));
        return -EINVAL;
    }
    if (ev->kind == LUYU__PROJECT_EVENT__KIND__CREATED) {
        if (old != NULL) {
            snprintf(err, errlen, _("project %s exists already"), p->id);
            return -EINVAL;
        }
        return lu_project_check(p, plan, err, errlen);
    }
    if (old == NULL) {
        snprintf(err, errlen, _("no project %s (create it first)"), p->id);
        return -EINVAL;
    }
    if (strcmp(old->unit, p->unit) != 0) {
        snprintf(err, errlen, _("project %s belongs to unit %s"), p->id,
                 old->unit);
        return -EINVAL;
    }
    if (ev->kind != LUYU__PROJECT_EVENT__KIND__STAGED &&
        p->stage != old->stage) {
        snprintf(err, errlen,
                 _("project %s: only a stage move changes the stage"), p->id);
        return -EINVAL;
    }
    /* The move first: "cannot go back" says more than the dates it
     * would leave out of order. */
    r = check_stage_move(old, p, err, errlen);
    if (r == 0)
        r = lu_project_check(p, plan, err, errlen);
    return r;
}
