/* The node's durable outbox: every entry the node accepts is committed here
 * (synchronous=FULL) before luyuctl hears "accepted", gets its seq here, and
 * stays here, marked acknowledged or rejected, after the hub answers. */
#ifndef NODE_OUTBOX_H
#define NODE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "luyu.pb-c.h"

struct node_outbox;

struct node_outbox_stats {
    uint64_t pending;
    uint64_t acknowledged;
    uint64_t rejected;
    uint64_t last_seq;  /* highest seq assigned, 0 when empty */
    int64_t last_ack_s; /* wall clock of the last ack, 0 when never */
};

/* Entries read for sending. The entries and their strings are heap
 * allocated; node_batch_clear() frees them. */
struct node_batch {
    Luyu__Entry **entries;
    size_t n;
};

/* Opens (creating on first start) state_dir/outbox.db, checking that it
 * belongs to node_id. Writes a reason into err on failure. */
int node_outbox_open(const char *state_dir, const char *node_id,
                     struct node_outbox **out, char *err, size_t errlen);
void node_outbox_free(struct node_outbox *ob);

/* An import's key (CtlSubmit.import_key) and, when the outbox holds it
 * already, what the first import with it stored. */
struct node_outbox_import {
    const uint8_t *key; /* NODE_IMPORT_KEY_LEN bytes */
    /* out, for a repeat */
    uint64_t first_seq, n;
    int64_t at;  /* unix s */
    char by[65]; /* recorded_by of the first import */
};
#define NODE_IMPORT_KEY_LEN 32

/* Commits n entries in one transaction, assigning consecutive seqs (written
 * back into each entry's seq). An entry that is a project event also
 * becomes its project's current state. All or nothing. -ENOSPC on a full disk.
 * With an import key (im not NULL), the key is committed in the same
 * transaction, and when the outbox holds it already nothing is stored and
 * 1 is returned with im's out fields set. */
int node_outbox_append(struct node_outbox *ob, Luyu__Entry **entries, size_t n,
                       struct node_outbox_import *im);

/* Whether the outbox holds an import key (1, out fields set) or not (0),
 * without storing anything (a dry run). */
int node_outbox_import_find(struct node_outbox *ob,
                            struct node_outbox_import *im);

/* Looks up one of our entries for a correction. -ENOENT when unknown. The
 * strings are copied into the caller's entry (free with free()). */
int node_outbox_get(struct node_outbox *ob, uint64_t seq, Luyu__Entry *e,
                    int *state);

/* The node's project id as it stands after its newest event: 0 with *out
 * (free with luyu__project__free_unpacked(p, NULL)), -ENOENT when the node
 * has no such project. */
int node_outbox_project_get(struct node_outbox *ob, const char *id,
                            Luyu__Project **out);

/* All of the node's projects (id "") or one, ordered by id. Free each with
 * luyu__project__free_unpacked and the array with free(). */
int node_outbox_projects(struct node_outbox *ob, const char *id,
                         Luyu__Project ***out, size_t *n);

/* One project event as the outbox holds it, with its entry's delivery;
 * everything lives until the callback returns. ev->project is the whole
 * project as it stood after the event. */
struct node_outbox_prow {
    const Luyu__ProjectEvent *ev;
    uint64_t seq;
    const char *recorded_by,
        *reason;         /* reason: the hub's, "" unless rejected */
    int64_t recorded_at; /* unix s */
    int state;           /* NODE_PENDING, _ACKED, _REJECTED */
    int reject_code;     /* RejectCode of reason, 0 when none */
};

typedef void (*node_outbox_prow_cb)(void *arg,
                                    const struct node_outbox_prow *r);

/* With id NULL, calls cb with the newest event of each of the node's
 * projects (its current state), ordered by id; else with every event of
 * project id, whose unit is unit, oldest first (the web pages' history).
 * 0 or a negative errno. */
int node_outbox_each_project(struct node_outbox *ob, const char *id,
                             const char *unit, node_outbox_prow_cb cb,
                             void *arg);

/* Reads up to max entries with seq >= from, ascending. */
int node_outbox_read(struct node_outbox *ob, uint64_t from, size_t max,
                     struct node_batch *b);
void node_batch_clear(struct node_batch *b);

/* Records the hub's answer: everything <= upto is done; the listed seqs
 * were rejected for good with their reasons. One transaction. */
int node_outbox_ack(struct node_outbox *ob, uint64_t upto,
                    Luyu__Reject **rejects, size_t n_rejects);

/* Lowest seq not yet acknowledged or rejected (last_seq + 1 when none). */
uint64_t node_outbox_first_pending(const struct node_outbox *ob);

void node_outbox_stats(const struct node_outbox *ob,
                       struct node_outbox_stats *st);

/* Most recent rejected entries, newest first, for status. Fills up to max
 * ids ("node/seq") and reasons, heap strings the caller frees, and their
 * RejectCodes (0: the reason has none; common/reject.h). */
size_t node_outbox_rejects(struct node_outbox *ob, size_t max, char **ids,
                           char **reasons, int *codes);

/* One entry of a listing (luyuctl entries), with the hub's answer and its
 * place in its chain: an original and the corrections of it and of them. */
struct node_outbox_row {
    Luyu__Entry e;         /* strings on the heap; see node_outbox_list */
    int state;             /* NODE_PENDING, NODE_ACKED or NODE_REJECTED */
    char *reason;          /* the hub's reason, "" unless rejected */
    int reject_code;       /* its RejectCode, 0 when it came without one */
    int64_t done_at;       /* unix s of the ack or reject, 0 when pending */
    uint64_t corrects_seq; /* seq of the entry corrected, 0 for an original */
    uint64_t root;         /* seq of the chain's original */
    int current;           /* the chain's newest entry not rejected */
};

/* Which entries to list: NULL or 0 for any. Corrections inherit unit,
 * indicator and period, so these filters never split a chain. */
struct node_outbox_filter {
    uint32_t period;
    const char *unit, *indicator;
    size_t limit; /* the newest `limit` matching entries; 0: all */
};

struct node_outbox_list {
    struct node_outbox_row *rows; /* ascending seq */
    size_t n;
    uint64_t omitted; /* older matching entries beyond the limit */
};

/* Lists the matching entries into l (free with node_outbox_list_free, also
 * after a failure). Returns 0 or a negative errno. */
int node_outbox_list(struct node_outbox *ob, const struct node_outbox_filter *f,
                     struct node_outbox_list *l);
void node_outbox_list_free(struct node_outbox_list *l);

/* One entry as the outbox holds it, for listings; strings live until the
 * callback returns. */
struct node_outbox_rec {
    uint64_t seq;
    const char *unit, *indicator;
    uint32_t period; /* YYYYMM */
    int64_t amount;  /* stored units */
    const char *note, *recorded_by, *corrects, *reason;
    int64_t recorded_at, done_at; /* unix s; done_at 0 while pending */
    int state;                    /* NODE_PENDING, _ACKED, _REJECTED */
    int reject_code;              /* RejectCode of reason, 0 when none */
};

typedef void (*node_outbox_rec_cb)(void *arg, const struct node_outbox_rec *r);

/* Calls cb for up to max entries, newest first: those of period (YYYYMM;
 * 0 for every period). 0 or a negative errno. */
int node_outbox_each(struct node_outbox *ob, uint32_t period, size_t max,
                     node_outbox_rec_cb cb, void *arg);

/* Calls cb for every figure entry (not project events) of one unit and
 * indicator, ascending seq, with seq, period, amount, corrects,
 * recorded_at and state set (other fields NULL or 0): a figure's history
 * for the data-quality checks (node/quality.h), read through the
 * outbox_figure index. 0 or a negative errno. */
int node_outbox_each_figure(struct node_outbox *ob, const char *unit,
                            const char *indicator, node_outbox_rec_cb cb,
                            void *arg);

/* Frees the strings and sub-messages of an entry the outbox filled
 * (node_outbox_get); they become NULL. */
void node_outbox_entry_clear(Luyu__Entry *e);

/* Keeps the province's review notices (from the hub's Welcome or Pong),
 * each id once, in one transaction. Returns how many were new, or a
 * negative errno. */
int node_outbox_notices_add(struct node_outbox *ob,
                            Luyu__ReviewNotice *const *v, size_t n);
/* The highest notice id held (0 when none): Hello.notice_after. */
uint64_t node_outbox_notice_after(struct node_outbox *ob);
/* The newest review step of each unit's month (of unit's period only when
 * unit is not NULL), newest first, at most max; with unit NULL also every
 * reminder (kind REMIND), which changes no state. *out holds *n notices; free
 * with node_outbox_notices_free (also after a failure). */
int node_outbox_notices(struct node_outbox *ob, const char *unit,
                        uint32_t period, size_t max, Luyu__ReviewNotice ***out,
                        size_t *n);
void node_outbox_notices_free(Luyu__ReviewNotice **v, size_t n);

/* A unit's month as the node knows it, for the review page
 * (node/pages_review.c): how many figure entries it holds, the node's
 * latest approval of it (by "" when none) with that approval's delivery
 * state, and when the province's latest step on it arrived (0: none), all
 * on the node's clock so that an approval and a step compare. Strings live
 * until the callback returns. */
struct node_outbox_month {
    const char *unit;
    uint32_t period; /* YYYYMM */
    uint64_t entries;
    const char *approved_by, *approval_reason;
    int64_t approved_at;
    int approval_state; /* NODE_PENDING, _ACKED, _REJECTED */
    int64_t step_received_at;
};

typedef void (*node_outbox_month_cb)(void *arg,
                                     const struct node_outbox_month *m);

/* Calls cb for up to max units' months that hold entries or approvals,
 * newest month first, then by unit. 0 or a negative errno. */
int node_outbox_months(struct node_outbox *ob, size_t max,
                       node_outbox_month_cb cb, void *arg);

/* The outbox's connection, for the other modules of outbox.db's schema
 * (node/users.c) and no one else: this module stays the one owner of the
 * file, its migrations and its transactions. */
sqlite3 *node_outbox_db(struct node_outbox *ob);

/* Entry state values stored in the outbox. */
enum { NODE_PENDING = 0, NODE_ACKED = 1, NODE_REJECTED = 2 };

#endif
