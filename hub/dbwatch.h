/* The active hub's watch on its PostgreSQL sessions (ledger/pg.h): every
 * tick reads what the lock's thread last saw (its round trips keep the
 * lock's session alive while this loop turns) and the replication state
 * for status and /metrics. When a session is gone, another hub may
 * already be active: this one exits at once (the unit restarts it as a
 * standby). Owns its timer; the ledger is borrowed. Not started on
 * SQLite. */
#ifndef HUB_DBWATCH_H
#define HUB_DBWATCH_H

#include <uv.h>

#include "ledger.h"
#include "util.h"

struct hub_dbwatch;

struct hub_dbwatch *hub_dbwatch_new(uv_loop_t *loop, struct ledger *ledger,
                                    int interval_ms);
void hub_dbwatch_free(struct hub_dbwatch *w);

/* "ledger PostgreSQL (term 3), 1 of 1 standbys synchronous" or "" (NULL
 * or SQLite). */
void hub_dbwatch_status(const struct hub_dbwatch *w, char *buf, size_t len);
/* The replication state as of the last round trip. */
const struct ledger_pg_repl *hub_dbwatch_repl(const struct hub_dbwatch *w);
void hub_dbwatch_metrics(const struct hub_dbwatch *w, struct lu_buf *b);

#endif
