/* A reminder's reason code (hub/remind.h: not_reported_before_close, ...)
 * in words for people, translated: one place for luyuctl status and the
 * node's web pages. */
#ifndef LU_REMINDTEXT_H
#define LU_REMINDTEXT_H

/* The translated words for code, or code itself when unknown (a newer
 * hub's code reads better raw than not at all). Static storage. */
const char *lu_remindtext_say(const char *code);

#endif
