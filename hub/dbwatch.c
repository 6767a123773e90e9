#include "dbwatch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"
#include "xmalloc.h"

/* Exit status of a hub that lost its session: EX_TEMPFAIL, which the
 * unit's Restart=on-failure turns into a new start as a standby. */
#define LOST_SESSION 75

struct hub_dbwatch {
    uv_timer_t timer;
    struct ledger *ledger;
    struct ledger_pg_repl repl;
};

static void on_tick(uv_timer_t *t)
{
    struct hub_dbwatch *w = t->data;

    if (ledger_keepalive(w->ledger, &w->repl) == -ENOTCONN) {
        /* Not a clean shutdown: nothing more may reach the database from
         * this process, not even a rollback on a new connection. */
        lu_err("lost the ledger's database session: another hub may be "
               "active now; stopping (term %lld)",
               (long long)w->repl.term);
        _exit(LOST_SESSION);
    }
}

struct hub_dbwatch *hub_dbwatch_new(uv_loop_t *loop, struct ledger *ledger,
                                    int interval_ms)
{
    struct hub_dbwatch *w = lu_xcalloc(1, sizeof(*w));

    w->ledger = ledger;
    ledger_keepalive(ledger, &w->repl);
    uv_timer_init(loop, &w->timer);
    w->timer.data = w;
    uv_timer_start(&w->timer, on_tick, (uint64_t)interval_ms,
                   (uint64_t)interval_ms);
    return w;
}

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

void hub_dbwatch_free(struct hub_dbwatch *w)
{
    if (w == NULL)
        return;
    uv_close((uv_handle_t *)&w->timer, on_closed);
}

const struct ledger_pg_repl *hub_dbwatch_repl(const struct hub_dbwatch *w)
{
    return &w->repl;
}

void hub_dbwatch_status(const struct hub_dbwatch *w, char *buf, size_t len)
{
    if (w == NULL) {
        snprintf(buf, len, "%s", "");
        return;
    }
    snprintf(buf, len,
             "ledger on PostgreSQL, active (term %lld), %d of %d standbys "
             "synchronous",
             (long long)w->repl.term, w->repl.sync_standbys, w->repl.standbys);
}

void hub_dbwatch_metrics(const struct hub_dbwatch *w, struct lu_buf *b)
{
    if (w == NULL)
        return;
    lu_metrics_gauge(b, "luyu_hub_active",
                     "1 on the hub that holds the PostgreSQL ledger's "
                     "active lock (a standby serves no metrics).",
                     1);
    lu_metrics_gauge(b, "luyu_hub_ledger_term",
                     "Times a hub became active on this ledger (the lock "
                     "history's term of this hub); rises by one a failover.",
                     (double)w->repl.term);
    lu_metrics_gauge(b, "luyu_hub_sync_standbys",
                     "Standbys the database replicates to synchronously "
                     "(pg_stat_replication sync_state sync or quorum).",
                     (double)w->repl.sync_standbys);
    lu_metrics_gauge(b, "luyu_hub_standbys",
                     "Standbys connected to the database at all.",
                     (double)w->repl.standbys);
    lu_metrics_gauge(b, "luyu_hub_synchronous_commit_on",
                     "1 when the hub's session commits with "
                     "synchronous_commit on or remote_apply.",
                     strcmp(w->repl.sync_commit, "on") == 0 ||
                             strcmp(w->repl.sync_commit, "remote_apply") == 0
                         ? 1
                         : 0);
}
