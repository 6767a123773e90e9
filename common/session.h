/* Signed-in web users of a daemon's pages (node and hub alike): sessions
 * with random tokens (the cookie), each with its own CSRF token for every
 * form, expiring after idle_s without a request and after 12 hours in any
 * case; and login attempts, limited per user name and per client address.
 * Kept in memory only: a restart of the daemon signs everyone out, which
 * is safe. */
#ifndef LU_SESSION_H
#define LU_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#define LU_TOKEN_LEN 64 /* hex of 32 random bytes */

struct lu_session {
    char token[LU_TOKEN_LEN + 1];
    char csrf[LU_TOKEN_LEN + 1];
    char user[33];
    uint64_t created_ms, seen_ms; /* monotonic */
};

struct lu_sessions;

struct lu_sessions *lu_sessions_new(int idle_s);
void lu_sessions_free(struct lu_sessions *s);

/* A new session for user; the oldest is dropped when the table is full. */
const struct lu_session *lu_sessions_create(struct lu_sessions *s,
                                            const char *user);
/* The live session with this token (touching it), or NULL. */
const struct lu_session *lu_sessions_find(struct lu_sessions *s,
                                          const char *token);
void lu_sessions_end(struct lu_sessions *s, const char *token);
/* Whether form's CSRF token is the session's (constant time). */
bool lu_session_csrf_ok(const struct lu_session *ss, const char *form);

/* Whether another login attempt for user from addr may be judged now:
 * false after 5 failures for the user or 20 from the address within 15
 * minutes, until the oldest of them is 15 minutes old. */
bool lu_sessions_login_allowed(struct lu_sessions *s, const char *user,
                               const char *addr);
void lu_sessions_login_failed(struct lu_sessions *s, const char *user,
                              const char *addr);

#endif
