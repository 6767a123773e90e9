/* Why the hub refused an entry, as a code (RejectCode in proto/luyu.proto)
 * and as words. The hub words its reasons in English for its log and for
 * nodes older than the code; a person reads the code's sentence in their
 * own language, translated by the catalogue, so no English reaches a
 * Chinese clerk.
 *
 * Stored form. The hub's reject table and the node's outbox keep one text
 * column, `reason`; a reason with a code is stored as "[code] text" (code
 * as lu_reject_name() gives it), so neither schema changes and an old row
 * (no prefix, or one naming no code) reads as code 0 with its text. */
#ifndef LU_REJECT_H
#define LU_REJECT_H

#include <stddef.h>

/* The stable name of a code, for JSON, CSV and the stored form:
 * "not_registered" ... ; "" for 0 and codes this build does not know. */
const char *lu_reject_name(int code);

/* Writes "[name] " and the printf-formatted text into buf (len > 0); just
 * the text for code 0. Cut at a UTF-8 boundary when too long. Returns buf. */
char *lu_reject_fmt(char *buf, size_t len, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Splits a stored reason in place: removes a leading "[name] " naming a
 * known code and returns that code, else returns 0 and leaves s alone.
 * s may be NULL (returns 0). */
int lu_reject_split(char *s);

/* The reason as a person reads it, in the current language: the code's
 * sentence when the code is known, else text (an older hub's words).
 * Returns a string that lives as long as text or the catalogue. */
const char *lu_reject_say(int code, const char *text);

#endif
