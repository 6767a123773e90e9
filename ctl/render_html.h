/* What the parts of the HTML bulletin (render_html.c and the sections in
 * render_units.c, render_spark.c and
 * render_score.c) share: the XML-safe escaping, which
 * indicators are expanded, and the per-district table. Internal to luyuctl's
 * renderer. */
#ifndef CTL_RENDER_HTML_H
#define CTL_RENDER_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "render.h"

struct lu_buf;

/* Text and attribute values with the five XML escapes, control characters
 * as spaces. */
void ctl_render_html_esc(struct lu_buf *o, const char *s);
/* <tag class="cls">text</tag>; cls may be NULL. */
void ctl_render_html_el(struct lu_buf *o, const char *tag, const char *cls,
                        const char *text);

/* The per-district table of one view's month (rows and columns as
 * ctl_render_unit_cols and ctl_render_unit_shown choose them), the unit's
 * own month figure in each cell. Says so in one line when the bulletin
 * predates per-unit figures. */
void ctl_render_units(struct lu_buf *o, const struct ctl_render_view *v,
                      const char **codes, size_t m);

/* A table cell with f's trend over the months of the year so far as a
 * sparkline, the last month's figure labelled; "-" when the bulletin has
 * no monthly figures for it (f NULL, derived from the pool, or issued
 * before they were added). */
void ctl_render_spark(struct lu_buf *o, const Luyu__IndicatorFigures *f);

/* The scorecard of v->scores (not NULL): the ranking with links to each
 * district's arithmetic, and the arithmetic itself, for later on the
 * page. */
void ctl_render_scorecard(struct lu_buf *o, const struct ctl_render_view *v);
void ctl_render_scorecard_detail(struct lu_buf *o,
                                 const struct ctl_render_view *v);

#endif
