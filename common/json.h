/* One small JSON writer for everything luyu prints or publishes as JSON:
 * commas, nesting and escaping are its job, so that no caller writes
 * "{\"key\":" by hand. Strings are escaped and always valid UTF-8: a byte
 * that does not start or continue a valid sequence (also overlong forms,
 * surrogates and code points past U+10FFFF) becomes U+FFFD, so text from a
 * hostile peer or a damaged file cannot break the output. Output is
 * appended to a struct lu_buf (common/util.h), compact, one value per
 * writer. */
#ifndef LU_JSON_H
#define LU_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define LU_JSON_MAX_DEPTH 16

struct lu_json {
    struct lu_buf *out;
    int depth;
    char close[LU_JSON_MAX_DEPTH]; /* '}' or ']' per open level */
    bool first[LU_JSON_MAX_DEPTH]; /* nothing written at that level yet */
    bool after_key;                /* a key was written; its value is next */
};

void lu_json_init(struct lu_json *j, struct lu_buf *out);

/* Opens an object or array (as a value: after a key, in an array, or at
 * the top), and closes the innermost one. Nesting deeper than
 * LU_JSON_MAX_DEPTH, or an end with nothing open, is a programmer error:
 * logged, then abort(), in release builds too. */
void lu_json_object(struct lu_json *j);
void lu_json_array(struct lu_json *j);
void lu_json_end(struct lu_json *j);

/* A key inside an object; the next call writes its value. */
void lu_json_key(struct lu_json *j, const char *key);

void lu_json_str(struct lu_json *j, const char *s); /* NULL writes null */
void lu_json_strn(struct lu_json *j, const char *s, size_t len);
void lu_json_int(struct lu_json *j, int64_t v);
void lu_json_uint(struct lu_json *j, uint64_t v);
void lu_json_bool(struct lu_json *j, bool v);
void lu_json_null(struct lu_json *j);

/* Key and value in one call, for flat objects. */
void lu_json_kstr(struct lu_json *j, const char *key, const char *s);
void lu_json_kint(struct lu_json *j, const char *key, int64_t v);
void lu_json_kuint(struct lu_json *j, const char *key, uint64_t v);

/* Appends s (len bytes) as a quoted JSON string, escaped and made valid
 * UTF-8 as above. lu_buf_json_str() is this with strlen. */
void lu_json_quote(struct lu_buf *b, const char *s, size_t len);

#endif
