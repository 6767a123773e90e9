/* luyuctl's argument parser: long options as "--name value" or
 * "--name=value", flags without a value, positional arguments, "--" to end
 * the options and "--help"/"-h" anywhere. It keeps no global state (unlike
 * getopt), so each command can parse its own arguments with its own table,
 * and it reports every mistake on stderr naming the command. */
#ifndef CTL_ARGS_H
#define CTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>

enum ctl_opt_kind {
    CTL_OPT_VALUE, /* "--unit U" or "--unit=U" */
    CTL_OPT_FLAG,  /* "--dry-run"; its value is set to "" when given */
};

struct ctl_opt {
    const char *name; /* with the dashes: "--unit" */
    enum ctl_opt_kind kind;
    const char **value; /* out: NULL when the option was not given */
};

struct ctl_args {
    /* in */
    const char *cmd; /* "submit" for messages; NULL for global options */
    const struct ctl_opt *opts;
    size_t n_opts;
    size_t max_pos;   /* positional arguments allowed */
    bool stop_at_pos; /* stop at the first positional (the command name) */
    /* out */
    const char **pos; /* caller's array of max_pos slots */
    size_t n_pos;
    int next; /* index of the first argument not consumed */
    bool help;
};

/* Parses argv[0..argc) into a. Returns 0 (CTL_EXIT_OK) or, having printed
 * the problem, CTL_EXIT_BAD. When help is set nothing else is checked. */
int ctl_args_parse(struct ctl_args *a, int argc, char **argv);

/* Prints "luyuctl CMD: message (see luyuctl CMD --help)" and returns
 * CTL_EXIT_BAD, for the checks a command makes after parsing. */
int ctl_args_bad(const struct ctl_args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
