/* What the hub tells its admins without being asked: the one-line systemd
 * STATUS= and the Prometheus /metrics page. Reads the intake's counters and
 * the socket monitor's; owns nothing. */
#ifndef HUB_OBSERVE_H
#define HUB_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct ledger_digester;
struct hub_intake;
struct hub_monitor;
struct hub_dbwatch;
struct lu_checkpointer;

struct hub_observe {
    struct hub_intake *intake;
    struct hub_monitor *monitor; /* NULL when it could not start */
    struct ledger_digester *digester;
    struct hub_dbwatch *dbwatch;          /* NULL on SQLite */
    struct lu_checkpointer *checkpointer; /* NULL on PostgreSQL */
    size_t nodes_known;                   /* refreshed by the owner */
    /* Bulletin counters, kept by whoever issues and exchanges them. */
    uint64_t bulletins_issued, bulletins_delivered, bulletins_acked;
    char last_bulletin[64]; /* "2019-07 rev 1, acknowledged" or "" */
    /* Committed-entry counts over the last minute, one slot per status
     * refresh, for "entries per minute". */
    uint64_t minute[30];
    size_t slot;
};

void hub_observe_status(void *data, char *buf, size_t len);
void hub_observe_metrics(void *data, struct lu_buf *out);

#endif
