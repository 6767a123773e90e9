/* Where luyuctl's bulletin commands get their bulletins: the hub's store in
 * its ledger file, opened read-only beside the running hub, each bulletin
 * verified against the signing key the hub recorded for its signer (and a
 * key file when one is given) before anything shows it; or a draft
 * computed from the ledger now. Also the plan, and which province the
 * ledger belongs to. */
#ifndef CTL_BULLETIN_SRC_H
#define CTL_BULLETIN_SRC_H

#include <stdbool.h>
#include <stdint.h>

#include "render.h"

struct ctl_bulletin_src {
    struct ledger_sql *db; /* read-only: ledger.db or a PostgreSQL session */
    struct ledger_bulletins *store;
    struct lu_plan *plan;
    char own[17]; /* the ledger's province, "" when unknown */
};

/* Opens STATE_DIR/ledger.db read-only, or with a postgresql://...
 * connection string in its place a read-only session on the PostgreSQL
 * ledger, and loads the plan. Returns
 * CTL_EXIT_OK, or prints the problem and returns an exit code. Close with
 * ctl_bulletin_src_close() in every case. */
int ctl_bulletin_src_open(const char *state_dir, const char *plan_path,
                          struct ctl_bulletin_src *src);
void ctl_bulletin_src_close(struct ctl_bulletin_src *src);
/* The last error of the ledger's database, for a message. */
const char *ctl_bulletin_src_errmsg(struct ctl_bulletin_src *src);

/* Checks a --province against the plan (CTL_EXIT_BAD, printed, when the
 * plan has no such province); NULL means the ledger's own province. */
int ctl_bulletin_src_province(const struct ctl_bulletin_src *src,
                              const char *given, const char **out);

/* Parses YYYY-MM (CTL_EXIT_BAD, printed, when malformed). */
int ctl_bulletin_src_period(const char *s, uint32_t *period);

struct ctl_bulletin_want {
    uint32_t period;
    uint32_t revision; /* 0: the latest */
    bool draft;        /* compute now instead of reading the store */
    const char *key;   /* a FILE.sign.pub to check the signature with too */
    int issue_day;     /* for drafts */
};

/* Fills v with province's bulletin as w asks. Returns CTL_EXIT_OK, or
 * prints the problem and returns CTL_EXIT_FAIL (none stored, signature
 * does not verify) or CTL_EXIT_BAD (bad key file, a draft of a month
 * outside the plan). With missing_ok, a province without a stored bulletin
 * gives CTL_EXIT_OK and v->b NULL. */
int ctl_bulletin_src_load(struct ctl_bulletin_src *src, const char *province,
                          const struct ctl_bulletin_want *w, bool missing_ok,
                          struct ctl_render_view *v);

/* The year's assessment (ledger/scores.h) into v->scores when v is a
 * bulletin of the ledger's own province for the last month of a year or of
 * the plan: the scorecard of the year's last bulletin. A plan without
 * assessment rules or a province without assessed units leaves it NULL.
 * Returns CTL_EXIT_OK, or prints the problem and returns CTL_EXIT_FAIL
 * when the ledger cannot be read. */
int ctl_bulletin_src_scores(struct ctl_bulletin_src *src,
                            struct ctl_render_view *v);

#endif
