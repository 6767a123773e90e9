/* luyuctl bulletin issue YYYY-MM --hub SOCK: asks the hub, over its control
 * socket, to issue (sign, store and send to the peer) the month's bulletin
 * now: revision 1, or the next revision when late entries changed it. */
#ifndef CTL_BULLETIN_ISSUE_H
#define CTL_BULLETIN_ISSUE_H

int ctl_bulletin_issue(int argc, char **argv);

#endif
