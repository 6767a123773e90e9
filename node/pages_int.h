/* What the node's page modules share (node/pages.c: routing, sign-in,
 * layout; node/pages_entry.c: the entry form, the entries, corrections).
 * Not for other modules. */
#ifndef NODE_PAGES_INT_H
#define NODE_PAGES_INT_H

#include <locale.h>
#include <sodium.h>
#include <stdint.h>

#include "import.h"
#include "pages.h"
#include "session.h"
#include "util.h"

struct lu_web_req;
struct lu_web_resp;
struct node_session;
struct node_user;

/* An upload checked and shown, waiting for its commit. */
struct node_pages_upload {
    char id[NODE_TOKEN_LEN + 1]; /* "" when the slot is free */
    char user[33];
    struct lu_import li;
    uint64_t at_ms;
};

#define NODE_PAGES_UPLOADS 4

struct node_pages {
    struct node_pages_ctx ctx;
    struct node_pages_upload uploads[NODE_PAGES_UPLOADS];
    struct node_sessions *sessions;
    locale_t zh; /* the pages' language */
    locale_t c;  /* the API's: English, for machines and their authors */
    char dummy_hash[crypto_pwhash_STRBYTES];
};

void node_pages_redirect(struct lu_web_resp *resp, const char *location);
/* A page with only msg on it, and status. */
void node_pages_refuse(struct node_pages *np, struct lu_web_resp *resp,
                       int status, const char *msg);
/* The page's head and header (the link's state, the user, sign out);
 * ss NULL before signing in. */
void node_pages_page_start(struct node_pages *np, const struct node_session *ss,
                           struct lu_web_resp *resp, const char *title);
void node_pages_page_end(struct lu_web_resp *resp);
/* The hidden CSRF field every form carries. */
void node_pages_csrf_field(const struct node_session *ss, struct lu_buf *b);
/* Local "YYYY-MM-DD HH:MM". Returns buf. */
char *node_pages_time(int64_t t, char *buf, size_t len);

void node_pages_form_page(struct node_pages *np, struct lu_web_req *req,
                          struct lu_web_resp *resp,
                          const struct node_session *ss,
                          const struct node_user *u, char **errors,
                          bool confirm);
void node_pages_form_post(struct node_pages *np, struct lu_web_req *req,
                          struct lu_web_resp *resp,
                          const struct node_session *ss,
                          const struct node_user *u);
void node_pages_entries_page(struct node_pages *np, struct lu_web_req *req,
                             struct lu_web_resp *resp,
                             const struct node_session *ss,
                             const struct node_user *u, const char *problem);
void node_pages_history_page(struct node_pages *np, struct lu_web_req *req,
                             struct lu_web_resp *resp,
                             const struct node_session *ss,
                             const struct node_user *u);
void node_pages_correct_post(struct node_pages *np, struct lu_web_req *req,
                             struct lu_web_resp *resp,
                             const struct node_session *ss,
                             const struct node_user *u);

void node_pages_upload_page(struct node_pages *np, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct node_session *ss, const char *problem);
void node_pages_upload_post(struct node_pages *np, struct lu_web_req *req,
                            struct lu_web_resp *resp,
                            const struct node_session *ss,
                            const struct node_user *u);
void node_pages_upload_commit(struct node_pages *np, struct lu_web_req *req,
                              struct lu_web_resp *resp,
                              const struct node_session *ss,
                              const struct node_user *u);
void node_pages_uploads_free(struct node_pages *np);
/* Splits the problems common/import.c recorded ("NAME:LINE:COL: message",
 * one a line) into lines (0: the file as a whole) and messages, both
 * arrays the caller frees, messages and all. Returns how many. */
size_t node_pages_import_problems(const struct lu_import *li, int **lines,
                                  char ***msgs);
/* /api/...: token-authenticated JSON (node/pages_api.c). */
void node_pages_api(struct node_pages *np, struct lu_web_req *req,
                    struct lu_web_resp *resp);

#endif
