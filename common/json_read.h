/* Reading JSON that others send us (the node's POST /api/entries): the
 * whole text into a tree of values, or a reason naming the line and column
 * where it stops being JSON (RFC 8259). Hostile input costs bounded
 * memory and stack: nesting is at most LU_JSON_READ_MAX_DEPTH, values at
 * most LU_JSON_READ_MAX_VALUES; strings must be valid UTF-8, "\u" escapes
 * included (a lone surrogate is refused), and may not hold NUL. Numbers
 * are kept as their text, so that amounts stay exact: reading them is the
 * caller's (common/amount.h). Writing JSON is common/json.h's. */
#ifndef LU_JSON_READ_H
#define LU_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

/* As deep as common/json.h writes, so that what we read we can write. */
#define LU_JSON_READ_MAX_DEPTH 16
#define LU_JSON_READ_MAX_VALUES 1000000

enum lu_jv_type {
    LU_JV_NULL,
    LU_JV_BOOL,
    LU_JV_NUMBER, /* text: the number as written */
    LU_JV_STRING, /* text: the string, unescaped, UTF-8, no NUL */
    LU_JV_ARRAY,  /* items[0..n) */
    LU_JV_OBJECT, /* keys[0..n) and items[0..n), in the order written */
};

struct lu_jv {
    enum lu_jv_type type;
    bool b;
    char *text;
    size_t n;
    char **keys;
    struct lu_jv *items;
};

/* Reads data[0..len) (one value, white space around it) into *out, which
 * the caller frees with lu_json_read_free(). Returns 0, or -EINVAL with
 * "line L, column C: what" in err (*out is then NULL). */
int lu_json_read(const char *data, size_t len, struct lu_jv **out, char *err,
                 size_t errlen);
void lu_json_read_free(struct lu_jv *v);

/* The member of an object named key (the first, if written twice), or
 * NULL. */
const struct lu_jv *lu_json_read_get(const struct lu_jv *obj, const char *key);

#endif
