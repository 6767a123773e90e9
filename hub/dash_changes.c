/* The overview's "what changed since the last bulletin": the figures that
 * moved (unit, indicator, month, old -> new), with corrections marked,
 * the months whose review moved (accepted, returned, ...) and the project
 * pool's new projects and stage moves, newest first, bounded.
 *
 * Everything is a comparison of two bulletins of the ledger library, never
 * SQL of the dashboard's: the draft of the month as of now lists in its
 * revisions every entry since the month's latest issued bulletin (or, for
 * a month without one, the entries for earlier months since the previous
 * month's), each with the unit's figure before and after it; the review
 * states and the pool are compared between that issued bulletin and the
 * draft. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "bulletins.h"
#include "codec.h"
#include "dash_int.h"
#include "html.h"
#include "i18n.h"
#include "money.h"
#include "plan.h"
#include "project.h"
#include "review.h"
#include "sql.h"
#include "web.h"
#include "xmalloc.h"

#define CHANGES_SHOWN 20

enum change_kind { CHANGE_FIGURE, CHANGE_REVIEW };

struct change {
    enum change_kind kind;
    int64_t at, last_id; /* newest first: time, then entry id */
    const char *unit, *indicator;
    uint32_t period;
    int64_t old, now; /* figures, or review kinds */
    size_t entries;
    bool correction;
};

struct changes {
    struct change *v;
    size_t n, cap;
};

static struct change *changes_add(struct changes *cs)
{
    if (cs->n == cs->cap) {
        cs->cap = cs->cap ? cs->cap * 2 : 32;
        cs->v = lu_xrealloc(cs->v, cs->cap * sizeof(*cs->v));
    }
    memset(&cs->v[cs->n], 0, sizeof(cs->v[0]));
    return &cs->v[cs->n++];
}

/* The draft's late entries, one change per unit, indicator and month: the
 * figure before the first of them and after the last. */
static void figure_changes(const Luyu__Bulletin *draft, struct changes *cs)
{
    for (size_t i = 0; i < draft->n_revisions; i++) {
        const Luyu__RevisionEntry *r = draft->revisions[i];
        struct change *c = NULL;

        for (size_t k = 0; k < cs->n && c == NULL; k++) {
            if (cs->v[k].period == r->period &&
                strcmp(cs->v[k].unit, r->unit) == 0 &&
                strcmp(cs->v[k].indicator, r->indicator) == 0)
                c = &cs->v[k];
        }
        if (c == NULL) {
            c = changes_add(cs);
            c->kind = CHANGE_FIGURE;
            c->unit = r->unit;
            c->indicator = r->indicator;
            c->period = r->period;
            c->old = r->previous;
        }
        c->now = r->figure;
        c->entries++;
        c->correction = c->correction || r->corrects[0] != '\0';
        c->at = r->received_at > c->at ? r->received_at : c->at;
        c->last_id = (int64_t)r->entry;
    }
}

/* Units whose month's review state differs between the issued bulletin
 * and the draft, with the time of the step that made the difference. */
static void review_changes(struct hub_dash *d, const Luyu__Bulletin *last,
                           const Luyu__Bulletin *draft, struct changes *cs)
{
    struct ledger_review_step step;
    char by[LU_MAX_NAME + 1], reason[LU_MAX_NOTE + 1];

    if (last->n_units != draft->n_units)
        return; /* another plan's units: nothing to compare */
    for (size_t u = 0; u < draft->n_units; u++) {
        const Luyu__UnitReport *a = last->units[u], *b = draft->units[u];
        struct change *c = NULL;

        if (a->review == b->review || strcmp(a->code, b->code) != 0)
            continue;
        c = changes_add(cs);
        c->kind = CHANGE_REVIEW;
        c->unit = b->code;
        c->period = draft->period;
        c->old = a->review;
        c->now = b->review;
        if (ledger_review_last(d->db, b->code, draft->period, &step, by,
                               reason) == 0)
            c->at = step.at;
    }
}

static int newest_first(const void *pa, const void *pb)
{
    const struct change *a = pa, *b = pb;

    if (a->at != b->at)
        return a->at > b->at ? -1 : 1;
    if (a->last_id != b->last_id)
        return a->last_id > b->last_id ? -1 : 1;
    return 0;
}

static const char *unit_name(struct hub_dash *d, const char *code)
{
    const struct lu_plan_unit *u = lu_plan_unit(d->ctx.plan, code);

    return u != NULL ? u->name : code;
}

static void amount(struct lu_buf *b, const Luyu__IndicatorFigures *f, int64_t v)
{
    char t[LU_MONEY_LEN];

    lu_html_esc(b, f != NULL ? hub_dash_amount(f, v, t, sizeof(t))
                             : lu_money_group(v, 0, t, sizeof(t)));
}

static void line(struct hub_dash *d, struct lu_buf *b,
                 const Luyu__Bulletin *draft, const struct change *c)
{
    const Luyu__IndicatorFigures *f = NULL;
    char p[16], t[32];

    lu_buf_printf(b, "<li data-kind=\"%s\" data-unit=\"",
                  c->kind == CHANGE_FIGURE ? "figure" : "review");
    lu_html_esc(b, c->unit);
    lu_buf_printf(b, "\" data-period=\"%s\"",
                  hub_dash_period(c->period, p, sizeof(p)));
    if (c->kind == CHANGE_REVIEW) {
        lu_buf_adds(b, "><span class=\"when\">");
        lu_buf_printf(b, "%s</span> ", hub_dash_time(c->at, t, sizeof(t)));
        lu_html_esc(b, unit_name(d, c->unit));
        lu_buf_printf(b, " %s %s: %s → <b>%s</b></li>", p, _("review"),
                      ledger_review_state_text((int)c->old),
                      ledger_review_state_text((int)c->now));
        return;
    }
    f = ledger_bulletin_indicator(draft, c->indicator);
    lu_buf_adds(b, " data-indicator=\"");
    lu_html_esc(b, c->indicator);
    lu_buf_printf(b, "\"><span class=\"when\">%s</span> ",
                  hub_dash_time(c->at, t, sizeof(t)));
    lu_html_esc(b, unit_name(d, c->unit));
    lu_buf_adds(b, " · ");
    lu_html_esc(b, f != NULL ? f->name : c->indicator);
    lu_buf_printf(b, " · %s: <span class=\"old\">", p);
    amount(b, f, c->old);
    lu_buf_adds(b, "</span> → <b class=\"new\">");
    amount(b, f, c->now);
    lu_buf_adds(b, "</b>");
    if (c->correction)
        lu_buf_printf(b, " <span class=\"late\">%s</span>", _("correction"));
    if (c->entries > 1)
        lu_buf_printf(b, _(" (%zu entries)"), c->entries);
    lu_buf_adds(b, "</li>");
}

/* New projects and stage moves: the pool as the issued bulletin had it
 * against the pool now, one line per stage whose count moved. */
static void pool_changes(struct lu_buf *b, const Luyu__Bulletin *last,
                         const Luyu__Bulletin *draft)
{
    const Luyu__ProjectPool *a = last->pool, *z = draft->pool;

    if (a == NULL || z == NULL)
        return;
    if (a->projects != z->projects) {
        lu_buf_printf(b,
                      "<li data-kind=\"pool\" data-stage=\"\">%s: %llu → "
                      "<b>%llu</b></li>",
                      _("Projects in the pool"),
                      (unsigned long long)a->projects,
                      (unsigned long long)z->projects);
    }
    for (size_t i = 0; i < z->n_stages; i++) {
        uint64_t before = 0;

        for (size_t k = 0; k < a->n_stages; k++)
            if (strcmp(a->stages[k]->stage, z->stages[i]->stage) == 0)
                before = a->stages[k]->projects;
        if (before == z->stages[i]->projects)
            continue;
        lu_buf_adds(b, "<li data-kind=\"pool\" data-stage=\"");
        lu_html_esc(b, z->stages[i]->stage);
        lu_buf_adds(b, "\">");
        lu_buf_printf(
            b, _("Projects at stage %s"),
            lu_project_stage_name(lu_project_stage_parse(z->stages[i]->stage)));
        lu_buf_printf(b, ": %llu → <b>%llu</b></li>",
                      (unsigned long long)before,
                      (unsigned long long)z->stages[i]->projects);
    }
}

/* The month's latest issued bulletin, verified; NULL when none. */
static Luyu__Bulletin *month_bulletin(struct hub_dash *d,
                                      const Luyu__Bulletin *draft)
{
    struct ledger_bulletins_item it = {0};
    Luyu__Bulletin *last = NULL;
    char err[256];

    if (ledger_bulletins_get(d->store, draft->province, draft->period, 0, &it) <
        0)
        return NULL;
    if (ledger_bulletins_verify(d->store, &it, &last, err, sizeof(err)) < 0)
        last = NULL;
    free(it.payload);
    return last;
}

/* The province's latest own bulletin of any month, for the heading. */
static bool latest_own(struct hub_dash *d, struct ledger_bulletins_item *out)
{
    struct ledger_bulletins_item *items = NULL;
    size_t n = 0;
    bool found = false;

    if (ledger_bulletins_list(d->store, &items, &n) < 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (items[i].own && (!found || items[i].period > out->period ||
                             (items[i].period == out->period &&
                              items[i].revision > out->revision))) {
            *out = items[i];
            found = true;
        }
    }
    ledger_bulletins_items_free(items, n);
    return found;
}

static void heading(struct hub_dash *d, struct lu_buf *b,
                    const Luyu__Bulletin *draft, const Luyu__Bulletin *last)
{
    struct ledger_bulletins_item it = {0};
    char p[16], t[32];

    if (last != NULL) {
        lu_buf_printf(b,
                      _("<p>Since this month's bulletin (revision %u, issued "
                        "%s): %lld new entries.</p>"),
                      last->revision,
                      hub_dash_time(last->issued_at, t, sizeof(t)),
                      (long long)(draft->upto_entry > last->upto_entry
                                      ? draft->upto_entry - last->upto_entry
                                      : 0));
        return;
    }
    if (!latest_own(d, &it)) {
        lu_buf_printf(b, "<p>%s</p>", _("No bulletin issued yet."));
        return;
    }
    lu_buf_printf(b,
                  _("<p>Since the last bulletin (%s, revision %u): %lld new "
                    "entries.</p>"),
                  hub_dash_period(it.period, p, sizeof(p)), it.revision,
                  (long long)(draft->upto_entry > it.upto_entry
                                  ? draft->upto_entry - it.upto_entry
                                  : 0));
}

static void render(struct hub_dash *d, struct lu_buf *b,
                   const Luyu__Bulletin *draft, bool all)
{
    Luyu__Bulletin *last = month_bulletin(d, draft);
    struct changes cs = {0};
    size_t shown = 0;
    char p[16];

    lu_buf_printf(b, "<section id=\"changes\"><h2>%s</h2>",
                  _("What changed since the last bulletin"));
    heading(d, b, draft, last);
    if (draft->revised_after >= 0)
        figure_changes(draft, &cs);
    if (last != NULL)
        review_changes(d, last, draft, &cs);
    if (cs.n > 1)
        qsort(cs.v, cs.n, sizeof(cs.v[0]), newest_first);
    lu_buf_adds(b, "<ul id=\"change-list\">");
    shown = all || cs.n <= CHANGES_SHOWN ? cs.n : CHANGES_SHOWN;
    for (size_t i = 0; i < shown; i++)
        line(d, b, draft, &cs.v[i]);
    if (last != NULL)
        pool_changes(b, last, draft);
    lu_buf_adds(b, "</ul>");
    if (shown < cs.n) {
        lu_buf_printf(b,
                      "<p id=\"changes-more\"><a href=\"/?month=%s&amp;"
                      "changes=all#changes\">",
                      hub_dash_period(draft->period, p, sizeof(p)));
        lu_buf_printf(b, _("and %zu more"), cs.n - shown);
        lu_buf_adds(b, "</a></p>");
    }
    if (draft->revisions_total > draft->n_revisions)
        lu_buf_printf(b, "<p>%s</p>",
                      _("Only the first 1000 late entries are compared; "
                        "luyuctl bulletin show lists them all."));
    lu_buf_adds(b, "</section>");
    free(cs.v);
    ledger_bulletin_free(last);
}

void hub_dash_changes(struct hub_dash *d, struct lu_buf *b,
                      const Luyu__Bulletin *draft, bool all)
{
    struct lu_buf *c = &d->changes[all];

    /* The draft only changes when a new one is installed (draft_ms moves
     * with it); the section is computed again then, never per viewer. */
    if (d->changes_of[all] != draft || d->changes_ms[all] != d->draft_ms ||
        draft != d->draft || c->data == NULL) {
        lu_buf_free(c);
        lu_buf_init(c);
        render(d, c, draft, all);
        d->changes_of[all] = draft;
        d->changes_ms[all] = d->draft_ms;
    }
    lu_buf_add(b, c->data, c->len);
}
