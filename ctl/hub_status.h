/* luyuctl status --hub SOCK: every node the hub knows (connected or not,
 * last seen, entries received, rejects, backlog) and the bulletins. */
#ifndef CTL_HUB_STATUS_H
#define CTL_HUB_STATUS_H

#include <stdbool.h>

/* Asks the hub on its control socket and prints the answer. Returns the
 * exit code. */
int ctl_hub_status(const char *sock, bool json);

#endif
