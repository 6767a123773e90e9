/* What luyuctl user and luyuctl token share: the node's accounts (web
 * users, API tokens) are named, limited to some units, made by someone at
 * some time and switched off rather than deleted, so their actions are
 * chosen and their lists printed the same way. */
#ifndef CTL_ACCOUNTS_H
#define CTL_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "util.h"

/* One account as a list shows it. */
struct ctl_account {
    const char *name;
    const char *role;               /* NULL when the kind has none (tokens) */
    const char *units;              /* "" for all of the node's units */
    bool off;                       /* disabled, revoked */
    int64_t created_at, changed_at; /* changed_at < 0: the kind has none */
    const char *created_by;
};

/* Parses argv for `luyuctl user|token ACTION [NAME]`: --help prints usage,
 * the action word is its index in actions[0..n) (the protocol's Op
 * value, actions[0] being "list"), and any other action needs the name
 * (a->pos[1]; no_name says what to give). Returns true to go on with *op;
 * false when the command is over, with its exit status in *exit. */
bool ctl_accounts_args(struct ctl_args *a, int argc, char **argv,
                       const char *usage, const char *const *actions, size_t n,
                       const char *no_name, int *op, int *exit);

/* Prints the accounts: a line each for people (off_word for off ones, in
 * the reader's language, none when there are none), or one JSON array of
 * objects {name, [role], units, <off_key>, created_at, created_by,
 * [changed_at]} for scripts. */
void ctl_accounts_render(const struct ctl_account *v, size_t n, bool json,
                         const char *off_key, const char *off_word,
                         const char *none, struct lu_buf *b);

#endif
