/* Reject codes: names, the stored form and the sentences for people. */
#include "reject.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

/* Indexed by RejectCode. The names are a machine format: never renamed. */
static const struct {
    const char *name;
    const char *say;
} CODES[] = {
    [1] = {"not_registered",
           N_("the province has not registered this node for the entry's "
              "unit")},
    [2] = {"other_province",
           N_("the entry's unit belongs to the other province")},
    [3] = {"unknown_unit", N_("the province's plan has no such unit")},
    [4] = {"unknown_indicator",
           N_("the province's plan has no such indicator")},
    [5] = {"outside_plan", N_("the month is outside the plan period")},
    [6] = {"bad_correction",
           N_("the entry it corrects is not this node's entry of the same "
              "figure in the province's ledger")},
    [7] = {"ledger_total",
           N_("the ledger's total would pass the largest sum it keeps "
              "exactly")},
    [8] = {"project_owner",
           N_("the project was registered by another node, which alone may "
              "change it")},
    [9] = {"project_move",
           N_("the project as the province holds it does not allow this "
              "change")},
};
#define N_CODES (int)(sizeof(CODES) / sizeof(CODES[0]))

const char *lu_reject_name(int code)
{
    return code > 0 && code < N_CODES ? CODES[code].name : "";
}

char *lu_reject_fmt(char *buf, size_t len, int code, const char *fmt, ...)
{
    va_list ap;
    int n = 0;

    if (code > 0 && code < N_CODES)
        n = snprintf(buf, len, "[%s] ", CODES[code].name);
    if (n < 0 || (size_t)n >= len)
        n = 0;
    va_start(ap, fmt);
    vsnprintf(buf + n, len - (size_t)n, fmt, ap);
    va_end(ap);
    buf[lu_utf8_cut(buf, len - 1)] = '\0';
    return buf;
}

int lu_reject_split(char *s)
{
    size_t n;

    if (s == NULL || s[0] != '[')
        return 0;
    for (int c = 1; c < N_CODES; c++) {
        n = strlen(CODES[c].name);
        if (strncmp(s + 1, CODES[c].name, n) == 0 && s[n + 1] == ']' &&
            s[n + 2] == ' ') {
            memmove(s, s + n + 3, strlen(s + n + 3) + 1);
            return c;
        }
    }
    return 0;
}

const char *lu_reject_say(int code, const char *text)
{
    if (code > 0 && code < N_CODES)
        return _(CODES[code].say);
    return text != NULL ? text : "";
}
