/* Signing in to a daemon's web pages, the same at the node and the hub:
 * the sign-in form and its double-submit token, the password check against
 * a user's Argon2id hash, the session cookie, and finding the session of
 * each request. The daemon keeps its users (node/users.h, hub/users.h) and
 * says through a callback whether a name may sign in and with which hash;
 * this module keeps the sessions (common/session.h). */
#ifndef LU_WEBAUTH_H
#define LU_WEBAUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"
#include "util.h"

struct lu_web_req;
struct lu_web_resp;
struct lu_webauth;

#define LU_WEBAUTH_SESSION_COOKIE "luyu_session"

/* Writes name's password hash (crypto_pwhash_str format) into hash, of len
 * bytes: 0 when the user exists and may sign in; -ENOENT when unknown or
 * disabled; another negative errno when the users cannot be read. */
typedef int (*lu_webauth_user_cb)(void *data, const char *name, char *hash,
                                  size_t len);

/* Sessions end after idle_s unused. user_cb and data are borrowed. */
struct lu_webauth *lu_webauth_new(int idle_s, lu_webauth_user_cb user_cb,
                                  void *data);
void lu_webauth_free(struct lu_webauth *a);

/* A 303 to location. */
void lu_webauth_redirect(struct lu_web_resp *resp, const char *location);
/* Appends the sign-in form (posting to /login) to resp's body, with the
 * "session ended" note when the request says ?expired and problem when not
 * NULL; sets the form's token cookie when the browser has none. */
void lu_webauth_login_form(struct lu_webauth *a, struct lu_web_req *req,
                           struct lu_web_resp *resp, const char *problem);
/* Judges POST /login. On success sets the session cookie, answers a 303 to
 * next and returns NULL; otherwise sets resp->status (403, 422 or 429) and
 * returns the problem to show above the form again. */
const char *lu_webauth_login(struct lu_webauth *a, struct lu_web_req *req,
                             struct lu_web_resp *resp, const char *next);
/* The live session of req whose user may still sign in, or NULL: a user
 * disabled since is out at once. */
const struct lu_session *lu_webauth_session(struct lu_webauth *a,
                                            struct lu_web_req *req);
/* Where a request without a live session goes: /login, or
 * /login?expired=1 when it carried a session cookie. */
const char *lu_webauth_login_path(struct lu_web_req *req);
/* Ends ss, clears the cookie and answers a 303 to /login. */
void lu_webauth_logout(struct lu_webauth *a, struct lu_web_req *req,
                       struct lu_web_resp *resp, const struct lu_session *ss);
/* Whether a POST carries ss's CSRF token in its "csrf" field. */
bool lu_webauth_csrf_ok(const struct lu_session *ss, struct lu_web_req *req);
/* The hidden CSRF field every form carries. */
void lu_webauth_csrf_field(const struct lu_session *ss, struct lu_buf *b);
/* The header's end for a signed-in user: the name (in a span the caller
 * opened) and the sign-out form. */
void lu_webauth_signout(const struct lu_session *ss, struct lu_buf *b);

#endif
