/* The hub's live feed: a ZeroMQ PUB socket on which it publishes what it
 * merges and what happens to its nodes and bulletins, for `luyuctl feed`
 * and any other subscriber. Every message is two frames: a topic, then one
 * JSON object. Topics (subscribe by prefix):
 *
 *   entry.UNIT.INDICATOR   an entry merged into the ledger
 *   reject.UNIT.INDICATOR  an entry refused for good
 *   node.up / node.down    a node's session began / ended
 *   bulletin.issued / bulletin.received / bulletin.acked
 *
 * Off the host the feed is a CURVE server behind the same ZAP handler as
 * the intake, so only registered keys can read it. The socket drops
 * messages for slow subscribers rather than block the hub: the feed is for
 * watching, the ledger is the record. It is an XPUB, so the hub knows what
 * is subscribed and formats an entry's event only when someone's prefix
 * matches its topic (hub/feedsubs.h): a subscriber sees the entries of
 * groups merged after its subscription reached the hub. */
#ifndef HUB_FEED_H
#define HUB_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "luyu.pb-c.h"

struct hub_feed;
struct lu_plan;

/* secret_z85 NULL: plain (local endpoints only). The loop reads the
 * subscriptions as they come. */
struct hub_feed *hub_feed_new(uv_loop_t *loop, void *zctx, const char *endpoint,
                              const char *secret_z85, char *err, size_t errlen);
/* Reads the subscriptions that came meanwhile, now: the intake calls it
 * when a group opens, since the loop does not poll while a group merges.
 * f may be NULL. */
void hub_feed_refresh(struct hub_feed *f);
void hub_feed_free(struct hub_feed *f);
/* f may be NULL (no feed configured): then nothing happens. */
void hub_feed_publish(struct hub_feed *f, const char *topic, const char *json);

/* Entry and reject events are noted while the intake's group transaction
 * is open and published only when it commits: the feed never shows an entry
 * the ledger does not hold. reason NULL: entry (or project change) merged,
 * topic "entry.UNIT.INDICATOR" ("project.UNIT.ID"); otherwise refused for
 * good, "reject.UNIT.INDICATOR" ("reject.UNIT." for a project change) with
 * the reason. The event is
 * {"id" NODE/SEQ, "unit", "indicator", "period", "amount", "base_unit",
 *  "corrects", "recorded_by"[, "reason"]} or for a project change
 * {"id", "unit", "project", "kind", "stage", "recorded_by"[, "reason"]};
 * plan (borrowed, may be NULL) formats the amount. Nothing is copied from
 * e after the call. */
void hub_feed_note_entry(struct hub_feed *f, const struct lu_plan *plan,
                         const char *node, const Luyu__Entry *e,
                         const char *reason);
/* Publishes what was noted since the last call (the transaction
 * committed), or forgets it (it rolled back). */
void hub_feed_flush_noted(struct hub_feed *f, bool committed);
/* The events noted so far, for holding them until their commit is
 * durable (hub/held.h): the caller may take the buffer's contents and
 * leave it empty. NULL when f is. */
struct lu_buf *hub_feed_noted(struct hub_feed *f);
/* Publishes the events of b (as noted by hub_feed_note_entry) if
 * committed, and empties b. */
void hub_feed_publish_noted(struct hub_feed *f, struct lu_buf *b,
                            bool committed);

/* Publishes "node.up" or "node.down": {"node", "state" "up"|"down"}. */
void hub_feed_node(struct hub_feed *f, const char *node, bool up);

/* Publishes a bulletin event (topic "bulletin.issued", "bulletin.received",
 * ...): {"province", "period" YYYY-MM, "revision"}, province omitted when
 * NULL, written by common/json.h. */
void hub_feed_bulletin(struct hub_feed *f, const char *topic,
                       const char *province, uint32_t period,
                       uint32_t revision);

#endif
