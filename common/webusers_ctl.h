/* luyuctl user at a daemon's control socket, the same at the node and the
 * hub: adds, lists, re-passwords and disables the web users of the
 * daemon's table (common/webusers.h), for root and the daemon's own Unix
 * user only. The daemon says which roles it knows and which units a user
 * may be given. */
#ifndef LU_WEBUSERS_CTL_H
#define LU_WEBUSERS_CTL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "luyu.pb-c.h"

struct lu_webusers_ctl {
    sqlite3 *db;        /* the owner's connection, borrowed */
    const char *daemon; /* "node" or "hub", for messages */
    const char *roles;  /* the roles in words, "clerk or reviewer" */
    bool (*role_valid)(const char *role);
    const char *units; /* a user's units must be among these; NULL: any */
    char self[64];     /* the daemon's own Unix user (filled by init) */
};

/* Fills c->self from the process's effective user. */
void lu_webusers_ctl_init(struct lu_webusers_ctl *c);
/* Answers one CtlUser request from Unix user who into resp: code and a
 * heap message (the caller frees resp->message) on refusal, the users for
 * LIST (freed with lu_webusers_ctl_clear). */
void lu_webusers_ctl(const struct lu_webusers_ctl *c, const Luyu__CtlUser *u,
                     const char *who, Luyu__CtlResponse *resp);
void lu_webusers_ctl_clear(Luyu__CtlResponse *resp);

#endif
