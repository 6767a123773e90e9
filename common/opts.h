/* Daemon settings: one table per daemon names every setting once, and that
 * table drives both the INI config file (--config FILE, keys in the daemon's
 * section) and the command-line flags (--key value, --key=value; '_' in a
 * key is '-' in its flag). Flags override the file. */
#ifndef LU_OPTS_H
#define LU_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum lu_opt_type {
    LU_OPT_STR,  /* char *, owned by the table, freed by lu_opts_free */
    LU_OPT_BOOL, /* bool; a flag without value sets it */
    LU_OPT_INT,  /* int within [min, max] */
};

struct lu_opt {
    const char *name; /* key in the file, "--name" on the command line */
    enum lu_opt_type type;
    void *ptr;
    int min, max;     /* LU_OPT_INT range */
    const char *help; /* one line for --help */
};

/* Parses argv: first finds --config and loads that file's [section], then
 * applies every flag. --help sets *help. Returns 0, or -EINVAL with
 * "file:line: reason" or "--flag: reason" in err. */
int lu_opts_parse(const struct lu_opt *opts, const char *section, int argc,
                  char **argv, bool *help, char *err, size_t errlen);
/* Sets one setting from a string. */
int lu_opts_set(const struct lu_opt *opts, const char *name, const char *value,
                char *err, size_t errlen);
/* For a reload (SIGHUP): sets lu_log_level from --log-level if argv has
 * one (flags win), else from the config file's log_level as it is now; a
 * value that is no level is logged and the old level kept. */
void lu_opts_reload_log_level(const char *section, int argc, char **argv);
void lu_opts_usage(FILE *out, const char *prog, const struct lu_opt *opts);

/* luyu's version, "0.1.0". */
const char *lu_version(void);

/* For --version anywhere on the line: prints "PROG VERSION" on stdout and
 * returns true; false when argv has no --version. */
bool lu_opts_version(int argc, char **argv, const char *prog);
void lu_opts_free(const struct lu_opt *opts);

#endif
