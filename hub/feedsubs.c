#include "feedsubs.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct prefix {
    char *p;
    size_t len;
};

struct hub_feedsubs {
    struct prefix subs[HUB_FEEDSUBS_MAX];
    size_t n;
    /* Distinct prefixes past the bound, not kept: while any is, every
     * topic is wanted. Counted so that their unsubscriptions bring the set
     * back (an unsubscription of a prefix not kept is taken for one of
     * them). */
    size_t overflow;
};

struct hub_feedsubs *hub_feedsubs_new(void)
{
    return lu_xcalloc(1, sizeof(struct hub_feedsubs));
}

void hub_feedsubs_free(struct hub_feedsubs *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->subs[i].p);
    free(s);
}

static size_t find(const struct hub_feedsubs *s, const char *p, size_t len)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (s->subs[i].len == len && memcmp(s->subs[i].p, p, len) == 0)
            break;
    return i;
}

void hub_feedsubs_message(struct hub_feedsubs *s, const void *msg, size_t len)
{
    const char *m = msg, *p = m + 1;
    size_t plen = len - 1, i;

    if (len == 0 || (m[0] != 0 && m[0] != 1))
        return;
    i = find(s, p, plen);
    if (m[0] == 1) {
        /* XPUB passes each prefix once; a repeat changes nothing. */
        if (i < s->n)
            return;
        if (s->n == HUB_FEEDSUBS_MAX) {
            s->overflow++;
            return;
        }
        s->subs[s->n].p = lu_xmalloc(plen + 1);
        memcpy(s->subs[s->n].p, p, plen);
        s->subs[s->n].p[plen] = '\0';
        s->subs[s->n++].len = plen;
    } else if (i < s->n) {
        free(s->subs[i].p);
        s->subs[i] = s->subs[--s->n];
    } else if (s->overflow > 0) {
        s->overflow--;
    }
}

bool hub_feedsubs_wanted(const struct hub_feedsubs *s, const char *topic,
                         size_t len)
{
    if (s->overflow > 0)
        return true;
    for (size_t i = 0; i < s->n; i++)
        if (s->subs[i].len <= len &&
            memcmp(s->subs[i].p, topic, s->subs[i].len) == 0)
            return true;
    return false;
}
