/* The node's control socket: a unix stream socket on which luyuctl sends
 * length-prefixed CtlRequests (common/ctlmsg.h). The kernel tells us who is
 * connected (SO_PEERCRED); that user name is what entries record as
 * recorded_by. The socket file is created mode 0660, so who may submit is
 * decided by the directory and group it lives in. */
#ifndef NODE_CONTROL_H
#define NODE_CONTROL_H

#include <stddef.h>
#include <uv.h>

struct node_control;
struct node_intake;
struct node_outbox;
struct node_uplink;

struct node_control_ctx {
    const char *node_id;
    const char *hub;
    struct node_intake *intake;
    struct node_outbox *outbox;
    struct node_uplink *uplink;
};

/* Binds path, refusing when another process still answers on it (a stale
 * socket file from a crash is replaced). ctx is borrowed. */
struct node_control *node_control_new(uv_loop_t *loop, const char *path,
                                      const struct node_control_ctx *ctx,
                                      char *err, size_t errlen);
/* Stops listening, drops clients, removes the socket file. */
void node_control_free(struct node_control *c);

#endif
