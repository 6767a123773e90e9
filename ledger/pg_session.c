#include "pg_session.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "pg.h"

/* libpq's notices ("relation ... already exists, skipping") are for a
 * developer, not for the journal. */
static void on_notice(void *arg, const char *message)
{
    (void)arg;
    lu_debug("ledger: %s", message);
}

/* Runs sql, which returns nothing or one value, copied into out when out
 * is not NULL. */
static int run(PGconn *conn, const char *sql, char *out, size_t len)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int r = 0;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        r = -EIO;
    else if (out != NULL)
        snprintf(out, len, "%s",
                 PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return r;
}

/* The server ends the session after idle_ms in an open transaction (and,
 * with idle_session, after idle_ms without a statement): what frees the
 * locks of a paused or cut-off hub. */
static int settings(PGconn *conn, const struct ledger__pg_session *s)
{
    char sql[160], cur[32];
    int r;

    snprintf(sql, sizeof(sql),
             "SET idle_in_transaction_session_timeout = %d;"
             " SET idle_session_timeout = %d",
             s->idle_ms, s->idle_session ? s->idle_ms : 0);
    r = run(conn, sql, NULL, 0);
    if (r == 0)
        r = run(conn, "SHOW synchronous_commit", cur, sizeof(cur));
    if (r == 0 && strcmp(cur, "on") != 0 && strcmp(cur, "remote_apply") != 0)
        r = run(conn, "SET synchronous_commit = on", NULL, 0);
    return r;
}

int ledger__pg_session_open(const struct ledger__pg_session *s, PGconn **out,
                            char *err, size_t errlen)
{
    /* Ours first, so that the connection string can override them:
     * keepalives notice a dead server within about 15 s, and on the
     * lock's session a write the server does not acknowledge within
     * idle_ms ends the connection (by then the server has ended the
     * session anyway). */
    char app[64], user_timeout[16], msg[512];
    const char *keys[] = {"connect_timeout",
                          "keepalives_idle",
                          "keepalives_interval",
                          "keepalives_count",
                          "tcp_user_timeout",
                          "application_name",
                          "dbname",
                          NULL};
    const char *vals[] = {"10",         "5", "2",         "5",
                          user_timeout, app, s->conninfo, NULL};
    PGconn *conn = NULL;
    int r = ledger_pg_check(s->conninfo, err, errlen);

    *out = NULL;
    if (r < 0)
        goto out;
    snprintf(app, sizeof(app), "luyu-hub %s", s->purpose);
    /* Only where messages are small: a writer's batch may meet a full
     * receive window on a busy server, and that is no lost server. */
    snprintf(user_timeout, sizeof(user_timeout), "%d",
             s->idle_session ? s->idle_ms : 0);
    conn = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(conn) != CONNECTION_OK) {
        snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn));
        msg[strcspn(msg, "\n")] = '\0';
        snprintf(err, errlen, "ledger: cannot reach the PostgreSQL ledger: %s",
                 msg);
        r = -ECONNREFUSED;
        goto out;
    }
    PQsetNoticeProcessor(conn, on_notice, NULL);
    if (settings(conn, s) < 0) {
        snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn));
        msg[strcspn(msg, "\n")] = '\0';
        snprintf(err, errlen, "ledger: cannot set up the %s session: %s",
                 s->purpose, msg);
        r = -EIO;
        goto out;
    }
    *out = conn;
    conn = NULL;
out:
    if (conn != NULL)
        PQfinish(conn);
    return r;
}
