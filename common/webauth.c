#include "webauth.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "i18n.h"
#include "log.h"
#include "web.h"
#include "xmalloc.h"

#define PRE_COOKIE "luyu_pre"
#define HASH_MAX 256

struct lu_webauth {
    struct lu_sessions *sessions;
    lu_webauth_user_cb user_cb;
    void *data;
    char dummy_hash[crypto_pwhash_STRBYTES];
};

struct lu_webauth *lu_webauth_new(int idle_s, lu_webauth_user_cb user_cb,
                                  void *data)
{
    struct lu_webauth *a = lu_xcalloc(1, sizeof(*a));

    a->sessions = lu_sessions_new(idle_s);
    a->user_cb = user_cb;
    a->data = data;
    return a;
}

void lu_webauth_free(struct lu_webauth *a)
{
    if (a == NULL)
        return;
    lu_sessions_free(a->sessions);
    free(a);
}

void lu_webauth_redirect(struct lu_web_resp *resp, const char *location)
{
    resp->status = 303;
    lu_web_resp_header(resp, "Location", location);
}

static void cookie(struct lu_web_req *req, struct lu_web_resp *resp,
                   const char *name, const char *value, int max_age)
{
    char c[256];

    /* HttpOnly: no script reads it; SameSite=Strict: no other site's page
     * sends it; Secure under TLS. */
    snprintf(c, sizeof(c), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name,
             value, lu_web_req_tls(req) ? "; Secure" : "",
             max_age == 0 ? "; Max-Age=0" : "");
    lu_web_resp_header(resp, "Set-Cookie", c);
}

static bool token_valid(const char *t)
{
    return t != NULL && strlen(t) == LU_TOKEN_LEN &&
           strspn(t, "0123456789abcdef") == LU_TOKEN_LEN;
}

void lu_webauth_login_form(struct lu_webauth *a, struct lu_web_req *req,
                           struct lu_web_resp *resp, const char *problem)
{
    char pre[LU_TOKEN_LEN + 1];
    unsigned char raw[LU_TOKEN_LEN / 2];
    struct lu_buf *b = &resp->body;
    const char *user = lu_web_field(req, "user", NULL, NULL);
    const char *have = lu_web_cookie(req, PRE_COOKIE);

    (void)a;
    /* Before a session there is no session token to tie the form to: the
     * form carries a random token that must equal a cookie set with it
     * (double submit), so another site cannot sign a browser in. One token
     * per browser, not per page view: a second tab, or a favicon request,
     * must not spoil the form already shown. */
    if (token_valid(have)) {
        snprintf(pre, sizeof(pre), "%s", have);
    } else {
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(pre, sizeof(pre), raw, sizeof(raw));
        cookie(req, resp, PRE_COOKIE, pre, -1);
    }
    if (lu_web_query(req, "expired") != NULL)
        lu_buf_printf(b, "<p class=\"problem\">%s</p>",
                      _("Your session has ended; please sign in again."));
    if (problem != NULL) {
        lu_buf_adds(b, "<p class=\"problem\" id=\"problem\">");
        lu_html_esc(b, problem);
        lu_buf_adds(b, "</p>");
    }
    lu_buf_printf(b,
                  "<form method=\"post\" action=\"/login\">"
                  "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                  "<p><label>%s<br><input type=\"text\" name=\"user\" "
                  "autocomplete=\"username\" value=\"",
                  pre, _("User name"));
    lu_html_esc(b, user ? user : "");
    lu_buf_printf(b,
                  "\"></label></p><p><label>%s<br><input type=\"password\" "
                  "name=\"password\" autocomplete=\"current-password\">"
                  "</label></p><p><button>%s</button></p></form>",
                  _("Password"), _("Sign in"));
}

/* Checks a password. For an unknown or disabled user a fixed hash is
 * checked all the same, so that the time taken does not tell which user
 * names exist. */
static bool password_ok(struct lu_webauth *a, const char *user, const char *pw)
{
    char hash[HASH_MAX];
    bool ok;

    if (a->user_cb(a->data, user, hash, sizeof(hash)) == 0) {
        ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
        sodium_memzero(hash, sizeof(hash));
        return ok;
    }
    /* Only the time matters here; a failed hash leaves the string empty
     * and the check below simply fails. */
    if (a->dummy_hash[0] == '\0' &&
        crypto_pwhash_str(a->dummy_hash, "luyu", 4,
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        a->dummy_hash[0] = '\0';
    if (crypto_pwhash_str_verify(a->dummy_hash, pw, strlen(pw)) == 0)
        lu_err("web: the dummy password matched");
    return false;
}

const char *lu_webauth_login(struct lu_webauth *a, struct lu_web_req *req,
                             struct lu_web_resp *resp, const char *next)
{
    const char *user = lu_web_field(req, "user", NULL, NULL);
    const char *pw = lu_web_field(req, "password", NULL, NULL);
    const char *form = lu_web_field(req, "csrf", NULL, NULL);
    const char *pre = lu_web_cookie(req, PRE_COOKIE);
    const char *addr = lu_web_peer(req);
    const struct lu_session *ss;

    if (form == NULL || pre == NULL || strlen(pre) != LU_TOKEN_LEN ||
        strlen(form) != LU_TOKEN_LEN ||
        sodium_memcmp(form, pre, LU_TOKEN_LEN) != 0) {
        resp->status = 403;
        return _("The form has expired; please try again.");
    }
    if (user == NULL || pw == NULL || user[0] == '\0') {
        resp->status = 422;
        return _("Give a user name and password.");
    }
    if (!lu_sessions_login_allowed(a->sessions, user, addr)) {
        lu_warn("web: sign-in of \"%.32s\" from %s refused: too many "
                "failures",
                lu_utf8_fix((char *)user), addr);
        resp->status = 429;
        return _("Too many failed attempts; wait 15 minutes and try again.");
    }
    if (!password_ok(a, user, pw)) {
        lu_sessions_login_failed(a->sessions, user, addr);
        lu_info("web: failed sign-in of \"%.32s\" from %s",
                lu_utf8_fix((char *)user), addr);
        resp->status = 403;
        return _("Wrong user name or password.");
    }
    ss = lu_sessions_create(a->sessions, user);
    lu_info("web: %s signed in from %s", user, addr);
    cookie(req, resp, LU_WEBAUTH_SESSION_COOKIE, ss->token, -1);
    lu_webauth_redirect(resp, next);
    return NULL;
}

const struct lu_session *lu_webauth_session(struct lu_webauth *a,
                                            struct lu_web_req *req)
{
    const struct lu_session *ss = lu_sessions_find(
        a->sessions, lu_web_cookie(req, LU_WEBAUTH_SESSION_COOKIE));
    char hash[HASH_MAX];
    int r;

    if (ss == NULL)
        return NULL;
    r = a->user_cb(a->data, ss->user, hash, sizeof(hash));
    sodium_memzero(hash, sizeof(hash));
    if (r < 0) {
        lu_sessions_end(a->sessions, ss->token);
        return NULL;
    }
    return ss;
}

const char *lu_webauth_login_path(struct lu_web_req *req)
{
    return lu_web_cookie(req, LU_WEBAUTH_SESSION_COOKIE) ? "/login?expired=1"
                                                         : "/login";
}

void lu_webauth_logout(struct lu_webauth *a, struct lu_web_req *req,
                       struct lu_web_resp *resp, const struct lu_session *ss)
{
    lu_sessions_end(a->sessions, ss->token);
    cookie(req, resp, LU_WEBAUTH_SESSION_COOKIE, "", 0);
    lu_webauth_redirect(resp, "/login");
}

bool lu_webauth_csrf_ok(const struct lu_session *ss, struct lu_web_req *req)
{
    return lu_session_csrf_ok(ss, lu_web_field(req, "csrf", NULL, NULL));
}

void lu_webauth_csrf_field(const struct lu_session *ss, struct lu_buf *b)
{
    lu_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
                  ss->csrf);
}

void lu_webauth_signout(const struct lu_session *ss, struct lu_buf *b)
{
    lu_html_esc(b, ss->user);
    lu_buf_adds(b, "</span><form method=\"post\" action=\"/logout\">");
    lu_webauth_csrf_field(ss, b);
    lu_buf_printf(b, "<button>%s</button></form>", _("Sign out"));
}
