/* The node's link to its hub: a DEALER socket that says Hello on every
 * (re)connect, resumes from the hub's high-water mark, keeps a window of
 * unacknowledged batches in flight, records cumulative acks and rejects in
 * the outbox, sends heartbeats, and reconnects with exponential backoff and
 * jitter when the hub goes quiet. It owns its socket; the outbox is
 * borrowed. */
#ifndef NODE_UPLINK_H
#define NODE_UPLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

struct node_outbox;
struct node_uplink;

struct node_uplink_config {
    const char *node_id;
    const char *endpoint; /* "tcp://127.0.0.1:7701" */
    int window;           /* batches in flight */
    int batch_size;       /* entries per batch */
    int heartbeat_ms;     /* ping after this much silence */
    int timeout_ms;       /* link down after this much silence */
    int backoff_min_ms;
    int backoff_max_ms;
    /* CurveZMQ keys as Z85 text; all NULL for plain (--insecure) links. */
    const char *hub_key;
    const char *public_key;
    const char *secret_key;
};

struct node_uplink_info {
    bool up;
    uint64_t hub_hwm;
    const char *error;    /* last link problem, "" when none */
    int64_t down_since_s; /* unix s the link went down (or the node
                             started); 0 while up */
};

struct node_uplink *node_uplink_new(uv_loop_t *loop, void *zctx,
                                    const struct node_uplink_config *cfg,
                                    struct node_outbox *ob);
void node_uplink_free(struct node_uplink *up);

/* New entries were committed to the outbox: send them if the window allows. */
void node_uplink_pump(struct node_uplink *up);

void node_uplink_info(const struct node_uplink *up,
                      struct node_uplink_info *info);

#endif
