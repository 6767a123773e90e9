/* The clerks' web pages at the node, served on the daemon's web server
 * (common/web.h): sign in, the month's entry form, what was entered with
 * its delivery state, corrections with a reason, and the link's state, in
 * Chinese, rendered on the server without JavaScript. Entries go through
 * node/intake like luyuctl's and record "web:NAME" as recorded_by. A
 * user sees and posts only their own units (node/users.h). */
#ifndef NODE_PAGES_H
#define NODE_PAGES_H

#include <stddef.h>

struct lu_plan;
struct lu_web;
struct node_intake;
struct node_outbox;
struct node_uplink;
struct node_pages;

struct node_pages_ctx {
    const char *node_id;
    const char *units; /* the node's units, comma-separated */
    const struct lu_plan *plan;
    struct node_intake *intake;
    struct node_outbox *outbox;
    struct node_uplink *uplink;
    int session_idle_s; /* a session ends after this long unused */
};

/* Adds the pages' routes to w; ctx's pointers are borrowed and must
 * outlive the pages. node_pages_free(NULL) does nothing. */
struct node_pages *node_pages_new(struct lu_web *w,
                                  const struct node_pages_ctx *ctx);
void node_pages_free(struct node_pages *nw);

#endif
