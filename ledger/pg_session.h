/* Opening one of the hub's sessions on the PostgreSQL ledger: libpq's
 * defaults (connect timeout, TCP keepalives), an application_name that
 * says what the session is for, and the server-side timeouts that end it
 * when the hub falls silent (DECISIONS.md, "A frozen hub cannot keep the
 * standby out"). Internal to ledger/ (ledger__ prefix). */
#ifndef LEDGER_PG_SESSION_H
#define LEDGER_PG_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "pq_lib.h"

struct ledger__pg_session {
    const char *conninfo; /* libpq connection string */
    const char *purpose;  /* "lock", "writer": application_name "luyu-hub
                             PURPOSE" unless the string names one */
    int idle_ms;          /* idle_in_transaction_session_timeout */
    bool idle_session;    /* also idle_session_timeout: the session must
                             then make a round trip within idle_ms */
};

/* Connects and sets the session up: the timeouts above, and
 * synchronous_commit at least "on" (acks mean replicated). 0 with *out
 * the connection (PQfinish it), or -ENOENT (no libpq), -EINVAL (a string
 * libpq cannot parse), -ECONNREFUSED (unreachable), -EIO (the settings),
 * with the reason in err. */
int ledger__pg_session_open(const struct ledger__pg_session *s, PGconn **out,
                            char *err, size_t errlen);

#endif
