/* What every luyuctl command shares: its exit codes, the global options
 * given before the command, and the entry point of each command. Each
 * command lives in its own ctl/NAME_cmd.c and parses its own arguments. */
#ifndef CTL_H
#define CTL_H

/* Scripts rely on these: 2 means "you asked for something wrong" (fix the
 * input and retry), 1 means "it could not be done" (retry later). */
enum {
    CTL_EXIT_OK = 0,
    CTL_EXIT_FAIL = 1,
    CTL_EXIT_BAD = 2,
};

struct ctl_global {
    const char *node; /* control socket of luyu-node, or NULL when unset */
    const char *plan; /* plan file */
    /* Who listens on `node`, for messages: NULL is luyu-node; status --hub
     * and bulletin issue talk to "luyu-hub" the same way. */
    const char *daemon;
};

/* Every command takes the arguments after its name and returns an exit
 * code; errors are already on stderr then. */
typedef int ctl_cmd_cb(const struct ctl_global *g, int argc, char **argv);

ctl_cmd_cb ctl_plan_cmd;
ctl_cmd_cb ctl_submit_cmd;
ctl_cmd_cb ctl_import_cmd;
ctl_cmd_cb ctl_correct_cmd;
ctl_cmd_cb ctl_status_cmd;
ctl_cmd_cb ctl_entries_cmd;
ctl_cmd_cb ctl_ledger_cmd;
ctl_cmd_cb ctl_history_cmd;
ctl_cmd_cb ctl_review_cmd;
ctl_cmd_cb ctl_keygen_cmd;
ctl_cmd_cb ctl_feed_cmd;
ctl_cmd_cb ctl_template_cmd;
ctl_cmd_cb ctl_user_cmd;
ctl_cmd_cb ctl_assess_cmd;
ctl_cmd_cb ctl_token_cmd;

#endif
