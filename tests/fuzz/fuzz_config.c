/* Fuzzes daemon config files the way lu_opts_parse() reads them: the INI
 * reader feeds the [node] section (and keys before any section) into an
 * option table through lu_opts_set(). Any bytes must end in settings that
 * are within their limits, or in an error that names "file:line: reason".
 * No temporary files: the buffer is parsed directly. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "opts.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
    char *id, *hub, *units, *state_dir, *log_level;
    bool insecure;
    int window, batch_size, heartbeat_ms, timeout_ms;
} S;

/* luyu-node's settings (node/main.c), so that its shipped config parses to
 * the end; the CurveZMQ and path-only settings are left out. */
static const struct lu_opt OPTS[] = {
    {"id", LU_OPT_STR, &S.id, 0, 0, "node id"},
    {"hub", LU_OPT_STR, &S.hub, 0, 0, "hub endpoint"},
    {"units", LU_OPT_STR, &S.units, 0, 0, "units"},
    {"state_dir", LU_OPT_STR, &S.state_dir, 0, 0, "state directory"},
    {"log_level", LU_OPT_STR, &S.log_level, 0, 0, "log level"},
    {"insecure", LU_OPT_BOOL, &S.insecure, 0, 0, "plain transport"},
    {"window", LU_OPT_INT, &S.window, 1, 64, "batches in flight"},
    {"batch_size", LU_OPT_INT, &S.batch_size, 1, 1000, "entries a batch"},
    {"heartbeat_ms", LU_OPT_INT, &S.heartbeat_ms, 50, 3600000, "heartbeat"},
    {"timeout_ms", LU_OPT_INT, &S.timeout_ms, 100, 3600000, "timeout"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct ctx {
    bool in_node;
    int last_line;
};

static void check_str(const char *s)
{
    size_t n = strlen(s);

    if (n > 4096 || !lu_utf8_valid(s, n))
        abort();
}

static int on_ini(void *user, const char *section, const char *key,
                  const char *value, int line, char *err, size_t errlen)
{
    struct ctx *c = user;

    /* The reader hands out trimmed, non-empty names, line by line. */
    if (line <= c->last_line || section == NULL)
        abort();
    c->last_line = line;
    check_str(section);
    if (key == NULL) {
        if (section[0] == '\0' || value != NULL)
            abort();
        c->in_node = strcmp(section, "node") == 0;
        return 0;
    }
    check_str(key);
    check_str(value);
    if (key[0] == '\0' || key[0] == ' ' || key[strlen(key) - 1] == ' ' ||
        key[strlen(key) - 1] == '\t' || strchr(key, '=') != NULL)
        abort();
    if (section[0] != '\0' && !c->in_node)
        return 0;
    return lu_opts_set(OPTS, key, value, err, errlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ctx c = {false, 0};
    char err[1024] = "";
    int r;

    S.insecure = false;
    S.window = 8;
    S.batch_size = 500;
    S.heartbeat_ms = 5000;
    S.timeout_ms = 15000;
    r = lu_ini_parse_buf("fuzz.ini", (const char *)data, size, on_ini, &c, err,
                         sizeof(err));
    if (r < 0) {
        /* "fuzz.ini:LINE: reason" with LINE >= 1 and a reason. */
        char *end;
        long line;

        if (strncmp(err, "fuzz.ini:", 9) != 0)
            abort();
        line = strtol(err + 9, &end, 10);
        if (line < 1 || strncmp(end, ": ", 2) != 0 || end[2] == '\0')
            abort();
    } else if (r != 0 || S.window < 1 || S.window > 64 || S.batch_size < 1 ||
               S.batch_size > 1000 || S.heartbeat_ms < 50 ||
               S.heartbeat_ms > 3600000 || S.timeout_ms < 100 ||
               S.timeout_ms > 3600000) {
        abort();
    }
    if (S.id != NULL)
        check_str(S.id);
    lu_opts_free(OPTS);
    if (S.id != NULL || S.hub != NULL || S.units != NULL ||
        S.state_dir != NULL || S.log_level != NULL)
        abort();
    return 0;
}
