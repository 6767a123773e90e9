/* luyuctl bulletin (list, show, export, verify) and luyuctl completeness:
 * reading the monthly bulletins a hub keeps, and checking them. Issuing
 * goes through the hub's control socket. */
#ifndef CTL_BULLETIN_CMD_H
#define CTL_BULLETIN_CMD_H

#include "ctl.h"

ctl_cmd_cb ctl_bulletin_cmd;
ctl_cmd_cb ctl_completeness_cmd;

#endif
