#include "sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xmalloc.h"

/* The sessions in a list (for walking them) and three indexes into it.
 * Each index maps to at most one session: by node, because a Hello
 * replaces the node's session; by key, because a key belongs to one node;
 * by routing id, the newest session holding it (a routing id may be
 * reused by a new connection while the old session waits for its idle
 * sweep). */
struct hub_sessions {
    struct hub_session *head;
    size_t n;
    struct lu_hmap *by_rid, *by_key, *by_node;
};

struct hub_sessions *hub_sessions_new(void)
{
    struct hub_sessions *ss = lu_xcalloc(1, sizeof(*ss));

    ss->by_rid = lu_hmap_new();
    ss->by_key = lu_hmap_new();
    ss->by_node = lu_hmap_new();
    return ss;
}

void hub_sessions_free(struct hub_sessions *ss)
{
    if (ss == NULL)
        return;
    while (ss->head) {
        struct hub_session *s = ss->head;

        ss->head = s->next;
        free(s);
    }
    lu_hmap_free(ss->by_rid);
    lu_hmap_free(ss->by_key);
    lu_hmap_free(ss->by_node);
    free(ss);
}

void hub_sessions_close(struct hub_sessions *ss, struct hub_session *s)
{
    /* An index may already point at a newer session with the same routing
     * id: only what points at s goes. */
    lu_hmap_del_if(ss->by_rid, s->rid, s->rid_len, s);
    if (s->key[0] != '\0')
        lu_hmap_del_if(ss->by_key, s->key, strlen(s->key), s);
    lu_hmap_del_if(ss->by_node, s->node, strlen(s->node), s);
    if (s->prev)
        s->prev->next = s->next;
    else
        ss->head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    ss->n--;
    free(s);
}

struct hub_session *hub_sessions_open(struct hub_sessions *ss,
                                      const unsigned char *rid, size_t rid_len,
                                      const char *key, const char *node)
{
    struct hub_session *s, *old = hub_sessions_by_node(ss, node);

    if (old != NULL)
        hub_sessions_close(ss, old);
    s = lu_xcalloc(1, sizeof(*s));
    if (rid_len > sizeof(s->rid))
        rid_len = sizeof(s->rid);
    memcpy(s->rid, rid, rid_len);
    s->rid_len = rid_len;
    snprintf(s->key, sizeof(s->key), "%s", key ? key : "");
    snprintf(s->node, sizeof(s->node), "%s", node);
    s->next = ss->head;
    if (ss->head)
        ss->head->prev = s;
    ss->head = s;
    ss->n++;
    lu_hmap_put(ss->by_rid, s->rid, s->rid_len, s);
    if (s->key[0] != '\0')
        lu_hmap_put(ss->by_key, s->key, strlen(s->key), s);
    lu_hmap_put(ss->by_node, s->node, strlen(s->node), s);
    return s;
}

struct hub_session *hub_sessions_by_rid(const struct hub_sessions *ss,
                                        const unsigned char *rid, size_t len)
{
    return lu_hmap_get(ss->by_rid, rid, len);
}

struct hub_session *hub_sessions_by_key(const struct hub_sessions *ss,
                                        const char *key)
{
    return lu_hmap_gets(ss->by_key, key);
}

struct hub_session *hub_sessions_by_node(const struct hub_sessions *ss,
                                         const char *node)
{
    return lu_hmap_gets(ss->by_node, node);
}

size_t hub_sessions_count(const struct hub_sessions *ss)
{
    return ss->n;
}

struct hub_session *hub_sessions_first(const struct hub_sessions *ss)
{
    return ss->head;
}
