/* Small helpers every module needs: clocks, whole-file reads, UTF-8 and
 * identifier checks, and a growable string buffer. */
#ifndef LU_UTIL_H
#define LU_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wall clock in unix seconds / milliseconds; monotonic in milliseconds. */
int64_t lu_now_s(void);
int64_t lu_now_ms(void);
uint64_t lu_mono_ms(void);

/* Reads a whole file of at most max bytes into a NUL-terminated buffer the
 * caller frees with free(). -EFBIG when larger. */
int lu_read_file(const char *path, size_t max, char **out, size_t *len);

/* Writes text to a new file (never overwriting one) with exactly mode,
 * fsyncs it, and removes it again on any failure, so that a key file is
 * either whole or absent. Writes "path: reason" into err on failure. */
int lu_write_new_file(const char *path, const char *text, unsigned mode,
                      char *err, size_t errlen);

bool lu_utf8_valid(const char *s, size_t len);

/* Makes s valid UTF-8 in place, for messages that quote what a user or a
 * peer sent (which may not be UTF-8): a character cut off at the end (by
 * snprintf() truncating) is dropped, and every other byte that does not
 * belong to a valid sequence becomes '?'. Returns s. */
char *lu_utf8_fix(char *s);

/* The length in bytes of the longest prefix of s of at most max bytes that
 * does not end inside a UTF-8 character: quote untrusted text with
 * "%.*s", lu_utf8_cut(s, 64), s -- never "%.64s", which can cut a
 * character in half and make the whole message invalid UTF-8. */
int lu_utf8_cut(const char *s, size_t max);

/* Codes of units, indicators, nodes and hubs: 1..64 bytes of [a-z0-9_.-],
 * starting with a letter or digit. */
bool lu_code_valid(const char *s);

/* Parses a decimal unsigned integer that must fill the whole string. */
int lu_parse_u64(const char *s, uint64_t *out);

/* A growable byte buffer, always NUL-terminated. Free with lu_buf_free(). */
struct lu_buf {
    char *data;
    size_t len;
    size_t cap;
};

void lu_buf_init(struct lu_buf *b);
void lu_buf_free(struct lu_buf *b);
void lu_buf_add(struct lu_buf *b, const void *data, size_t len);
void lu_buf_adds(struct lu_buf *b, const char *s);
void lu_buf_printf(struct lu_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included, escaped and valid
 * UTF-8 (lu_json_quote(), common/json.h). */
void lu_buf_json_str(struct lu_buf *b, const char *s);
/* Appends s as a CSV field, quoted when it needs to be. */
void lu_buf_csv_str(struct lu_buf *b, const char *s);

#endif
