#include "bulletins.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "bulletin.h"
#include "bulletin_sign.h"
#include "bulletins_db.h"
#include "pool.h"
#include "review.h"
#include "sql.h"
#include "digest.h"
#include "i18n.h"
#include "log.h"
#include "plan.h"
#include "store.h"
#include "xmalloc.h"

static void configure(struct ledger_bulletins *s,
                      const struct ledger_bulletins_conf *c)
{
    snprintf(s->hub_id, sizeof(s->hub_id), "%s", c->hub_id ? c->hub_id : "");
    snprintf(s->province, sizeof(s->province), "%s",
             c->province ? c->province : "");
    if (c->key != NULL) {
        s->key = *c->key;
        s->has_key = true;
    }
    if (c->peer_key != NULL && c->peer_province != NULL) {
        snprintf(s->peer_id, sizeof(s->peer_id), "%s",
                 c->peer_id ? c->peer_id : "");
        snprintf(s->peer_province, sizeof(s->peer_province), "%s",
                 c->peer_province);
        memcpy(s->peer_key, c->peer_key, LU_SIGN_PUBLIC_BYTES);
        s->has_peer = true;
    }
}

int ledger_bulletins_open(struct ledger_sql *db,
                          const struct ledger_bulletins_conf *conf,
                          struct ledger_bulletins **out, char *err,
                          size_t errlen)
{
    struct ledger_bulletins *s = lu_xcalloc(1, sizeof(*s));
    int r;

    *out = NULL;
    s->db = db;
    configure(s, conf);
    /* The tables come with the ledger's schema (ledger/ledger.c). */
    r = 0;
    if (s->has_key)
        r = ledger_bulletins_db_record_signer(s, s->hub_id, s->key.pub,
                                              s->province, "own");
    if (r == 0 && s->has_peer)
        r = ledger_bulletins_db_record_signer(s, s->peer_id, s->peer_key,
                                              s->peer_province, "peer");
    if (r == 0 && s->has_peer && strcmp(s->peer_province, s->province) == 0) {
        snprintf(err, errlen, "the peer hub keeps the same province %s",
                 s->province);
        ledger_bulletins_free(s);
        return -EINVAL;
    }
    if (r < 0) {
        snprintf(err, errlen, "cannot set up the bulletin store: %s",
                 ledger_sql_errmsg(db));
        ledger_bulletins_free(s);
        return r;
    }
    *out = s;
    return 0;
}

int ledger_bulletins_open_readonly(sqlite3 *db, struct ledger_bulletins **out,
                                   char *err, size_t errlen)
{
    struct ledger_bulletins *s = lu_xcalloc(1, sizeof(*s));
    sqlite3_stmt *st = NULL;
    int rc;

    *out = NULL;
    s->db = ledger_sql_sqlite(db);
    s->own_db = true;
    s->readonly = true;
    rc = sqlite3_prepare_v2(db,
                            "SELECT count(*) FROM sqlite_master WHERE"
                            " type = 'table' AND name IN ('bulletin',"
                            " 'bulletin_signer')",
                            -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        s->empty = sqlite3_column_int(st, 0) != 2;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) {
        int r = ledger_bulletins_db_fail(s, lu_store_errno(rc), err, errlen);

        ledger_bulletins_free(s);
        return r;
    }
    *out = s;
    return 0;
}

int ledger_bulletins_open_reader(struct ledger_sql *db,
                                 struct ledger_bulletins **out, char *err,
                                 size_t errlen)
{
    struct ledger_bulletins *s;
    struct ledger_stmt *st = NULL;
    int r;

    if (!ledger_sql_is_pg(db))
        return ledger_bulletins_open_readonly(ledger_sql_sqlite_handle(db), out,
                                              err, errlen);
    s = lu_xcalloc(1, sizeof(*s));
    *out = NULL;
    s->db = db;
    s->readonly = true;
    /* A ledger of schema 1 has no store yet: an empty one. */
    r = ledger_sql_prepare(db,
                           "SELECT count(*) FROM information_schema.tables"
                           " WHERE table_schema = current_schema() AND"
                           " table_name IN ('bulletin', 'bulletin_signer')",
                           &st);
    if (r == 0 && (r = ledger_stmt_step(st)) == 1)
        s->empty = ledger_stmt_int64(st, 0) != 2;
    ledger_stmt_finalize(st);
    if (r != 1) {
        r = ledger_bulletins_db_fail(s, r, err, errlen);
        ledger_bulletins_free(s);
        return r;
    }
    *out = s;
    return 0;
}

void ledger_bulletins_free(struct ledger_bulletins *s)
{
    if (s == NULL)
        return;
    lu_sign_key_wipe(&s->key);
    if (s->own_db)
        ledger_sql_free(s->db);
    free(s);
}

int ledger_bulletins_own_province(struct ledger_bulletins *s, char *buf,
                                  size_t len)
{
    struct ledger_stmt *st = NULL;
    int r = -ENOENT;

    if (s->province[0]) {
        snprintf(buf, len, "%s", s->province);
        return 0;
    }
    if (s->empty)
        return -ENOENT;
    if (ledger_sql_prepare(s->db,
                           "SELECT province FROM bulletin_signer WHERE"
                           " origin = 'own' ORDER BY first_seen DESC LIMIT 1",
                           &st) < 0)
        return -EIO;
    if (ledger_stmt_step(st) == 1) {
        snprintf(buf, len, "%s", ledger_stmt_text(st, 0));
        r = 0;
    }
    ledger_stmt_finalize(st);
    return r;
}

/* The pool's upto_event (review: upto_review) of a stored bulletin: 0
 * when it has no pool section (issued before there was one), -1 when
 * there is no bulletin. */
static int64_t stored_upto(struct ledger_bulletins *s, const char *province,
                           uint32_t period, uint32_t revision, bool review)
{
    struct ledger_bulletins_item it;
    Luyu__SignedBulletin *sb = NULL;
    Luyu__Bulletin *b = NULL;
    int64_t v = -1;

    if (ledger_bulletins_get(s, province, period, revision, &it) < 0)
        return -1;
    sb = luyu__signed_bulletin__unpack(NULL, it.len, it.payload);
    if (sb != NULL)
        b = luyu__bulletin__unpack(NULL, sb->payload.len, sb->payload.data);
    if (b != NULL)
        v = review ? b->upto_review : b->pool ? b->pool->upto_event : 0;
    luyu__bulletin__free_unpacked(b, NULL);
    luyu__signed_bulletin__free_unpacked(sb, NULL);
    free(it.payload);
    return v;
}

/* The parameters of the next revision of (province, period), covering
 * everything committed: see revised_after in bulletin.h and the chain
 * point in ledger/digest.h. chain_digest points into digest (32 bytes). */
static int next_params(struct ledger_bulletins *s, const char *province,
                       uint32_t period, struct ledger_bulletin_params *p,
                       uint8_t *digest, bool want_digest)
{
    uint32_t rev, prev_rev;
    int64_t upto, prev_upto;
    int r;

    p->province = province;
    p->period = period;
    p->upto_entry = ledger_bulletins_db_max_entry(s->db);
    r = p->upto_entry < 0
            ? -EIO
            : ledger_bulletins_db_latest(s, province, period, &rev, &upto);
    if (r == 0 && rev == 0)
        r = ledger_bulletins_db_latest(s, province,
                                       ledger_calendar_add(period, -1),
                                       &prev_rev, &prev_upto);
    /* A draft without a digest skips the chain point: when the digester
     * is behind (during ingest), finding it hashes the blocks not yet
     * stored, most of a draft's cost. */
    if (r == 0 && want_digest)
        r = ledger_digest_point(s->db, p->upto_entry, !s->readonly,
                                &p->chain_from, digest);
    if (r < 0)
        return r;
    p->revision = rev + 1;
    p->revised_after = rev > 0 ? upto : prev_upto;
    p->upto_event = ledger_pool_max_event(s->db);
    p->revised_after_event =
        rev > 0 ? stored_upto(s, province, period, rev, false) : -1;
    p->upto_review = ledger_review_max(s->db);
    p->revised_after_review =
        rev > 0 ? stored_upto(s, province, period, rev, true) : -1;
    if (p->upto_event < 0 || p->upto_review < 0)
        return -EIO;
    p->chain_digest = digest;
    return 0;
}

/* Refuses what issuing cannot do, before any work. */
static int may_issue(struct ledger_bulletins *s, uint32_t period, int64_t now,
                     char *err, size_t errlen)
{
    char p[8];

    if (s->readonly || !s->has_key) {
        snprintf(err, errlen, "%s",
                 _("no signing key configured: cannot issue"));
        return -ENOKEY;
    }
    if (ledger_sql_in_txn(s->db)) {
        snprintf(err, errlen, "%s",
                 _("a ledger transaction is open; issue after it"));
        return -EBUSY;
    }
    if (!lu_period_valid(period) || period >= ledger_calendar_month_at(now)) {
        snprintf(err, errlen, _("month %s has not ended yet (China time)"),
                 lu_period_format(period, p, sizeof(p)));
        return -EINVAL;
    }
    return 0;
}

/* Builds, signs and stores; inside the caller's transaction. */
static int issue_locked(struct ledger_bulletins *s, const struct lu_plan *plan,
                        struct ledger_bulletin_params *p, int64_t now,
                        char *err, size_t errlen)
{
    Luyu__Bulletin *b = NULL;
    uint8_t *data = NULL, digest[32];
    size_t len = 0;
    char m[8];
    int r;

    r = next_params(s, s->province, p->period, p, digest, true);
    if (r == 0 && p->revision > 1) {
        r = ledger_bulletins_db_changed_since(s, p->period, p->revised_after);
        /* A late change of the pool, dated in or before the month, makes
         * a new revision too. */
        if (r == 0)
            r = ledger_pool_changed_since(s->db, p->period,
                                          p->revised_after_event);
        /* So does a review step on the month (accepted, returned,
         * unlocked): the bulletin says which figures are accepted. */
        if (r == 0)
            r = ledger_review_changed_since(s->db, p->period,
                                            p->revised_after_review);
        if (r == 0) {
            snprintf(err, errlen,
                     _("nothing changed for %s %s since revision %u"),
                     s->province, lu_period_format(p->period, m, sizeof(m)),
                     p->revision - 1);
            r = -EALREADY;
        }
        r = r == 1 ? 0 : r;
    }
    if (r == 0)
        r = ledger_bulletin_build(s->db, plan, p, &b, err, errlen);
    if (r == 0)
        r = ledger_bulletin_sign(b, &s->key, s->hub_id, &data, &len);
    if (r == 0)
        r = ledger_bulletins_db_insert(s, b, data, len, "own", s->hub_id, now);
    if (r == -EIO && err[0] == '\0')
        snprintf(err, errlen, "bulletin store: %s", ledger_sql_errmsg(s->db));
    ledger_bulletin_free(b);
    free(data);
    return r;
}

int ledger_bulletins_issue(struct ledger_bulletins *s,
                           const struct lu_plan *plan, uint32_t period,
                           int issue_day, int64_t now, uint32_t *revision,
                           char *err, size_t errlen)
{
    struct ledger_bulletin_params p = {
        .period = period, .issue_day = issue_day, .issued_at = now};
    int r;

    *revision = 0;
    if (errlen > 0)
        err[0] = '\0';
    r = may_issue(s, period, now, err, errlen);
    if (r < 0)
        return r;
    /* One write transaction: the revision number, the entries covered and
     * the stored row agree even if something else writes the file. */
    r = ledger_sql_begin(s->db);
    if (r == 0) {
        r = issue_locked(s, plan, &p, now, err, errlen);
        if (r == 0)
            r = ledger_sql_commit(s->db);
        if (r < 0)
            ledger_sql_rollback(s->db);
    }
    if (r == 0)
        *revision = p.revision;
    else if (err[0] == '\0')
        snprintf(err, errlen, _("cannot issue: %s"), strerror(-r));
    return r;
}

int ledger_bulletins_draft(struct ledger_bulletins *s,
                           const struct lu_plan *plan, const char *province,
                           uint32_t period, int issue_day, int64_t now,
                           Luyu__Bulletin **out, char *err, size_t errlen)
{
    struct ledger_bulletin_params p = {
        .issue_day = issue_day, .issued_at = now, .draft = true};
    uint8_t digest[32];
    int r;

    *out = NULL;
    r = next_params(s, province, period, &p, digest, true);
    if (r < 0) {
        snprintf(err, errlen, "reading the ledger: %s",
                 ledger_sql_errmsg(s->db));
        return r;
    }
    return ledger_bulletin_build(s->db, plan, &p, out, err, errlen);
}

int ledger_bulletins_draft_kept(struct ledger_bulletins *s,
                                struct ledger_bulletin_draft **keep,
                                const struct lu_plan *plan,
                                const char *province, uint32_t period,
                                int issue_day, int64_t now,
                                Luyu__Bulletin **out, char *err, size_t errlen)
{
    struct ledger_bulletin_params p = {
        .issue_day = issue_day, .issued_at = now, .draft = true};
    uint8_t digest[32];
    int r;

    *out = NULL;
    r = next_params(s, province, period, &p, digest, false);
    if (r < 0) {
        snprintf(err, errlen, "reading the ledger: %s",
                 ledger_sql_errmsg(s->db));
        ledger_bulletin_draft_free(*keep);
        *keep = NULL;
        return r;
    }
    return ledger_bulletin_build_kept(s->db, plan, &p, keep, out, err, errlen);
}

int ledger_bulletins_list(struct ledger_bulletins *s,
                          struct ledger_bulletins_item **out, size_t *n)
{
    return ledger_bulletins_db_items(s,
                                     "SELECT " LEDGER_BULLETINS_DB_ITEM
                                     " FROM bulletin"
                                     " ORDER BY period, province, revision",
                                     false, out, n);
}

int ledger_bulletins_unsent(struct ledger_bulletins *s,
                            struct ledger_bulletins_item **out, size_t *n)
{
    return ledger_bulletins_db_items(
        s,
        "SELECT " LEDGER_BULLETINS_DB_ITEM ", payload FROM bulletin"
        " WHERE origin = 'own' AND acked_at IS NULL"
        " ORDER BY period, revision",
        true, out, n);
}

int ledger_bulletins_get(struct ledger_bulletins *s, const char *province,
                         uint32_t period, uint32_t revision,
                         struct ledger_bulletins_item *out)
{
    struct ledger_stmt *st = NULL;
    int r;

    memset(out, 0, sizeof(*out));
    if (s->empty)
        return -ENOENT;
    if (ledger_sql_prepare(s->db,
                           "SELECT " LEDGER_BULLETINS_DB_ITEM
                           ", payload FROM bulletin"
                           " WHERE province = ?1 AND period = ?2 AND"
                           " (?3 = 0 OR revision = ?3)"
                           " ORDER BY revision DESC LIMIT 1",
                           &st) < 0)
        return -EIO;
    ledger_stmt_bind_text(st, 1, province);
    ledger_stmt_bind_int64(st, 2, period);
    ledger_stmt_bind_int64(st, 3, revision);
    r = ledger_stmt_step(st);
    if (r == 1)
        ledger_bulletins_db_read_item(st, true, out);
    ledger_stmt_finalize(st);
    return r == 1   ? 0
           : r == 0 ? -ENOENT
                    : ledger_bulletins_db_fail(s, r, NULL, 0);
}

int ledger_bulletins_mark_sent(struct ledger_bulletins *s, const char *province,
                               uint32_t period, uint32_t revision, int64_t now)
{
    return ledger_bulletins_db_mark(
        s,
        "UPDATE bulletin SET sent_at = ?1 WHERE province = ?2 AND"
        " period = ?3 AND revision = ?4 AND origin = 'own'",
        province, period, revision, now);
}

int ledger_bulletins_mark_acked(struct ledger_bulletins *s,
                                const char *province, uint32_t period,
                                uint32_t revision, int64_t now)
{
    return ledger_bulletins_db_mark(
        s,
        "UPDATE bulletin SET acked_at = coalesce(acked_at, ?1)"
        " WHERE province = ?2 AND period = ?3 AND revision = ?4"
        " AND origin = 'own'",
        province, period, revision, now);
}

int ledger_bulletins_latest_issued_period(struct ledger_bulletins *s,
                                          uint32_t *period)
{
    struct ledger_stmt *st = NULL;
    int r;

    *period = 0;
    if (s->empty)
        return 0;
    if (ledger_sql_prepare(s->db,
                           "SELECT coalesce(max(period), 0) FROM bulletin"
                           " WHERE origin = 'own'",
                           &st) < 0)
        return -EIO;
    r = ledger_stmt_step(st);
    if (r == 1)
        *period = (uint32_t)ledger_stmt_int64(st, 0);
    ledger_stmt_finalize(st);
    return r == 1 ? 0 : ledger_bulletins_db_fail(s, r, NULL, 0);
}

void ledger_bulletins_items_free(struct ledger_bulletins_item *items, size_t n)
{
    for (size_t i = 0; items != NULL && i < n; i++)
        free(items[i].payload);
    free(items);
}

/* Whose and when: a verified peer bulletin must be of the peer's province
 * and of a month that has begun (China time). */
static int peer_header(struct ledger_bulletins *s, const struct lu_plan *plan,
                       const Luyu__Bulletin *b, int64_t now, char *err,
                       size_t errlen)
{
    char m[8];

    if (lu_plan_province(plan, b->province) == NULL) {
        snprintf(err, errlen, "unknown province \"%s\"", b->province);
        return -EINVAL;
    }
    if (strcmp(b->province, s->peer_province) != 0) {
        snprintf(err, errlen,
                 "bulletin of province %s from the peer, which keeps %s's "
                 "ledger",
                 b->province, s->peer_province);
        return -EINVAL;
    }
    if (b->period > ledger_calendar_month_at(now)) {
        snprintf(err, errlen, "%s %s is in the future", b->province,
                 lu_period_format(b->period, m, sizeof(m)));
        return -EINVAL;
    }
    return 0;
}

/* Against what is held: 0 to store it, 1 for an identical resend of a
 * revision held, -EEXIST for a different one, -ESTALE for one older than
 * the newest held. */
static int peer_revision(struct ledger_bulletins *s, const Luyu__Bulletin *b,
                         const Luyu__SignedBulletin *sb, char *err,
                         size_t errlen)
{
    struct ledger_bulletins_item held;
    Luyu__SignedBulletin *old = NULL;
    char m[8];
    int r = ledger_bulletins_get(s, b->province, b->period, b->revision, &held);

    lu_period_format(b->period, m, sizeof(m));
    if (r == 0) {
        old = luyu__signed_bulletin__unpack(NULL, held.len, held.payload);
        r = old != NULL && old->payload.len == sb->payload.len &&
                    memcmp(old->payload.data, sb->payload.data,
                           sb->payload.len) == 0
                ? 1
                : -EEXIST;
        if (r < 0)
            snprintf(err, errlen, "a different %s %s revision %u is held",
                     b->province, m, b->revision);
    } else if (r == -ENOENT) {
        r = ledger_bulletins_get(s, b->province, b->period, 0, &held);
        if (r == 0 && held.revision > b->revision) {
            snprintf(err, errlen,
                     "%s %s revision %u is older than revision %u held",
                     b->province, m, b->revision, held.revision);
            r = -ESTALE;
        }
        r = r == -ENOENT ? 0 : r;
    }
    if (old != NULL)
        luyu__signed_bulletin__free_unpacked(old, NULL);
    free(held.payload);
    return r;
}

/* The checks a peer's bulletin must pass before anything is read from the
 * store: it parses, its signer is the peer, its signature verifies, and its
 * header names the peer's province and a month that has ended. 0, or a
 * refusal with the reason in err. */
static int peer_checks(struct ledger_bulletins *s, const struct lu_plan *plan,
                       const void *data, size_t len, int64_t now,
                       Luyu__SignedBulletin **sb, Luyu__Bulletin **b, char *err,
                       size_t errlen)
{
    if (!s->has_peer || s->readonly) {
        snprintf(err, errlen, "no peer hub configured");
        return -EPERM;
    }
    *sb = ledger_bulletin_sign_parse(data, len, err, errlen);
    if (*sb == NULL)
        return -EBADMSG;
    if (s->peer_id[0] && strcmp((*sb)->signer, s->peer_id) != 0) {
        snprintf(err, errlen, "signed by %s; the peer hub is %s", (*sb)->signer,
                 s->peer_id);
        return -EPERM;
    }
    if (ledger_bulletin_sign_verify(*sb, s->peer_key, b, err, errlen) < 0)
        return -EPERM;
    return peer_header(s, plan, *b, now, err, errlen);
}

enum ledger_bulletins_verdict
ledger_bulletins_store_peer(struct ledger_bulletins *s,
                            const struct lu_plan *plan, const void *data,
                            size_t len, int64_t now, char *err, size_t errlen)
{
    enum ledger_bulletins_verdict v = LEDGER_BULLETINS_REFUSED;
    Luyu__SignedBulletin *sb = NULL;
    Luyu__Bulletin *b = NULL;
    int r;

    if (peer_checks(s, plan, data, len, now, &sb, &b, err, errlen) < 0)
        goto out;
    /* From here on, only -ESTALE and -EEXIST are about the bulletin; any
     * other failure is the store's, and the peer should send it again. */
    r = peer_revision(s, b, sb, err, errlen);
    if (r == 0)
        r = ledger_bulletins_db_insert(s, b, data, len, "peer", sb->signer,
                                       now);
    if (r == 1)
        v = LEDGER_BULLETINS_HELD;
    else if (r == 0)
        v = LEDGER_BULLETINS_STORED;
    else if (r != -ESTALE && r != -EEXIST)
        v = LEDGER_BULLETINS_RETRY;
    if (v == LEDGER_BULLETINS_RETRY)
        snprintf(err, errlen, "the bulletin store cannot store it now (%s)",
                 strerror(-r));
out:
    if (v == LEDGER_BULLETINS_REFUSED)
        lu_warn("refused a bulletin from the peer hub: %s", err);
    ledger_bulletin_free(b);
    if (sb != NULL)
        luyu__signed_bulletin__free_unpacked(sb, NULL);
    return v;
}

/* Tries every key recorded for sb's signer. */
static int verify_recorded(struct ledger_bulletins *s,
                           const Luyu__SignedBulletin *sb, Luyu__Bulletin **out,
                           char *err, size_t errlen)
{
    struct ledger_stmt *st = NULL;
    int r = -ENOKEY;

    if (s->empty || ledger_sql_prepare(s->db,
                                       "SELECT public_key FROM bulletin_signer"
                                       " WHERE signer = ?",
                                       &st) < 0) {
        snprintf(err, errlen, "no signing key recorded for %s", sb->signer);
        return -ENOKEY;
    }
    ledger_stmt_bind_text(st, 1, sb->signer);
    while (r != 0 && r != -EBADMSG && ledger_stmt_step(st) == 1) {
        if (ledger_stmt_bytes(st, 0) == LU_SIGN_PUBLIC_BYTES)
            r = ledger_bulletin_sign_verify(sb, ledger_stmt_blob(st, 0), out,
                                            err, errlen);
    }
    ledger_stmt_finalize(st);
    if (r == -ENOKEY)
        snprintf(err, errlen, "no signing key recorded for %s", sb->signer);
    return r;
}

int ledger_bulletins_verify(struct ledger_bulletins *s,
                            const struct ledger_bulletins_item *it,
                            Luyu__Bulletin **out, char *err, size_t errlen)
{
    Luyu__SignedBulletin *sb;
    int r;

    *out = NULL;
    sb = ledger_bulletin_sign_parse(it->payload, it->len, err, errlen);
    if (sb == NULL)
        return -EBADMSG;
    r = verify_recorded(s, sb, out, err, errlen);
    if (r == 0 &&
        (strcmp((*out)->province, it->province) != 0 ||
         (*out)->period != it->period || (*out)->revision != it->revision ||
         strcmp(sb->signer, it->signer) != 0)) {
        snprintf(err, errlen, "the stored row does not match its payload");
        ledger_bulletin_free(*out);
        *out = NULL;
        r = -EBADMSG;
    }
    luyu__signed_bulletin__free_unpacked(sb, NULL);
    return r;
}
