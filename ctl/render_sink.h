/* Where the text and Markdown bulletins write (render_text.c): the same
 * rows become an aligned table for the terminal or a Markdown pipe table,
 * so that the two formats cannot drift apart. Internal to luyuctl's
 * renderer: render_text.c and the sections in render_text_more.c. */
#ifndef CTL_RENDER_SINK_H
#define CTL_RENDER_SINK_H

#include <stdbool.h>
#include <stddef.h>

struct lu_buf;
struct ctl_table;

struct ctl_sink {
    bool md;
    struct lu_buf *out;
    struct ctl_table *t; /* text only */
    size_t ncols;
};

/* Starts a table with its header row; columns listed in `right` (ending
 * with SIZE_MAX) are numbers, right-aligned. Then rows of ncols cells (NULL
 * for an empty one), then ctl_sink_end. */
void ctl_sink_start(struct ctl_sink *k, size_t ncols, const char *const *head,
                    const size_t *right);
void ctl_sink_row(struct ctl_sink *k, const char *const *cells);
void ctl_sink_end(struct ctl_sink *k);
/* A heading of level 1 (the title) or 2 (a section). */
void ctl_sink_heading(struct ctl_sink *k, int level, const char *text);
/* "label: text" in a list. */
void ctl_sink_item(struct ctl_sink *k, const char *label, const char *text);
/* A line of text of its own. */
void ctl_sink_para(struct ctl_sink *k, const char *text);

struct ctl_render_view;

/* Sections of render_text_more.c. The per-district table of v's month for
 * the indicators codes[0..m) that have rows; the scorecard's ranking and,
 * for the end of the bulletin, its arithmetic (v->scores not NULL). */
void ctl_render_text_units(struct ctl_sink *k, const struct ctl_render_view *v,
                           const char **codes, size_t m);
void ctl_render_text_scorecard(struct ctl_sink *k,
                               const struct ctl_render_view *v);
void ctl_render_text_arithmetic(struct ctl_sink *k,
                                const struct ctl_render_view *v);

#endif
