/* luyuctl project: the project pool (滚动项目库). Changes (add, edit,
 * stage, money, import) go to the node, which stores them as events of its
 * outbox; readings (list, show, history, pool) come from the node for its
 * own projects or from a hub's ledger (--state-dir) for the province,
 * through the ledger library only. */
#ifndef CTL_PROJECT_CMD_H
#define CTL_PROJECT_CMD_H

#include "ctl.h"
#include "luyu.pb-c.h"

struct lu_buf;

ctl_cmd_cb ctl_project_cmd;

/* The subcommands, each in its file. */
ctl_cmd_cb ctl_project_change_cmd; /* add, edit, stage, money */
ctl_cmd_cb ctl_project_import_cmd;
ctl_cmd_cb ctl_project_read_cmd; /* list, show, history, pool */

/* Sends the changes of req to the node and prints the new entry ids.
 * Returns the exit code. */
int ctl_project_send(const struct ctl_global *g, Luyu__CtlProjects *req,
                     const char *what);

#endif
