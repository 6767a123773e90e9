/* What the feed's subscribers asked for: the topic prefixes their SUBSCRIBE
 * messages named, as the feed's XPUB socket passes them on (each prefix once,
 * however many subscribers share it; an UNSUBSCRIBE once the last of them
 * left or went away). The hub asks it before it formats an entry's event:
 * in a catch-up storm it merges 100,000 entries a second, and an event
 * nobody reads is not worth its JSON (issue 19, docs/DECISIONS.md).
 *
 * Bounded: a peer may subscribe to as many prefixes as it likes, and matching
 * walks them all, so past HUB_FEEDSUBS_MAX distinct prefixes every topic
 * counts as wanted (as a plain PUB socket behaves) until they drop below. */
#ifndef HUB_FEEDSUBS_H
#define HUB_FEEDSUBS_H

#include <stdbool.h>
#include <stddef.h>

#define HUB_FEEDSUBS_MAX 64

struct hub_feedsubs;

struct hub_feedsubs *hub_feedsubs_new(void);
void hub_feedsubs_free(struct hub_feedsubs *s);

/* One message read from an XPUB socket: byte 1 then a prefix subscribes,
 * byte 0 then a prefix unsubscribes; anything else is ignored. */
void hub_feedsubs_message(struct hub_feedsubs *s, const void *msg, size_t len);

/* Whether some subscriber's prefix starts topic (len bytes, not
 * NUL-terminated). */
bool hub_feedsubs_wanted(const struct hub_feedsubs *s, const char *topic,
                         size_t len);

#endif
