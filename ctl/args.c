#include "args.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "i18n.h"

int ctl_args_bad(const struct ctl_args *a, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "luyuctl%s%s: ", a->cmd ? " " : "", a->cmd ? a->cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, _(" (see luyuctl%s%s --help)\n"), a->cmd ? " " : "",
            a->cmd ? a->cmd : "");
    return CTL_EXIT_BAD;
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* A lone "-" is an argument (by convention standard input), not an
 * option. */
static bool is_option(const char *arg)
{
    return arg[0] == '-' && arg[1] != '\0';
}

static const struct ctl_opt *find(const struct ctl_args *a, const char *name,
                                  size_t len)
{
    for (size_t i = 0; i < a->n_opts; i++) {
        if (strlen(a->opts[i].name) == len &&
            memcmp(a->opts[i].name, name, len) == 0)
            return &a->opts[i];
    }
    return NULL;
}

/* Consumes the option at argv[*i] and, for "--name value", its value. */
static int take_option(struct ctl_args *a, int argc, char **argv, int *i)
{
    const char *arg = argv[*i], *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const struct ctl_opt *o = find(a, arg, len);
    const char *value;

    if (o == NULL)
        return ctl_args_bad(a, _("unknown option \"%.*s\""), (int)len, arg);
    if (*o->value != NULL)
        return ctl_args_bad(a, _("%s given twice"), o->name);
    if (o->kind == CTL_OPT_FLAG) {
        if (eq != NULL)
            return ctl_args_bad(a, _("%s takes no value"), o->name);
        *o->value = "";
        return 0;
    }
    if (eq != NULL) {
        value = eq + 1;
    } else if (*i + 1 < argc) {
        value = argv[++*i];
    } else {
        return ctl_args_bad(a, _("%s needs a value"), o->name);
    }
    *o->value = value;
    return 0;
}

static int take_pos(struct ctl_args *a, const char *arg)
{
    if (a->n_pos >= a->max_pos)
        return ctl_args_bad(a, _("unexpected argument \"%s\""), arg);
    a->pos[a->n_pos++] = arg;
    return 0;
}

/* A command's --help wins over any mistake elsewhere on the line, so that
 * someone who is unsure gets help, not an error. Not for the global
 * options, where what follows the command is not ours to look at. */
static bool wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (is_help(argv[i]))
            return true;
    }
    return false;
}

int ctl_args_parse(struct ctl_args *a, int argc, char **argv)
{
    bool opts_done = false;
    int i, r = 0;

    a->n_pos = 0;
    a->help = !a->stop_at_pos && wants_help(argc, argv);
    for (i = 0; i < argc && !a->help && r == 0; i++) {
        const char *arg = argv[i];

        if (opts_done || !is_option(arg)) {
            if (a->stop_at_pos)
                break;
            r = take_pos(a, arg);
        } else if (strcmp(arg, "--") == 0) {
            opts_done = true;
        } else if (is_help(arg)) {
            a->help = true;
        } else {
            r = take_option(a, argc, argv, &i);
        }
    }
    a->next = i;
    return r;
}
