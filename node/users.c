#include "users.h"

#include <string.h>

#include "outbox.h"

/* Web users and API tokens (outbox schema 2). The web_user table is
 * common/webusers.h's, shared with the hub.
 * API tokens of the district's other systems (node/tokens.c).
 *   name        the system; entries record "api:NAME"
 *   hash        SHA-256 of the token: the token itself is shown once, by
 *               luyuctl token add, and never stored
 *   units       as for users
 *   revoked     1: refused from then on; rows are never deleted */
const char NODE_USERS_SCHEMA_V2[] = LU_WEBUSERS_TABLE
    "CREATE TABLE IF NOT EXISTS api_token("
    " name TEXT PRIMARY KEY, hash BLOB NOT NULL UNIQUE, units TEXT NOT NULL,"
    " revoked INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
    " created_by TEXT NOT NULL) WITHOUT ROWID;";

bool node_user_role_valid(const char *role)
{
    return strcmp(role, "clerk") == 0 || strcmp(role, "reviewer") == 0;
}

const char *node_user_units(const struct lu_webuser *u, const char *node_units)
{
    return u->units[0] ? u->units : node_units;
}

int node_users_add(struct node_outbox *ob, const struct lu_webuser *u)
{
    return lu_webusers_add(node_outbox_db(ob), u);
}

int node_users_passwd(struct node_outbox *ob, const char *name,
                      const char *pwhash)
{
    return lu_webusers_passwd(node_outbox_db(ob), name, pwhash);
}

int node_users_disable(struct node_outbox *ob, const char *name)
{
    return lu_webusers_disable(node_outbox_db(ob), name);
}

int node_users_get(struct node_outbox *ob, const char *name,
                   struct lu_webuser *u)
{
    return lu_webusers_get(node_outbox_db(ob), name, u);
}

int node_users_list(struct node_outbox *ob, struct lu_webuser **out, size_t *n)
{
    return lu_webusers_list(node_outbox_db(ob), out, n);
}
