#include "bulletin_issue.h"

#include <stdio.h>
#include <stdlib.h>

#include "amount.h"
#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "node.h"
#include "output.h"

#define ISSUE_TIMEOUT_MS 120000

static const char USAGE[] =
    N_("usage: luyuctl bulletin issue YYYY-MM [--hub SOCK]\n"
       "\n"
       "Asks the hub to issue the month's bulletin now: it is computed from\n"
       "the ledger, signed, stored and sent to the peer hub. The first issue\n"
       "is revision 1; later issues make a new revision only when entries\n"
       "for that month (or earlier) arrived since. SOCK is the hub's control\n"
       "socket (default $LUYU_HUB).\n");

int ctl_bulletin_issue(int argc, char **argv)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlBulletinIssue bi = LUYU__CTL_BULLETIN_ISSUE__INIT;
    Luyu__CtlResponse *resp = NULL;
    const char *hub = NULL, *pos[1];
    const struct ctl_opt opts[] = {{"--hub", CTL_OPT_VALUE, &hub}};
    struct ctl_args a = {.cmd = "bulletin issue",
                         .opts = opts,
                         .n_opts = 1,
                         .max_pos = 1,
                         .pos = pos};
    struct ctl_global g = {.daemon = "luyu-hub"};
    uint32_t period;
    char err[256];
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r != CTL_EXIT_OK || a.help)
        return a.help ? ctl_output_usage(USAGE) : r;
    if (a.n_pos != 1)
        return ctl_args_bad(&a, _("which month? give YYYY-MM"));
    if (lu_period_parse(pos[0], &period, err, sizeof(err)) < 0)
        return ctl_args_bad(&a, "%s", err);
    g.node = hub ? hub : getenv("LUYU_HUB");
    if (g.node == NULL)
        return ctl_args_bad(&a, _("give the hub's control socket with --hub"));
    bi.period = (char *)pos[0];
    req.body_case = LUYU__CTL_REQUEST__BODY_BULLETIN_ISSUE;
    req.bulletin_issue = &bi;
    r = ctl_node_call(&g, &req, ISSUE_TIMEOUT_MS, &resp);
    if (r != CTL_EXIT_OK)
        return r;
    if (resp->code != LUYU__CTL_RESPONSE__CODE__OK)
        r = ctl_node_refused(resp);
    else
        printf("%s\n", resp->message);
    luyu__ctl_response__free_unpacked(resp, NULL);
    return r;
}
