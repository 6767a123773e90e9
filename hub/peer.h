/* The link to the other province's hub, for the monthly mutual
 * notification: a DEALER that pushes every own bulletin the peer has not
 * acknowledged (stored before it is sent, resent until acknowledged), and
 * records the peer's acks. A peer that is down for days gets everything
 * when it returns. Owns its socket; the store, feed and counters are
 * borrowed. */
#ifndef HUB_PEER_H
#define HUB_PEER_H

#include <stdbool.h>
#include <uv.h>

struct ledger_bulletins;
struct hub_feed;
struct hub_observe;
struct hub_peer;

struct hub_peer_config {
    const char *endpoint;   /* the peer hub's listen endpoint */
    const char *server_key; /* its CURVE public key (Z85); NULL: plain */
    const char *public_key; /* ours */
    const char *secret_key;
    int resend_ms; /* how often to resend what is unacknowledged */
};

struct hub_peer *hub_peer_new(uv_loop_t *loop, void *zctx,
                              const struct hub_peer_config *cfg,
                              struct ledger_bulletins *store,
                              struct hub_feed *feed, struct hub_observe *obs);
void hub_peer_free(struct hub_peer *p);
/* A new bulletin was issued: push it now rather than at the next tick. */
void hub_peer_kick(struct hub_peer *p);
/* True when the peer answered within the last few resend periods. */
bool hub_peer_up(const struct hub_peer *p);

#endif
