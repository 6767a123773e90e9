/* The hub's bulletin store: its own signed bulletins and the peer hub's,
 * kept in the ledger's database (ledger_sql_handle(): the SQLite file or
 * the PostgreSQL cluster) next to the entries they were computed from. Own
 * bulletins are stored before they are sent and carry sent/acknowledged times
 * for the exchange; peer bulletins are stored only after their signature,
 * province, period and revision pass. Both are kept for good, keyed by
 * (province, period, revision).
 *
 * The store also records the public signing key of each hub it has been
 * configured with (its own, the peer's), so that a bulletin read back
 * later, by luyuctl too, is verified against the key its signer had. The
 * schema is documented next to its SQL in ledger/bulletins_db.c. */
#ifndef LEDGER_BULLETINS_H
#define LEDGER_BULLETINS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bulletin.pb-c.h"
#include "sign.h"

struct lu_plan;
struct ledger_bulletins;
struct ledger_bulletin_draft;

struct ledger_bulletins_conf {
    const char *hub_id;            /* signer id of own bulletins */
    const char *province;          /* own province code */
    const struct lu_sign_key *key; /* own signing key; NULL: cannot issue */
    const char *peer_id;           /* peer hub id; NULL: no peer */
    const char *peer_province;     /* the peer's province code */
    const uint8_t *peer_key;       /* the peer's public key, 32 bytes */
};

/* Opens the store on the ledger's statement layer (not owned; the tables
 * come with the ledger's schema) and records the configured hubs' public
 * keys. The conf strings and keys are copied. Call it again (after
 * ledger_bulletins_free) to reload keys. Returns 0, or a negative errno with a
 * reason in err. */
struct ledger_sql;
int ledger_bulletins_open(struct ledger_sql *db,
                          const struct ledger_bulletins_conf *conf,
                          struct ledger_bulletins **out, char *err,
                          size_t errlen);

/* The same for readers (luyuctl) on a read-only handle: creates nothing; a
 * ledger without bulletin tables is an empty store. Cannot issue or store,
 * can draft. */
int ledger_bulletins_open_readonly(sqlite3 *db, struct ledger_bulletins **out,
                                   char *err, size_t errlen);
/* The same on a reader's statement layer (borrowed), e.g. a PostgreSQL
 * session of luyuctl's own (ledger_sql_pg_connect()). */
int ledger_bulletins_open_reader(struct ledger_sql *db,
                                 struct ledger_bulletins **out, char *err,
                                 size_t errlen);
void ledger_bulletins_free(struct ledger_bulletins *s);

/* The province of the hub that keeps this store: from conf, or for a
 * reader the one recorded by the hub; -ENOENT when unknown. */
int ledger_bulletins_own_province(struct ledger_bulletins *s, char *buf,
                                  size_t len);

/* Issues the next revision of own province's bulletin for period: 1 +
 * the latest held for that month, covering every entry committed so far,
 * signed and stored (not yet sent) in one transaction. Returns 0 with
 * *revision set; -EALREADY when a revision exists and no entry for that
 * month or earlier has arrived since; -EINVAL for a month outside the plan
 * or not yet ended (China time at now); -EBUSY when a ledger transaction is
 * open on db (its entries are not committed yet); -ENOKEY without a signing
 * key; storage errors. A reason is in err in every case. issue_day is the
 * configured day (1..28) the month closes on. */
int ledger_bulletins_issue(struct ledger_bulletins *s,
                           const struct lu_plan *plan, uint32_t period,
                           int issue_day, int64_t now, uint32_t *revision,
                           char *err, size_t errlen);

/* What ledger_bulletins_issue() would issue now for province (own, normally),
 * unsigned and marked draft; nothing is stored. Free *out with
 * ledger_bulletin_free(). */
int ledger_bulletins_draft(struct ledger_bulletins *s,
                           const struct lu_plan *plan, const char *province,
                           uint32_t period, int issue_day, int64_t now,
                           Luyu__Bulletin **out, char *err, size_t errlen);

/* The same draft for a page that asks again and again while entries
 * arrive (the hub's dashboard): without a digest, and brought up to date
 * from *keep by reading only the entries since it when nothing else
 * changed (ledger_bulletin_build_kept()). Free *keep with
 * ledger_bulletin_draft_free(). */
int ledger_bulletins_draft_kept(struct ledger_bulletins *s,
                                struct ledger_bulletin_draft **keep,
                                const struct lu_plan *plan,
                                const char *province, uint32_t period,
                                int issue_day, int64_t now,
                                Luyu__Bulletin **out, char *err, size_t errlen);

/* What the store did with a bulletin it was given: a verdict the caller
 * acts on, instead of an errno it would have to sort into "the bulletin is
 * wrong" and "the disk is". */
enum ledger_bulletins_verdict {
    LEDGER_BULLETINS_STORED,  /* new, and stored: acknowledge it */
    LEDGER_BULLETINS_HELD,    /* the same payload was held: a resend, ack */
    LEDGER_BULLETINS_REFUSED, /* for good, the reason in err: malformed,
                                 not the peer's, a bad signature, an unknown
                                 or other province, a month not ended, older
                                 than a revision held, or the same revision
                                 with another payload */
    LEDGER_BULLETINS_RETRY,   /* the store failed (disk full, busy, I/O):
                                 nothing was stored; let the sender resend */
};

/* Stores a packed SignedBulletin pushed by the peer hub. Refusals are also
 * logged as a warning. */
enum ledger_bulletins_verdict
ledger_bulletins_store_peer(struct ledger_bulletins *s,
                            const struct lu_plan *plan, const void *data,
                            size_t len, int64_t now, char *err, size_t errlen);

struct ledger_bulletins_item {
    char province[17];
    uint32_t period, revision;
    int64_t issued_at, upto_entry; /* upto_entry: the issuer's ledger id */
    int64_t stored_at, sent_at, acked_at; /* sent/acked: 0 when not yet */
    bool own;
    char signer[65];
    uint8_t *payload; /* packed SignedBulletin; NULL from list() */
    size_t len;
};

/* Every bulletin held (without payloads), by period, province, revision.
 * Free with ledger_bulletins_items_free(). */
int ledger_bulletins_list(struct ledger_bulletins *s,
                          struct ledger_bulletins_item **out, size_t *n);

/* One bulletin with its payload; revision 0 means the latest. -ENOENT when
 * none. Release with ledger_bulletins_items_free(it, 1) on a heap item or
 * free(it->payload) on a caller-owned one. */
int ledger_bulletins_get(struct ledger_bulletins *s, const char *province,
                         uint32_t period, uint32_t revision,
                         struct ledger_bulletins_item *out);

/* Own bulletins the peer has not acknowledged, with payloads, oldest
 * first: what the exchange (re)sends. */
int ledger_bulletins_unsent(struct ledger_bulletins *s,
                            struct ledger_bulletins_item **out, size_t *n);

/* Records that an own bulletin was handed to the peer link, or that the
 * peer acknowledged it (the first acknowledgement's time is kept).
 * -ENOENT when there is no such own bulletin. */
int ledger_bulletins_mark_sent(struct ledger_bulletins *s, const char *province,
                               uint32_t period, uint32_t revision, int64_t now);
int ledger_bulletins_mark_acked(struct ledger_bulletins *s,
                                const char *province, uint32_t period,
                                uint32_t revision, int64_t now);

/* The latest month an own bulletin was issued for; 0 when none. */
int ledger_bulletins_latest_issued_period(struct ledger_bulletins *s,
                                          uint32_t *period);

/* Verifies a stored bulletin against the keys recorded for its signer and
 * checks that it is what the row says. Returns 0 with *out set (free with
 * ledger_bulletin_free()); -ENOKEY when no key is recorded for the signer;
 * -EPERM when no recorded key verifies it; -EBADMSG when it is malformed
 * or another bulletin than the row names. */
int ledger_bulletins_verify(struct ledger_bulletins *s,
                            const struct ledger_bulletins_item *it,
                            Luyu__Bulletin **out, char *err, size_t errlen);

void ledger_bulletins_items_free(struct ledger_bulletins_item *items, size_t n);

#endif
