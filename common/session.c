#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xmalloc.h"

#define MAX_SESSIONS 1024
#define MAX_AGE_MS (12 * 3600 * 1000ULL)
#define WINDOW_MS (15 * 60 * 1000ULL)
#define USER_FAILS 5
#define ADDR_FAILS 20
#define MAX_COUNTERS 512

/* Failed logins for one key ("u:NAME" or "a:ADDR") within a window that
 * starts at the first failure. */
struct counter {
    char key[80];
    uint64_t since_ms;
    int fails;
};

struct lu_sessions {
    struct lu_session sessions[MAX_SESSIONS];
    int n;
    uint64_t idle_ms;
    struct counter counters[MAX_COUNTERS];
};

struct lu_sessions *lu_sessions_new(int idle_s)
{
    struct lu_sessions *s = lu_xcalloc(1, sizeof(*s));

    s->idle_ms = (uint64_t)idle_s * 1000;
    return s;
}

void lu_sessions_free(struct lu_sessions *s)
{
    if (s != NULL)
        sodium_memzero(s, sizeof(*s));
    free(s);
}

static void random_hex(char *out)
{
    unsigned char raw[LU_TOKEN_LEN / 2];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out, LU_TOKEN_LEN + 1, raw, sizeof(raw));
}

static bool expired(const struct lu_sessions *s, const struct lu_session *ss,
                    uint64_t now)
{
    return now - ss->seen_ms > s->idle_ms || now - ss->created_ms > MAX_AGE_MS;
}

static void drop(struct lu_sessions *s, int i)
{
    s->sessions[i] = s->sessions[--s->n];
    sodium_memzero(&s->sessions[s->n], sizeof(s->sessions[s->n]));
}

const struct lu_session *lu_sessions_create(struct lu_sessions *s,
                                            const char *user)
{
    uint64_t now = lu_mono_ms();
    struct lu_session *ss;
    int oldest = 0;

    for (int i = s->n - 1; i >= 0; i--) {
        if (expired(s, &s->sessions[i], now))
            drop(s, i);
    }
    if (s->n == MAX_SESSIONS) {
        for (int i = 1; i < s->n; i++) {
            if (s->sessions[i].seen_ms < s->sessions[oldest].seen_ms)
                oldest = i;
        }
        drop(s, oldest);
    }
    ss = &s->sessions[s->n++];
    random_hex(ss->token);
    random_hex(ss->csrf);
    snprintf(ss->user, sizeof(ss->user), "%s", user);
    ss->created_ms = ss->seen_ms = now;
    return ss;
}

static int find(struct lu_sessions *s, const char *token)
{
    if (token == NULL || strlen(token) != LU_TOKEN_LEN)
        return -1;
    for (int i = 0; i < s->n; i++) {
        if (sodium_memcmp(s->sessions[i].token, token, LU_TOKEN_LEN) == 0)
            return i;
    }
    return -1;
}

const struct lu_session *lu_sessions_find(struct lu_sessions *s,
                                          const char *token)
{
    uint64_t now = lu_mono_ms();
    int i = find(s, token);

    if (i < 0)
        return NULL;
    if (expired(s, &s->sessions[i], now)) {
        drop(s, i);
        return NULL;
    }
    s->sessions[i].seen_ms = now;
    return &s->sessions[i];
}

void lu_sessions_end(struct lu_sessions *s, const char *token)
{
    int i = find(s, token);

    if (i >= 0)
        drop(s, i);
}

bool lu_session_csrf_ok(const struct lu_session *ss, const char *form)
{
    return form != NULL && strlen(form) == LU_TOKEN_LEN &&
           sodium_memcmp(ss->csrf, form, LU_TOKEN_LEN) == 0;
}

/* The counter for key, or a free or stale slot for it when create. */
static struct counter *counter(struct lu_sessions *s, const char *key,
                               bool create)
{
    uint64_t now = lu_mono_ms();
    struct counter *free_slot = NULL, *oldest = &s->counters[0];

    for (int i = 0; i < MAX_COUNTERS; i++) {
        struct counter *c = &s->counters[i];
        bool stale = c->fails == 0 || now - c->since_ms > WINDOW_MS;

        if (!stale && strcmp(c->key, key) == 0)
            return c;
        if (stale && free_slot == NULL)
            free_slot = c;
        if (c->since_ms < oldest->since_ms)
            oldest = c;
    }
    if (!create)
        return NULL;
    /* A full table forgets its oldest window rather than grow. */
    if (free_slot == NULL)
        free_slot = oldest;
    snprintf(free_slot->key, sizeof(free_slot->key), "%s", key);
    free_slot->since_ms = now;
    free_slot->fails = 0;
    return free_slot;
}

bool lu_sessions_login_allowed(struct lu_sessions *s, const char *user,
                               const char *addr)
{
    char ku[80], ka[80];
    struct counter *cu, *ca;

    snprintf(ku, sizeof(ku), "u:%s", user);
    snprintf(ka, sizeof(ka), "a:%s", addr);
    cu = counter(s, ku, false);
    ca = counter(s, ka, false);
    return (cu == NULL || cu->fails < USER_FAILS) &&
           (ca == NULL || ca->fails < ADDR_FAILS);
}

void lu_sessions_login_failed(struct lu_sessions *s, const char *user,
                              const char *addr)
{
    char key[80];

    snprintf(key, sizeof(key), "u:%s", user);
    counter(s, key, true)->fails++;
    snprintf(key, sizeof(key), "a:%s", addr);
    counter(s, key, true)->fails++;
}
