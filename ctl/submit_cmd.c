/* luyuctl submit: one figure, typed as a person would, sent to the node,
 * which checks it against its plan and commits it to its outbox before it
 * answers with the new entry's id. */
#include <stdbool.h>
#include <stdio.h>

#include "args.h"
#include "ctl.h"
#include "i18n.h"
#include "node.h"
#include "output.h"

/* The node answers after an fsync; a minute covers a slow disk. */
#define SUBMIT_TIMEOUT_MS 60000

static const char USAGE[] =
    N_("usage: luyuctl --node SOCK submit --unit U --indicator I\n"
       "               --period YYYY-MM --amount N [--note TEXT] [--confirm]\n"
       "\n"
       "Records one figure at the node, which sends it on to the hub. Prints\n"
       "the new entry's id (node/seq) once the node has stored it.\n"
       "\n"
       "  --unit U        reporting unit code, e.g. cq-wanzhou\n"
       "  --indicator I   indicator code, e.g. agri_sales_to_sd\n"
       "  --period P      month, YYYY-MM\n"
       "  --amount N      in the indicator's unit: yuan with at most two\n"
       "                  decimals (1234.56), whole persons or counts\n"
       "  --note TEXT     optional, at most 512 bytes\n"
       "  --confirm       store it despite the node's warnings (an outlier,\n"
       "                  a likely duplicate), which were checked\n"
       "\n"
       "See luyuctl plan for the codes. Exit 2 when the node refuses the\n"
       "entry (nothing is stored), 1 when the node cannot be reached.\n");

/* Checks the required options in the order the usage lists them. */
static int check(const struct ctl_args *a, const Luyu__CtlEntry *e)
{
    const char *names[] = {"--unit", "--indicator", "--period", "--amount"};
    const char *values[] = {e->unit, e->indicator, e->period, e->amount};

    for (size_t i = 0; i < 4; i++) {
        if (values[i] == NULL)
            return ctl_args_bad(a, _("%s is required"), names[i]);
    }
    return CTL_EXIT_OK;
}

static int send_entry(const struct ctl_global *g, Luyu__CtlEntry *e,
                      bool confirm)
{
    Luyu__CtlRequest req = LUYU__CTL_REQUEST__INIT;
    Luyu__CtlSubmit sub = LUYU__CTL_SUBMIT__INIT;

    sub.entries = &e;
    sub.n_entries = 1;
    sub.confirm = confirm;
    req.body_case = LUYU__CTL_REQUEST__BODY_SUBMIT;
    req.submit = &sub;
    return ctl_node_record(g, &req, SUBMIT_TIMEOUT_MS);
}

int ctl_submit_cmd(const struct ctl_global *g, int argc, char **argv)
{
    Luyu__CtlEntry e = LUYU__CTL_ENTRY__INIT;
    const char *unit = NULL, *ind = NULL, *period = NULL, *amount = NULL,
               *note = NULL, *confirm = NULL;
    const struct ctl_opt opts[] = {
        {"--unit", CTL_OPT_VALUE, &unit},
        {"--indicator", CTL_OPT_VALUE, &ind},
        {"--period", CTL_OPT_VALUE, &period},
        {"--amount", CTL_OPT_VALUE, &amount},
        {"--note", CTL_OPT_VALUE, &note},
        {"--confirm", CTL_OPT_FLAG, &confirm},
    };
    struct ctl_args a = {.cmd = "submit", .opts = opts, .n_opts = 6};
    int r;

    r = ctl_args_parse(&a, argc, argv);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return ctl_output_usage(USAGE);
    /* The wire strings are not const, but protobuf-c only reads them. */
    e.unit = (char *)unit;
    e.indicator = (char *)ind;
    e.period = (char *)period;
    e.amount = (char *)amount;
    if (note != NULL)
        e.note = (char *)note;
    r = check(&a, &e);
    if (r == CTL_EXIT_OK)
        r = ctl_node_need(g, "submit");
    if (r == CTL_EXIT_OK)
        r = send_entry(g, &e, confirm != NULL);
    return r;
}
