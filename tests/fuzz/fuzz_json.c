/* Fuzzes the JSON reader (common/json_read.c) and the JSON form of an
 * import behind it (common/import_json.c, the node's POST /api/entries).
 * The reader must end with a tree or a reason that names a line and
 * column; every string in a tree is valid UTF-8 without NUL, every number
 * matches JSON's grammar, and writing the tree with common/json.h and
 * reading that again gives the same tree. The import must end with rows
 * the node's intake takes (codes of the plan, YYYY-MM, a plain amount,
 * each with its entry's place) or with problems in valid UTF-8. */
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "import.h"
#include "import_check.h"
#include "json.h"
#include "json_read.h"
#include "plan.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char PLAN[] = "[plan]\nname = t\nstart = 2018-01\nend = "
                           "2020-12\n[province CQ]\nname = 重庆市\n"
                           "[unit cq-a]\nname = 万州区\nprovince = CQ\n"
                           "kind = district\n[area ind]\nname = 产业合作\n"
                           "[indicator x]\nname = 交易额\nunit = yuan\n"
                           "area = ind\ntarget_kind = none\n"
                           "[indicator p]\nname = 培训\nunit = persons\n"
                           "area = ind\ntarget_kind = none\n";

static regex_t number_re;

static void write_tree(const struct lu_jv *v, struct lu_json *j)
{
    switch (v->type) {
    case LU_JV_NULL:
        lu_json_null(j);
        break;
    case LU_JV_BOOL:
        lu_json_bool(j, v->b);
        break;
    case LU_JV_NUMBER:
    case LU_JV_STRING:
        /* Numbers go out as strings; same() knows. */
        lu_json_str(j, v->text);
        break;
    case LU_JV_ARRAY:
    case LU_JV_OBJECT:
        if (v->type == LU_JV_ARRAY)
            lu_json_array(j);
        else
            lu_json_object(j);
        for (size_t i = 0; i < v->n; i++) {
            if (v->type == LU_JV_OBJECT)
                lu_json_key(j, v->keys[i]);
            write_tree(&v->items[i], j);
        }
        lu_json_end(j);
        break;
    }
}

static void check_tree(const struct lu_jv *v, int depth)
{
    if (depth > LU_JSON_READ_MAX_DEPTH)
        abort();
    if ((v->type == LU_JV_STRING || v->type == LU_JV_NUMBER) &&
        (v->text == NULL || !lu_utf8_valid(v->text, strlen(v->text))))
        abort();
    if (v->type == LU_JV_NUMBER && regexec(&number_re, v->text, 0, NULL, 0))
        abort();
    for (size_t i = 0; i < v->n; i++) {
        if (v->type == LU_JV_OBJECT &&
            !lu_utf8_valid(v->keys[i], strlen(v->keys[i])))
            abort();
        check_tree(&v->items[i], depth + 1);
    }
}

/* a (as read) and b (its copy, numbers turned into strings) agree. */
static void same(const struct lu_jv *a, const struct lu_jv *b)
{
    if (a->n != b->n ||
        (a->type == LU_JV_NUMBER ? b->type != LU_JV_STRING
                                 : a->type != b->type) ||
        (a->text && strcmp(a->text, b->text)) || a->b != b->b)
        abort();
    for (size_t i = 0; i < a->n; i++) {
        if (a->type == LU_JV_OBJECT && strcmp(a->keys[i], b->keys[i]) != 0)
            abort();
        same(&a->items[i], &b->items[i]);
    }
}

static void check_import(const struct lu_plan *plan, const char *data,
                         size_t len)
{
    struct lu_import im;
    int r;

    lu_import_init(&im, "body");
    r = lu_import_read_json(&im, plan, data, len);
    fuzz_check_import(plan, &im, r, 1);
    lu_import_close(&im);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct lu_plan *plan;
    struct lu_jv *tree = NULL, *again = NULL;
    struct lu_buf out = {0};
    struct lu_json j;
    char err[256] = "";
    int line, col;

    if (plan == NULL) {
        if (lu_plan_load_buf("fuzz", PLAN, strlen(PLAN), &plan, err,
                             sizeof(err)) < 0 ||
            regcomp(&number_re,
                    "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?$",
                    REG_EXTENDED | REG_NOSUB) != 0)
            abort();
    }
    if (lu_json_read((const char *)data, size, &tree, err, sizeof(err)) < 0) {
        if (tree != NULL ||
            sscanf(err, "line %d, column %d: ", &line, &col) != 2 || line < 1 ||
            col < 1)
            abort();
    } else {
        check_tree(tree, 1);
        lu_json_init(&j, &out);
        write_tree(tree, &j);
        if (lu_json_read(out.data, out.len, &again, err, sizeof(err)) < 0)
            abort();
        same(tree, again);
    }
    check_import(plan, (const char *)data, size);
    lu_json_read_free(tree);
    lu_json_read_free(again);
    lu_buf_free(&out);
    return 0;
}
