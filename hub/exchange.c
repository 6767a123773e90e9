#include "exchange.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amount.h"
#include "bulletins.h"
#include "feed.h"
#include "i18n.h"
#include "intake.h"
#include "ledger.h"
#include "log.h"
#include "observe.h"
#include "peer.h"
#include "schedule.h"
#include "sign.h"
#include "util.h"
#include "xmalloc.h"

struct hub_exchange {
    struct hub_exchange_config cfg;
    const struct lu_plan *plan;
    struct hub_feed *feed;
    struct lu_sign_key key;
    uint8_t peer_pub[LU_SIGN_PUBLIC_BYTES];
    struct ledger_bulletins *store;
    struct hub_peer *peer;
    struct hub_schedule *schedule;
    char peer_user[80]; /* "hub:ID": the ZAP user id the peer must have */
};

/* A peer's bulletin arrived on the intake: store it if it verifies. */
static int on_bulletin(void *data, const char *from,
                       const Luyu__BulletinPush *push, char *reason, size_t len)
{
    struct hub_exchange *x = data;
    enum ledger_bulletins_verdict v;
    char ps[8];

    if (from != NULL && strcmp(from, x->peer_user) != 0) {
        snprintf(reason, len, "%s is not this hub's peer (%s)", from,
                 x->peer_user);
        return 0;
    }
    v = ledger_bulletins_store_peer(x->store, x->plan, push->signed_.data,
                                    push->signed_.len, lu_now_s(), reason, len);
    if (v == LEDGER_BULLETINS_RETRY)
        return -1; /* storage trouble: let the peer resend */
    if (v == LEDGER_BULLETINS_REFUSED)
        return 0;
    if (v == LEDGER_BULLETINS_STORED) {
        lu_notice("stored bulletin %s %s rev %u from the peer", push->province,
                  lu_period_format(push->period, ps, sizeof(ps)),
                  push->revision);
        hub_feed_bulletin(x->feed, "bulletin.received", push->province,
                          push->period, push->revision);
    }
    return 1;
}

static int load_keys(struct hub_exchange *x, char *err, size_t errlen)
{
    int r = 0;

    if (x->cfg.sign_key != NULL)
        r = lu_sign_load_secret(x->cfg.sign_key, &x->key, err, errlen);
    if (r == 0 && x->cfg.peer != NULL) {
        if (x->cfg.peer_id == NULL || x->cfg.peer_province == NULL ||
            x->cfg.peer_sign_key == NULL) {
            snprintf(err, errlen,
                     "--peer needs --peer-id, --peer-province "
                     "and --peer-sign-key");
            return -EINVAL;
        }
        r = lu_sign_load_public(x->cfg.peer_sign_key, x->peer_pub, err, errlen);
    }
    return r;
}

static int open_store(struct hub_exchange *x, struct ledger *ledger, char *err,
                      size_t errlen)
{
    struct ledger_bulletins_conf bc = {
        .hub_id = x->cfg.hub_id,
        .province = x->cfg.province,
        .key = x->cfg.sign_key ? &x->key : NULL,
        .peer_id = x->cfg.peer ? x->cfg.peer_id : NULL,
        .peer_province = x->cfg.peer ? x->cfg.peer_province : NULL,
        .peer_key = x->cfg.peer ? x->peer_pub : NULL,
    };

    return ledger_bulletins_open(ledger_sql_handle(ledger), &bc, &x->store, err,
                                 errlen);
}

struct hub_exchange *
hub_exchange_new(uv_loop_t *loop, void *zctx,
                 const struct hub_exchange_config *cfg, struct ledger *ledger,
                 const struct lu_plan *plan, struct hub_intake *intake,
                 struct hub_feed *feed, struct hub_observe *obs, char *err,
                 size_t errlen)
{
    struct hub_exchange *x = lu_xcalloc(1, sizeof(*x));
    struct hub_schedule_config sc = {cfg->issue_day, cfg->issue_from,
                                     cfg->auto_issue};

    x->cfg = *cfg;
    x->plan = plan;
    x->feed = feed;
    if ((cfg->sign_key || cfg->peer) && cfg->province == NULL) {
        snprintf(err, errlen,
                 "bulletins need --province (whose bulletins "
                 "this hub issues)");
        goto fail;
    }
    if (load_keys(x, err, errlen) < 0 || open_store(x, ledger, err, errlen) < 0)
        goto fail;
    if (sc.issue_from == 0)
        sc.issue_from = ledger_began(ledger);
    if (cfg->peer != NULL) {
        struct hub_peer_config pc = {cfg->peer, cfg->peer_key_z85,
                                     cfg->public_z85, cfg->secret_z85,
                                     cfg->peer_resend_ms};

        snprintf(x->peer_user, sizeof(x->peer_user), "hub:%s", cfg->peer_id);
        x->peer = hub_peer_new(loop, zctx, &pc, x->store, feed, obs);
        hub_intake_on_bulletin(intake, on_bulletin, x);
    }
    if (cfg->sign_key != NULL)
        x->schedule =
            hub_schedule_new(loop, &sc, plan, x->store, x->peer, feed, obs);
    return x;
fail:
    hub_exchange_free(x);
    return NULL;
}

void hub_exchange_free(struct hub_exchange *x)
{
    if (x == NULL)
        return;
    hub_schedule_free(x->schedule);
    hub_peer_free(x->peer);
    ledger_bulletins_free(x->store);
    lu_sign_key_wipe(&x->key);
    free(x);
}

int hub_exchange_issue(void *data, uint32_t period, char *msg, size_t len)
{
    struct hub_exchange *x = data;

    if (x->schedule == NULL) {
        snprintf(msg, len, "%s",
                 _("this hub has no signing key (--sign-key): it issues no "
                   "bulletins"));
        return -ENOKEY;
    }
    return hub_schedule_issue(x->schedule, period, msg, len);
}

struct ledger_bulletins *hub_exchange_store(struct hub_exchange *x)
{
    return x ? x->store : NULL;
}
