/* Messages for people, through gettext: every human-facing string is
 * written in English in the source as _("...") and translated by the
 * catalogue po/zh_CN.po, installed as luyu.mo. Machine formats (JSON, CSV
 * codes, metrics) are never translated. */
#ifndef LU_I18N_H
#define LU_I18N_H

#include <libintl.h>
#include <locale.h>

#define _(s) gettext(s)
/* Marks a string for the catalogue where it is translated later, e.g. in
 * a static table whose entries are passed through _() when printed. */
#define N_(s) (s)

/* Sets the locale from the environment and binds the "luyu" catalogue.
 * The catalogue directory is $LUYU_LOCALEDIR when set, else the installed
 * one when it holds a catalogue, else the build tree's. Call once, first
 * thing in main(). Never fails: without a catalogue, messages stay English. */
void lu_i18n_init(void);

/* Whether messages are translated (the catalogue is in use for the
 * locale): then names from the plan, which are Chinese, are shown instead
 * of codes, and money in 万元/亿元 (common/money.h). */
int lu_i18n_translated(void);

/* The language of this process's messages as a daemon is told it
 * (CtlRequest.lang): the LC_MESSAGES locale when the catalogue is in use,
 * else "C". */
const char *lu_i18n_lang(void);

/* A daemon answers a request in the asker's language: lu_i18n_enter()
 * switches this thread's messages to lang (a locale name such as
 * "zh_CN.UTF-8"; "" or one the system lacks leaves the daemon's own), and
 * lu_i18n_leave() switches back. */
struct lu_i18n_scope {
    locale_t loc, old;
};
void lu_i18n_enter(const char *lang, struct lu_i18n_scope *s);
void lu_i18n_leave(struct lu_i18n_scope *s);

#endif
