#include "pages.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "i18n.h"
#include "log.h"
#include "outbox.h"
#include "plan.h"
#include "session.h"
#include "uplink.h"
#include "users.h"
#include "web.h"
#include "pages_int.h"
#include "xmalloc.h"

#define SESSION_COOKIE "luyu_session"
#define PRE_COOKIE "luyu_pre"

/* The one stylesheet, embedded: district networks are closed, and the CSP
 * allows nothing from elsewhere. */
static const char CSS[] =
    "body{font-family:sans-serif;margin:0;color:#222;background:#fafafa}"
    "header{background:#8b1a1a;color:#fff;padding:.5em 1em;display:flex;"
    "flex-wrap:wrap;gap:1em;align-items:center}"
    "header a{color:#fff}header form{margin:0}header .ok{color:#cfc}"
    "header .down{color:#fdd;font-weight:bold}"
    "main{padding:1em;max-width:70em}"
    ".ok{color:#1a6b1a}.down{color:#b00}.err{color:#b00;font-size:.9em}"
    ".warn{color:#8a5a00;font-size:.9em}"
    "table{border-collapse:collapse;width:100%}"
    "td,th{border-bottom:1px solid #ddd;padding:.3em;text-align:left;"
    "vertical-align:top}"
    "input[type=text],input[type=password]{width:100%;box-sizing:border-box}"
    "fieldset{margin-bottom:1em;overflow-x:auto}"
    ".banner{padding:.5em;background:#eef6ee;border:1px solid #9c9}"
    ".problem{padding:.5em;background:#fdeeee;border:1px solid #c99}"
    "@media(max-width:600px){td,th{display:block;border:0}"
    "tr{display:block;border-bottom:1px solid #ccc;margin-bottom:.5em}}";

static void css(struct node_pages *np, struct lu_web_req *req,
                struct lu_web_resp *resp)
{
    resp->status = 200;
    resp->type = "text/css; charset=utf-8";
    resp->cacheable = true;
    lu_buf_adds(&resp->body, CSS);
}

void node_pages_redirect(struct lu_web_resp *resp, const char *location)
{
    resp->status = 303;
    lu_web_resp_header(resp, "Location", location);
}

void node_pages_refuse(struct node_pages *np, struct lu_web_resp *resp,
                       int status, const char *msg)
{
    resp->status = status;
    node_pages_page_start(np, NULL, resp, _("Refused"));
    lu_buf_adds(&resp->body, "<p class=\"problem\">");
    lu_html_esc(&resp->body, msg);
    lu_buf_adds(&resp->body, "</p><p><a href=\"/\">");
    lu_html_esc(&resp->body, _("Back"));
    lu_buf_adds(&resp->body, "</a></p>");
    node_pages_page_end(resp);
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

/* The link's state in words, for every page's header. */
static void link_state(struct node_pages *np, struct lu_buf *b)
{
    struct node_uplink_info info;
    struct node_outbox_stats st;
    char when[32];

    node_uplink_info(np->ctx.uplink, &info);
    node_outbox_stats(np->ctx.outbox, &st);
    if (info.up) {
        lu_buf_printf(b, "<span class=\"ok\" id=\"link\">%s</span>",
                      _("Link up"));
    } else {
        lu_buf_printf(b, "<span class=\"down\" id=\"link\">%s",
                      _("Disconnected"));
        if (info.down_since_s) {
            lu_buf_adds(b, " ");
            lu_buf_printf(
                b, _("since %s"),
                node_pages_time(info.down_since_s, when, sizeof(when)));
        }
        if (st.last_ack_s) {
            lu_buf_adds(b, " ");
            lu_buf_printf(b, _("(last answer from the province %s)"),
                          node_pages_time(st.last_ack_s, when, sizeof(when)));
        }
        lu_buf_adds(b, "</span>");
    }
    lu_buf_adds(b, " · ");
    lu_buf_printf(b, _("%llu waiting to be sent"),
                  (unsigned long long)st.pending);
}

void node_pages_page_start(struct node_pages *np, const struct node_session *ss,
                           struct lu_web_resp *resp, const char *title)
{
    struct lu_buf *b = &resp->body;

    resp->type = "text/html; charset=utf-8";
    lu_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>"
                   "<meta charset=\"utf-8\"><meta name=\"viewport\" "
                   "content=\"width=device-width, initial-scale=1\">"
                   "<link rel=\"stylesheet\" href=\"/static/luyu.css\">"
                   "<title>");
    lu_html_esc(b, title);
    lu_buf_adds(b, "</title></head><body><header><strong>");
    lu_html_esc(b, _("Shandong-Chongqing cooperation ledger"));
    lu_buf_adds(b, "</strong> ");
    lu_html_esc(b, np->ctx.node_id);
    if (ss != NULL) {
        lu_buf_printf(b,
                      " <a href=\"/form\">%s</a> <a href=\"/upload\">%s</a> "
                      "<a href=\"/entries\">%s</a> <span>",
                      _("Enter the month"), _("Upload a file"),
                      _("What we entered"));
        link_state(np, b);
        lu_buf_adds(b, "</span> <span>");
        lu_html_esc(b, ss->user);
        lu_buf_adds(b, "</span><form method=\"post\" action=\"/logout\">");
        node_pages_csrf_field(ss, b);
        lu_buf_printf(b, "<button>%s</button></form>", _("Sign out"));
    }
    lu_buf_adds(b, "</header><main><h1>");
    lu_html_esc(b, title);
    lu_buf_adds(b, "</h1>");
}

void node_pages_page_end(struct lu_web_resp *resp)
{
    lu_buf_adds(&resp->body, "</main></body></html>\n");
}

void node_pages_csrf_field(const struct node_session *ss, struct lu_buf *b)
{
    lu_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
                  ss->csrf);
}

char *node_pages_time(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;

    localtime_r(&tt, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

/* ---- signing in ---- */

static void login_page(struct node_pages *np, struct lu_web_req *req,
                       struct lu_web_resp *resp, const char *problem)
{
    char pre[NODE_TOKEN_LEN + 1];
    unsigned char raw[NODE_TOKEN_LEN / 2];
    struct lu_buf *b = &resp->body;
    const char *user = lu_web_field(req, "user", NULL, NULL);
    const char *have;

    /* Before a session there is no session token to tie the form to: the
     * form carries a random token that must equal a cookie set with it
     * (double submit), so another site cannot sign a browser in. */
    have = lu_web_cookie(req, PRE_COOKIE);
    /* One token per browser, not per page view: a second tab, or a
     * favicon request, must not spoil the form already shown. */
    if (have != NULL && strlen(have) == NODE_TOKEN_LEN &&
        strspn(have, "0123456789abcdef") == NODE_TOKEN_LEN) {
        snprintf(pre, sizeof(pre), "%s", have);
    } else {
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(pre, sizeof(pre), raw, sizeof(raw));
        cookie(req, resp, PRE_COOKIE, pre, -1);
    }
    if (resp->status == 500) /* not set by the caller: no problem */
        resp->status = 200;
    node_pages_page_start(np, NULL, resp, _("Sign in"));
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
    node_pages_page_end(resp);
}

/* Checks a password. For an unknown or disabled user a fixed hash is
 * checked all the same, so that the time taken does not tell which user
 * names exist. */
static bool password_ok(struct node_pages *np, const char *user, const char *pw)
{
    struct node_user u;
    bool known = node_user_name_valid(user) &&
                 node_users_get(np->ctx.outbox, user, &u) == 0 && !u.disabled;

    if (!known) {
        /* Only the time matters here; a failed hash leaves the string
         * empty and the check below simply fails. */
        if (np->dummy_hash[0] == '\0' &&
            crypto_pwhash_str(np->dummy_hash, "luyu", 4,
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
            np->dummy_hash[0] = '\0';
        if (crypto_pwhash_str_verify(np->dummy_hash, pw, strlen(pw)) == 0)
            lu_err("web: the dummy password matched");
        return false;
    }
    return crypto_pwhash_str_verify(u.pwhash, pw, strlen(pw)) == 0;
}

static void login(struct node_pages *np, struct lu_web_req *req,
                  struct lu_web_resp *resp)
{
    const char *user = lu_web_field(req, "user", NULL, NULL);
    const char *pw = lu_web_field(req, "password", NULL, NULL);
    const char *form = lu_web_field(req, "csrf", NULL, NULL);
    const char *pre = lu_web_cookie(req, PRE_COOKIE);
    const char *addr = lu_web_peer(req);
    const struct node_session *ss;

    if (form == NULL || pre == NULL || strlen(pre) != NODE_TOKEN_LEN ||
        strlen(form) != NODE_TOKEN_LEN ||
        sodium_memcmp(form, pre, NODE_TOKEN_LEN) != 0) {
        resp->status = 403;
        return login_page(np, req, resp,
                          _("The form has expired; please try again."));
    }
    if (user == NULL || pw == NULL || user[0] == '\0') {
        resp->status = 422;
        return login_page(np, req, resp, _("Give a user name and password."));
    }
    if (!node_sessions_login_allowed(np->sessions, user, addr)) {
        lu_warn("web: sign-in of \"%.32s\" from %s refused: too many "
                "failures",
                lu_utf8_fix((char *)user), addr);
        resp->status = 429;
        return login_page(np, req, resp,
                          _("Too many failed attempts; wait 15 minutes and "
                            "try again."));
    }
    if (!password_ok(np, user, pw)) {
        node_sessions_login_failed(np->sessions, user, addr);
        lu_info("web: failed sign-in of \"%.32s\" from %s",
                lu_utf8_fix((char *)user), addr);
        resp->status = 403;
        return login_page(np, req, resp, _("Wrong user name or password."));
    }
    ss = node_sessions_create(np->sessions, user);
    lu_info("web: %s signed in from %s", user, addr);
    cookie(req, resp, SESSION_COOKIE, ss->token, -1);
    node_pages_redirect(resp, "/form");
}

/* The signed-in user of req, or NULL. The user is read again on every
 * request, so a disabled user is out at once. */
static const struct node_session *
session(struct node_pages *np, struct lu_web_req *req, struct node_user *u)
{
    const struct node_session *ss =
        node_sessions_find(np->sessions, lu_web_cookie(req, SESSION_COOKIE));

    if (ss == NULL)
        return NULL;
    if (node_users_get(np->ctx.outbox, ss->user, u) < 0 || u->disabled) {
        node_sessions_end(np->sessions, ss->token);
        return NULL;
    }
    return ss;
}

static void logout(struct node_pages *np, struct lu_web_req *req,
                   struct lu_web_resp *resp, const struct node_session *ss)
{
    node_sessions_end(np->sessions, ss->token);
    cookie(req, resp, SESSION_COOKIE, "", 0);
    node_pages_redirect(resp, "/login");
}

static bool page_path(const char *path)
{
    static const char *const PAGES[] = {
        "/",       "/form",   "/entries",       "/correct",
        "/logout", "/upload", "/upload/commit", "/history"};

    for (size_t i = 0; i < sizeof(PAGES) / sizeof(PAGES[0]); i++) {
        if (strcmp(path, PAGES[i]) == 0)
            return true;
    }
    return false;
}

/* Every request but the login page and the stylesheet needs a live
 * session, and every POST the session's CSRF token. */
static void route(struct node_pages *np, struct lu_web_req *req,
                  struct lu_web_resp *resp)
{
    const char *path = lu_web_path(req);
    bool post = strcmp(lu_web_method(req), "POST") == 0;
    const struct node_session *ss;
    struct node_user u;

    if (strcmp(path, "/static/luyu.css") == 0)
        return css(np, req, resp);
    if (strncmp(path, "/api/", 5) == 0)
        return node_pages_api(np, req, resp);
    if (strcmp(path, "/login") == 0)
        return post ? login(np, req, resp) : login_page(np, req, resp, NULL);
    if (!page_path(path))
        return node_pages_refuse(np, resp, 404, _("No such page."));
    ss = session(np, req, &u);
    if (ss == NULL && !post)
        return node_pages_redirect(resp, lu_web_cookie(req, SESSION_COOKIE)
                                             ? "/login?expired=1"
                                             : "/login");
    if (ss == NULL)
        return node_pages_refuse(np, resp, 403,
                                 _("You are not signed in, or your session "
                                   "has ended: sign in again."));
    if (post &&
        !node_session_csrf_ok(ss, lu_web_field(req, "csrf", NULL, NULL)))
        return node_pages_refuse(np, resp, 403,
                                 _("This form is not valid any more (security "
                                   "token missing or old): open the page "
                                   "again and resend."));
    if (post && strcmp(path, "/logout") == 0)
        return logout(np, req, resp, ss);
    /* Clerks enter, import and correct; a reviewer reads (and approves,
     * when the review issue lands). */
    if (post && strcmp(u.role, "clerk") != 0)
        return node_pages_refuse(np, resp, 403,
                                 _("Only clerks enter or change figures."));
    if (strcmp(path, "/") == 0)
        return node_pages_redirect(resp, "/form");
    if (strcmp(path, "/form") == 0)
        return post ? node_pages_form_post(np, req, resp, ss, &u)
                    : node_pages_form_page(np, req, resp, ss, &u, NULL, false);
    if (strcmp(path, "/entries") == 0 && !post)
        return node_pages_entries_page(np, req, resp, ss, &u, NULL);
    if (strcmp(path, "/upload") == 0)
        return post ? node_pages_upload_post(np, req, resp, ss, &u)
                    : node_pages_upload_page(np, req, resp, ss, NULL);
    if (strcmp(path, "/upload/commit") == 0 && post)
        return node_pages_upload_commit(np, req, resp, ss, &u);
    if (strcmp(path, "/history") == 0 && !post)
        return node_pages_history_page(np, req, resp, ss, &u);
    if (strcmp(path, "/correct") == 0 && post)
        return node_pages_correct_post(np, req, resp, ss, &u);
    node_pages_refuse(np, resp, 404, _("No such page."));
}

static void on_request(void *data, struct lu_web_req *req,
                       struct lu_web_resp *resp)
{
    struct node_pages *np = data;
    locale_t lang = strncmp(lu_web_path(req), "/api/", 5) == 0 ? np->c : np->zh;
    locale_t old = (locale_t)0;

    /* The pages are in Chinese whatever the daemon's own locale; the
     * API's answers are English (node/pages_api.c). */
    if (lang != (locale_t)0)
        old = uselocale(lang);
    route(np, req, resp);
    if (lang != (locale_t)0)
        uselocale(old);
}

struct node_pages *node_pages_new(struct lu_web *w,
                                  const struct node_pages_ctx *ctx)
{
    struct node_pages *np = lu_xcalloc(1, sizeof(*np));

    np->ctx = *ctx;
    np->sessions = node_sessions_new(ctx->session_idle_s);
    np->zh = newlocale(LC_MESSAGES_MASK, "zh_CN.UTF-8", (locale_t)0);
    np->c = newlocale(LC_MESSAGES_MASK, "C", (locale_t)0);
    if (np->zh == (locale_t)0)
        lu_warn("web: no zh_CN.UTF-8 locale on this system: the pages are "
                "in English (install locales and generate zh_CN.UTF-8)");
    lu_web_route(w, "/", on_request, np);
    return np;
}

void node_pages_free(struct node_pages *np)
{
    if (np == NULL)
        return;
    node_pages_uploads_free(np);
    node_sessions_free(np->sessions);
    if (np->zh != (locale_t)0)
        freelocale(np->zh);
    if (np->c != (locale_t)0)
        freelocale(np->c);
    free(np);
}
