/* The people who sign in to the hub's dashboard: roles viewer (reads every
 * page), reviewer (also the province's review steps) and admin (all of
 * it). They live in their own small database, STATE_DIR/users.db, whose
 * one owner is this module, with its own schema version: the ledger's
 * schema (ledger/) stays the ledger's. The table is common/webusers.h's,
 * as at the node. */
#ifndef HUB_USERS_H
#define HUB_USERS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "webusers.h"

/* The schema version this code writes (hub/users.c lists the steps). */
#define HUB_USERS_SCHEMA 1

struct hub_users;

/* Opens STATE_DIR/users.db, creating or migrating it. 0, or a negative
 * errno with the reason in err. */
int hub_users_open(const char *state_dir, struct hub_users **out, char *err,
                   size_t errlen);
void hub_users_free(struct hub_users *u);
/* A read-only connection of its own to STATE_DIR/users.db, for a thread
 * other than the loop's (the dashboard's); closed with sqlite3_close(). 0
 * or a negative errno with the reason in err. */
int hub_users_open_reader(const char *state_dir, sqlite3 **db, char *err,
                          size_t errlen);
/* The connection, for common/webusers.h and common/webusers_ctl.h; owned
 * by u. */
sqlite3 *hub_users_db(struct hub_users *u);

/* Whether role is one the hub knows: viewer, reviewer or admin. */
bool hub_user_role_valid(const char *role);
/* Whether role may take the province's review steps: reviewer, admin. */
bool hub_user_reviews(const char *role);

#endif
