/* Talking to luyu-node over its control socket: the checks and messages
 * every node command (submit, import, correct, status) shares. */
#ifndef CTL_NODE_H
#define CTL_NODE_H

#include "luyu.pb-c.h"

struct ctl_global;

/* Checks that a control socket was given (--node or $LUYU_NODE). Returns
 * CTL_EXIT_OK or prints what to do and returns CTL_EXIT_BAD. */
int ctl_node_need(const struct ctl_global *g, const char *cmd);

/* Sends req and waits up to timeout_ms for the answer. Returns CTL_EXIT_OK
 * with *resp set, whatever its code (the caller frees it with
 * luyu__ctl_response__free_unpacked), or prints why the node could not be
 * asked and returns CTL_EXIT_FAIL. */
int ctl_node_call(const struct ctl_global *g, const Luyu__CtlRequest *req,
                  int timeout_ms, Luyu__CtlResponse **resp);

/* For an answer that is not OK: prints its problems (or its message) as
 * "luyuctl: ..." and returns the exit code it stands for: CTL_EXIT_BAD for
 * BAD_INPUT, CTL_EXIT_FAIL for anything else. */
int ctl_node_refused(const Luyu__CtlResponse *resp);

/* Sends req, which records one entry (submit or correct), and prints the
 * new entry's id alone on a line. Returns the exit code. */
int ctl_node_record(const struct ctl_global *g, const Luyu__CtlRequest *req,
                    int timeout_ms);

#endif
