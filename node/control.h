/* The node's control requests (luyuctl submit, import, correct, status,
 * entries, user), served on a unix socket by common/ctlserver. Entries
 * record the user on the other end of the socket as recorded_by. Managing
 * web users is for root and the node's own Unix user only: the socket's
 * group may enter figures, not make people who can. */
#ifndef NODE_CONTROL_H
#define NODE_CONTROL_H

#include <stddef.h>
#include <uv.h>

struct node_control;
struct node_intake;
struct node_outbox;
struct node_spool;
struct node_uplink;

struct node_control_ctx {
    const char *node_id;
    const char *hub;
    const char *units; /* the node's units, comma-separated */
    struct node_intake *intake;
    struct node_outbox *outbox;
    struct node_uplink *uplink;
    struct node_spool *spool; /* NULL when the node has no spool */
    /* Members of this Unix group approve months (luyuctl review approve). */
    const char *review_group;
};

/* Binds path; ctx is borrowed. NULL with a reason in err. */
struct node_control *node_control_new(uv_loop_t *loop, const char *path,
                                      const struct node_control_ctx *ctx,
                                      char *err, size_t errlen);
void node_control_free(struct node_control *c);

#endif
