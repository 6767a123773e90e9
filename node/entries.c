/* See entries.h. */
#include "entries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "i18n.h"
#include "outbox.h"
#include "util.h"
#include "xmalloc.h"

static Luyu__CtlEntryView__State view_state(int state)
{
    if (state == NODE_ACKED)
        return LUYU__CTL_ENTRY_VIEW__STATE__AT_HUB;
    if (state == NODE_REJECTED)
        return LUYU__CTL_ENTRY_VIEW__STATE__REJECTED;
    return LUYU__CTL_ENTRY_VIEW__STATE__PENDING;
}

/* Moves row's strings into a new view (the row keeps none). */
static Luyu__CtlEntryView *view_new(const char *node_id,
                                    struct node_outbox_row *w)
{
    Luyu__CtlEntryView *v = lu_xmalloc(sizeof(*v));

    luyu__ctl_entry_view__init(v);
    v->id = lu_xasprintf("%s/%llu", node_id, (unsigned long long)w->e.seq);
    v->unit = w->e.unit;
    v->indicator = w->e.indicator;
    v->period = w->e.period;
    v->amount = w->e.amount;
    v->note = w->e.note;
    v->recorded_by = w->e.recorded_by;
    v->recorded_at = w->e.recorded_at;
    v->corrects = w->e.corrects;
    v->state = view_state(w->state);
    v->reason = w->reason;
    v->reject_code = (Luyu__RejectCode)w->reject_code;
    v->done_at = w->done_at;
    v->current = w->current != 0;
    v->confirmed = w->e.confirmed;
    /* Moved, not copied: node_outbox_list_free() must not free them. The
     * seq stays, for link_views(). */
    w->e.unit = w->e.indicator = w->e.note = NULL;
    w->e.recorded_by = w->e.corrects = w->e.confirmed = NULL;
    w->reason = NULL;
    return v;
}

static void add_corrected_by(Luyu__CtlEntryView *v, const char *id)
{
    v->corrected_by =
        lu_xrealloc(v->corrected_by, (v->n_corrected_by + 1) * sizeof(char *));
    v->corrected_by[v->n_corrected_by++] = lu_xstrdup(id);
}

/* Each correction names its target; the target lists its correctors. A
 * target older than the listing is not in it, and needs no list. */
static void link_views(const struct node_outbox_list *l,
                       Luyu__CtlEntryView **views)
{
    for (size_t i = 0; i < l->n; i++) {
        uint64_t t = l->rows[i].corrects_seq;

        for (size_t j = i; t != 0 && j-- > 0;) {
            if (l->rows[j].e.seq == t) {
                add_corrected_by(views[j], views[i]->id);
                break;
            }
            if (l->rows[j].e.seq < t)
                break;
        }
    }
}

static void refuse(Luyu__CtlResponse *resp, const char *msg)
{
    resp->code = LUYU__CTL_RESPONSE__CODE__BAD_INPUT;
    resp->message = lu_utf8_fix(lu_xstrdup(msg));
}

void node_entries_answer(struct node_outbox *ob, const char *node_id,
                         const Luyu__CtlEntriesRequest *req,
                         Luyu__CtlResponse *resp)
{
    struct node_outbox_filter f = {
        .unit = req->unit, .indicator = req->indicator, .limit = req->limit};
    struct node_outbox_list l;
    char err[256], msg[320];
    int r;

    if (req->period[0] != '\0' &&
        lu_period_parse(req->period, &f.period, err, sizeof(err)) < 0) {
        snprintf(msg, sizeof(msg), "--period: %s", err);
        refuse(resp, msg);
        return;
    }
    if (f.limit == 0)
        f.limit = NODE_ENTRIES_LIMIT;
    if (f.limit > NODE_ENTRIES_LIMIT_MAX)
        f.limit = NODE_ENTRIES_LIMIT_MAX;
    r = node_outbox_list(ob, &f, &l);
    if (r < 0) {
        snprintf(msg, sizeof(msg), _("could not read the outbox: %s"),
                 strerror(-r));
        resp->code = LUYU__CTL_RESPONSE__CODE__FAILED;
        resp->message = lu_xstrdup(msg);
        goto out;
    }
    resp->entries = lu_xcalloc(l.n + 1, sizeof(*resp->entries));
    for (size_t i = 0; i < l.n; i++)
        resp->entries[i] = view_new(node_id, &l.rows[i]);
    resp->n_entries = l.n;
    resp->entries_omitted = l.omitted;
    link_views(&l, resp->entries);
out:
    node_outbox_list_free(&l);
}

void node_entries_clear(Luyu__CtlResponse *resp)
{
    for (size_t i = 0; i < resp->n_entries; i++) {
        Luyu__CtlEntryView *v = resp->entries[i];

        free(v->id);
        free(v->unit);
        free(v->indicator);
        free(v->note);
        free(v->recorded_by);
        free(v->corrects);
        free(v->reason);
        if (v->confirmed != (char *)protobuf_c_empty_string)
            free(v->confirmed);
        for (size_t j = 0; j < v->n_corrected_by; j++)
            free(v->corrected_by[j]);
        free(v->corrected_by);
        free(v);
    }
    free(resp->entries);
    resp->entries = NULL;
    resp->n_entries = 0;
}
