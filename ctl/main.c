/* luyuctl: parses the global options, finds the command and runs it. Each
 * command is in its own NAME_cmd.c. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "args.h"
#include "bulletin_cmd.h"
#include "ctl.h"
#include "log.h"
#include "opts.h"
#include "output.h"
#include "plan.h"
#include "project_cmd.h"
#include "xmalloc.h"

struct command {
    const char *name;
    ctl_cmd_cb *run;
    const char *summary; /* marked for the catalogue, shown through _() */
};

static const struct command COMMANDS[] = {
    {"plan", ctl_plan_cmd, N_("show the plan's units and indicators")},
    {"submit", ctl_submit_cmd, N_("record one figure at the node")},
    {"import", ctl_import_cmd,
     N_("record a file of figures (CSV or .xlsx), all or none")},
    {"template", ctl_template_cmd,
     N_("write a month's sheet for a unit to fill in")},
    {"correct", ctl_correct_cmd,
     N_("record a correction of an entry or of a figure")},
    {"entries", ctl_entries_cmd,
     N_("what this node recorded, and what became of it")},
    {"status", ctl_status_cmd,
     N_("is the node (or hub) working, how far behind is it")},
    {"ledger", ctl_ledger_cmd, N_("balances in a hub's ledger")},
    {"history", ctl_history_cmd, N_("every entry of a figure, who and when")},
    {"keygen", ctl_keygen_cmd,
     N_("make a CurveZMQ key pair for a hub or node")},
    {"bulletin", ctl_bulletin_cmd,
     N_("monthly bulletins: issue, list, show, export, verify")},
    {"completeness", ctl_completeness_cmd, N_("who has reported a month")},
    {"assess", ctl_assess_cmd,
     N_("the districts' assessment: points and ranks by the plan's rules")},
    {"feed", ctl_feed_cmd, N_("watch what a hub merges, as it happens")},
    {"user", ctl_user_cmd, N_("people who sign in to the node's web pages")},
    {"token", ctl_token_cmd, N_("API tokens for the district's other systems")},
    {"project", ctl_project_cmd,
     N_("the project pool: add, move, list, import")},
    {"review", ctl_review_cmd,
     N_("the province's review queue: months with flagged entries first")},
};

#define N_COMMANDS (sizeof(COMMANDS) / sizeof(COMMANDS[0]))

/* The global options: given before or after the command. --node and --plan
 * are luyuctl's own; --hub and --state-dir belong to the commands that
 * take them and are handed to the command wherever they were given. */
struct globals {
    const char *node, *plan, *hub, *state_dir, *version;
};

static int usage(FILE *f, int code)
{
    fprintf(f, "%s",
            _("usage: luyuctl [GLOBAL OPTIONS] COMMAND [ARGS]\n"
              "\n"
              "Commands:\n"));
    for (size_t i = 0; i < N_COMMANDS; i++) {
        /* Padded by terminal columns: a translated summary is wide. */
        fprintf(f, "  %-13s %s\n", COMMANDS[i].name, _(COMMANDS[i].summary));
    }
    fprintf(f, "%s",
            _("  help CMD      the same as luyuctl CMD --help\n"
              "\n"
              "Global options (before or after the command):\n"
              "  --node SOCK       luyu-node's control socket (default "
              "$LUYU_NODE)\n"
              "  --hub SOCK        luyu-hub's control socket (status, "
              "bulletin issue)\n"
              "  --state-dir DIR   the hub's state directory (ledger, "
              "history,\n"
              "                    bulletin, completeness)\n"
              "  --plan FILE       plan file (default $LUYU_PLAN, else the "
              "installed one)\n"
              "  --version         print luyuctl's version\n"
              "\n"
              "Exit status: 0 done, 2 bad input (nothing was changed),\n"
              "1 any other failure (node unreachable, I/O error).\n"));
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
            CTL_EXIT_BAD, _("no command \"%s\" (see luyuctl --help)"), argv[0]);
    return c->run(g, 1, args);
}

/* Takes "--name VALUE" or "--name=VALUE" at argv[*i] into *value when arg
 * is that option. Returns 1 when taken, 0 when not that option, or
 * CTL_EXIT_BAD negated after printing why. */
static int take_global(const char *name, int argc, char **argv, int *i,
                       const char **value)
{
    size_t len = strlen(name);
    const char *arg = argv[*i];

    if (strncmp(arg, name, len) != 0 || (arg[len] != '\0' && arg[len] != '='))
        return 0;
    if (*value != NULL) {
        ctl_output_error(CTL_EXIT_BAD, _("%s given twice"), name);
        return -CTL_EXIT_BAD;
    }
    if (arg[len] == '=') {
        *value = arg + len + 1;
    } else if (*i + 1 < argc) {
        *value = argv[++*i];
    } else {
        ctl_output_error(CTL_EXIT_BAD, _("%s needs a value"), name);
        return -CTL_EXIT_BAD;
    }
    return 1;
}

/* Builds the command's arguments from what follows its name: luyuctl's
 * own --node and --plan are taken out (they may follow the command), and
 * --hub or --state-dir given before the command are passed on. The
 * options end at "--", as for every command. *out is freed by the
 * caller. */
static int command_args(struct globals *gl, int argc, char **argv, char ***out,
                        int *n)
{
    char **v = lu_xcalloc((size_t)argc + 5, sizeof(char *));
    bool opts_done = false;
    int k = 0, r;

    for (int i = 0; i < argc; i++) {
        r = 0;
        if (!opts_done && strcmp(argv[i], "--") == 0)
            opts_done = true;
        else if (!opts_done &&
                 (r = take_global("--node", argc, argv, &i, &gl->node)) == 0)
            r = take_global("--plan", argc, argv, &i, &gl->plan);
        if (r < 0) {
            free(v);
            return -r;
        }
        if (r == 0)
            v[k++] = argv[i];
    }
    /* Inserted before any "--", so that they stay options. */
    for (int i = 0; i < 2; i++) {
        const char *name = i == 0 ? "--hub" : "--state-dir";
        const char *value = i == 0 ? gl->hub : gl->state_dir;
        int at = k;

        if (value == NULL)
            continue;
        for (int j = 0; j < k; j++) {
            if (strcmp(v[j], "--") == 0) {
                at = j;
                break;
            }
        }
        memmove(&v[at + 2], &v[at], (size_t)(k - at) * sizeof(char *));
        v[at] = (char *)name;
        v[at + 1] = (char *)value;
        k += 2;
    }
    *out = v;
    *n = k;
    return CTL_EXIT_OK;
}

int main(int argc, char **argv)
{
    struct globals gl = {0};
    const char *env = getenv("LUYU_NODE");
    const struct ctl_opt opts[] = {
        {"--node", CTL_OPT_VALUE, &gl.node},
        {"--plan", CTL_OPT_VALUE, &gl.plan},
        {"--hub", CTL_OPT_VALUE, &gl.hub},
        {"--state-dir", CTL_OPT_VALUE, &gl.state_dir},
        {"--version", CTL_OPT_FLAG, &gl.version},
    };
    struct ctl_args a = {.opts = opts, .n_opts = 5, .stop_at_pos = true};
    struct ctl_global g = {0};
    const struct command *c;
    char **args = NULL;
    int r, first, n = 0;

    /* luyuctl reports every failure itself, saying what the user asked
     * for; the shared modules' daemon log lines would only repeat it. */
    lu_i18n_init();
    lu_log_set_ident("luyuctl");
    lu_log_level = 0;
    tzset();
    r = ctl_args_parse(&a, argc - 1, argv + 1);
    if (r != CTL_EXIT_OK)
        return r;
    if (gl.version != NULL) {
        printf("luyuctl %s\n", lu_version());
        return CTL_EXIT_OK;
    }
    if (a.help)
        return usage(stdout, CTL_EXIT_OK);
    first = 1 + a.next;
    if (first >= argc)
        return usage(stderr, CTL_EXIT_BAD);
    c = find(argv[first]);
    if (c == NULL && strcmp(argv[first], "help") != 0)
        return ctl_output_error(CTL_EXIT_BAD,
                                _("unknown command \"%s\" (see luyuctl "
                                  "--help)"),
                                argv[first]);
    r = command_args(&gl, argc - first - 1, argv + first + 1, &args, &n);
    if (r != CTL_EXIT_OK)
        return r;
    g.node = gl.node ? gl.node : (env && env[0] ? env : NULL);
    g.plan = gl.plan ? gl.plan : lu_plan_default_path();
    if (c == NULL)
        r = help(&g, n, args);
    else
        r = c->run(&g, n, args);
    free(args);
    return r;
}
