/* luyuctl: parses the global options, finds the command and runs it. Each
 * command is in its own NAME_cmd.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "args.h"
#include "bulletin_cmd.h"
#include "ctl.h"
#include "log.h"
#include "output.h"
#include "plan.h"

struct command {
    const char *name;
    ctl_cmd_cb *run;
    const char *summary;
};

static const struct command COMMANDS[] = {
    {"plan", ctl_plan_cmd, "show the plan's units and indicators"},
    {"submit", ctl_submit_cmd, "record one figure at the node"},
    {"import", ctl_import_cmd, "record a CSV file of figures, all or none"},
    {"correct", ctl_correct_cmd, "record a correction of an entry"},
    {"entries", ctl_entries_cmd,
     "what this node recorded, and what became of it"},
    {"status", ctl_status_cmd, "is the node working, how far behind is it"},
    {"ledger", ctl_ledger_cmd, "balances in a hub's ledger"},
    {"history", ctl_history_cmd, "every entry of a figure, who and when"},
    {"keygen", ctl_keygen_cmd, "make a CurveZMQ key pair for a hub or node"},
    {"bulletin", ctl_bulletin_cmd, "monthly bulletins: list, show, export"},
    {"completeness", ctl_completeness_cmd, "who has reported a month"},
    {"feed", ctl_feed_cmd, "watch what a hub merges, as it happens"},
};

#define N_COMMANDS (sizeof(COMMANDS) / sizeof(COMMANDS[0]))

static int usage(FILE *f, int code)
{
    fputs("usage: luyuctl [--node SOCK] [--plan FILE] COMMAND [ARGS]\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-9s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fputs("  help CMD  the same as luyuctl CMD --help\n"
          "\n"
          "Global options (before the command):\n"
          "  --node SOCK  luyu-node's control socket (default $LUYU_NODE)\n"
          "  --plan FILE  plan file (default $LUYU_PLAN, else the installed "
          "one)\n"
          "\n"
          "Exit status: 0 done, 2 bad input (nothing was changed),\n"
          "1 any other failure (node unreachable, I/O error).\n",
          f);
    return code;
}

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(COMMANDS[i].name, name) == 0)
            return &COMMANDS[i];
    }
    return NULL;
}

/* "luyuctl help [CMD]". */
static int help(const struct ctl_global *g, int argc, char **argv)
{
    const struct command *c;
    char help_arg[] = "--help";
    char *args[] = {help_arg, NULL};

    if (argc == 0)
        return usage(stdout, CTL_EXIT_OK);
    c = find(argv[0]);
    if (c == NULL)
        return ctl_output_error(
            CTL_EXIT_BAD, "no command \"%s\" (see luyuctl --help)", argv[0]);
    return c->run(g, 1, args);
}

int main(int argc, char **argv)
{
    const char *node = NULL, *plan = NULL, *env = getenv("LUYU_NODE");
    const struct ctl_opt opts[] = {{"--node", CTL_OPT_VALUE, &node},
                                   {"--plan", CTL_OPT_VALUE, &plan}};
    struct ctl_args a = {.opts = opts, .n_opts = 2, .stop_at_pos = true};
    struct ctl_global g;
    const struct command *c;
    int r, first;

    /* luyuctl reports every failure itself, saying what the user asked
     * for; the shared modules' daemon log lines would only repeat it. */
    lu_i18n_init();
    lu_log_set_ident("luyuctl");
    lu_log_level = 0;
    tzset();
    r = ctl_args_parse(&a, argc - 1, argv + 1);
    if (r != CTL_EXIT_OK)
        return r;
    if (a.help)
        return usage(stdout, CTL_EXIT_OK);
    first = 1 + a.next;
    if (first >= argc)
        return usage(stderr, CTL_EXIT_BAD);
    g.node = node ? node : (env && env[0] ? env : NULL);
    g.plan = plan ? plan : lu_plan_default_path();
    if (strcmp(argv[first], "help") == 0)
        return help(&g, argc - first - 1, argv + first + 1);
    c = find(argv[first]);
    if (c == NULL)
        return ctl_output_error(CTL_EXIT_BAD,
                                "unknown command \"%s\" (see luyuctl --help)",
                                argv[first]);
    return c->run(&g, argc - first - 1, argv + first + 1);
}
