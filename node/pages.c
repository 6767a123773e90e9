#include "pages.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "i18n.h"
#include "log.h"
#include "outbox.h"
#include "plan.h"
#include "reject.h"
#include "session.h"
#include "uplink.h"
#include "users.h"
#include "web.h"
#include "pages_int.h"
#include "xmalloc.h"

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

void node_pages_delivery(int state, int reject_code, const char *reason,
                         struct lu_buf *b)
{
    if (state == NODE_PENDING) {
        lu_buf_printf(b, "<span class=\"state-pending\">%s</span>",
                      _("Waiting to be sent"));
    } else if (state == NODE_ACKED) {
        lu_buf_printf(b, "<span class=\"state-acked ok\">%s</span>",
                      _("In the provincial ledger"));
    } else {
        lu_buf_printf(b, "<span class=\"state-rejected down\">%s ",
                      _("Returned:"));
        lu_html_esc(b, lu_reject_say(reject_code, reason));
        lu_buf_adds(b, "</span>");
    }
}

void node_pages_page_start(struct node_pages *np, const struct lu_session *ss,
                           struct lu_web_resp *resp, const char *title)
{
    struct lu_buf *b = &resp->body;
    struct lu_webuser u;

    resp->type = "text/html; charset=utf-8";
    lu_html_page_head(b, "/static/luyu.css", title, np->ctx.node_id);
    if (ss != NULL) {
        lu_buf_printf(b,
                      " <a href=\"/form\">%s</a> <a href=\"/upload\">%s</a> "
                      "<a href=\"/entries\">%s</a> <a href=\"/review\">%s"
                      "</a> <a href=\"/projects\" id=\"nav-projects\">%s</a> "
                      "<span>",
                      _("Enter the month"), _("Upload a file"),
                      _("What we entered"), _("Review"), _("Our projects"));
        link_state(np, b);
        lu_buf_adds(b, "</span> <span>");
        lu_webauth_signout(ss, b);
    }
    lu_html_page_main(b, title);
    /* The province's messages on every page, for the user's units: a
     * clerk must not miss a returned month or a reminder. */
    if (ss != NULL && node_users_get(np->ctx.outbox, ss->user, &u) == 0)
        node_pages_notices(np, node_user_units(&u, np->ctx.units), b);
}

void node_pages_page_end(struct lu_web_resp *resp)
{
    lu_buf_adds(&resp->body, "</main></body></html>\n");
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
    if (resp->status == 500) /* not set by the caller: no problem */
        resp->status = 200;
    node_pages_page_start(np, NULL, resp, _("Sign in"));
    lu_webauth_login_form(np->auth, req, resp, problem);
    node_pages_page_end(resp);
}

static void login(struct node_pages *np, struct lu_web_req *req,
                  struct lu_web_resp *resp)
{
    const char *problem = lu_webauth_login(np->auth, req, resp, "/form");

    if (problem != NULL)
        login_page(np, req, resp, problem);
}

/* The signed-in user of req, or NULL. The user is read again on every
 * request, so a disabled user is out at once. */
static const struct lu_session *
session(struct node_pages *np, struct lu_web_req *req, struct lu_webuser *u)
{
    const struct lu_session *ss = lu_webauth_session(np->auth, req);

    if (ss == NULL || node_users_get(np->ctx.outbox, ss->user, u) < 0)
        return NULL;
    return ss;
}

/* For common/webauth.c: whether name may sign in, and its hash. */
static int user_hash(void *data, const char *name, char *hash, size_t len)
{
    struct node_pages *np = data;
    struct lu_webuser u;

    if (!lu_webuser_name_valid(name) ||
        node_users_get(np->ctx.outbox, name, &u) < 0 || u.disabled)
        return -ENOENT;
    snprintf(hash, len, "%s", u.pwhash);
    return 0;
}

static bool page_path(const char *path)
{
    static const char *const PAGES[] = {
        "/", "/form", "/entries", "/correct", "/logout", "/upload",
        "/upload/commit", "/history", "/review",
        /* node/pages_project.c */
        "/projects", "/projects/show", "/projects/add", "/projects/edit",
        "/projects/stage"};

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
    const struct lu_session *ss;
    struct lu_webuser u;

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
        return lu_webauth_redirect(resp, lu_webauth_login_path(req));
    if (ss == NULL)
        return node_pages_refuse(np, resp, 403,
                                 _("You are not signed in, or your session "
                                   "has ended: sign in again."));
    if (post && !lu_webauth_csrf_ok(ss, req))
        return node_pages_refuse(np, resp, 403,
                                 _("This form is not valid any more (security "
                                   "token missing or old): open the page "
                                   "again and resend."));
    if (post && strcmp(path, "/logout") == 0)
        return lu_webauth_logout(np->auth, req, resp, ss);
    /* A reviewer approves months (the role is checked there); clerks
     * enter, import and correct. */
    if (strcmp(path, "/review") == 0)
        return post ? node_pages_review_post(np, req, resp, ss, &u)
                    : node_pages_review_page(np, req, resp, ss, &u, NULL);
    /* Clerks and reviewers both keep their units' projects
     * (docs/DECISIONS.md, "Projects on the node's pages"). */
    if (strncmp(path, "/projects", 9) == 0)
        return node_pages_projects(np, req, resp, ss, &u, post);
    if (post && strcmp(u.role, "clerk") != 0)
        return node_pages_refuse(np, resp, 403,
                                 _("Only clerks enter or change figures."));
    if (strcmp(path, "/") == 0)
        return lu_webauth_redirect(resp, "/form");
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
    np->auth = lu_webauth_new(ctx->session_idle_s, user_hash, np);
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
    lu_webauth_free(np->auth);
    if (np->zh != (locale_t)0)
        freelocale(np->zh);
    if (np->c != (locale_t)0)
        freelocale(np->c);
    free(np);
}
