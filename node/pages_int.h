/* What the node's page modules share (node/pages.c: routing, sign-in,
 * layout; node/pages_entry.c: the entry form, the entries, corrections;
 * node/pages_review.c: the review of months, the province's messages).
 * Not for other modules. */
#ifndef NODE_PAGES_INT_H
#define NODE_PAGES_INT_H

#include <locale.h>
#include <sodium.h>
#include <stdint.h>

#include "import.h"
#include "pages.h"
#include "session.h"
#include "webauth.h"
#include "util.h"

struct lu_web_req;
struct lu_web_resp;
struct lu_session;
struct lu_webuser;

/* An upload checked and shown, waiting for its commit. */
struct node_pages_upload {
    char id[LU_TOKEN_LEN + 1]; /* "" when the slot is free */
    char user[33];
    struct lu_import li;
    uint64_t at_ms;
};

#define NODE_PAGES_UPLOADS 4

struct node_pages {
    struct node_pages_ctx ctx;
    struct node_pages_upload uploads[NODE_PAGES_UPLOADS];
    struct lu_webauth *auth; /* sign-in and sessions (common/webauth.h) */
    locale_t zh;             /* the pages' language */
    locale_t c; /* the API's: English, for machines and their authors */
};

/* A page with only msg on it, and status. */
void node_pages_refuse(struct node_pages *np, struct lu_web_resp *resp,
                       int status, const char *msg);
/* The page's head and header (the link's state, the user, sign out);
 * ss NULL before signing in. */
void node_pages_page_start(struct node_pages *np, const struct lu_session *ss,
                           struct lu_web_resp *resp, const char *title);
void node_pages_page_end(struct lu_web_resp *resp);
/* An entry's or a project event's delivery (NODE_PENDING, NODE_ACKED or
 * rejected with the hub's code and reason) in words, as a span. */
void node_pages_delivery(int state, int reject_code, const char *reason,
                         struct lu_buf *b);
/* Local "YYYY-MM-DD HH:MM". Returns buf. */
char *node_pages_time(int64_t t, char *buf, size_t len);

void node_pages_form_page(struct node_pages *np, struct lu_web_req *req,
                          struct lu_web_resp *resp, const struct lu_session *ss,
                          const struct lu_webuser *u, char **errors,
                          bool confirm);
void node_pages_form_post(struct node_pages *np, struct lu_web_req *req,
                          struct lu_web_resp *resp, const struct lu_session *ss,
                          const struct lu_webuser *u);
void node_pages_entries_page(struct node_pages *np, struct lu_web_req *req,
                             struct lu_web_resp *resp,
                             const struct lu_session *ss,
                             const struct lu_webuser *u, const char *problem);
void node_pages_history_page(struct node_pages *np, struct lu_web_req *req,
                             struct lu_web_resp *resp,
                             const struct lu_session *ss,
                             const struct lu_webuser *u);
void node_pages_correct_post(struct node_pages *np, struct lu_web_req *req,
                             struct lu_web_resp *resp,
                             const struct lu_session *ss,
                             const struct lu_webuser *u);

void node_pages_upload_page(struct node_pages *np, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss, const char *problem);
void node_pages_upload_post(struct node_pages *np, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss,
                            const struct lu_webuser *u);
void node_pages_upload_commit(struct node_pages *np, struct lu_web_req *req,
                              struct lu_web_resp *resp,
                              const struct lu_session *ss,
                              const struct lu_webuser *u);
void node_pages_uploads_free(struct node_pages *np);
/* Splits the problems common/import.c recorded ("NAME:LINE:COL: message",
 * one a line) into lines (0: the file as a whole) and messages, both
 * arrays the caller frees, messages and all. Returns how many. */
size_t node_pages_import_problems(const struct lu_import *li, int **lines,
                                  char ***msgs);
/* The review of months (node/pages_review.c): the page, a reviewer's
 * approval, and the province's messages for every page's top. */
void node_pages_review_page(struct node_pages *np, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss,
                            const struct lu_webuser *u, const char *problem);
void node_pages_review_post(struct node_pages *np, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct lu_session *ss,
                            const struct lu_webuser *u);
void node_pages_notices(struct node_pages *np, const char *units,
                        struct lu_buf *b);
/* /projects and below (node/pages_project.c): GET and POST of a signed-in
 * user whose CSRF token was checked. */
void node_pages_projects(struct node_pages *np, struct lu_web_req *req,
                         struct lu_web_resp *resp, const struct lu_session *ss,
                         const struct lu_webuser *u, bool post);
/* /api/...: token-authenticated JSON (node/pages_api.c). */
void node_pages_api(struct node_pages *np, struct lu_web_req *req,
                    struct lu_web_resp *resp);

#endif
