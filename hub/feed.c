#include "feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "amount.h"
#include "codec.h"
#include "feedsubs.h"
#include "json.h"
#include "log.h"
#include "plan.h"
#include "project.h"
#include "reject.h"
#include "xmalloc.h"
#include "zap.h"
#include "zloop.h"

struct hub_feed {
    void *sock; /* XPUB: subscriptions come in (hub/feedsubs.h) */
    struct lu_zwatch *watch;
    struct hub_feedsubs *subs;
    /* Events noted in the open transaction: "topic\0json\0" pairs, owned
     * here, published or dropped by hub_feed_flush_noted(). */
    struct lu_buf noted;
};

/* Reads the subscriptions the XPUB socket passed on, up to budget. */
static int on_subscriptions(void *data, int budget)
{
    struct hub_feed *f = data;
    int n = 0;

    for (; n < budget; n++) {
        zmq_msg_t m;

        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, f->sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            break;
        }
        hub_feedsubs_message(f->subs, zmq_msg_data(&m), zmq_msg_size(&m));
        zmq_msg_close(&m);
    }
    return n;
}

struct hub_feed *hub_feed_new(uv_loop_t *loop, void *zctx, const char *endpoint,
                              const char *secret_z85, char *err, size_t errlen)
{
    struct hub_feed *f = lu_xcalloc(1, sizeof(*f));
    /* A group commit publishes up to 20,000 events at once (hub/intake.c,
     * COMMIT_MAX_ENTRIES): a subscriber's queue holds two of them, so
     * that one that keeps up loses nothing. With 10,000, a clerk's event
     * could be dropped behind a catch-up storm's group (issue 19). */
    int one = 1, linger = 0, hwm = 50000;

    f->sock = zmq_socket(zctx, ZMQ_XPUB);
    zmq_setsockopt(f->sock, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(f->sock, ZMQ_SNDHWM, &hwm, sizeof(hwm));
    if (secret_z85 != NULL) {
        zmq_setsockopt(f->sock, ZMQ_CURVE_SERVER, &one, sizeof(one));
        zmq_setsockopt(f->sock, ZMQ_CURVE_SECRETKEY, secret_z85, 40);
        hub_zap_enforce(f->sock); /* refused while no handler is bound */
    }
    if (zmq_bind(f->sock, endpoint) < 0) {
        snprintf(err, errlen, "cannot publish the feed on %s: %s", endpoint,
                 zmq_strerror(zmq_errno()));
        zmq_close(f->sock);
        free(f);
        return NULL;
    }
    f->subs = hub_feedsubs_new();
    f->watch = lu_zwatch_new(loop, f->sock, on_subscriptions, f);
    return f;
}

void hub_feed_refresh(struct hub_feed *f)
{
    if (f != NULL)
        on_subscriptions(f, 256);
}

void hub_feed_free(struct hub_feed *f)
{
    if (f == NULL)
        return;
    lu_zwatch_free(f->watch);
    zmq_close(f->sock);
    hub_feedsubs_free(f->subs);
    lu_buf_free(&f->noted);
    free(f);
}

void hub_feed_publish(struct hub_feed *f, const char *topic, const char *json)
{
    if (f == NULL)
        return;
    /* DONTWAIT: a PUB never blocks, but be explicit about it. */
    if (zmq_send(f->sock, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) <
            0 ||
        zmq_send(f->sock, json, strlen(json), ZMQ_DONTWAIT) < 0)
        lu_debug("feed: %s dropped: %s", topic, zmq_strerror(zmq_errno()));
}

void hub_feed_bulletin(struct hub_feed *f, const char *topic,
                       const char *province, uint32_t period, uint32_t revision)
{
    struct lu_buf b;
    struct lu_json j;
    char ps[8];

    if (f == NULL)
        return;
    lu_buf_init(&b);
    lu_json_init(&j, &b);
    lu_json_object(&j);
    if (province != NULL)
        lu_json_kstr(&j, "province", province);
    lu_json_kstr(&j, "period", lu_period_format(period, ps, sizeof(ps)));
    lu_json_kuint(&j, "revision", revision);
    lu_json_end(&j);
    hub_feed_publish(f, topic, b.data);
    lu_buf_free(&b);
}

/* The two fields every entry event starts with. */
static void entry_head(struct lu_json *j, const char *node,
                       const Luyu__Entry *e)
{
    char id[LU_MAX_NAME + 24];

    snprintf(id, sizeof(id), "%s/%llu", node, (unsigned long long)e->seq);
    lu_json_kstr(j, "id", id);
    lu_json_kstr(j, "unit", e->unit);
}

static void project_event(struct lu_json *j, const char *node,
                          const Luyu__Entry *e)
{
    const Luyu__Project *p = e->project->project;
    const char *stage = lu_project_stage_code(p->stage);

    entry_head(j, node, e);
    lu_json_kstr(j, "project", p->id);
    lu_json_kstr(j, "kind", lu_project_kind_code(e->project->kind));
    lu_json_kstr(j, "stage", stage ? stage : "");
    lu_json_kstr(j, "recorded_by", e->recorded_by);
}

/* A district's approval of a month (issue 16). */
static void review_event(struct lu_json *j, const char *node,
                         const Luyu__Entry *e)
{
    char period[8];

    entry_head(j, node, e);
    lu_json_kstr(j, "period",
                 lu_period_format(e->period, period, sizeof(period)));
    lu_json_kstr(j, "step", "approve");
    lu_json_kstr(j, "note", e->review->reason);
    lu_json_kstr(j, "recorded_by", e->recorded_by);
}

static void figure_event(struct lu_json *j, const struct lu_plan *plan,
                         const char *node, const Luyu__Entry *e)
{
    const struct lu_plan_indicator *ind =
        plan ? lu_plan_indicator(plan, e->indicator) : NULL;
    char amount[32], period[8];

    entry_head(j, node, e);
    lu_json_kstr(j, "indicator", e->indicator);
    lu_json_kstr(j, "period",
                 lu_period_format(e->period, period, sizeof(period)));
    lu_json_kstr(j, "amount",
                 lu_amount_format(e->amount, ind ? ind->scale : 1, amount,
                                  sizeof(amount)));
    lu_json_kstr(j, "base_unit", ind ? ind->base_unit : "");
    lu_json_kstr(j, "corrects", e->corrects);
    lu_json_kstr(j, "recorded_by", e->recorded_by);
}

/* The reason of a refused entry: the hub's words and, when it has one, the
 * stable code (common/reject.h) as its own member. */
static void json_reason(struct lu_json *j, const char *reason)
{
    char text[LU_MAX_REASON];
    int code;

    if (reason == NULL)
        return;
    snprintf(text, sizeof(text), "%s", reason);
    code = lu_reject_split(text);
    lu_json_kstr(j, "reason", text);
    if (code != 0)
        lu_json_kstr(j, "reason_code", lu_reject_name(code));
}

void hub_feed_note_entry(struct hub_feed *f, const struct lu_plan *plan,
                         const char *node, const Luyu__Entry *e,
                         const char *reason)
{
    bool project = e->project != NULL && e->project->project != NULL;
    bool review = !project && e->review != NULL;
    char period[8];
    struct lu_json j;
    size_t at;

    if (f == NULL)
        return;
    at = f->noted.len;
    /* Topics are prefixes for subscribers, not JSON: unit, indicator and
     * project id are names the codec checked (printable, no NUL). */
    if (project && reason == NULL)
        lu_buf_printf(&f->noted, "project.%s.%s", e->unit,
                      e->project->project->id);
    else if (review && reason == NULL)
        lu_buf_printf(&f->noted, "review.%s.%s", e->unit,
                      lu_period_format(e->period, period, sizeof(period)));
    else if (project || review)
        lu_buf_printf(&f->noted, "reject.%s.", e->unit);
    else {
        /* Appended, not printed: this runs for every entry merged. */
        lu_buf_adds(&f->noted, reason ? "reject." : "entry.");
        lu_buf_adds(&f->noted, e->unit);
        lu_buf_add(&f->noted, ".", 1);
        lu_buf_adds(&f->noted, e->indicator);
    }
    /* Nobody reads it: not worth its JSON (hub/feedsubs.h). */
    if (!hub_feedsubs_wanted(f->subs, f->noted.data + at, f->noted.len - at)) {
        f->noted.len = at;
        return;
    }
    lu_buf_add(&f->noted, "", 1);
    lu_json_init(&j, &f->noted);
    lu_json_object(&j);
    if (project)
        project_event(&j, node, e);
    else if (review)
        review_event(&j, node, e);
    else
        figure_event(&j, plan, node, e);
    json_reason(&j, reason);
    lu_json_end(&j);
    lu_buf_add(&f->noted, "", 1);
}

void hub_feed_publish_noted(struct hub_feed *f, struct lu_buf *b,
                            bool committed)
{
    const char *p = b->data, *end = p ? p + b->len : NULL;

    while (f != NULL && committed && p != NULL && p < end) {
        const char *json = p + strlen(p) + 1;

        hub_feed_publish(f, p, json);
        p = json + strlen(json) + 1;
    }
    b->len = 0;
}

void hub_feed_flush_noted(struct hub_feed *f, bool committed)
{
    if (f != NULL)
        hub_feed_publish_noted(f, &f->noted, committed);
}

struct lu_buf *hub_feed_noted(struct hub_feed *f)
{
    return f ? &f->noted : NULL;
}

void hub_feed_node(struct hub_feed *f, const char *node, bool up)
{
    struct lu_buf b;
    struct lu_json j;

    if (f == NULL)
        return;
    lu_buf_init(&b);
    lu_json_init(&j, &b);
    lu_json_object(&j);
    lu_json_kstr(&j, "node", node);
    lu_json_kstr(&j, "state", up ? "up" : "down");
    lu_json_end(&j);
    hub_feed_publish(f, up ? "node.up" : "node.down", b.data);
    lu_buf_free(&b);
}
