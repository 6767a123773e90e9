#include "dash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "bulletins.h"
#include "dash_int.h"
#include "html.h"
#include "i18n.h"
#include "log.h"
#include "reader.h"
#include "users.h"
#include "web.h"
#include "webauth.h"
#include "xmalloc.h"

/* The one stylesheet and script, embedded: the CSP allows nothing from
 * elsewhere. The fonts named are those Chinese Windows, phones and a
 * Debian server with fonts-noto-cjk have. */
static const char CSS[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\","
    "\"PingFang SC\",\"Source Han Sans SC\",sans-serif;margin:0;color:#222;"
    "background:#fafafa;font-size:16px}"
    "header{background:#8b1a1a;color:#fff;padding:.5em 1em;display:flex;"
    "flex-wrap:wrap;gap:.4em 1em;align-items:center}"
    "header a{color:#fff}header form{margin:0}"
    "main{padding:1em;max-width:72em}"
    ".ok{color:#1a6b1a}.behind{color:#b00;font-weight:bold}.late{color:#a60}"
    ".missing{color:#b00}tr.flag td{background:#fff4e5}"
    "#steps form{margin:.5em 0}#steps input{max-width:100%}"
    ".wrap{overflow-x:auto;max-width:100%}"
    "table{border-collapse:collapse}"
    "td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;"
    "vertical-align:top;word-break:keep-all}"
    "td.n,th.n{text-align:right;white-space:nowrap}"
    ".cards{display:flex;flex-wrap:wrap;gap:1em}"
    ".card{background:#fff;border:1px solid #ddd;padding:.6em;"
    "min-width:14em;flex:1 1 14em}"
    ".card .big{font-size:1.5em;font-weight:bold}"
    ".problem{padding:.5em;background:#fdeeee;border:1px solid #c99}"
    "svg text{font-size:13px}"
    "@media print{header form,nav,.nav{display:none}body{background:#fff}"
    "@page{size:A4;margin:15mm}}";

/* Refreshes the overview's live figures from /events without a reload:
 * each event's data is {"id": text, ...}; elements with that id get the
 * text. */
static const char JS[] =
    "if(window.EventSource&&document.getElementById('live')){"
    "var m=document.getElementById('live').getAttribute('data-month');"
    "var es=new EventSource('/events?month='+m);"
    "es.onmessage=function(e){var o=JSON.parse(e.data);"
    "for(var k in o){var el=document.getElementById(k);"
    "if(el)el.textContent=o[k];}};}";

static void asset(struct lu_web_resp *resp, const char *type, const char *s)
{
    resp->status = 200;
    resp->type = type;
    resp->cacheable = true;
    lu_buf_adds(&resp->body, s);
}

char *hub_dash_period(uint32_t period, char *buf, size_t len)
{
    snprintf(buf, len, "%04u-%02u", period / 100, period % 100);
    return buf;
}

uint32_t hub_dash_add_months(uint32_t period, int n)
{
    int m = (int)(period / 100) * 12 + (int)(period % 100) - 1 + n;

    return (uint32_t)(m / 12 * 100 + m % 12 + 1);
}

char *hub_dash_time(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)(t + 8 * 3600); /* China time, no DST */
    struct tm tm;

    if (t == 0) {
        snprintf(buf, len, "-");
        return buf;
    }
    gmtime_r(&tt, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

void hub_dash_start(struct hub_dash *d, const struct lu_session *ss,
                    struct lu_web_resp *resp, const char *title)
{
    struct lu_buf *b = &resp->body;

    resp->type = "text/html; charset=utf-8";
    lu_html_page_head(b, "/static/dash.css", title, d->ctx.hub_id);
    if (ss != NULL) {
        lu_buf_printf(
            b,
            "<span class=\"nav\"><a href=\"/\">%s</a> "
            "<a href=\"/indicator\">%s</a> <a href=\"/grid\">%s</a> "
            "<a href=\"/pool\">%s</a> <a href=\"/assess\">%s</a> "
            "<a href=\"/review\">%s</a> <a href=\"/bulletins\">%s</a> "
            "<a href=\"/nodes\">%s</a></span> <span>",
            _("Overview"), _("Indicators"), _("Reporting"), _("Project pool"),
            _("Assessment"), _("Review"), _("Bulletins"), _("Nodes"));
        lu_webauth_signout(ss, b);
    }
    lu_html_page_main(b, title);
}

void hub_dash_end(struct lu_web_resp *resp)
{
    lu_buf_adds(&resp->body, "</main><script src=\"/static/dash.js\"></script>"
                             "</body></html>\n");
}

void hub_dash_refuse(struct hub_dash *d, struct lu_web_resp *resp, int status,
                     const char *msg)
{
    resp->status = status;
    hub_dash_start(d, NULL, resp, _("Refused"));
    lu_buf_adds(&resp->body, "<p class=\"problem\" id=\"problem\">");
    lu_html_esc(&resp->body, msg);
    lu_buf_adds(&resp->body, "</p><p><a href=\"/\">");
    lu_html_esc(&resp->body, _("Back"));
    lu_buf_adds(&resp->body, "</a></p>");
    hub_dash_end(resp);
}

static void login_page(struct hub_dash *d, struct lu_web_req *req,
                       struct lu_web_resp *resp, const char *problem)
{
    if (resp->status == 500) /* not set by the caller: no problem */
        resp->status = 200;
    hub_dash_start(d, NULL, resp, _("Sign in"));
    lu_webauth_login_form(d->auth, req, resp, problem);
    hub_dash_end(resp);
}

/* For common/webauth.c: whether name may sign in, and its hash. */
static int user_hash(void *data, const char *name, char *hash, size_t len)
{
    struct hub_dash *d = data;
    struct lu_webuser u;

    if (!lu_webuser_name_valid(name) ||
        lu_webusers_get(d->users_db, name, &u) < 0 || u.disabled)
        return -ENOENT;
    snprintf(hash, len, "%s", u.pwhash);
    return 0;
}

typedef void page_cb(struct hub_dash *d, struct lu_web_req *req,
                     struct lu_web_resp *resp, const struct lu_session *ss);

static const struct {
    const char *path;
    page_cb *cb;
    page_cb *post; /* the page's form: reviewers and admins only */
} PAGES[] = {
    {"/", hub_dash_overview, NULL},
    {"/indicator", hub_dash_indicator, NULL},
    {"/grid", hub_dash_grid, NULL},
    {"/pool", hub_dash_pool, NULL},
    {"/assess", hub_dash_assess, NULL},
    {"/bulletins", hub_dash_bulletins, NULL},
    {"/bulletin.bin", hub_dash_bulletin_file, NULL},
    {"/bulletin.html", hub_dash_bulletin_html, NULL},
    {"/bulletin.css", hub_dash_bulletin_css, NULL},
    {"/nodes", hub_dash_nodes_defer, NULL},
    {"/review", hub_dash_review, hub_dash_review_post},
};

static bool known_path(const char *path)
{
    if (strcmp(path, "/events") == 0 || strcmp(path, "/logout") == 0)
        return true;
    for (size_t i = 0; i < sizeof(PAGES) / sizeof(PAGES[0]); i++) {
        if (strcmp(path, PAGES[i].path) == 0)
            return true;
    }
    return false;
}

/* Every page but sign-in and the assets needs a live session, every POST
 * its CSRF token, and the review steps (the one form, POST /review) a
 * reviewer or admin: viewers read every page, the review queue too. */
static void route(struct hub_dash *d, struct lu_web_req *req,
                  struct lu_web_resp *resp)
{
    const char *path = lu_web_path(req);
    bool post = strcmp(lu_web_method(req), "POST") == 0;
    const struct lu_session *ss;
    struct lu_webuser u;

    if (strcmp(path, "/static/dash.css") == 0)
        return asset(resp, "text/css; charset=utf-8", CSS);
    if (strcmp(path, "/static/dash.js") == 0)
        return asset(resp, "text/javascript; charset=utf-8", JS);
    if (strcmp(path, "/login") == 0) {
        const char *problem =
            post ? lu_webauth_login(d->auth, req, resp, "/") : NULL;

        if (!post || problem != NULL)
            login_page(d, req, resp, problem);
        return;
    }
    if (!known_path(path))
        return hub_dash_refuse(d, resp, 404, _("No such page."));
    ss = lu_webauth_session(d->auth, req);
    if (ss == NULL || lu_webusers_get(d->users_db, ss->user, &u) < 0) {
        if (post || strcmp(path, "/events") == 0)
            return hub_dash_refuse(d, resp, 403,
                                   _("You are not signed in, or your session "
                                     "has ended: sign in again."));
        return lu_webauth_redirect(resp, lu_webauth_login_path(req));
    }
    if (post && !lu_webauth_csrf_ok(ss, req))
        return hub_dash_refuse(d, resp, 403,
                               _("This form is not valid any more (security "
                                 "token missing or old): open the page "
                                 "again and resend."));
    if (post && strcmp(path, "/logout") == 0)
        return lu_webauth_logout(d->auth, req, resp, ss);
    if (!post && strcmp(path, "/events") == 0)
        return hub_dash_events(d, req, resp);
    for (size_t i = 0; i < sizeof(PAGES) / sizeof(PAGES[0]); i++) {
        if (strcmp(path, PAGES[i].path) != 0)
            continue;
        if (!post)
            return PAGES[i].cb(d, req, resp, ss);
        if (PAGES[i].post == NULL)
            break;
        if (!hub_user_reviews(u.role))
            return hub_dash_refuse(d, resp, 403,
                                   _("Only reviewers and admins take the "
                                     "province's review steps."));
        return PAGES[i].post(d, req, resp, ss);
    }
    hub_dash_refuse(d, resp, 404, _("No such page."));
}

static void on_request(void *data, struct lu_web_req *req,
                       struct lu_web_resp *resp)
{
    struct lu_i18n_scope lang;

    /* The pages are in Chinese whatever the daemon's own locale. */
    lu_i18n_enter("zh_CN.UTF-8", &lang);
    route(data, req, resp);
    lu_i18n_leave(&lang);
}

/* Two read-only connections, the pages' and the drafts' (one thread
 * each): ledger.db, or two PostgreSQL sessions that write nothing
 * (ledger/reader.h). The users stay in the state directory. */
static int open_ledger(struct hub_dash *d, char *err, size_t errlen)
{
    const char *where =
        d->ctx.ledger_url ? d->ctx.ledger_url : d->ctx.state_dir;
    int r = ledger_reader_open(where, &d->db, err, errlen);

    if (r == 0)
        r = hub_users_open_reader(d->ctx.state_dir, &d->users_db, err, errlen);
    if (r == 0)
        r = ledger_reader_open(where, &d->bg_db, err, errlen);
    if (r == 0)
        r = ledger_bulletins_open_reader(d->bg_db, &d->bg_store, err, errlen);
    if (r == 0)
        r = ledger_bulletins_open_reader(d->db, &d->store, err, errlen);
    if (r < 0)
        return r;
    if (d->ctx.province != NULL)
        snprintf(d->province, sizeof(d->province), "%s", d->ctx.province);
    else if (ledger_bulletins_own_province(d->store, d->province,
                                           sizeof(d->province)) < 0)
        d->province[0] = '\0'; /* found later, from the balances */
    return 0;
}

struct hub_dash *hub_dash_new(struct lu_web *w, const struct hub_dash_ctx *ctx,
                              char *err, size_t errlen)
{
    struct hub_dash *d = lu_xcalloc(1, sizeof(*d));

    d->ctx = *ctx;
    if (open_ledger(d, err, errlen) < 0) {
        hub_dash_free(d);
        return NULL;
    }
    d->auth = lu_webauth_new(ctx->session_idle_s, user_hash, d);
    d->web = w;
    lu_web_route(w, "/", on_request, d);
    hub_dash_live_start(d);
    return d;
}

void hub_dash_free(struct hub_dash *d)
{
    if (d == NULL)
        return;
    hub_dash_sse_free(d);
    lu_buf_free(&d->changes[0]);
    lu_buf_free(&d->changes[1]);
    lu_buf_free(&d->overview);
    sqlite3_close(d->users_db);
    ledger_bulletin_draft_free(d->bg_keep);
    ledger_bulletins_free(d->bg_store);
    ledger_reader_close(d->bg_db);
    ledger_bulletin_free(d->draft);
    ledger_bulletins_free(d->store);
    ledger_reader_close(d->db);
    lu_webauth_free(d->auth);
    free(d);
}
