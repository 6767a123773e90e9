/* A small INI reader for config and plan files. We use our own rather than
 * libinih because every error must name file:line, including errors found by
 * the callback, and inih (as Debian builds it) neither passes line numbers to
 * its handler nor accepts lines over 200 bytes.
 *
 * Syntax: "[section]" lines, "key = value" lines, blank lines, and comments
 * starting with '#' or ';' at the start of a line. Keys and values are
 * trimmed; values may be wrapped in double quotes to keep spaces. A UTF-8
 * BOM at the start is skipped. Lines are limited to 4096 bytes, files to
 * 4 MiB, and NUL bytes are refused. */
#ifndef LU_INI_H
#define LU_INI_H

#include <stddef.h>

/* Called for every section header (key and value NULL) and every key/value
 * pair. Returns 0, or a negative errno after writing a reason (without the
 * file:line, which the reader adds) into err. */
typedef int (*lu_ini_cb)(void *user, const char *section, const char *key,
                         const char *value, int line, char *err, size_t errlen);

/* Parses the file at path. On failure returns a negative errno and writes
 * "path:line: reason" into err. */
int lu_ini_parse_file(const char *path, lu_ini_cb cb, void *user, char *err,
                      size_t errlen);

/* Parses len bytes of data (not necessarily NUL-terminated); name is used in
 * messages in place of a path. */
int lu_ini_parse_buf(const char *name, const char *data, size_t len,
                     lu_ini_cb cb, void *user, char *err, size_t errlen);

#endif
