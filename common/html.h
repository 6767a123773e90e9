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

#endif
