/* The hub's node sessions: who said Hello on which connection, found by
 * routing id, by CURVE key or by node id in constant time (every message
 * looks its session up; with thousands of nodes a linear search was most
 * of a reconnect storm's work, issue 19). One session per node: a new
 * Hello replaces the node's old session. The table owns the sessions. */
#ifndef HUB_SESSIONS_H
#define HUB_SESSIONS_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "codec.h"

/* A node's session is owned by the CURVE key that said Hello (the node's
 * key in the registry), never by a routing id: the peer chooses that. On
 * plain transport (--insecure) there are no keys and the routing id is all
 * there is. The fields are the caller's to read; last_seen_ms and last_seq
 * also to write. */
struct hub_session {
    unsigned char rid[256]; /* of the connection that said Hello */
    size_t rid_len;
    char key[LU_KEY_Z85_LEN + 1]; /* "" on plain transport */
    char node[LU_MAX_NAME + 1];
    uint64_t last_seen_ms;
    uint64_t last_seq; /* the node's newest seq, from Hello and Ping */
    struct hub_session *prev, *next;
};

struct hub_sessions;

struct hub_sessions *hub_sessions_new(void);
/* Frees every session too. NULL is a no-op. */
void hub_sessions_free(struct hub_sessions *ss);

/* Opens a session for node on connection rid with key ("" on plain
 * transport), replacing the node's session if it had one. A routing id
 * reused by a new connection belongs to the newest session. */
struct hub_session *hub_sessions_open(struct hub_sessions *ss,
                                      const unsigned char *rid, size_t rid_len,
                                      const char *key, const char *node);
/* Removes and frees s. */
void hub_sessions_close(struct hub_sessions *ss, struct hub_session *s);

struct hub_session *hub_sessions_by_rid(const struct hub_sessions *ss,
                                        const unsigned char *rid, size_t len);
/* Not for "" (plain transport has no keys). */
struct hub_session *hub_sessions_by_key(const struct hub_sessions *ss,
                                        const char *key);
struct hub_session *hub_sessions_by_node(const struct hub_sessions *ss,
                                         const char *node);
size_t hub_sessions_count(const struct hub_sessions *ss);
/* The first session, for walking them with ->next; read next before
 * closing a session. */
struct hub_session *hub_sessions_first(const struct hub_sessions *ss);

#endif
