/* Trend sparklines of the HTML bulletin: an indicator's figure of each
 * month of the year so far (IndicatorFigures.by_month, signed with the
 * bulletin) as a small inline SVG line, the last month's figure written
 * beside it. No scripts, no external assets: it prints and works offline. */
#include <stdint.h>

#include "i18n.h"
#include "money.h"
#include "render_html.h"
#include "util.h"

#define SPARK_W 96 /* the line */
#define SPARK_H 26
#define SPARK_LABEL 110 /* room for "1,234.56万元" at 12 px */

/* y of v between lo and hi, in whole pixels, 2 px margins. */
static int y_of(int64_t v, int64_t lo, int64_t hi)
{
    if (hi == lo)
        return SPARK_H / 2;
    return SPARK_H - 2 -
           (int)(((__int128)v - lo) * (SPARK_H - 4) / ((__int128)hi - lo));
}

void ctl_render_spark(struct lu_buf *o, const Luyu__IndicatorFigures *f)
{
    size_t n = f ? f->n_by_month : 0;
    int64_t lo = 0, hi = 0;
    char a[LU_MONEY_LEN];
    int x = 0, y = 0;

    lu_buf_adds(o, "<td class=\"spark\">");
    if (n == 0) {
        lu_buf_adds(o, "-</td>");
        return;
    }
    for (size_t k = 0; k < n; k++) {
        lo = f->by_month[k] < lo ? f->by_month[k] : lo;
        hi = f->by_month[k] > hi ? f->by_month[k] : hi;
    }
    lu_buf_printf(o,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spark\" "
                  "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                  "font-size=\"12\" role=\"img\"><title>",
                  SPARK_W + SPARK_LABEL, SPARK_H, SPARK_W + SPARK_LABEL,
                  SPARK_H);
    ctl_render_html_esc(o, _("each month of the year so far"));
    lu_buf_adds(o, "</title><polyline fill=\"none\" stroke=\"#8b1a1a\" "
                   "stroke-width=\"1.5\" points=\"");
    for (size_t k = 0; k < n; k++) {
        x = n == 1 ? SPARK_W - 3 : 3 + (int)(k * (SPARK_W - 6) / (n - 1));
        y = y_of(f->by_month[k], lo, hi);
        lu_buf_printf(o, "%s%d,%d", k ? " " : "", x, y);
    }
    lu_buf_printf(o,
                  "\"/><circle cx=\"%d\" cy=\"%d\" r=\"2.5\" "
                  "fill=\"#8b1a1a\"/><text x=\"%d\" y=\"%d\">",
                  x, y, SPARK_W + 2, SPARK_H / 2 + 4);
    ctl_render_html_esc(o,
                        ctl_render_amount(f, f->by_month[n - 1], a, sizeof(a)));
    lu_buf_adds(o, "</text></svg></td>");
}
