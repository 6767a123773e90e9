#include "bulletin_src.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "bulletin.h"
#include "bulletin_sign.h"
#include "bulletins.h"
#include "ctl.h"
#include "i18n.h"
#include "ledgerdb.h"
#include "output.h"
#include "plan.h"
#include "sign.h"
#include "reader.h"
#include "scores.h"
#include "sql.h"
#include "util.h"

const char *ctl_bulletin_src_errmsg(struct ctl_bulletin_src *src)
{
    return ledger_sql_errmsg(src->db);
}

int ctl_bulletin_src_open(const char *state_dir, const char *plan_path,
                          struct ctl_bulletin_src *src)
{
    char err[512];
    int r;

    memset(src, 0, sizeof(*src));
    r = lu_plan_load(plan_path, &src->plan, err, sizeof(err));
    if (r < 0)
        return ctl_output_error(ctl_output_errno_exit(r), "%s", err);
    /* The ledger's file, or a read-only session of our own on a
     * PostgreSQL ledger (the hub's connection string in its place). */
    r = ctl_ledgerdb_open(state_dir, &src->db);
    if (r != CTL_EXIT_OK)
        return r;
    if (ledger_bulletins_open_reader(src->db, &src->store, err, sizeof(err)) <
        0)
        return ctl_output_error(CTL_EXIT_FAIL, "%s", err);
    /* A ledger whose hub never opened the bulletin store still tells its
     * province through the units it has figures for. */
    if (ledger_bulletins_own_province(src->store, src->own, sizeof(src->own)) <
        0)
        ledger_reader_province(src->db, src->own, sizeof(src->own));
    return CTL_EXIT_OK;
}

void ctl_bulletin_src_close(struct ctl_bulletin_src *src)
{
    ledger_bulletins_free(src->store);
    ledger_reader_close(src->db);
    lu_plan_free(src->plan);
    memset(src, 0, sizeof(*src));
}

int ctl_bulletin_src_province(const struct ctl_bulletin_src *src,
                              const char *given, const char **out)
{
    const struct lu_plan *p = src->plan;

    if (given == NULL && src->own[0] == '\0')
        return ctl_output_error(CTL_EXIT_BAD,
                                _("cannot tell which province this ledger "
                                  "keeps; give --province"));
    *out = given ? given : src->own;
    if (lu_plan_province(p, *out) != NULL)
        return CTL_EXIT_OK;
    return ctl_output_error(CTL_EXIT_BAD,
                            _("unknown province \"%s\" (the plan has %s%s%s)"),
                            *out, p->n_provinces ? p->provinces[0].code : "",
                            p->n_provinces > 1 ? ", " : "",
                            p->n_provinces > 1 ? p->provinces[1].code : "");
}

int ctl_bulletin_src_period(const char *s, uint32_t *period)
{
    char err[256];

    if (lu_period_parse(s, period, err, sizeof(err)) < 0)
        return ctl_output_error(CTL_EXIT_BAD, "%s", err);
    return CTL_EXIT_OK;
}

static int draft(struct ctl_bulletin_src *src, const char *province,
                 const struct ctl_bulletin_want *w, struct ctl_render_view *v)
{
    char err[512], t[40];
    int64_t now = lu_now_s();
    int r;

    if (src->own[0] && strcmp(province, src->own) != 0)
        return ctl_output_error(CTL_EXIT_BAD,
                                _("this ledger keeps %s's entries: a draft "
                                  "can only be of %s"),
                                src->own, src->own);
    r = ledger_bulletins_draft(src->store, src->plan, province, w->period,
                               w->issue_day, now, &v->b, err, sizeof(err));
    if (r < 0)
        return ctl_output_error(r == -EINVAL ? CTL_EXIT_BAD : CTL_EXIT_FAIL,
                                "%s", err);
    snprintf(v->trust, sizeof(v->trust),
             _("DRAFT: computed from the ledger at %s; not issued, not "
               "signed"),
             ledger_calendar_format(now, t, sizeof(t)));
    return CTL_EXIT_OK;
}

/* "CQ 2019-07 revision 1" into buf (at least 48 bytes). */
static const char *label(const struct ledger_bulletins_item *it, char *buf)
{
    char p[8];

    snprintf(buf, 48, "%s %s revision %u", it->province,
             lu_period_format(it->period, p, sizeof(p)), it->revision);
    return buf;
}

/* Checks the stored bulletin with the key file too. */
static int check_key(const struct ledger_bulletins_item *it, const char *path,
                     Luyu__Bulletin **b)
{
    uint8_t pub[LU_SIGN_PUBLIC_BYTES];
    Luyu__SignedBulletin *sb;
    char err[512], what[48];
    int r;

    if (lu_sign_load_public(path, pub, err, sizeof(err)) < 0)
        return ctl_output_error(CTL_EXIT_BAD, "%s", err);
    sb = ledger_bulletin_sign_parse(it->payload, it->len, err, sizeof(err));
    r = sb ? ledger_bulletin_sign_verify(sb, pub, b, err, sizeof(err))
           : -EBADMSG;
    if (sb != NULL)
        luyu__signed_bulletin__free_unpacked(sb, NULL);
    if (r < 0)
        return ctl_output_error(CTL_EXIT_FAIL,
                                _("%s does not verify with %s: %s; refusing to "
                                  "show it"),
                                label(it, what), path, err);
    return CTL_EXIT_OK;
}

/* Verifies against the key the hub recorded for the signer, and the key
 * file when given; at least one of them must vouch for it, and neither
 * may refuse it. */
static int verify(struct ctl_bulletin_src *src,
                  const struct ledger_bulletins_item *it, const char *key,
                  struct ctl_render_view *v)
{
    Luyu__Bulletin *byfile = NULL;
    char err[512], what[48];
    int rec = ledger_bulletins_verify(src->store, it, &v->b, err, sizeof(err));
    int r = CTL_EXIT_OK;

    if (rec < 0 && (rec != -ENOKEY || key == NULL))
        return ctl_output_error(
            CTL_EXIT_FAIL, _("%s: %s; refusing to show it%s"), label(it, what),
            err, rec == -ENOKEY ? _(" (give --key FILE.sign.pub)") : "");
    if (key != NULL)
        r = check_key(it, key, &byfile);
    if (r == CTL_EXIT_OK && v->b == NULL) {
        v->b = byfile;
        byfile = NULL;
    }
    ledger_bulletin_free(byfile);
    snprintf(v->signer, sizeof(v->signer), "%s", it->signer);
    snprintf(v->trust, sizeof(v->trust),
             _("signature valid: signed by %s%s%s%s"), it->signer,
             rec == -ENOKEY ? "" : _(", checked with the key its hub recorded"),
             key ? _(", checked with ") : "", key ? key : "");
    return r;
}

int ctl_bulletin_src_load(struct ctl_bulletin_src *src, const char *province,
                          const struct ctl_bulletin_want *w, bool missing_ok,
                          struct ctl_render_view *v)
{
    const struct lu_plan_province *pp = lu_plan_province(src->plan, province);
    struct ledger_bulletins_item it;
    char p[8];
    int r;

    memset(v, 0, sizeof(*v));
    snprintf(v->province, sizeof(v->province), "%s", province);
    snprintf(v->province_name, sizeof(v->province_name), "%s",
             pp ? pp->name : province);
    /* Side by side, a draft of one's own province sits beside the
     * other's stored bulletin. */
    if (w->draft &&
        (!missing_ok || src->own[0] == '\0' || strcmp(province, src->own) == 0))
        return draft(src, province, w, v);
    r = ledger_bulletins_get(src->store, province, w->period, w->revision, &it);
    if (r == -ENOENT && missing_ok) {
        snprintf(v->trust, sizeof(v->trust), "no bulletin of %s for %s held",
                 province, lu_period_format(w->period, p, sizeof(p)));
        return CTL_EXIT_OK;
    }
    if (r == -ENOENT && w->revision)
        return ctl_output_error(CTL_EXIT_FAIL, _("no %s %s revision %u held"),
                                province, lu_period_format(w->period, p, 8),
                                w->revision);
    if (r == -ENOENT)
        return ctl_output_error(
            CTL_EXIT_FAIL, _("no bulletin of %s for %s held%s"), province,
            lu_period_format(w->period, p, sizeof(p)),
            strcmp(province, src->own) == 0
                ? _(" (--draft computes one from the ledger now)")
                : "");
    if (r < 0)
        return ctl_output_error(CTL_EXIT_FAIL,
                                _("reading the bulletin store: "
                                  "%s"),
                                ctl_bulletin_src_errmsg(src));
    r = verify(src, &it, w->key, v);
    free(it.payload);
    return r;
}

int ctl_bulletin_src_scores(struct ctl_bulletin_src *src,
                            struct ctl_render_view *v)
{
    char err[512];
    uint32_t period;
    int r;

    if (v->b == NULL || src->own[0] == '\0' ||
        strcmp(v->province, src->own) != 0)
        return CTL_EXIT_OK;
    period = v->b->period;
    if (period % 100 != 12 && period != src->plan->end)
        return CTL_EXIT_OK;
    r = ledger_scores(src->db, src->plan, v->province, period / 100, period,
                      &v->scores, err, sizeof(err));
    if (r == -EIO)
        return ctl_output_error(CTL_EXIT_FAIL, "%s", err);
    return CTL_EXIT_OK;
}
