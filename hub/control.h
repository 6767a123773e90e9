/* The hub's control requests on a unix socket (common/ctlserver): live
 * status of every node and the bulletin state (luyuctl status --hub), and
 * issuing a month's bulletin on command, and the dashboard's users
 * (luyuctl --hub SOCK user ..., common/webusers_ctl.h). */
#ifndef HUB_CONTROL_H
#define HUB_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct ledger_bulletins;
struct hub_intake;
struct ledger;
struct lu_plan;
struct hub_control;
struct hub_users;
struct hub_dbwatch;

struct hub_control_ctx {
    const char *hub_id;
    const char *listen;
    const char *province;
    int64_t started_at;
    struct ledger *ledger;
    const struct lu_plan *plan;
    struct hub_intake *intake;
    struct ledger_bulletins *bulletins; /* NULL: no bulletins here */
    struct hub_dbwatch *dbwatch;        /* NULL: the ledger is SQLite */
    /* Issues the bulletin for period (YYYYMM); writes the outcome into msg.
     * Returns 0, -EINVAL for bad input, other negative errno on failure.
     * NULL when this hub issues no bulletins. */
    int (*issue)(void *data, uint32_t period, char *msg, size_t len);
    void *issue_data;
    /* Members of this Unix group may accept, return and unlock months
     * (luyuctl review); checked on the control socket's peer user. */
    const char *review_group;
    struct hub_users *users; /* the dashboard's users (hub/users.h) */
};

struct hub_control *hub_control_new(uv_loop_t *loop, const char *path,
                                    const struct hub_control_ctx *ctx,
                                    char *err, size_t errlen);
void hub_control_free(struct hub_control *c);

#endif
