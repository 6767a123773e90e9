/* luyuctl correct: records a correction of an entry. Entries are never
 * changed: the correction is a new entry naming the one it corrects, and
 * the figure's history keeps both. */
#include <stdio.h>

#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "node.h"
#include "output.h"

#define CORRECT_TIMEOUT_MS 60000

static const char USAGE[] =
    N_("usage: luyuctl --node SOCK correct ID|UNIT/INDICATOR/YYYY-MM\n"
       "                --amount N [--note TEXT] [--confirm]\n"
       "\n"
       "Records a correction of entry ID (node/seq, as submit printed it and\n"
       "luyuctl entries lists it) at the node that recorded it: the figure\n"
       "becomes N. Instead of an id, a figure's key (e.g.\n"
       "cq-wanzhou/agri_sales_to_sd/2019-07) corrects the figure's current\n"
       "entry at this node, when it has exactly one; otherwise the node lists\n"
       "the candidates. Prints the new entry's id. The old entry stays in the\n"
       "history (luyuctl entries, luyuctl history).\n"
       "\n"
       "  --amount N    the right figure, typed as for submit\n"
       "  --note TEXT   why, optional\n"
       "  --confirm     store it despite the node's warnings (an outlier),\n"
       "                which were checked\n");

int ctl_correct_cmd(const struct ctl_global *g, int argc, char **argv)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlCorrect c = LUYU__CTL_CORRECT__INIT;
    const char *amount = NULL, *note = NULL, *confirm = NULL, *pos[1];
    const struct ctl_opt opts[] = {
        {"--amount", CTL_OPT_VALUE, &amount},
        {"--note", CTL_OPT_VALUE, &note},
        {"--confirm", CTL_OPT_FLAG, &confirm},
    };
    struct ctl_args a = {
        .cmd = "correct", .opts = opts, .n_opts = 3, .max_pos = 1, .pos = pos};
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return ctl_output_usage(USAGE);
    if (a.n_pos == 0)
        return ctl_args_bad(&a, _("which entry? give its id, e.g. "
                                  "cq-wanzhou/41, or the figure, e.g. "
                                  "cq-wanzhou/agri_sales_to_sd/2019-07"));
    if (amount == NULL)
        return ctl_args_bad(&a, _("--amount is required"));
    r = ctl_node_need(g, "correct");
    if (r != CTL_EXIT_OK)
        return r;
    c.id = (char *)pos[0];
    c.amount = (char *)amount;
    if (note != NULL)
        c.note = (char *)note;
    c.confirm = confirm != NULL;
    req.body_case = LUYU__CTL_REQUEST__BODY_CORRECT;
    req.correct = &c;
    return ctl_node_record(g, &req, CORRECT_TIMEOUT_MS);
}
