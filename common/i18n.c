/* See i18n.h. */
#include "i18n.h"

#include <ctype.h>
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

const char *lu_i18n_lang(void)
{
    const char *m = setlocale(LC_MESSAGES, NULL);

    return lu_i18n_translated() && m != NULL ? m : "C";
}

/* A locale name, not a path or anything else newlocale() might read. */
static int lang_valid(const char *lang)
{
    size_t n = strlen(lang);

    if (n == 0 || n > 64)
        return 0;
    for (const char *p = lang; *p; p++) {
        if (!isalnum((unsigned char)*p) && strchr("_.@-", *p) == NULL)
            return 0;
    }
    return 1;
}

void lu_i18n_enter(const char *lang, struct lu_i18n_scope *s)
{
    s->loc = (locale_t)0;
    s->old = (locale_t)0;
    if (lang == NULL || !lang_valid(lang))
        return;
    s->loc = newlocale(LC_MESSAGES_MASK, lang, (locale_t)0);
    if (s->loc != (locale_t)0)
        s->old = uselocale(s->loc);
}

void lu_i18n_leave(struct lu_i18n_scope *s)
{
    if (s->loc == (locale_t)0)
        return;
    uselocale(s->old);
    freelocale(s->loc);
    s->loc = (locale_t)0;
}
