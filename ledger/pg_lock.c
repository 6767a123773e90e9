#include "pg_lock.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "pg_session.h"
#include "util.h"
#include "xmalloc.h"

/* The advisory lock's key: "luyu" in ASCII. One cluster (database) keeps
 * one province's ledger, so one key is enough. */
#define ACTIVE_LOCK 0x6c757975

/* How often a standby asks for the lock. */
#define POLL_MS 500

struct ledger_pg_lock {
    PGconn *conn; /* the thread's alone once it runs */
    pthread_t thread;
    bool started;
    int interval_ms;
    pthread_mutex_t mu; /* guards everything below */
    pthread_cond_t cond;
    bool stop, lost, stalled;
    uint64_t asked, served;     /* ledger_pg_lock_confirm()'s rounds */
    uint64_t loop_seen_ms;      /* lu_mono_ms() of the last state call,
                                   0 before the first (while starting) */
    struct ledger_pg_repl repl; /* as of the last round trip */
};

/* The round trip: the replication state, on the lock's session. */
static int read_repl(PGconn *conn, struct ledger_pg_repl *rp)
{
    PGresult *res =
        PQexec(conn, "SELECT current_setting('synchronous_commit'),"
                     " current_setting('synchronous_standby_names'),"
                     " (SELECT count(*) FROM pg_stat_replication WHERE"
                     " sync_state IN ('sync', 'quorum')),"
                     " (SELECT count(*) FROM pg_stat_replication)");
    int r = -ENOTCONN;

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        snprintf(rp->sync_commit, sizeof(rp->sync_commit), "%s",
                 PQgetvalue(res, 0, 0));
        snprintf(rp->standby_names, sizeof(rp->standby_names), "%s",
                 PQgetvalue(res, 0, 1));
        rp->sync_standbys = atoi(PQgetvalue(res, 0, 2));
        rp->standbys = atoi(PQgetvalue(res, 0, 3));
        r = 0;
    }
    PQclear(res);
    return r;
}

static int check_sync(struct ledger_pg_lock *l, const struct ledger_pg_conf *c,
                      char *err, size_t errlen)
{
    struct ledger_pg_repl *rp = &l->repl;

    if (read_repl(l->conn, rp) < 0) {
        snprintf(err, errlen, "cannot read the replication state: %s",
                 PQerrorMessage(l->conn));
        return -EIO;
    }
    if (!c->require_sync_standby)
        return 0;
    if (rp->standby_names[0] == '\0') {
        snprintf(err, errlen,
                 "require_sync_standby = true, but the cluster has no "
                 "synchronous standby (synchronous_standby_names is empty)");
        return -EPROTO;
    }
    if (rp->sync_standbys == 0) {
        snprintf(err, errlen,
                 "require_sync_standby = true, but no synchronous standby "
                 "of \"%s\" is connected (pg_stat_replication)",
                 rp->standby_names);
        return -EPROTO;
    }
    return 0;
}

int ledger_pg_lock_open(const struct ledger_pg_conf *c,
                        struct ledger_pg_lock **out, char *err, size_t errlen)
{
    struct ledger__pg_session s = {.conninfo = c->conninfo,
                                   .purpose = "lock",
                                   .idle_ms = c->idle_timeout_ms,
                                   .idle_session = true};
    struct ledger_pg_lock *l = lu_xcalloc(1, sizeof(*l));
    pthread_condattr_t ca;
    int r;

    *out = NULL;
    pthread_mutex_init(&l->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->cond, &ca);
    pthread_condattr_destroy(&ca);
    /* A round trip every third of the idle timeout: two can be late
     * before the server ends the session. */
    l->interval_ms = c->idle_timeout_ms / 3;
    r = ledger__pg_session_open(&s, &l->conn, err, errlen);
    if (r == 0)
        r = check_sync(l, c, err, errlen);
    if (r < 0) {
        ledger_pg_lock_free(l);
        return r;
    }
    *out = l;
    return 0;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* One attempt: 1 when the lock is ours, 0 when another session holds it,
 * negative when the session failed. */
static int try_lock(PGconn *conn)
{
    char sql[64];
    PGresult *res;
    int r = -EIO;

    snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_lock(%d)", ACTIVE_LOCK);
    res = PQexec(conn, sql);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        r = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return r;
}

/* Ends when the hub frees the lock, or when the session is lost: the
 * hub's loop learns it from ledger_pg_lock_state() and stops. */
static void *keep(void *arg)
{
    struct ledger_pg_lock *l = arg;
    struct ledger_pg_repl rp;

    pthread_mutex_lock(&l->mu);
    while (!l->stop && !l->lost) {
        struct timespec until;
        uint64_t serving;
        int r;

        if (l->asked == l->served) {
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_sec += l->interval_ms / 1000;
            until.tv_nsec += (long)(l->interval_ms % 1000) * 1000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&l->cond, &l->mu, &until);
        }
        if (l->stop)
            break;
        /* A loop that no longer turns cannot serve the nodes: the session
         * is left to time out so that a standby takes over. */
        if (l->loop_seen_ms != 0 &&
            lu_mono_ms() - l->loop_seen_ms > LEDGER_PG_LOCK_STALL_MS &&
            l->asked == l->served) {
            if (!l->stalled)
                lu_err("the hub's loop has not turned for %d s: giving the "
                       "active lock up",
                       LEDGER_PG_LOCK_STALL_MS / 1000);
            l->stalled = true;
            continue;
        }
        serving = l->asked;
        rp = l->repl;
        pthread_mutex_unlock(&l->mu);
        r = read_repl(l->conn, &rp);
        pthread_mutex_lock(&l->mu);
        if (r < 0) {
            /* Said once here, with libpq's reason; the loop stops. */
            lu_err("ledger: the active lock's session is gone: %s",
                   PQerrorMessage(l->conn));
            l->lost = true;
        } else {
            l->repl = rp;
            l->served = serving;
            l->stalled = false;
        }
        pthread_cond_broadcast(&l->cond);
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

int ledger_pg_lock_take(struct ledger_pg_lock *l,
                        const struct ledger_pg_conf *c, char *err,
                        size_t errlen)
{
    bool said = false;
    int r;

    while ((r = try_lock(l->conn)) == 0) {
        if (!said)
            lu_notice("standby: another hub holds the ledger; waiting to "
                      "take over");
        said = true;
        if (c->waiting_cb != NULL && !c->waiting_cb(c->data)) {
            snprintf(err, errlen, "stopped while on standby");
            return -ECANCELED;
        }
        sleep_ms(POLL_MS);
    }
    if (r < 0) {
        snprintf(err, errlen, "cannot take the active hub's lock: %s",
                 PQerrorMessage(l->conn));
        return r;
    }
    if (pthread_create(&l->thread, NULL, keep, l) != 0) {
        snprintf(err, errlen, "cannot start the lock's thread");
        return -EAGAIN;
    }
    l->started = true;
    return 0;
}

int ledger_pg_lock_confirm(struct ledger_pg_lock *l)
{
    uint64_t want;
    int r;

    pthread_mutex_lock(&l->mu);
    want = ++l->asked;
    pthread_cond_broadcast(&l->cond);
    while (!l->lost && l->served < want)
        pthread_cond_wait(&l->cond, &l->mu);
    r = l->lost ? -ENOTCONN : 0;
    pthread_mutex_unlock(&l->mu);
    return r;
}

int ledger_pg_lock_state(struct ledger_pg_lock *l, struct ledger_pg_repl *repl)
{
    int r;

    pthread_mutex_lock(&l->mu);
    l->loop_seen_ms = lu_mono_ms();
    r = l->lost ? -ENOTCONN : 0;
    if (r == 0 && repl != NULL) {
        int64_t term = repl->term;

        *repl = l->repl;
        repl->term = term;
    }
    pthread_mutex_unlock(&l->mu);
    return r;
}

void ledger_pg_lock_free(struct ledger_pg_lock *l)
{
    if (l == NULL)
        return;
    if (l->started) {
        pthread_mutex_lock(&l->mu);
        l->stop = true;
        pthread_cond_broadcast(&l->cond);
        pthread_mutex_unlock(&l->mu);
        pthread_join(l->thread, NULL);
    }
    if (l->conn != NULL)
        PQfinish(l->conn);
    pthread_cond_destroy(&l->cond);
    pthread_mutex_destroy(&l->mu);
    free(l);
}
