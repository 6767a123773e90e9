/* See i18n.h. */
#include "i18n.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The catalogue's directory: installed first, so that an installed binary
 * never reads a build tree; the build tree's is for binaries run where
 * they were built (tests, the demo). */
static const char *locale_dir(void)
{
    const char *env = getenv("LUYU_LOCALEDIR");
    char mo[512];

    if (env != NULL && env[0] != '\0')
        return env;
    snprintf(mo, sizeof(mo), "%s/zh_CN/LC_MESSAGES/luyu.mo",
             LUYU_LOCALEDIR_INSTALLED);
    if (access(mo, R_OK) == 0)
        return LUYU_LOCALEDIR_INSTALLED;
    return LUYU_LOCALEDIR_BUILD;
}

void lu_i18n_init(void)
{
    setlocale(LC_ALL, "");
    /* Numbers are formatted by our own code; keep printf's "%.2f" and
     * strtod() in the C locale whatever LC_NUMERIC says. */
    setlocale(LC_NUMERIC, "C");
    bindtextdomain("luyu", locale_dir());
    bind_textdomain_codeset("luyu", "UTF-8");
    textdomain("luyu");
}

int lu_i18n_translated(void)
{
    /* The catalogue decides, not the locale's name: a zh_CN locale without
     * the catalogue shows English throughout. Any message of the catalogue
     * tells; this one is always there (common/money.c uses it). */
    static const char probe[] = "%s yuan";

    return strcmp(gettext(probe), probe) != 0;
}
