/* The per-district table of a bulletin: each unit's own figures of the
 * month, as the signed bulletin carries them (Bulletin.unit_figures), so
 * that a leader sees which district is behind without opening another
 * report. Which rows and columns it has is decided here for every format;
 * the HTML of it is here too, the text in render_text.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "i18n.h"
#include "money.h"
#include "render_html.h"
#include "util.h"
#include "xmalloc.h"

const Luyu__UnitFigure *ctl_render_unit_figure(const Luyu__Bulletin *b,
                                               const char *unit,
                                               const char *code)
{
    for (size_t k = 0; k < b->n_unit_figures; k++) {
        const Luyu__UnitFigure *u = b->unit_figures[k];

        if (strcmp(u->unit, unit) == 0 && strcmp(u->indicator, code) == 0)
            return u;
    }
    return NULL;
}

/* Whether any unit has a figure of code in the month. */
static bool has_month(const Luyu__Bulletin *b, const char *code)
{
    for (size_t k = 0; k < b->n_unit_figures; k++) {
        if (strcmp(b->unit_figures[k]->indicator, code) == 0 &&
            b->unit_figures[k]->month != 0)
            return true;
    }
    return false;
}

bool ctl_render_units_predate(const Luyu__Bulletin *b)
{
    /* An empty list is also what a month without any figure has; the
     * months' figures (by_month) came with unit_figures, so an issuer that
     * knew them wrote those. */
    for (size_t i = 0; b->n_unit_figures == 0 && i < b->n_indicators; i++) {
        if (b->indicators[i]->n_by_month > 0)
            return false;
    }
    return b->n_unit_figures == 0;
}

size_t ctl_render_unit_cols(const Luyu__Bulletin *b, const char **codes,
                            size_t m, const char **cols)
{
    size_t k = 0;

    for (size_t c = 0; c < m; c++) {
        if (ledger_bulletin_indicator(b, codes[c]) && has_month(b, codes[c]))
            cols[k++] = codes[c];
    }
    return k;
}

bool ctl_render_unit_shown(const Luyu__Bulletin *b, const Luyu__UnitReport *u)
{
    for (size_t k = 0; !u->expected && k < b->n_unit_figures; k++) {
        if (strcmp(b->unit_figures[k]->unit, u->code) == 0 &&
            b->unit_figures[k]->month != 0)
            return true;
    }
    return u->expected;
}

static void row(struct lu_buf *o, const Luyu__Bulletin *b,
                const Luyu__UnitReport *u, const char **cols, size_t k)
{
    char a[LU_MONEY_LEN];

    lu_buf_adds(o, "<tr>");
    ctl_render_html_el(o, "td", NULL, u->name);
    for (size_t c = 0; c < k; c++) {
        const Luyu__UnitFigure *x = ctl_render_unit_figure(b, u->code, cols[c]);
        const Luyu__IndicatorFigures *f = ledger_bulletin_indicator(b, cols[c]);

        ctl_render_html_el(
            o, "td", "n",
            x && x->month ? ctl_render_amount(f, x->month, a, sizeof(a)) : "-");
    }
    lu_buf_adds(o, "</tr>\n");
}

void ctl_render_units(struct lu_buf *o, const struct ctl_render_view *v,
                      const char **codes, size_t m)
{
    const Luyu__Bulletin *b = v->b;
    const char **cols = lu_xcalloc(m + 1, sizeof(*cols));
    char t[512];
    size_t k = 0;

    k = ctl_render_unit_cols(b, codes, m, cols);
    snprintf(t, sizeof(t), _("By district %s: the month's figures"),
             b->province_name);
    lu_buf_adds(o, "<section id=\"units\">\n");
    ctl_render_html_el(o, "h2", NULL, t);
    lu_buf_adds(o, "\n");
    if (b->n_unit_figures == 0 || k == 0) {
        ctl_render_html_el(o, "p", NULL,
                           ctl_render_units_predate(b)
                               ? _("This bulletin carries no per-district "
                                   "figures (issued before they were added).")
                               : _("No district has a figure this month."));
        goto out;
    }
    lu_buf_adds(o, "<div class=\"wrap\"><table class=\"units\">\n<tr>");
    ctl_render_html_el(o, "th", NULL, _("unit"));
    for (size_t c = 0; c < k; c++)
        ctl_render_html_el(o, "th", NULL,
                           ledger_bulletin_indicator(b, cols[c])->name);
    lu_buf_adds(o, "</tr>\n");
    for (size_t i = 0; i < b->n_units; i++) {
        if (ctl_render_unit_shown(b, b->units[i]))
            row(o, b, b->units[i], cols, k);
    }
    lu_buf_adds(o, "</table></div>\n");
out:
    lu_buf_adds(o, "</section>\n");
    free(cols);
}
