/* The active hub's lock on the PostgreSQL ledger, held on a session of its
 * own that does nothing else: a session-level advisory lock, kept by a
 * thread that makes a small round trip every interval. When the hub is
 * frozen or cut off, that session falls silent and the server ends it
 * after its idle timeout, whatever the hub's other sessions were doing:
 * a standby then takes the lock (DECISIONS.md, "A frozen hub cannot keep
 * the standby out"). The thread also reads the replication state for
 * status and /metrics. Internal to ledger/ (ledger/pg.c owns it). */
#ifndef LEDGER_PG_LOCK_H
#define LEDGER_PG_LOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "pg.h"

struct ledger_pg_lock;

/* Connects the lock's session (application_name "luyu-hub lock") with
 * idle_session_timeout and idle_in_transaction_session_timeout at
 * conf->idle_timeout_ms, and checks replication as conf requires
 * (-EPROTO when it is not there). Errors as ledger_pg_open's, reason in
 * err. */
int ledger_pg_lock_open(const struct ledger_pg_conf *conf,
                        struct ledger_pg_lock **out, char *err, size_t errlen);

/* Waits until this session holds the active lock (calling
 * conf->waiting_cb about every 500 ms), then starts the thread that keeps
 * it. 0, -ECANCELED (waiting_cb said stop) or -EIO, reason in err. */
int ledger_pg_lock_take(struct ledger_pg_lock *l,
                        const struct ledger_pg_conf *conf, char *err,
                        size_t errlen);

/* Waits for a round trip that began after this call: 0 proves the session,
 * and with it the lock, was still alive after everything this process did
 * before the call; -ENOTCONN once it is gone. */
int ledger_pg_lock_confirm(struct ledger_pg_lock *l);

/* The last round trip's state, without waiting: 0 and *repl (term left
 * as it is) while the session lives, -ENOTCONN once it is gone. Also
 * tells the thread that the caller's loop still turns: a hub whose loop
 * has not called for LEDGER_PG_LOCK_STALL_MS (counted from its first
 * call: starting may take longer) stops keeping the session alive and so
 * gives the lock up. */
#define LEDGER_PG_LOCK_STALL_MS 60000
int ledger_pg_lock_state(struct ledger_pg_lock *l, struct ledger_pg_repl *repl);

/* Stops the thread and ends the session (which frees the lock). */
void ledger_pg_lock_free(struct ledger_pg_lock *l);

#endif
