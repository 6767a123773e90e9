/* Signed-in web users at the node: sessions with random tokens (the
 * cookie), each with its own CSRF token for every form, expiring after
 * idle_s without a request and after 12 hours in any case; and login
 * attempts, limited per user name and per client address. Kept in memory
 * only: a restart of the node signs everyone out, which is safe. */
#ifndef NODE_SESSION_H
#define NODE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#define NODE_TOKEN_LEN 64 /* hex of 32 random bytes */

struct node_session {
    char token[NODE_TOKEN_LEN + 1];
    char csrf[NODE_TOKEN_LEN + 1];
    char user[33];
    uint64_t created_ms, seen_ms; /* monotonic */
};

struct node_sessions;

struct node_sessions *node_sessions_new(int idle_s);
void node_sessions_free(struct node_sessions *s);

/* A new session for user; the oldest is dropped when the table is full. */
const struct node_session *node_sessions_create(struct node_sessions *s,
                                                const char *user);
/* The live session with this token (touching it), or NULL. */
const struct node_session *node_sessions_find(struct node_sessions *s,
                                              const char *token);
void node_sessions_end(struct node_sessions *s, const char *token);
/* Whether form's CSRF token is the session's (constant time). */
bool node_session_csrf_ok(const struct node_session *ss, const char *form);

/* Whether another login attempt for user from addr may be judged now:
 * false after 5 failures for the user or 20 from the address within 15
 * minutes, until the oldest of them is 15 minutes old. */
bool node_sessions_login_allowed(struct node_sessions *s, const char *user,
                                 const char *addr);
void node_sessions_login_failed(struct node_sessions *s, const char *user,
                                const char *addr);

#endif
