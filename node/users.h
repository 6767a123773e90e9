/* The people who sign in to the node's web pages (common/webusers.h):
 * roles clerk and reviewer, units a subset of the node's. Their table is
 * created by the outbox's migration 2 (NODE_USERS_SCHEMA_V2 below), in
 * outbox.db, whose one owner is node/outbox.c; these functions work on the
 * outbox's own connection (node_outbox_db), on the loop thread. */
#ifndef NODE_USERS_H
#define NODE_USERS_H

#include <stdbool.h>
#include <stddef.h>

#include "webusers.h"

struct node_outbox;

extern const char NODE_USERS_SCHEMA_V2[];

/* Whether role is one the node knows: "clerk" or "reviewer". */
bool node_user_role_valid(const char *role);
/* The units u may report for: theirs, or node_units when theirs is "". */
const char *node_user_units(const struct lu_webuser *u, const char *node_units);

/* As common/webusers.h, on the outbox's connection. */
int node_users_add(struct node_outbox *ob, const struct lu_webuser *u);
int node_users_passwd(struct node_outbox *ob, const char *name,
                      const char *pwhash);
int node_users_disable(struct node_outbox *ob, const char *name);
int node_users_get(struct node_outbox *ob, const char *name,
                   struct lu_webuser *u);
int node_users_list(struct node_outbox *ob, struct lu_webuser **out, size_t *n);

#endif
