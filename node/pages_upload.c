/* The upload page: a clerk sends the office's file, sees every row and
 * every problem before anything is stored, then commits it with one click,
 * all or nothing. The file is read by common/import.c, as luyuctl import
 * reads it, and committed with the same key, so the same rows are stored
 * once however often they are sent. Between preview and commit the rows
 * wait in the node's memory, a few uploads at most. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "i18n.h"
#include "import.h"
#include "intake.h"
#include "pages_int.h"
#include "session.h"
#include "uplink.h"
#include "users.h"
#include "web.h"
#include "webauth.h"
#include "xmalloc.h"

static struct node_pages_upload *slot_for(struct node_pages *np)
{
    struct node_pages_upload *oldest = &np->uploads[0];

    for (int i = 0; i < NODE_PAGES_UPLOADS; i++) {
        if (np->uploads[i].id[0] == '\0')
            return &np->uploads[i];
        if (np->uploads[i].at_ms < oldest->at_ms)
            oldest = &np->uploads[i];
    }
    lu_import_close(&oldest->li);
    return oldest;
}

void node_pages_uploads_free(struct node_pages *np)
{
    for (int i = 0; i < NODE_PAGES_UPLOADS; i++)
        lu_import_close(&np->uploads[i].li);
}

void node_pages_upload_page(struct node_pages *np, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss, const char *problem)
{
    struct lu_buf *b = &resp->body;

    if (resp->status == 0 || resp->status == 500)
        resp->status = problem ? 422 : 200;
    node_pages_page_start(np, ss, resp, _("Upload a file"));
    if (problem != NULL) {
        lu_buf_adds(b, "<p class=\"problem\" id=\"problem\">");
        lu_html_esc(b, problem);
        lu_buf_adds(b, "</p>");
    }
    /* The example header in the reader's language: both are read. */
    lu_buf_printf(b,
                  "<p>%s</p><pre>%s</pre>"
                  "<form method=\"post\" action=\"/upload\" "
                  "enctype=\"multipart/form-data\">",
                  _("A file as luyuctl import takes it: CSV (UTF-8, GBK or "
                    "UTF-16) or an .xlsx workbook, whose header row names "
                    "the columns in Chinese or English, for example:"),
                  _("unit,indicator,period,amount,note"));
    lu_webauth_csrf_field(ss, b);
    lu_buf_printf(
        b,
        "<p><input type=\"file\" name=\"file\" id=\"file\" "
        "accept=\".csv,.txt,.xlsx,text/csv\"></p><p><button id=\"preview\">%s"
        "</button></p></form>",
        _("Check the file"));
    node_pages_page_end(resp);
}

/* The row's problems from the file, the user's units and the node, and
 * the node's data-quality warnings (node/quality.h), which do not stop
 * the file but must be confirmed when it is stored. */
struct row_problems {
    char **msgs; /* per row: NULL or a heap string */
    char **warn; /* per row: NULL or a heap string */
    size_t n_rows, n_bad, n_warn;
};

static void row_problem(struct row_problems *rp, size_t row, const char *msg)
{
    char *old = rp->msgs[row];

    if (old == NULL)
        rp->n_bad++;
    rp->msgs[row] = old ? lu_xasprintf("%s; %s", old, msg) : lu_xstrdup(msg);
    free(old);
}

static void row_warning(struct row_problems *rp, size_t row, const char *msg)
{
    if (rp->warn[row] == NULL)
        rp->n_warn++;
    free(rp->warn[row]);
    rp->warn[row] = lu_xstrdup(msg);
}

static void check_rows(struct node_pages *np, const struct lu_webuser *u,
                       const char *who, struct lu_import *li,
                       struct row_problems *rp)
{
    Luyu__CtlSubmit sub;
    Luyu__CtlResponse r = LUYU__CTL_RESPONSE__INIT;
    Luyu__CtlEntry **ptrs = NULL;
    const char *units = node_user_units(u, np->ctx.units);
    uint8_t key[32];

    for (size_t i = 0; i < li->n; i++) {
        if (!lu_units_has(units, li->entries[i].unit))
            row_problem(rp, i, _("You may not report for this unit."));
    }
    /* The node's own checks, storing nothing; with the import key, so
     * that rows stored before preview as stored, not as duplicates. */
    lu_import_submit(li, false, true, key, &sub, &ptrs);
    node_intake_submit(np->ctx.intake, &sub, who, &r);
    for (size_t i = 0; i < r.n_problems; i++) {
        if (r.problems[i]->index >= li->n)
            continue;
        if (r.needs_confirm)
            row_warning(rp, r.problems[i]->index, r.problems[i]->message);
        else
            row_problem(rp, r.problems[i]->index, r.problems[i]->message);
    }
    node_intake_response_clear(&r);
    free(ptrs);
}

size_t node_pages_import_problems(const struct lu_import *li, int **lines,
                                  char ***msgs)
{
    const char *p = li->problems.data, *end, *s;
    size_t n = 0, nl = strlen(li->name ? li->name : "");
    char *q;

    *lines = NULL;
    *msgs = NULL;
    while (p != NULL && *p != '\0') {
        int line = 0;

        end = strchr(p, '\n');
        if (end == NULL)
            end = p + strlen(p);
        s = p;
        if (strncmp(s, li->name, nl) == 0 && s[nl] == ':') {
            s += nl + 1;
            if (*s >= '0' && *s <= '9') {
                line = (int)strtol(s, &q, 10);
                s = *q == ':' ? q + 1 : q;
                if (*s >= '0' && *s <= '9') {
                    strtol(s, &q, 10);
                    s = *q == ':' ? q + 1 : q;
                }
            }
            while (*s == ' ')
                s++;
        }
        *lines = lu_xrealloc(*lines, (n + 1) * sizeof(**lines));
        *msgs = lu_xrealloc(*msgs, (n + 1) * sizeof(**msgs));
        (*lines)[n] = line;
        (*msgs)[n++] = lu_xasprintf("%.*s", (int)(end - s), s);
        p = *end ? end + 1 : end;
    }
    return n;
}

/* A row the parser could not read: its line and what is wrong with it. */
static size_t unread_row(const int *plines, char **pmsgs, size_t np_, size_t j,
                         struct lu_buf *b)
{
    int line = plines[j];
    size_t k;

    lu_buf_printf(b,
                  "<tr class=\"bad\"><td>%d</td><td></td><td></td><td></td>"
                  "<td></td><td></td><td><span class=\"err\">",
                  line);
    for (k = j; k < np_ && plines[k] == line; k++) {
        if (k > j)
            lu_buf_adds(b, "; ");
        lu_html_esc(b, pmsgs[k]);
    }
    lu_buf_adds(b, "</span></td></tr>");
    return k;
}

static void preview_table(const struct lu_import *li,
                          const struct row_problems *rp, const int *plines,
                          char **pmsgs, size_t np_, struct lu_buf *b)
{
    size_t j = 0;

    lu_buf_printf(b,
                  "<table id=\"preview\"><tr><th>%s</th><th>unit</th>"
                  "<th>indicator</th><th>period</th><th>amount</th>"
                  "<th>note</th><th>%s</th></tr>",
                  _("Line"), _("Check"));
    for (size_t i = 0; i < li->n || j < np_;) {
        const Luyu__CtlEntry *e;

        if (j < np_ && plines[j] <= 0) {
            j++;
            continue;
        }
        if (j < np_ && (i >= li->n || plines[j] < li->lines[i])) {
            j = unread_row(plines, pmsgs, np_, j, b);
            continue;
        }
        e = &li->entries[i];
        lu_buf_printf(b, "<tr class=\"%s\"><td>%d</td><td>",
                      rp->msgs[i]   ? "bad"
                      : rp->warn[i] ? "warn"
                                    : "good",
                      li->lines[i]);
        lu_html_esc(b, e->unit);
        lu_buf_adds(b, "</td><td>");
        lu_html_esc(b, e->indicator);
        lu_buf_adds(b, "</td><td>");
        lu_html_esc(b, e->period);
        lu_buf_adds(b, "</td><td>");
        lu_html_esc(b, e->amount);
        lu_buf_adds(b, "</td><td>");
        lu_html_esc(b, e->note);
        lu_buf_adds(b, "</td><td>");
        if (rp->msgs[i] != NULL) {
            lu_buf_adds(b, "<span class=\"err\">");
            lu_html_esc(b, rp->msgs[i]);
            lu_buf_adds(b, "</span>");
        } else if (rp->warn[i] != NULL) {
            lu_buf_adds(b, "<span class=\"warn\">");
            lu_html_esc(b, rp->warn[i]);
            lu_buf_adds(b, "</span>");
        } else {
            lu_buf_adds(b, "<span class=\"ok\">OK</span>");
        }
        lu_buf_adds(b, "</td></tr>");
        i++;
    }
    lu_buf_adds(b, "</table>");
}

/* The file's own problems (those of no one row), and how many the
 * parser did not list. */
static void file_problems(const struct lu_import *li, const int *plines,
                          char **pmsgs, size_t np_, struct lu_buf *b)
{
    lu_buf_adds(b, "<ul id=\"file-problems\">");
    for (size_t i = 0; i < np_; i++) {
        if (plines[i] > 0)
            continue;
        lu_buf_adds(b, "<li class=\"err\">");
        lu_html_esc(b, pmsgs[i]);
        lu_buf_adds(b, "</li>");
    }
    if (li->n_problems > LU_IMPORT_MAX_SHOWN) {
        lu_buf_adds(b, "<li class=\"err\">");
        lu_buf_printf(b, _("... and %zu more\n"),
                      li->n_problems - LU_IMPORT_MAX_SHOWN);
        lu_buf_adds(b, "</li>");
    }
    lu_buf_adds(b, "</ul>");
}

static void commit_form(const struct lu_session *ss,
                        const struct node_pages_upload *up, bool warned,
                        struct lu_buf *b)
{
    lu_buf_adds(b, "<form method=\"post\" action=\"/upload/commit\">");
    lu_webauth_csrf_field(ss, b);
    lu_buf_printf(b, "<input type=\"hidden\" name=\"upload\" value=\"%s\">",
                  up->id);
    /* Warnings are confirmed by ticking, as luyuctl import --confirm. */
    if (warned)
        lu_buf_printf(b,
                      "<p><label><input type=\"checkbox\" name=\"confirm\" "
                      "value=\"1\" id=\"confirm\" required> %s</label></p>",
                      _("I have checked the marked figures and they are "
                        "right"));
    lu_buf_adds(b, "<p><button id=\"commit\">");
    lu_buf_printf(b, _("Store all %zu rows"), up->li.n);
    lu_buf_adds(b, "</button></p></form>");
}

void node_pages_upload_post(struct node_pages *np, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss,
                            const struct lu_webuser *u)
{
    const char *fn = NULL, *data;
    size_t len = 0;
    struct lu_import li;
    struct row_problems rp = {0};
    int *plines = NULL;
    char **pmsgs = NULL;
    size_t np_ = 0;
    struct node_pages_upload *up;
    const struct lu_import *shown = &li;
    unsigned char raw[LU_TOKEN_LEN / 2];
    struct lu_buf *b = &resp->body;
    char who[64];

    data = lu_web_field(req, "file", &len, &fn);
    if (data == NULL || len == 0)
        return node_pages_upload_page(np, req, resp, ss,
                                      _("Choose a file first."));
    /* The parser luyuctl import uses: what it takes, the page takes. */
    lu_import_init(&li, fn && fn[0] ? fn : "upload");
    lu_import_read(&li, np->ctx.plan, data, len, NULL, NULL);
    np_ = node_pages_import_problems(&li, &plines, &pmsgs);
    snprintf(who, sizeof(who), "web:%s", ss->user);
    rp.n_rows = li.n;
    rp.msgs = lu_xcalloc(li.n + 1, sizeof(*rp.msgs));
    rp.warn = lu_xcalloc(li.n + 1, sizeof(*rp.warn));
    if (li.n > 0)
        check_rows(np, u, who, &li, &rp);
    resp->status = li.n_problems || rp.n_bad ? 422 : 200;
    node_pages_page_start(np, ss, resp, _("Check the file"));
    lu_buf_adds(b, "<p id=\"summary\">");
    lu_html_esc(b, fn ? fn : "");
    lu_buf_adds(b, ": ");
    if (li.n_problems || rp.n_bad)
        lu_buf_printf(b,
                      _("%zu problems; nothing was stored. Fix the file "
                        "and send it again."),
                      li.n_problems + rp.n_bad);
    else if (rp.n_warn > 0)
        lu_buf_printf(b,
                      _("%zu rows; %zu look unusual (marked): check them. "
                        "Nothing is stored until you confirm."),
                      li.n, rp.n_warn);
    else
        lu_buf_printf(b,
                      _("%zu rows, all fine. Nothing is stored until you "
                        "confirm."),
                      li.n);
    lu_buf_adds(b, "</p>");
    file_problems(&li, plines, pmsgs, np_, b);
    if (li.n_problems == 0 && rp.n_bad == 0) {
        up = slot_for(np);
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(up->id, sizeof(up->id), raw, sizeof(raw));
        snprintf(up->user, sizeof(up->user), "%s", ss->user);
        up->li = li;
        up->at_ms = lu_mono_ms();
        commit_form(ss, up, rp.n_warn > 0, b);
        li = (struct lu_import){0};
        shown = &up->li;
    }
    preview_table(shown, &rp, plines, pmsgs, np_, b);
    node_pages_page_end(resp);
    for (size_t i = 0; i < rp.n_rows; i++) {
        free(rp.msgs[i]);
        free(rp.warn[i]);
    }
    free(rp.msgs);
    free(rp.warn);
    for (size_t i = 0; i < np_; i++)
        free(pmsgs[i]);
    free(pmsgs);
    free(plines);
    lu_import_close(&li);
}

void node_pages_upload_commit(struct node_pages *np, struct lu_web_req *req,
                              struct lu_web_resp *resp,
                              const struct lu_session *ss,
                              const struct lu_webuser *u)
{
    const char *id = lu_web_field(req, "upload", NULL, NULL);
    struct node_pages_upload *up = NULL;
    Luyu__CtlSubmit sub;
    Luyu__CtlResponse r = LUYU__CTL_RESPONSE__INIT;
    Luyu__CtlEntry **ptrs;
    uint8_t key[32];
    char who[64], loc[96];

    for (int i = 0; i < NODE_PAGES_UPLOADS && id != NULL; i++) {
        if (np->uploads[i].id[0] != '\0' &&
            strcmp(np->uploads[i].id, id) == 0 &&
            strcmp(np->uploads[i].user, ss->user) == 0)
            up = &np->uploads[i];
    }
    if (up == NULL)
        return node_pages_upload_page(
            np, req, resp, ss,
            _("This file is no longer waiting here; send it again."));
    lu_import_submit(&up->li, false, false, key, &sub, &ptrs);
    sub.confirm = lu_web_field(req, "confirm", NULL, NULL) != NULL;
    snprintf(who, sizeof(who), "web:%s", ss->user);
    node_intake_submit(np->ctx.intake, &sub, who, &r);
    node_uplink_pump(np->ctx.uplink);
    if (r.code == LUYU__CTL_RESPONSE__CODE__OK) {
        snprintf(loc, sizeof(loc), "/entries?imported=%zu%s", r.n_ids,
                 r.repeat ? "&repeat=1" : "");
        lu_webauth_redirect(resp, loc);
        lu_import_close(&up->li);
        up->id[0] = '\0';
    } else {
        node_pages_upload_page(np, req, resp, ss,
                               r.message[0] ? r.message : _("Refused."));
    }
    node_intake_response_clear(&r);
    free(ptrs);
}
