/* API tokens for the district's other systems: a random secret shown once
 * when made, stored only as its SHA-256 (a token is 32 random bytes, so a
 * fast hash is enough; no password-style stretching is needed), tied to
 * some or all of the node's units, revocable. Kept in outbox.db through
 * the outbox's connection, like node/users.c; the table is the outbox's
 * migration 2. */
#ifndef NODE_TOKENS_H
#define NODE_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "users.h"

struct node_outbox;

#define NODE_API_TOKEN_LEN 69 /* "luyu_" and 64 hex digits */

struct node_token {
    char name[LU_WEBUSER_NAME_MAX + 1];
    char units[LU_WEBUSER_UNITS_MAX + 1];
    bool revoked;
    int64_t created_at;
    char created_by[65];
};

/* Makes a token for name and writes it into token (NODE_API_TOKEN_LEN + 1
 * bytes). -EEXIST when the name is taken. */
int node_tokens_add(struct node_outbox *ob, const struct node_token *t,
                    char *token);
/* -ENOENT when unknown. */
int node_tokens_revoke(struct node_outbox *ob, const char *name);
/* The live (not revoked) token's owner, or -ENOENT. */
int node_tokens_find(struct node_outbox *ob, const char *token,
                     struct node_token *t);
/* Every token, by name; free(*out). */
int node_tokens_list(struct node_outbox *ob, struct node_token **out,
                     size_t *n);

#endif
