#include "ini.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xmalloc.h"
#include "i18n.h"

#define INI_MAX_LINE 4096
#define INI_MAX_FILE (4 * 1024 * 1024)

static char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

/* Handles one line, already NUL-terminated and without its newline. */
static int parse_line(char *line, char *section, size_t seclen, int lineno,
                      lu_ini_cb cb, void *user, char *err, size_t errlen)
{
    char *s = trim(line);
    char *eq, *key, *value;

    if (*s == '\0' || *s == '#' || *s == ';')
        return 0;
    if (*s == '[') {
        char *close = strchr(s, ']');

        if (close == NULL || *trim(close + 1) != '\0') {
            snprintf(err, errlen, _("section header must be \"[name]\""));
            return -EINVAL;
        }
        *close = '\0';
        s = trim(s + 1);
        if (*s == '\0' || strlen(s) >= seclen) {
            snprintf(err, errlen, _("section name is empty or too long"));
            return -EINVAL;
        }
        strcpy(section, s);
        return cb(user, section, NULL, NULL, lineno, err, errlen);
    }
    eq = strchr(s, '=');
    if (eq == NULL) {
        snprintf(err, errlen, _("expected \"key = value\", got \"%.*s\""),
                 lu_utf8_cut(s, 40), s);
        return -EINVAL;
    }
    *eq = '\0';
    key = trim(s);
    value = trim(eq + 1);
    if (*key == '\0') {
        snprintf(err, errlen, _("missing key before '='"));
        return -EINVAL;
    }
    if (*value == '"') {
        size_t n = strlen(value);

        if (n < 2 || value[n - 1] != '"') {
            snprintf(err, errlen, _("unterminated quoted value for \"%s\""),
                     key);
            return -EINVAL;
        }
        value[n - 1] = '\0';
        value++;
    }
    return cb(user, section, key, value, lineno, err, errlen);
}

int lu_ini_parse_buf(const char *name, const char *data, size_t len,
                     lu_ini_cb cb, void *user, char *err, size_t errlen)
{
    char section[256] = "";
    char line[INI_MAX_LINE + 1];
    char reason[512] = "";
    size_t pos = 0;
    int lineno = 0, r = 0;

    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;

        lineno++;
        if (n > INI_MAX_LINE) {
            snprintf(reason, sizeof(reason), _("line longer than %d bytes"),
                     INI_MAX_LINE);
            r = -EINVAL;
            goto out;
        }
        memcpy(line, data + pos, n);
        line[n] = '\0';
        if (strlen(line) != n) {
            snprintf(reason, sizeof(reason), _("NUL byte in line"));
            r = -EINVAL;
            goto out;
        }
        if (!lu_utf8_valid(line, n)) {
            snprintf(reason, sizeof(reason), _("line is not valid UTF-8"));
            r = -EINVAL;
            goto out;
        }
        r = parse_line(line, section, sizeof(section), lineno, cb, user, reason,
                       sizeof(reason));
        if (r < 0)
            goto out;
        pos += n + (nl ? 1 : 0);
    }
out:
    if (r < 0)
        snprintf(err, errlen, "%s:%d: %s", name, lineno, reason);
    return r;
}

int lu_ini_parse_file(const char *path, lu_ini_cb cb, void *user, char *err,
                      size_t errlen)
{
    char *data = NULL;
    size_t len = 0;
    int r;

    r = lu_read_file(path, INI_MAX_FILE, &data, &len);
    if (r < 0) {
        snprintf(err, errlen, _("%s: cannot read: %s"), path, strerror(-r));
        goto out;
    }
    r = lu_ini_parse_buf(path, data, len, cb, user, err, errlen);
out:
    free(data);
    return r;
}
