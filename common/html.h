/* Building HTML text: the one escaping helper every page uses for
 * whatever it did not write itself (names, notes, reasons, typed input),
 * in element content and in quoted attribute values alike. */
#ifndef LU_HTML_H
#define LU_HTML_H

#include <stddef.h>

#include "util.h"

/* Appends s with & < > " ' escaped; bytes that are not valid UTF-8 become
 * U+FFFD, so the page is always valid UTF-8. */
void lu_html_esc(struct lu_buf *b, const char *s);
/* The same for len bytes. */
void lu_html_escn(struct lu_buf *b, const char *s, size_t len);

/* The start of a page of the node's or the hub's web (in Chinese, phone
 * width): the head with its title and the stylesheet css (an embedded
 * asset's path), then the header's site name and daemon id; the caller
 * goes on with its navigation and ends the header with lu_html_page_main. */
void lu_html_page_head(struct lu_buf *b, const char *css, const char *title,
                       const char *daemon_id);
/* Closes the header and opens the page's main part with its h1. */
void lu_html_page_main(struct lu_buf *b, const char *title);

#endif
