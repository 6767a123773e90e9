/* The people who sign in to the node's web pages: name, role, the units
 * they may report for, an Argon2id password hash (libsodium's
 * crypto_pwhash_str format) and whether they are disabled. Users live in
 * outbox.db, whose one owner is node/outbox.c: their table is created by
 * the outbox's migration 2 (NODE_USERS_SCHEMA_V2 below), and this module
 * works on the outbox's own connection (node_outbox_db), on the loop
 * thread, like the outbox. */
#ifndef NODE_USERS_H
#define NODE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct node_outbox;

extern const char NODE_USERS_SCHEMA_V2[];

#define NODE_USER_NAME_MAX 32
#define NODE_USER_UNITS_MAX 512
#define NODE_USER_HASH_MAX 128

struct node_user {
    char name[NODE_USER_NAME_MAX + 1];
    char role[16]; /* "clerk" or "reviewer" */
    char units[NODE_USER_UNITS_MAX + 1];
    char pwhash[NODE_USER_HASH_MAX + 1];
    bool disabled;
    int64_t created_at, changed_at; /* unix s */
    char created_by[65];
};

/* Whether name is a valid user name: 1-32 of [a-z0-9_.-], starting with a
 * letter or digit. */
bool node_user_name_valid(const char *name);
/* Whether role is one we know. */
bool node_user_role_valid(const char *role);
/* Whether s looks like a crypto_pwhash_str Argon2id string. */
bool node_user_hash_valid(const char *s);

/* Whether unit is in list, a comma-separated list of unit codes (spaces
 * around the commas allowed). */
bool node_units_has(const char *list, const char *unit);
/* Whether every unit of want is in have; want "" is all of have: true. */
bool node_units_subset(const char *want, const char *have);
/* The units u may report for: theirs, or node_units when theirs is "". */
const char *node_user_units(const struct node_user *u, const char *node_units);

/* Adds a user. -EEXIST when the name is taken. */
int node_users_add(struct node_outbox *ob, const struct node_user *u);
/* Sets a user's password hash and enables them. -ENOENT when unknown. */
int node_users_passwd(struct node_outbox *ob, const char *name,
                      const char *pwhash);
/* Disables a user (they can no longer sign in; their entries stay theirs).
 * -ENOENT when unknown. */
int node_users_disable(struct node_outbox *ob, const char *name);
/* Looks a user up. -ENOENT when unknown. */
int node_users_get(struct node_outbox *ob, const char *name,
                   struct node_user *u);
/* Every user, by name, into a heap array the caller frees with free(). */
int node_users_list(struct node_outbox *ob, struct node_user **out, size_t *n);

#endif
