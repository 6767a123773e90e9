#include "opts.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"
#include "i18n.h"

static const struct lu_opt *find(const struct lu_opt *opts, const char *name)
{
    for (; opts->name; opts++) {
        if (strcmp(opts->name, name) == 0)
            return opts;
    }
    return NULL;
}

static int set_value(const struct lu_opt *o, const char *value, char *err,
                     size_t errlen)
{
    uint64_t v;

    switch (o->type) {
    case LU_OPT_STR:
        free(*(char **)o->ptr);
        *(char **)o->ptr = lu_xstrdup(value);
        return 0;
    case LU_OPT_BOOL:
        if (!strcmp(value, "true") || !strcmp(value, "yes") ||
            !strcmp(value, "1") || !strcmp(value, "on")) {
            *(bool *)o->ptr = true;
        } else if (!strcmp(value, "false") || !strcmp(value, "no") ||
                   !strcmp(value, "0") || !strcmp(value, "off")) {
            *(bool *)o->ptr = false;
        } else {
            snprintf(err, errlen, _("%s: expected true or false, got \"%.*s\""),
                     o->name, lu_utf8_cut(value, 40), value);
            return -EINVAL;
        }
        return 0;
    case LU_OPT_INT:
        if (lu_parse_u64(value, &v) < 0 || v < (uint64_t)o->min ||
            v > (uint64_t)o->max) {
            snprintf(err, errlen,
                     _("%s: expected a whole number %d..%d, got "
                       "\"%.*s\""),
                     o->name, o->min, o->max, lu_utf8_cut(value, 40), value);
            return -EINVAL;
        }
        *(int *)o->ptr = (int)v;
        return 0;
    }
    return -EINVAL;
}

int lu_opts_set(const struct lu_opt *opts, const char *name, const char *value,
                char *err, size_t errlen)
{
    const struct lu_opt *o = find(opts, name);

    if (o == NULL) {
        snprintf(err, errlen, _("unknown setting \"%.*s\""),
                 lu_utf8_cut(name, 64), name);
        return -EINVAL;
    }
    return set_value(o, value, err, errlen);
}

struct file_ctx {
    const struct lu_opt *opts;
    const char *section;
    bool in_section;
};

static int on_ini(void *user, const char *section, const char *key,
                  const char *value, int line, char *err, size_t errlen)
{
    struct file_ctx *c = user;

    if (key == NULL) {
        c->in_section = strcmp(section, c->section) == 0;
        return 0;
    }
    /* Keys before any section belong to the daemon too; other sections
     * are for other programs sharing the file. */
    if (section[0] != '\0' && !c->in_section)
        return 0;
    if (strcmp(key, "config") == 0) {
        snprintf(err, errlen, _("\"config\" cannot be set in a config file"));
        return -EINVAL;
    }
    return lu_opts_set(c->opts, key, value, err, errlen);
}

/* Turns "--state-dir" into "state_dir" in buf. */
static const char *flag_key(const char *arg, char *buf, size_t len)
{
    size_t i;

    for (i = 0; arg[i] && arg[i] != '=' && i + 1 < len; i++)
        buf[i] = arg[i] == '-' ? '_' : arg[i];
    buf[i] = '\0';
    return buf;
}

int lu_opts_parse(const struct lu_opt *opts, const char *section, int argc,
                  char **argv, bool *help, char *err, size_t errlen)
{
    struct file_ctx ctx = {opts, section, false};
    const char *config = NULL;
    int r = 0;

    *help = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[i + 1];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            config = argv[i] + 9;
    }
    if (config != NULL) {
        r = lu_ini_parse_file(config, on_ini, &ctx, err, errlen);
        if (r < 0)
            goto out;
    }
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *eq, *value;
        const struct lu_opt *o;
        char key[64];

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *help = true;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) {
            snprintf(err, errlen, _("unexpected argument \"%.*s\""),
                     lu_utf8_cut(arg, 64), arg);
            r = -EINVAL;
            goto out;
        }
        eq = strchr(arg, '=');
        flag_key(arg + 2, key, sizeof(key));
        if (strcmp(key, "config") == 0) {
            if (!eq && i + 1 >= argc) {
                snprintf(err, errlen, _("--config needs a file"));
                r = -EINVAL;
                goto out;
            }
            i += eq ? 0 : 1;
            continue;
        }
        o = find(opts, key);
        if (o == NULL) {
            snprintf(err, errlen, _("unknown option \"%.*s\""),
                     lu_utf8_cut(arg, 64), arg);
            r = -EINVAL;
            goto out;
        }
        if (eq) {
            value = eq + 1;
        } else if (o->type == LU_OPT_BOOL) {
            value = "true";
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            snprintf(err, errlen, _("%s needs a value"), arg);
            r = -EINVAL;
            goto out;
        }
        r = set_value(o, value, err, errlen);
        if (r < 0)
            goto out;
    }
out:
    return r;
}

void lu_opts_usage(FILE *out, const char *prog, const struct lu_opt *opts)
{
    /* The help texts are N_() in each daemon's table. */
    fprintf(out,
            _("usage: %s [--config FILE] [options]\n\noptions (also as "
              "keys in the config file):\n"),
            prog);
    fprintf(out, "  %-22s %s\n", "--config FILE", _("read settings from FILE"));
    fprintf(out, "  %-22s %s\n", "--version", _("print the version and exit"));
    for (; opts->name; opts++) {
        char flag[64];
        size_t i;

        for (i = 0; opts->name[i] && i + 1 < sizeof(flag); i++)
            flag[i] = opts->name[i] == '_' ? '-' : opts->name[i];
        flag[i] = '\0';
        fprintf(out, "  --%-20s %s\n", flag, _(opts->help));
    }
}

const char *lu_version(void)
{
    return LUYU_VERSION;
}

bool lu_opts_version(int argc, char **argv, const char *prog)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--version") == 0) {
            printf("%s %s\n", prog, lu_version());
            return true;
        }
    }
    return false;
}

void lu_opts_free(const struct lu_opt *opts)
{
    for (; opts->name; opts++) {
        if (opts->type == LU_OPT_STR) {
            free(*(char **)opts->ptr);
            *(char **)opts->ptr = NULL;
        }
    }
}

struct level_ctx {
    const char *section;
    bool in_section;
    char *buf;
    size_t len;
};

static int on_level(void *user, const char *section, const char *key,
                    const char *value, int line, char *err, size_t errlen)
{
    struct level_ctx *c = user;

    if (key == NULL)
        c->in_section = strcmp(section, c->section) == 0;
    else if ((section[0] == '\0' || c->in_section) &&
             strcmp(key, "log_level") == 0)
        snprintf(c->buf, c->len, "%s", value);
    return 0;
}

static const char *reload_level(const char *section, int argc, char **argv,
                                char *buf, size_t len)
{
    struct level_ctx c = {section, false, buf, len};
    const char *config = NULL;
    char err[256];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--log-level") == 0 && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], "--log-level=", 12) == 0)
            return argv[i] + 12;
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[i + 1];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            config = argv[i] + 9;
    }
    buf[0] = '\0';
    if (config == NULL ||
        lu_ini_parse_file(config, on_level, &c, err, sizeof(err)) < 0 ||
        buf[0] == '\0')
        return NULL;
    return buf;
}

void lu_opts_reload_log_level(const char *section, int argc, char **argv)
{
    char buf[32];
    const char *level = reload_level(section, argc, argv, buf, sizeof(buf));

    if (level != NULL && lu_log_level_parse(level) > 0)
        lu_log_level = lu_log_level_parse(level);
    else if (level != NULL)
        lu_err("SIGHUP: log_level \"%s\" is not a level; keeping the old one",
               level);
}
