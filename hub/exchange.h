/* The monthly mutual notification, wired together: the bulletin store in
 * the ledger file, the schedule that issues bulletins, the link that pushes
 * them to the peer hub, and the intake hook that takes the peer's. Built
 * from the hub's settings; owns the store, schedule and peer link. */
#ifndef HUB_EXCHANGE_H
#define HUB_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct hub_feed;
struct hub_intake;
struct ledger;
struct hub_observe;
struct lu_plan;
struct hub_exchange;

struct hub_exchange_config {
    const char *hub_id;
    const char *province; /* required for bulletins */
    const char *sign_key; /* own Ed25519 secret file; NULL: no issuing */
    int issue_day;
    uint32_t issue_from; /* YYYYMM; 0: the month the ledger began */
    int auto_issue;
    const char *peer; /* peer hub endpoint; NULL: no exchange */
    const char *peer_id;
    const char *peer_province;
    const char *peer_sign_key; /* peer's Ed25519 public key file */
    int peer_resend_ms;
    /* CURVE: the peer's public key and ours (Z85); NULL on plain links */
    const char *peer_key_z85, *public_z85, *secret_z85;
};

struct hub_exchange *
hub_exchange_new(uv_loop_t *loop, void *zctx,
                 const struct hub_exchange_config *cfg, struct ledger *ledger,
                 const struct lu_plan *plan, struct hub_intake *intake,
                 struct hub_feed *feed, struct hub_observe *obs, char *err,
                 size_t errlen);
void hub_exchange_free(struct hub_exchange *x);

/* The bulletin store (owned by the exchange), for status; NULL for none. */
struct ledger_bulletins;
struct ledger_bulletins *hub_exchange_store(struct hub_exchange *x);

/* For the control socket: luyuctl bulletin issue. */
int hub_exchange_issue(void *x, uint32_t period, char *msg, size_t len);

#endif
