#include "users.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "xmalloc.h"

/* users.db, schema 1: the web_user table of common/webusers.h. A change
 * is a new step at the end, never an edit of an old one, with a fixture
 * from the release before it under tests/data/. */
static const struct lu_store_migration MIGRATIONS[] = {
    {1, LU_WEBUSERS_TABLE, NULL},
};

struct hub_users {
    sqlite3 *db;
};

int hub_users_open(const char *state_dir, struct hub_users **out, char *err,
                   size_t errlen)
{
    struct hub_users *u = lu_xcalloc(1, sizeof(*u));
    char *path = lu_xasprintf("%s/users.db", state_dir);
    int r;

    *out = NULL;
    r = lu_store_open(path, "users", LU_STORE_CREATE | LU_STORE_SMALL, &u->db,
                      err, errlen);
    if (r == 0)
        r = lu_store_migrate(u->db, path, "users", MIGRATIONS,
                             sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]), err,
                             errlen);
    free(path);
    if (r < 0) {
        hub_users_free(u);
        return r;
    }
    *out = u;
    return 0;
}

int hub_users_open_reader(const char *state_dir, sqlite3 **db, char *err,
                          size_t errlen)
{
    char *path = lu_xasprintf("%s/users.db", state_dir);
    int r = lu_store_open(path, "users", LU_STORE_READONLY, db, err, errlen);

    free(path);
    return r;
}

void hub_users_free(struct hub_users *u)
{
    if (u == NULL)
        return;
    lu_store_close(u->db);
    free(u);
}

sqlite3 *hub_users_db(struct hub_users *u)
{
    return u->db;
}

bool hub_user_role_valid(const char *role)
{
    return strcmp(role, "viewer") == 0 || hub_user_reviews(role);
}

bool hub_user_reviews(const char *role)
{
    return strcmp(role, "reviewer") == 0 || strcmp(role, "admin") == 0;
}
