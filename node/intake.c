#include "intake.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "codec.h"
#include "i18n.h"
#include "log.h"
#include "outbox.h"
#include "plan.h"
#include "quality.h"
#include "review.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_PROBLEMS 1000

struct node_intake {
    char *node_id;
    char **units;
    size_t n_units;
    const struct lu_plan *plan;
    struct node_outbox *ob;
    /* The last month's lock state looked up in this request: an import
     * has hundreds of rows for a few months (node/review.h). */
    struct {
        char unit[LU_MAX_NAME + 1];
        uint32_t period;
        int locked;
        char why[256];
    } lock;
};

/* node_review_locked(), remembered for the request's last unit and month
 * (forgotten at the start of each request). */
static int locked(struct node_intake *in, const char *unit, uint32_t period,
                  char *err, size_t errlen)
{
    if (in->lock.period != period || strcmp(in->lock.unit, unit) != 0) {
        snprintf(in->lock.unit, sizeof(in->lock.unit), "%s", unit);
        in->lock.period = period;
        in->lock.why[0] = '\0';
        in->lock.locked = node_review_locked(in->ob, unit, period, in->lock.why,
                                             sizeof(in->lock.why));
    }
    if (in->lock.locked)
        snprintf(err, errlen, "%s", in->lock.why);
    return in->lock.locked;
}

static void free_units(char **units, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(units[i]);
    free(units);
}

struct node_intake *node_intake_new(const char *node_id, const char *units,
                                    const struct lu_plan *plan,
                                    struct node_outbox *ob, char *err,
                                    size_t errlen)
{
    struct node_intake *in = lu_xcalloc(1, sizeof(*in));
    char *copy = lu_xstrdup(units), *save = NULL, *tok;

    in->node_id = lu_xstrdup(node_id);
    in->plan = plan;
    in->ob = ob;
    for (tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (lu_plan_unit(plan, tok) == NULL) {
            snprintf(err, errlen,
                     "--units: unknown unit \"%.*s\" (see "
                     "luyuctl plan)",
                     lu_utf8_cut(tok, 64), tok);
            goto fail;
        }
        in->units = lu_xrealloc(in->units, (in->n_units + 1) * sizeof(char *));
        in->units[in->n_units++] = lu_xstrdup(tok);
    }
    if (in->n_units == 0) {
        snprintf(err, errlen, "--units: no units given");
        goto fail;
    }
    free(copy);
    return in;
fail:
    free(copy);
    node_intake_free(in);
    return NULL;
}

const struct lu_plan *node_intake_plan(const struct node_intake *in)
{
    return in->plan;
}

struct node_outbox *node_intake_outbox(const struct node_intake *in)
{
    return in->ob;
}

void node_intake_free(struct node_intake *in)
{
    if (in == NULL)
        return;
    free_units(in->units, in->n_units);
    free(in->node_id);
    free(in);
}

int node_intake_allowed(const struct node_intake *in, const char *unit)
{
    for (size_t i = 0; i < in->n_units; i++) {
        if (strcmp(in->units[i], unit) == 0)
            return 1;
    }
    return 0;
}

void node_intake_problem(Luyu__CtlResponse *resp, uint32_t index,
                         const char *msg)
{
    Luyu__CtlProblem *p;

    if (resp->n_problems >= MAX_PROBLEMS)
        return;
    p = lu_xmalloc(sizeof(*p));
    luyu__ctl_problem__init(p);
    p->index = index;
    p->message = lu_utf8_fix(lu_xstrdup(msg));
    resp->problems = lu_xrealloc(resp->problems, (resp->n_problems + 1) *
                                                     sizeof(*resp->problems));
    resp->problems[resp->n_problems++] = p;
}

void node_intake_message(Luyu__CtlResponse *resp, int code, const char *msg)
{
    resp->code = code;
    free(resp->message != (char *)protobuf_c_empty_string ? resp->message
                                                          : NULL);
    resp->message = lu_utf8_fix(lu_xstrdup(msg));
}

/* Turns a typed entry into a wire entry. Strings in e point into t. */
static int parse_typed(struct node_intake *in, const Luyu__CtlEntry *t,
                       const char *who, Luyu__Entry *e, char *err,
                       size_t errlen)
{
    const char *const fields[] = {t->unit, t->indicator, t->period, t->amount,
                                  t->note};
    static const char *const names[] = {N_("unit"), N_("indicator"),
                                        N_("period"), N_("amount"), N_("note")};
    const struct lu_plan_indicator *ind;
    int r;

    for (size_t i = 0; i < 5; i++) {
        if (!lu_utf8_valid(fields[i], strlen(fields[i]))) {
            snprintf(err, errlen, _("%s is not valid UTF-8 text"), _(names[i]));
            return -EINVAL;
        }
    }
    luyu__entry__init(e);
    e->unit = t->unit;
    e->indicator = t->indicator;
    e->note = t->note;
    e->recorded_by = (char *)who;
    e->recorded_at = lu_now_s();
    if (lu_plan_unit(in->plan, t->unit) == NULL) {
        snprintf(err, errlen, _("unknown unit \"%.*s\""),
                 lu_utf8_cut(t->unit, 64), t->unit);
        return -ENOENT;
    }
    if (!node_intake_allowed(in, t->unit)) {
        snprintf(err, errlen, _("unit \"%.*s\" is not reported by node %s"),
                 lu_utf8_cut(t->unit, 64), t->unit, in->node_id);
        return -EPERM;
    }
    ind = lu_plan_indicator(in->plan, t->indicator);
    if (ind == NULL) {
        snprintf(err, errlen, _("unknown indicator \"%.*s\""),
                 lu_utf8_cut(t->indicator, 64), t->indicator);
        return -ENOENT;
    }
    if (ind->source != NULL) {
        snprintf(err, errlen,
                 "indicator %s is derived from the project pool, not typed; "
                 "record projects with luyuctl project",
                 ind->code);
        return -EINVAL;
    }
    r = lu_period_parse(t->period, &e->period, err, errlen);
    if (r == 0)
        r = lu_amount_parse(t->amount, ind->scale, &e->amount, err, errlen);
    if (r == 0)
        r = lu_entry_check(e, in->plan, err, errlen);
    if (r == 0 && locked(in, e->unit, e->period, err, errlen))
        r = -EPERM;
    return r;
}

/* The answer to a repeated import: the ids stored the first time. */
void node_intake_repeat(struct node_intake *in,
                        const struct node_outbox_import *im,
                        Luyu__CtlResponse *resp)
{
    resp->repeat = true;
    resp->repeat_at = im->at;
    resp->repeat_by = lu_xstrdup(im->by);
    resp->ids = lu_xcalloc(im->n + 1, sizeof(char *));
    for (uint64_t i = 0; i < im->n; i++)
        resp->ids[i] = lu_xasprintf("%s/%llu", in->node_id,
                                    (unsigned long long)(im->first_seq + i));
    resp->n_ids = (size_t)im->n;
    lu_info("import already stored by %s (%s/%llu, %llu entries); not "
            "stored again",
            im->by, in->node_id, (unsigned long long)im->first_seq,
            (unsigned long long)im->n);
}

void node_intake_commit(struct node_intake *in, Luyu__Entry **ptrs, size_t n,
                        struct node_outbox_import *im, Luyu__CtlResponse *resp)
{
    int r = node_outbox_append(in->ob, ptrs, n, im);
    char msg[256];

    if (r == 1) {
        node_intake_repeat(in, im, resp);
        return;
    }
    if (r < 0) {
        snprintf(msg, sizeof(msg), _("could not store the entries: %s%s"),
                 strerror(-r),
                 r == -ENOSPC ? _(" (disk full; nothing of this request was "
                                  "stored, earlier entries are safe)")
                              : "");
        lu_err("%s", msg);
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__FAILED, msg);
        return;
    }
    resp->ids = lu_xcalloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        resp->ids[i] = lu_xasprintf("%s/%llu", in->node_id,
                                    (unsigned long long)ptrs[i]->seq);
    resp->n_ids = n;
    lu_info("accepted %zu entr%s, %s..%s", n, n == 1 ? "y" : "ies",
            resp->ids[0], resp->ids[n - 1]);
}

/* The data-quality judgement of entries about to be stored (node/quality.h):
 * rule breaches and, without confirm, warnings become problems and 0 is
 * returned (nothing may be stored); else the confirmed codes are set on
 * the entries (pointing into v, which must outlive them) and 1 is
 * returned. */
static int judge(struct node_intake *in, Luyu__Entry **ptrs, size_t n,
                 bool confirm, struct node_quality_verdict *v,
                 Luyu__CtlResponse *resp)
{
    size_t refused = 0, warned = 0;
    char msg[512];
    int r;

    r = node_quality_judge(in->plan, in->ob, ptrs, n, lu_now_s(), v);
    if (r < 0) {
        snprintf(msg, sizeof(msg), _("could not read the outbox: %s"),
                 strerror(-r));
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__FAILED, msg);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i].refusal != NULL) {
            node_intake_problem(resp, (uint32_t)i, v[i].refusal);
            refused++;
        } else if (v[i].warning != NULL) {
            if (!confirm)
                node_intake_problem(resp, (uint32_t)i, v[i].warning);
            warned++;
            ptrs[i]->confirmed = v[i].codes;
        }
    }
    if (refused > 0) {
        snprintf(msg, sizeof(msg),
                 ngettext("%zu of %zu entry breaks a rule of the plan; "
                          "nothing was stored",
                          "%zu of %zu entries break a rule of the plan; "
                          "nothing was stored",
                          n),
                 refused, n);
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT, msg);
        return 0;
    }
    if (warned > 0 && !confirm) {
        snprintf(msg, sizeof(msg),
                 ngettext("%zu of %zu entry has a warning; nothing was "
                          "stored: check it and confirm (--confirm)",
                          "%zu of %zu entries have warnings; nothing was "
                          "stored: check them and confirm (--confirm)",
                          n),
                 warned, n);
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT, msg);
        resp->needs_confirm = true;
        return 0;
    }
    return 1;
}

void node_intake_submit(struct node_intake *in, const Luyu__CtlSubmit *req,
                        const char *who, Luyu__CtlResponse *resp)
{
    Luyu__Entry *entries = NULL, **ptrs = NULL;
    struct node_quality_verdict *v = NULL;
    size_t n = req->n_entries, refused = 0;
    struct node_outbox_import im = {.key = req->import_key.data};
    bool keyed = req->import_key.len > 0;
    char err[256], msg[256];

    if (n == 0) {
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                            _("no entries"));
        return;
    }
    if (keyed && req->import_key.len != NODE_IMPORT_KEY_LEN) {
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT,
                            _("an import key has 32 bytes"));
        return;
    }
    entries = lu_xcalloc(n, sizeof(*entries));
    ptrs = lu_xcalloc(n, sizeof(*ptrs));
    v = lu_xcalloc(n, sizeof(*v));
    in->lock.period = 0; /* the province may have spoken since */
    for (size_t i = 0; i < n; i++) {
        ptrs[i] = &entries[i];
        err[0] = '\0';
        if (parse_typed(in, req->entries[i], who, &entries[i], err,
                        sizeof(err)) < 0) {
            node_intake_problem(resp, (uint32_t)i, err);
            refused++;
        }
    }
    if (refused > 0) {
        snprintf(msg, sizeof(msg),
                 ngettext("%zu of %zu entry refused; nothing was stored",
                          "%zu of %zu entries refused; nothing was stored", n),
                 refused, n);
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT, msg);
    } else if (keyed && node_outbox_import_find(in->ob, &im) == 1) {
        /* A repeat stores nothing, so there is nothing to judge. */
        node_intake_repeat(in, &im, resp);
    } else if (!judge(in, ptrs, n, req->confirm, v, resp)) {
        /* Refused or waiting for confirmation: problems say why. */
    } else if (req->dry_run) {
        snprintf(msg, sizeof(msg),
                 ngettext("%zu entry would be accepted (dry run, nothing "
                          "stored)",
                          "%zu entries would be accepted (dry run, nothing "
                          "stored)",
                          n),
                 n);
        node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__OK, msg);
    } else {
        node_intake_commit(in, ptrs, n, keyed ? &im : NULL, resp);
    }
    node_quality_clear(v, n);
    free(v);
    free(ptrs);
    free(entries);
}

/* Candidates listed in a refusal of an ambiguous figure key. */
#define MAX_CANDIDATES 10

static void list_candidates(const struct node_intake *in,
                            const struct node_outbox_list *l, int scale,
                            char *err, size_t errlen)
{
    size_t used = strlen(err), shown = 0;
    char amount[32];

    for (size_t i = 0; i < l->n && used < errlen; i++) {
        if (!l->rows[i].current)
            continue;
        if (shown++ == MAX_CANDIDATES) {
            snprintf(err + used, errlen - used, " ...");
            break;
        }
        snprintf(err + used, errlen - used, "%s %s/%llu (%s)",
                 shown == 1 ? ":" : ",", in->node_id,
                 (unsigned long long)l->rows[i].e.seq,
                 lu_amount_format(l->rows[i].e.amount, scale, amount,
                                  sizeof(amount)));
        used += strlen(err + used);
    }
}

/* A figure's key "unit/indicator/period" stands for the one current entry
 * of that figure at this node (the newest of its chain not rejected).
 * Writes its id into id (LU_MAX_NAME + 24 bytes), or a reason into err:
 * none, or several, listed so that the clerk can pick one by its id. */
static int resolve_key(const struct node_intake *in, const char *key, char *id,
                       size_t idlen, char *err, size_t errlen)
{
    const char *s1 = strchr(key, '/'), *s2 = strrchr(key, '/');
    char unit[LU_MAX_NAME + 1], ind[LU_MAX_NAME + 1], perr[128];
    const struct lu_plan_indicator *pi;
    struct node_outbox_filter f = {.unit = unit, .indicator = ind};
    struct node_outbox_list l = {0};
    size_t n = 0, last = 0;
    int r = -EINVAL;

    if (s1 == s2 || s1 - key > LU_MAX_NAME || s2 - s1 - 1 > LU_MAX_NAME ||
        lu_period_parse(s2 + 1, &f.period, perr, sizeof(perr)) < 0) {
        snprintf(err, errlen,
                 _("\"%.*s\" is neither an entry id (node/seq) nor a "
                   "figure (unit/indicator/YYYY-MM)"),
                 lu_utf8_cut(key, 80), key);
        return -EINVAL;
    }
    snprintf(unit, sizeof(unit), "%.*s", (int)(s1 - key), key);
    snprintf(ind, sizeof(ind), "%.*s", (int)(s2 - s1 - 1), s1 + 1);
    pi = lu_plan_indicator(in->plan, ind);
    r = node_outbox_list(in->ob, &f, &l);
    if (r < 0) {
        snprintf(err, errlen, _("could not read the outbox: %s"), strerror(-r));
        goto out;
    }
    for (size_t i = 0; i < l.n; i++) {
        if (l.rows[i].current) {
            n++;
            last = i;
        }
    }
    if (n == 1) {
        snprintf(id, idlen, "%s/%llu", in->node_id,
                 (unsigned long long)l.rows[last].e.seq);
        r = 0;
    } else if (n == 0) {
        snprintf(err, errlen,
                 _("no current entry of %.*s at this node (see luyuctl "
                   "entries)"),
                 lu_utf8_cut(key, 200), key);
        r = -ENOENT;
    } else {
        snprintf(err, errlen,
                 _("%.*s has %zu current entries at this node; correct "
                   "one of them by its id"),
                 lu_utf8_cut(key, 200), key, n);
        list_candidates(in, &l, pi ? pi->scale : 1, err, errlen);
        r = -EEXIST;
    }
out:
    node_outbox_list_free(&l);
    return r;
}

void node_intake_correct(struct node_intake *in, const Luyu__CtlCorrect *req,
                         const char *who, Luyu__CtlResponse *resp)
{
    Luyu__Entry old, e, *ptr = &e;
    struct node_quality_verdict verdict = {0};
    char node[LU_MAX_NAME + 1], err[1024], id[LU_MAX_NAME + 24];
    const struct lu_plan_indicator *ind;
    const char *target = req->id;
    uint64_t seq;
    int state, r;

    memset(&old, 0, sizeof(old));
    in->lock.period = 0;
    /* Two slashes: a figure's key rather than an entry id. */
    if (strchr(req->id, '/') != strrchr(req->id, '/')) {
        if (resolve_key(in, req->id, id, sizeof(id), err, sizeof(err)) < 0)
            goto bad;
        target = id;
    }
    if (lu_entry_id_parse(target, node, &seq) < 0) {
        snprintf(err, sizeof(err), _("\"%.*s\" is not an entry id (node/seq)"),
                 lu_utf8_cut(target, 80), target);
        goto bad;
    }
    if (strcmp(node, in->node_id) != 0) {
        snprintf(err, sizeof(err),
                 _("entry %.*s was not recorded at this node (%s); correct "
                   "it where it was recorded"),
                 lu_utf8_cut(target, 80), target, in->node_id);
        goto bad;
    }
    r = node_outbox_get(in->ob, seq, &old, &state);
    if (r < 0) {
        snprintf(err, sizeof(err), _("no entry %.*s at this node"),
                 lu_utf8_cut(target, 80), target);
        goto bad;
    }
    if (old.project != NULL) {
        const char *pid = old.project->project ? old.project->project->id : "";

        snprintf(err, sizeof(err),
                 _("entry %.*s is a change of project %.*s; change the "
                   "project with luyuctl project instead"),
                 lu_utf8_cut(target, 80), target, lu_utf8_cut(pid, 80), pid);
        goto bad;
    }
    if (state == NODE_REJECTED) {
        snprintf(err, sizeof(err),
                 _("entry %.*s was rejected by the hub; submit a new entry "
                   "instead"),
                 lu_utf8_cut(target, 80), target);
        goto bad;
    }
    ind = lu_plan_indicator(in->plan, old.indicator);
    e = old;
    e.seq = 0;
    e.note = req->note;
    e.recorded_by = (char *)who;
    e.recorded_at = lu_now_s();
    e.corrects = (char *)target;
    e.confirmed = (char *)"";
    if (ind == NULL) {
        snprintf(err, sizeof(err),
                 _("indicator \"%s\" is no longer in the plan"), old.indicator);
        goto bad;
    }
    if (lu_amount_parse(req->amount, ind->scale, &e.amount, err, sizeof(err)) <
            0 ||
        !node_intake_allowed(in, e.unit) ||
        lu_entry_check(&e, in->plan, err, sizeof(err)) < 0 ||
        locked(in, e.unit, e.period, err, sizeof(err))) {
        if (!node_intake_allowed(in, e.unit))
            snprintf(err, sizeof(err),
                     _("unit \"%s\" is not reported by node %s"), e.unit,
                     in->node_id);
        goto bad;
    }
    if (judge(in, &ptr, 1, req->confirm, &verdict, resp))
        node_intake_commit(in, &ptr, 1, NULL, resp);
    node_quality_clear(&verdict, 1);
    goto out;
bad:
    node_intake_problem(resp, 0, err);
    node_intake_message(resp, LUYU__CTL_RESPONSE__CODE__BAD_INPUT, err);
out:
    node_outbox_entry_clear(&old);
}

void node_intake_response_clear(Luyu__CtlResponse *resp)
{
    for (size_t i = 0; i < resp->n_problems; i++) {
        free(resp->problems[i]->message);
        free(resp->problems[i]);
    }
    free(resp->problems);
    for (size_t i = 0; i < resp->n_ids; i++)
        free(resp->ids[i]);
    free(resp->ids);
    if (resp->message != (char *)protobuf_c_empty_string)
        free(resp->message);
    if (resp->repeat_by != (char *)protobuf_c_empty_string)
        free(resp->repeat_by);
    luyu__ctl_response__init(resp);
}
