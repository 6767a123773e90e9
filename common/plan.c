#include "plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amount.h"
#include "ini.h"
#include "util.h"
#include "xmalloc.h"
#include "i18n.h"

/* Same bound as the INI reader: a plan is a few hundred lines, and a bigger
 * file is a mistake, not a plan. */
#define PLAN_MAX_FILE (4 * 1024 * 1024)
#define PLAN_MAX_NAME 256
#define PLAN_MAX_PER 1000000
/* How much of a rejected value an error message quotes back. */
#define QUOTE_MAX 40

/* The four lists a plan holds, plus the single [plan] section. The list
 * types come first so that they can index per-list arrays. */
enum sect {
    SECT_PROVINCE,
    SECT_UNIT,
    SECT_AREA,
    SECT_INDICATOR,
    N_LISTS,
    SECT_PLAN = N_LISTS,
    SECT_NONE,
};

enum { P_NAME, P_START, P_END };
enum { V_NAME };
enum { U_NAME, U_PROVINCE, U_KIND, U_PAIR };
enum { A_NAME };
enum {
    I_NAME,
    I_UNIT,
    I_AREA,
    I_TARGET_KIND,
    I_TARGET,
    I_RATIO_OF,
    I_PER,
    I_SCOPE,
    I_NOTE,
    I_SOURCE,
    I_MIN,
    I_MAX,
    I_AT_MOST,
    I_ASSESS,
    I_ASSESS_WEIGHT,
    I_ASSESS_GOAL,
    I_ASSESS_CAP,
    MAX_KEYS,
};

struct sect_def {
    const char *name; /* as written in "[name code]" */
    const char *noun; /* for "more than N units" */
    const char *keys[MAX_KEYS + 1];
    unsigned required; /* bit i: keys[i] must be present */
    size_t max;        /* most sections of this type */
};

static const struct sect_def sect_defs[] = {
    [SECT_PROVINCE] = {"province", "provinces", {"name"}, 1u << V_NAME, 100},
    [SECT_UNIT] = {"unit",
                   "units",
                   {"name", "province", "kind", "pair"},
                   1u << U_NAME | 1u << U_PROVINCE | 1u << U_KIND,
                   10000},
    [SECT_AREA] = {"area", "areas", {"name"}, 1u << A_NAME, 1000},
    [SECT_INDICATOR] = {"indicator",
                        "indicators",
                        {"name", "unit", "area", "target_kind", "target",
                         "ratio_of", "per", "scope", "note", "source", "min",
                         "max", "at_most", "assess", "assess_weight",
                         "assess_goal", "assess_cap"},
                        1u << I_NAME | 1u << I_UNIT | 1u << I_AREA |
                            1u << I_TARGET_KIND,
                        1000},
    [SECT_PLAN] = {"plan",
                   "plan sections",
                   {"name", "start", "end"},
                   1u << P_NAME | 1u << P_START | 1u << P_END,
                   1},
};

/* Base units are generic (not tied to any pairing), so they live here: the
 * scale says how many stored units one typed unit is. */
static const struct {
    const char *name;
    int scale;
} base_units[] = {
    {"yuan", 100},
    {"persons", 1},
    {"count", 1},
};

static const char *const target_kinds[] = {
    [LU_TARGET_NONE] = "none",
    [LU_TARGET_YEARLY_MIN] = "yearly_min",
    [LU_TARGET_PERIOD_MIN] = "period_min",
    [LU_TARGET_GROWTH] = "growth",
    [LU_TARGET_COVERAGE] = "coverage",
    [LU_TARGET_RATIO] = "ratio",
    [LU_TARGET_LEVEL] = "level",
};

/* A sorted view of one list, for duplicate checks and lookups by code. */
struct code_ref {
    const char *code;
    size_t idx;
};

/* The public plan plus the sorted indexes; lu_plan_* lookups get back here
 * from the public pointer, which is always the first member. */
struct plan_impl {
    struct lu_plan pub;
    struct code_ref *index[N_LISTS];
};

/* Where each section and each of its keys was written, for messages about
 * problems found only after the whole file is read. */
struct meta {
    int line;
    int key_line[MAX_KEYS];
    char *target;    /* indicator target as typed; parsed once unit is known */
    char *min, *max; /* indicator min and max as typed, the same way */
    char *assess_goal; /* the same for assess_goal */
};

struct loader {
    const char *name;
    struct plan_impl *impl;
    enum sect cur;
    struct meta *cur_meta;
    struct meta plan_meta;
    struct meta *metas[N_LISTS];
    size_t n_metas[N_LISTS];
    size_t caps[N_LISTS];
    int last_line;
    char *err;
    size_t errlen;
};

/* Copies s into q for a message: control characters and quotes escaped, cut
 * after QUOTE_MAX bytes but never inside a UTF-8 sequence. q must hold
 * 4 * QUOTE_MAX + 8 bytes. */
static const char *quote(const char *s, char *q)
{
    size_t i = 0, o = 0;

    for (; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];

        if (i >= QUOTE_MAX && (c & 0xC0) != 0x80)
            break;
        if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') {
            snprintf(q + o, 5, "\\x%02x", c);
            o += 4;
        } else {
            q[o++] = (char)c;
        }
        if (o >= 4 * QUOTE_MAX)
            break;
    }
    if (s[i] != '\0') {
        memcpy(q + o, "...", 3);
        o += 3;
    }
    q[o] = '\0';
    return q;
}

static int fail(struct loader *ld, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For problems found after parsing: writes "name:line: reason". */
static int fail(struct loader *ld, int line, const char *fmt, ...)
{
    char reason[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    snprintf(ld->err, ld->errlen, "%s:%d: %s", ld->name, line, reason);
    return -EINVAL;
}

/* Province codes are short upper-case tags ("CQ", "SD"), unlike the
 * lower-case codes of units and indicators, so they get their own check. */
static bool province_code_valid(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 16 || s[0] < 'A' || s[0] > 'Z')
        return false;
    for (size_t i = 1; i < n; i++) {
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    }
    return true;
}

static bool code_valid(enum sect type, const char *s)
{
    return type == SECT_PROVINCE ? province_code_valid(s) : lu_code_valid(s);
}

static size_t list_len(const struct lu_plan *p, enum sect type)
{
    switch (type) {
    case SECT_PROVINCE:
        return p->n_provinces;
    case SECT_UNIT:
        return p->n_units;
    case SECT_AREA:
        return p->n_areas;
    default:
        return p->n_indicators;
    }
}

static const char *list_code(const struct lu_plan *p, enum sect type, size_t i)
{
    switch (type) {
    case SECT_PROVINCE:
        return p->provinces[i].code;
    case SECT_UNIT:
        return p->units[i].code;
    case SECT_AREA:
        return p->areas[i].code;
    default:
        return p->indicators[i].code;
    }
}

/* Grows *arr (of n elements of size elem, capacity *cap) to hold one more,
 * zeroing the new element. */
static void *grow(void *arr, size_t n, size_t *cap, size_t elem)
{
    if (n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        arr = lu_xrealloc(arr, *cap * elem);
    }
    memset((char *)arr + n * elem, 0, elem);
    return arr;
}

/* Appends an empty item of the given type with its code; the plan owns the
 * copy. Every list grows in step with its meta array, so one capacity
 * serves both. */
static void add_item(struct loader *ld, enum sect type, const char *code)
{
    struct lu_plan *p = &ld->impl->pub;
    size_t n = list_len(p, type), cap = ld->caps[type];
    char *dup = lu_xstrdup(code);

    switch (type) {
    case SECT_PROVINCE:
        p->provinces = grow(p->provinces, n, &cap, sizeof(*p->provinces));
        p->provinces[p->n_provinces++].code = dup;
        break;
    case SECT_UNIT:
        p->units = grow(p->units, n, &cap, sizeof(*p->units));
        p->units[p->n_units++].code = dup;
        break;
    case SECT_AREA:
        p->areas = grow(p->areas, n, &cap, sizeof(*p->areas));
        p->areas[p->n_areas++].code = dup;
        break;
    default:
        p->indicators = grow(p->indicators, n, &cap, sizeof(*p->indicators));
        p->indicators[p->n_indicators++].code = dup;
        break;
    }
    cap = ld->caps[type];
    ld->metas[type] = grow(ld->metas[type], n, &cap, sizeof(struct meta));
    ld->caps[type] = cap;
    ld->n_metas[type] = n + 1;
    ld->cur_meta = &ld->metas[type][n];
}

/* Handles "[type code]" (or "[plan]"). */
static int begin_section(struct loader *ld, const char *section, int line,
                         char *err, size_t errlen)
{
    const char *sp = section + strcspn(section, " \t");
    const char *code = sp + strspn(sp, " \t");
    size_t tlen = (size_t)(sp - section);
    enum sect type;
    char q[4 * QUOTE_MAX + 8];

    for (type = 0; type < SECT_NONE; type++) {
        if (strlen(sect_defs[type].name) == tlen &&
            memcmp(sect_defs[type].name, section, tlen) == 0)
            break;
    }
    if (type == SECT_NONE) {
        snprintf(err, errlen,
                 _("unknown section [%s] (expected plan, province, unit, area "
                   "or indicator)"),
                 quote(section, q));
        return -EINVAL;
    }
    if (type == SECT_PLAN) {
        if (*code != '\0') {
            snprintf(err, errlen, _("[plan] takes no code"));
            return -EINVAL;
        }
        if (ld->plan_meta.line != 0) {
            snprintf(err, errlen, _("second [plan] section (first on line %d)"),
                     ld->plan_meta.line);
            return -EINVAL;
        }
        ld->cur = SECT_PLAN;
        ld->cur_meta = &ld->plan_meta;
        ld->plan_meta.line = line;
        return 0;
    }
    if (*code == '\0') {
        snprintf(err, errlen, _("[%s] needs a code: [%s CODE]"),
                 sect_defs[type].name, sect_defs[type].name);
        return -EINVAL;
    }
    if (!code_valid(type, code)) {
        snprintf(err, errlen, _("invalid %s code \"%s\" (%s)"),
                 sect_defs[type].name, quote(code, q),
                 type == SECT_PROVINCE
                     ? "1-16 of A-Z 0-9, starting with a letter"
                     : "1-64 of a-z 0-9 _ . -, starting with a letter or "
                       "digit");
        return -EINVAL;
    }
    if (list_len(&ld->impl->pub, type) >= sect_defs[type].max) {
        snprintf(err, errlen, _("more than %zu %s"), sect_defs[type].max,
                 sect_defs[type].noun);
        return -E2BIG;
    }
    ld->cur = type;
    add_item(ld, type, code);
    ld->cur_meta->line = line;
    return 0;
}

static int set_name(char **dst, const char *value, char *err, size_t errlen)
{
    if (*value == '\0') {
        snprintf(err, errlen, _("name must not be empty"));
        return -EINVAL;
    }
    if (strlen(value) > PLAN_MAX_NAME) {
        snprintf(err, errlen, _("name longer than %d bytes"), PLAN_MAX_NAME);
        return -EINVAL;
    }
    *dst = lu_xstrdup(value);
    return 0;
}

/* A reference to a code defined elsewhere; whether it exists is checked
 * once the whole file has been read, since sections may come in any order. */
static int set_ref(char **dst, enum sect type, const char *key,
                   const char *value, char *err, size_t errlen)
{
    char q[4 * QUOTE_MAX + 8];

    if (!code_valid(type, value)) {
        snprintf(err, errlen, _("%s: invalid %s code \"%s\""), key,
                 sect_defs[type].name, quote(value, q));
        return -EINVAL;
    }
    *dst = lu_xstrdup(value);
    return 0;
}

static int set_plan_key(struct loader *ld, int k, const char *value, char *err,
                        size_t errlen)
{
    struct lu_plan *p = &ld->impl->pub;
    char why[256];
    uint32_t *dst = k == P_START ? &p->start : &p->end;

    if (k == P_NAME)
        return set_name(&p->name, value, err, errlen);
    if (lu_period_parse(value, dst, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s", sect_defs[SECT_PLAN].keys[k], why);
        return -EINVAL;
    }
    return 0;
}

static int set_unit_key(struct lu_plan_unit *u, int k, const char *value,
                        char *err, size_t errlen)
{
    char q[4 * QUOTE_MAX + 8];

    switch (k) {
    case U_NAME:
        return set_name(&u->name, value, err, errlen);
    case U_PROVINCE:
        return set_ref(&u->province, SECT_PROVINCE, "province", value, err,
                       errlen);
    case U_KIND:
        if (!lu_code_valid(value)) {
            snprintf(err, errlen,
                     _("kind: \"%s\" is not a code (e.g. district, city, "
                       "department)"),
                     quote(value, q));
            return -EINVAL;
        }
        u->kind = lu_xstrdup(value);
        return 0;
    default:
        /* "pair =" is the same as no pair: the pairing is unknown. */
        if (*value == '\0')
            return 0;
        return set_ref(&u->pair, SECT_UNIT, "pair", value, err, errlen);
    }
}

/* The assessment's keys (common/assess.h); checked against each other
 * and the target in check_assess(). */
static int set_assess_key(struct lu_assess_rule *a, struct meta *m, int k,
                          const char *value, char *err, size_t errlen)
{
    char q[4 * QUOTE_MAX + 8];
    uint64_t v;
    int kind;

    switch (k) {
    case I_ASSESS:
        kind = lu_assess_kind_parse(value);
        if (kind < 0) {
            snprintf(err, errlen,
                     "assess: unknown rule \"%s\" (share, growth or each)",
                     quote(value, q));
            return -EINVAL;
        }
        a->kind = (enum lu_assess_kind)kind;
        return 0;
    case I_ASSESS_WEIGHT:
        if (lu_parse_u64(value, &v) < 0 || v == 0 || v > LU_ASSESS_MAX_WEIGHT) {
            snprintf(err, errlen,
                     "assess_weight: \"%s\" is not a whole number 1..%d",
                     quote(value, q), LU_ASSESS_MAX_WEIGHT);
            return -EINVAL;
        }
        a->weight = (int)v;
        return 0;
    case I_ASSESS_CAP:
        if (lu_parse_u64(value, &v) < 0 || v < 100 || v > LU_ASSESS_MAX_CAP) {
            snprintf(err, errlen, "assess_cap: \"%s\" is not a percent 100..%d",
                     quote(value, q), LU_ASSESS_MAX_CAP);
            return -EINVAL;
        }
        a->cap = (int)v;
        return 0;
    default:
        /* Its scale depends on the unit, which may follow. */
        m->assess_goal = lu_xstrdup(value);
        return 0;
    }
}

static int set_indicator_key(struct lu_plan_indicator *ind, struct meta *m,
                             int k, const char *value, char *err, size_t errlen)
{
    char q[4 * QUOTE_MAX + 8];
    uint64_t per;
    size_t i;

    switch (k) {
    case I_NAME:
        return set_name(&ind->name, value, err, errlen);
    case I_UNIT:
        for (i = 0; i < sizeof(base_units) / sizeof(base_units[0]); i++) {
            if (strcmp(value, base_units[i].name) == 0) {
                ind->base_unit = lu_xstrdup(value);
                ind->scale = base_units[i].scale;
                return 0;
            }
        }
        snprintf(err, errlen,
                 _("unit: unknown base unit \"%s\" (yuan, persons or count)"),
                 quote(value, q));
        return -EINVAL;
    case I_AREA:
        return set_ref(&ind->area, SECT_AREA, "area", value, err, errlen);
    case I_TARGET_KIND:
        for (i = 0; i < sizeof(target_kinds) / sizeof(target_kinds[0]); i++) {
            if (strcmp(value, target_kinds[i]) == 0) {
                ind->target_kind = (enum lu_target_kind)i;
                return 0;
            }
        }
        snprintf(err, errlen,
                 _("target_kind: unknown kind \"%s\" (none, yearly_min, "
                   "period_min, growth, coverage, ratio or level)"),
                 quote(value, q));
        return -EINVAL;
    case I_TARGET:
        /* Its scale depends on the unit and the kind, which may follow. */
        m->target = lu_xstrdup(value);
        return 0;
    case I_RATIO_OF:
        return set_ref(&ind->ratio_of, SECT_INDICATOR, "ratio_of", value, err,
                       errlen);
    case I_PER:
        if (lu_parse_u64(value, &per) < 0 || per == 0 || per > PLAN_MAX_PER) {
            snprintf(err, errlen, _("per: \"%s\" is not a whole number 1..%d"),
                     quote(value, q), PLAN_MAX_PER);
            return -EINVAL;
        }
        ind->per = (int64_t)per;
        return 0;
    case I_SCOPE:
        if (!lu_code_valid(value)) {
            snprintf(err, errlen,
                     _("scope: \"%s\" is not a code (e.g. district)"),
                     quote(value, q));
            return -EINVAL;
        }
        ind->scope = lu_xstrdup(value);
        return 0;
    case I_ASSESS:
    case I_ASSESS_WEIGHT:
    case I_ASSESS_GOAL:
    case I_ASSESS_CAP:
        return set_assess_key(&ind->assess, m, k, value, err, errlen);
    case I_SOURCE:
        /* The one source besides typed figures: a total of the project
         * pool (ledger/pool.h), which then nobody types. */
        if (strcmp(value, "pool.planned") != 0) {
            snprintf(err, errlen,
                     _("source: unknown source \"%s\" (pool.planned, or leave "
                       "it out for typed figures)"),
                     quote(value, q));
            return -EINVAL;
        }
        ind->source = lu_xstrdup(value);
        return 0;
    case I_MIN:
        m->min = lu_xstrdup(value);
        return 0;
    case I_MAX:
        m->max = lu_xstrdup(value);
        return 0;
    case I_AT_MOST:
        return set_ref(&ind->at_most, SECT_INDICATOR, "at_most", value, err,
                       errlen);
    default:
        if (*value != '\0')
            ind->note = lu_xstrdup(value);
        return 0;
    }
}

static int on_ini(void *user, const char *section, const char *key,
                  const char *value, int line, char *err, size_t errlen)
{
    struct loader *ld = user;
    struct lu_plan *p = &ld->impl->pub;
    const struct sect_def *def;
    char q[4 * QUOTE_MAX + 8];
    size_t idx;
    int k;

    if (key == NULL)
        return begin_section(ld, section, line, err, errlen);
    if (ld->cur == SECT_NONE) {
        snprintf(err, errlen, _("key \"%s\" before any section"),
                 quote(key, q));
        return -EINVAL;
    }
    def = &sect_defs[ld->cur];
    for (k = 0; k < MAX_KEYS && def->keys[k] != NULL; k++) {
        if (strcmp(def->keys[k], key) == 0)
            break;
    }
    if (k == MAX_KEYS || def->keys[k] == NULL) {
        snprintf(err, errlen, _("unknown key \"%s\" in [%s]"), quote(key, q),
                 def->name);
        return -EINVAL;
    }
    if (ld->cur_meta->key_line[k] != 0) {
        snprintf(err, errlen, _("duplicate key \"%s\" (first on line %d)"), key,
                 ld->cur_meta->key_line[k]);
        return -EINVAL;
    }
    ld->cur_meta->key_line[k] = line;
    if (ld->cur == SECT_PLAN)
        return set_plan_key(ld, k, value, err, errlen);
    idx = list_len(p, ld->cur) - 1;
    switch (ld->cur) {
    case SECT_PROVINCE:
        return set_name(&p->provinces[idx].name, value, err, errlen);
    case SECT_UNIT:
        return set_unit_key(&p->units[idx], k, value, err, errlen);
    case SECT_AREA:
        return set_name(&p->areas[idx].name, value, err, errlen);
    default:
        return set_indicator_key(&p->indicators[idx], ld->cur_meta, k, value,
                                 err, errlen);
    }
}

static int cmp_ref(const void *a, const void *b)
{
    const struct code_ref *x = a, *y = b;
    int c = strcmp(x->code, y->code);

    if (c != 0)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static const void *find(const struct lu_plan *plan, enum sect type,
                        const char *code)
{
    const struct plan_impl *impl = (const struct plan_impl *)plan;
    const struct code_ref *ix;
    size_t lo = 0, hi;

    if (plan == NULL || code == NULL || impl->index[type] == NULL)
        return NULL;
    ix = impl->index[type];
    hi = list_len(plan, type);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix[mid].code, code);

        if (c == 0) {
            lo = mid;
            break;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= hi)
        return NULL;
    switch (type) {
    case SECT_PROVINCE:
        return &plan->provinces[ix[lo].idx];
    case SECT_UNIT:
        return &plan->units[ix[lo].idx];
    case SECT_AREA:
        return &plan->areas[ix[lo].idx];
    default:
        return &plan->indicators[ix[lo].idx];
    }
}

/* Sorts each list's codes and refuses duplicates, naming both lines. */
static int build_indexes(struct loader *ld)
{
    struct lu_plan *p = &ld->impl->pub;

    for (enum sect t = 0; t < N_LISTS; t++) {
        size_t n = list_len(p, t);
        struct code_ref *ix = lu_xcalloc(n ? n : 1, sizeof(*ix));

        for (size_t i = 0; i < n; i++) {
            ix[i].code = list_code(p, t, i);
            ix[i].idx = i;
        }
        qsort(ix, n, sizeof(*ix), cmp_ref);
        ld->impl->index[t] = ix;
        if (n == 0)
            return fail(ld, ld->last_line, "the plan defines no %s",
                        sect_defs[t].noun);
        for (size_t i = 1; i < n; i++) {
            if (strcmp(ix[i - 1].code, ix[i].code) == 0)
                return fail(ld, ld->metas[t][ix[i].idx].line,
                            "duplicate %s \"%s\" (first on line %d)",
                            sect_defs[t].name, ix[i].code,
                            ld->metas[t][ix[i - 1].idx].line);
        }
    }
    return 0;
}

/* Names the first required key the section lacks. */
static int check_required(struct loader *ld, enum sect type,
                          const struct meta *m, const char *code)
{
    const struct sect_def *def = &sect_defs[type];

    for (int k = 0; k < MAX_KEYS && def->keys[k] != NULL; k++) {
        if ((def->required & (1u << k)) && m->key_line[k] == 0) {
            if (code == NULL)
                return fail(ld, m->line, "[%s] has no \"%s\"", def->name,
                            def->keys[k]);
            return fail(ld, m->line, "%s \"%s\" has no \"%s\"", def->name, code,
                        def->keys[k]);
        }
    }
    return 0;
}

static int check_plan(struct loader *ld)
{
    struct lu_plan *p = &ld->impl->pub;
    char a[16], b[16];
    int r;

    if (ld->plan_meta.line == 0)
        return fail(ld, ld->last_line, "no [plan] section");
    r = check_required(ld, SECT_PLAN, &ld->plan_meta, NULL);
    if (r < 0)
        return r;
    if (p->start > p->end)
        return fail(ld, ld->plan_meta.key_line[P_END],
                    "end %s is before start %s",
                    lu_period_format(p->end, a, sizeof(a)),
                    lu_period_format(p->start, b, sizeof(b)));
    return 0;
}

static int check_unit(struct loader *ld, size_t i)
{
    const struct lu_plan *p = &ld->impl->pub;
    const struct lu_plan_unit *u = &p->units[i], *peer;
    const struct meta *m = &ld->metas[SECT_UNIT][i];
    int r;

    r = check_required(ld, SECT_UNIT, m, u->code);
    if (r < 0)
        return r;
    if (lu_plan_province(p, u->province) == NULL)
        return fail(ld, m->key_line[U_PROVINCE],
                    "unit \"%s\": unknown province \"%s\"", u->code,
                    u->province);
    if (u->pair == NULL)
        return 0;
    peer = lu_plan_unit(p, u->pair);
    if (peer == NULL)
        return fail(ld, m->key_line[U_PAIR], "unit \"%s\": unknown pair \"%s\"",
                    u->code, u->pair);
    if (peer == u)
        return fail(ld, m->key_line[U_PAIR],
                    "unit \"%s\" cannot be paired with itself", u->code);
    /* Pairings join the two provinces of a cooperation; a pair inside one
     * province is a typo. Symmetry is not required, because one city may
     * help several districts while naming only one of them. */
    if (peer->province != NULL && strcmp(peer->province, u->province) == 0)
        return fail(ld, m->key_line[U_PAIR],
                    "unit \"%s\": pair \"%s\" is in the same province %s",
                    u->code, u->pair, u->province);
    return 0;
}

/* The target keys each kind needs; the other target keys are refused, so
 * that a stray "target" under growth cannot silently mean nothing. */
static unsigned kind_keys(enum lu_target_kind kind)
{
    const unsigned t = 1u << I_TARGET;

    switch (kind) {
    case LU_TARGET_YEARLY_MIN:
    case LU_TARGET_PERIOD_MIN:
    case LU_TARGET_LEVEL:
        return t;
    case LU_TARGET_COVERAGE:
        return t | 1u << I_SCOPE;
    case LU_TARGET_RATIO:
        return t | 1u << I_RATIO_OF | 1u << I_PER;
    default:
        return 0;
    }
}

/* One bound of a data-quality rule: an amount in the base unit, like a
 * target, for one unit's figure of one month. */
static int parse_bound(struct loader *ld, const struct lu_plan_indicator *ind,
                       const struct meta *m, const char *typed, int k,
                       int64_t *out)
{
    char why[256];

    if (lu_amount_parse(typed, ind->scale, out, why, sizeof(why)) < 0)
        return fail(ld, m->key_line[k], "indicator \"%s\": %s: %s", ind->code,
                    sect_defs[SECT_INDICATOR].keys[k], why);
    return 0;
}

/* The data-quality rules (issue 16): min and max of a unit's month, and
 * at_most, another indicator of the same base unit that this one's month
 * may not exceed. */
static int check_rules(struct loader *ld, struct lu_plan_indicator *ind,
                       const struct meta *m)
{
    const struct lu_plan_indicator *other;
    int r = 0;

    if (m->min != NULL &&
        (r = parse_bound(ld, ind, m, m->min, I_MIN, &ind->month_min)) == 0)
        ind->has_min = 1;
    if (r == 0 && m->max != NULL &&
        (r = parse_bound(ld, ind, m, m->max, I_MAX, &ind->month_max)) == 0)
        ind->has_max = 1;
    if (r < 0)
        return r;
    if (ind->has_min && ind->has_max && ind->month_min > ind->month_max)
        return fail(ld, m->key_line[I_MAX],
                    "indicator \"%s\": max is below min", ind->code);
    if (ind->at_most == NULL)
        return 0;
    other = lu_plan_indicator(&ld->impl->pub, ind->at_most);
    if (other == NULL)
        return fail(ld, m->key_line[I_AT_MOST],
                    "indicator \"%s\": unknown at_most \"%s\"", ind->code,
                    ind->at_most);
    if (other == ind || strcmp(other->base_unit, ind->base_unit) != 0 ||
        other->source != NULL || ind->source != NULL)
        return fail(ld, m->key_line[I_AT_MOST],
                    "indicator \"%s\": at_most needs another typed "
                    "indicator of the same base unit (%s)",
                    ind->code, ind->base_unit);
    return 0;
}

static int check_indicator(struct loader *ld, size_t i)
{
    const struct lu_plan *p = &ld->impl->pub;
    struct lu_plan_indicator *ind = &ld->impl->pub.indicators[i];
    const struct meta *m = &ld->metas[SECT_INDICATOR][i];
    const char *kind = target_kinds[ind->target_kind];
    unsigned need;
    char why[256];
    int r;

    r = check_required(ld, SECT_INDICATOR, m, ind->code);
    if (r < 0)
        return r;
    if (lu_plan_area(p, ind->area) == NULL)
        return fail(ld, m->key_line[I_AREA],
                    "indicator \"%s\": unknown area \"%s\"", ind->code,
                    ind->area);
    need = kind_keys(ind->target_kind);
    for (int k = I_TARGET; k <= I_SCOPE; k++) {
        const char *key = sect_defs[SECT_INDICATOR].keys[k];

        if ((need & (1u << k)) && m->key_line[k] == 0)
            return fail(ld, m->line,
                        "indicator \"%s\": target_kind %s needs \"%s\"",
                        ind->code, kind, key);
        if (!(need & (1u << k)) && m->key_line[k] != 0)
            return fail(ld, m->key_line[k],
                        "indicator \"%s\": \"%s\" does not apply to "
                        "target_kind %s",
                        ind->code, key, kind);
    }
    if (m->target != NULL) {
        /* A ratio's terms are plain numbers; every other target is an
         * amount typed in the base unit, stored scaled (yuan -> fen). */
        int scale = ind->target_kind == LU_TARGET_RATIO ? 1 : ind->scale;

        if (lu_amount_parse(m->target, scale, &ind->target, why, sizeof(why)) <
            0)
            return fail(ld, m->key_line[I_TARGET],
                        "indicator \"%s\": target: %s", ind->code, why);
        if (ind->target == 0)
            return fail(ld, m->key_line[I_TARGET],
                        "indicator \"%s\": target must be above 0", ind->code);
    }
    r = check_rules(ld, ind, m);
    if (r < 0)
        return r;
    if (ind->ratio_of != NULL) {
        const struct lu_plan_indicator *base =
            lu_plan_indicator(p, ind->ratio_of);

        if (base == NULL)
            return fail(ld, m->key_line[I_RATIO_OF],
                        "indicator \"%s\": unknown ratio_of \"%s\"", ind->code,
                        ind->ratio_of);
        if (base == ind)
            return fail(ld, m->key_line[I_RATIO_OF],
                        "indicator \"%s\" cannot be a ratio of itself",
                        ind->code);
    }
    return 0;
}

/* An indicator's assessment: a rule with its weight, the other keys only
 * with a rule, a goal in the base unit, and something to score against. */
static int check_assess(struct loader *ld, struct lu_plan_indicator *ind,
                        const struct meta *m)
{
    struct lu_assess_rule *a = &ind->assess;
    char why[256] = "";

    if (a->kind == LU_ASSESS_NONE) {
        for (int k = I_ASSESS_WEIGHT; k <= I_ASSESS_CAP; k++) {
            if (m->key_line[k] != 0)
                return fail(ld, m->key_line[k],
                            "indicator \"%s\": \"%s\" needs \"assess\"",
                            ind->code, sect_defs[SECT_INDICATOR].keys[k]);
        }
        return 0;
    }
    if (a->weight == 0)
        return fail(ld, m->key_line[I_ASSESS],
                    "indicator \"%s\": assess needs \"assess_weight\"",
                    ind->code);
    if (a->cap == 0)
        a->cap = 100;
    if (m->assess_goal != NULL &&
        (lu_amount_parse(m->assess_goal, ind->scale, &a->goal, why,
                         sizeof(why)) < 0 ||
         a->goal <= 0))
        return fail(ld, m->key_line[I_ASSESS_GOAL],
                    "indicator \"%s\": assess_goal: %s", ind->code,
                    a->goal <= 0 && why[0] == '\0' ? "must be above 0" : why);
    if (a->kind != LU_ASSESS_GROWTH && a->goal == 0 &&
        (ind->target_kind == LU_TARGET_NONE ||
         ind->target_kind == LU_TARGET_GROWTH ||
         ind->target_kind == LU_TARGET_RATIO))
        return fail(ld, m->key_line[I_ASSESS],
                    "indicator \"%s\": assess %s needs \"assess_goal\" (no "
                    "target to derive a district's goal from)",
                    ind->code, lu_assess_kind_name(a->kind));
    return 0;
}

/* Cross-checks everything that needs the whole file: required keys,
 * references between sections, and targets that depend on several keys. */
static int check(struct loader *ld)
{
    const struct lu_plan *p = &ld->impl->pub;
    int r;

    r = check_plan(ld);
    if (r == 0)
        r = build_indexes(ld);
    for (size_t i = 0; r == 0 && i < p->n_provinces; i++)
        r = check_required(ld, SECT_PROVINCE, &ld->metas[SECT_PROVINCE][i],
                           p->provinces[i].code);
    for (size_t i = 0; r == 0 && i < p->n_units; i++)
        r = check_unit(ld, i);
    for (size_t i = 0; r == 0 && i < p->n_areas; i++)
        r = check_required(ld, SECT_AREA, &ld->metas[SECT_AREA][i],
                           p->areas[i].code);
    for (size_t i = 0; r == 0 && i < p->n_indicators; i++)
        r = check_indicator(ld, i);
    for (size_t i = 0; r == 0 && i < p->n_indicators; i++)
        r = check_assess(ld, &ld->impl->pub.indicators[i],
                         &ld->metas[SECT_INDICATOR][i]);
    return r;
}

static int count_lines(const char *data, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        n += data[i] == '\n';
    if (len > 0 && data[len - 1] != '\n')
        n++;
    if (n == 0)
        n = 1;
    return n > INT32_MAX ? INT32_MAX : (int)n;
}

int lu_plan_load_buf(const char *name, const char *data, size_t len,
                     struct lu_plan **out, char *err, size_t errlen)
{
    struct loader ld;
    char msg[1024] = "";
    int r;

    memset(&ld, 0, sizeof(ld));
    ld.name = name;
    ld.impl = lu_xcalloc(1, sizeof(*ld.impl));
    ld.cur = SECT_NONE;
    ld.err = msg;
    ld.errlen = sizeof(msg);
    *out = NULL;

    r = lu_ini_parse_buf(name, data, len, on_ini, &ld, msg, sizeof(msg));
    if (r < 0)
        goto out;
    /* "the plan defines no units" and the like belong at the end. */
    ld.last_line = count_lines(data, len);
    r = check(&ld);
    if (r < 0)
        goto out;
    *out = &ld.impl->pub;
    ld.impl = NULL;
out:
    if (ld.impl != NULL)
        lu_plan_free(&ld.impl->pub);
    for (size_t i = 0; i < ld.n_metas[SECT_INDICATOR]; i++) {
        free(ld.metas[SECT_INDICATOR][i].target);
        free(ld.metas[SECT_INDICATOR][i].min);
        free(ld.metas[SECT_INDICATOR][i].max);
        free(ld.metas[SECT_INDICATOR][i].assess_goal);
    }
    for (enum sect t = 0; t < N_LISTS; t++)
        free(ld.metas[t]);
    if (r < 0 && err != NULL && errlen > 0)
        snprintf(err, errlen, "%s", msg);
    return r;
}

int lu_plan_load(const char *path, struct lu_plan **out, char *err,
                 size_t errlen)
{
    char *data = NULL;
    char msg[1024] = "";
    size_t len = 0;
    int r;

    *out = NULL;
    r = lu_read_file(path, PLAN_MAX_FILE, &data, &len);
    if (r == -EFBIG) {
        snprintf(msg, sizeof(msg), _("%s: larger than %d bytes"), path,
                 PLAN_MAX_FILE);
        goto out;
    }
    if (r < 0) {
        snprintf(msg, sizeof(msg), _("%s: cannot read: %s"), path,
                 strerror(-r));
        goto out;
    }
    r = lu_plan_load_buf(path, data, len, out, msg, sizeof(msg));
out:
    if (r < 0 && err != NULL && errlen > 0)
        snprintf(err, errlen, "%s", msg);
    free(data);
    return r;
}

void lu_plan_free(struct lu_plan *plan)
{
    struct plan_impl *impl = (struct plan_impl *)plan;

    if (plan == NULL)
        return;
    for (size_t i = 0; i < plan->n_provinces; i++) {
        free(plan->provinces[i].code);
        free(plan->provinces[i].name);
    }
    for (size_t i = 0; i < plan->n_units; i++) {
        struct lu_plan_unit *u = &plan->units[i];

        free(u->code);
        free(u->name);
        free(u->province);
        free(u->kind);
        free(u->pair);
    }
    for (size_t i = 0; i < plan->n_areas; i++) {
        free(plan->areas[i].code);
        free(plan->areas[i].name);
    }
    for (size_t i = 0; i < plan->n_indicators; i++) {
        struct lu_plan_indicator *ind = &plan->indicators[i];

        free(ind->code);
        free(ind->name);
        free(ind->base_unit);
        free(ind->area);
        free(ind->ratio_of);
        free(ind->scope);
        free(ind->note);
        free(ind->source);
        free(ind->at_most);
    }
    for (enum sect t = 0; t < N_LISTS; t++)
        free(impl->index[t]);
    free(plan->provinces);
    free(plan->units);
    free(plan->areas);
    free(plan->indicators);
    free(plan->name);
    free(impl);
}

const struct lu_plan_unit *lu_plan_unit(const struct lu_plan *plan,
                                        const char *code)
{
    return find(plan, SECT_UNIT, code);
}

const struct lu_plan_indicator *lu_plan_indicator(const struct lu_plan *plan,
                                                  const char *code)
{
    return find(plan, SECT_INDICATOR, code);
}

const struct lu_plan_area *lu_plan_area(const struct lu_plan *plan,
                                        const char *code)
{
    return find(plan, SECT_AREA, code);
}

const struct lu_plan_province *lu_plan_province(const struct lu_plan *plan,
                                                const char *code)
{
    return find(plan, SECT_PROVINCE, code);
}

const char *lu_target_kind_name(enum lu_target_kind kind)
{
    if ((unsigned)kind >= sizeof(target_kinds) / sizeof(target_kinds[0]))
        return "unknown";
    return target_kinds[kind];
}

/* True when this program is one in the build directory it was built in
 * (its /proc/self/exe lies in LUYU_BUILD_DIR or below): only then may it
 * read the plan in the source tree. An installed binary whose source tree
 * happens to still exist must not quietly run on whatever plan that
 * checkout holds today. */
static bool in_build_tree(void)
{
    char exe[4096], *build;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    size_t len;
    bool in;

    if (n <= 0)
        return false;
    exe[n] = '\0';
    build = realpath(LUYU_BUILD_DIR, NULL);
    len = build ? strlen(build) : 0;
    in = build != NULL && strncmp(build, exe, len) == 0 && exe[len] == '/';
    free(build);
    return in;
}

const char *lu_plan_default_path(void)
{
    const char *env = getenv("LUYU_PLAN");

    if (env != NULL && *env != '\0')
        return env;
    if (access(LUYU_PLAN_INSTALLED, R_OK) == 0 || !in_build_tree())
        return LUYU_PLAN_INSTALLED;
    return LUYU_PLAN_SOURCE;
}
