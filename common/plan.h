/* The cooperation plan as data: provinces, reporting units, task areas and
 * indicators with their targets, loaded from an INI plan file (see
 * etc/plan-2018-2020.ini for the format). Nothing about a particular pairing
 * lives in C: another East-West pairing is another plan file.
 *
 * A loaded plan is immutable; the arrays are readable directly. */
#ifndef LU_PLAN_H
#define LU_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "assess.h"

enum lu_target_kind {
    LU_TARGET_NONE = 0,   /* tracked, no target */
    LU_TARGET_YEARLY_MIN, /* at least `value` in every calendar year */
    LU_TARGET_PERIOD_MIN, /* at least `value` summed over the plan period */
    LU_TARGET_GROWTH,     /* each year's total above the previous year's */
    LU_TARGET_COVERAGE,   /* at least `value` per unit of `scope` per year */
    LU_TARGET_RATIO,      /* value : ratio_of's total, as `value`/`per` */
    LU_TARGET_LEVEL,      /* reach `value` by the end of the plan */
};

struct lu_plan_province {
    char *code; /* "CQ", "SD" */
    char *name; /* "重庆市" */
};

struct lu_plan_unit {
    char *code;     /* "cq-wanzhou" */
    char *name;     /* "万州区" */
    char *province; /* a province code */
    char *kind;     /* "district", "department", "city" */
    char *pair;     /* code of the paired unit, or NULL when unknown */
};

struct lu_plan_area {
    char *code; /* "industry" */
    char *name; /* "产业合作" */
};

struct lu_plan_indicator {
    char *code;      /* "agri_sales_to_sd" */
    char *name;      /* "农副产品销售至山东交易额" */
    char *base_unit; /* "yuan", "persons" or "count" */
    int scale;       /* stored amount = typed amount * scale (yuan: 100) */
    char *area;      /* a task area code */
    enum lu_target_kind target_kind;
    int64_t target; /* in stored units (fen for money); 0 when none */
    char *ratio_of; /* LU_TARGET_RATIO: indicator code of the base */
    int64_t per;    /* LU_TARGET_RATIO: value `target` per `per` */
    char *scope;    /* LU_TARGET_COVERAGE: "district" etc. */
    char *note;     /* free text from the plan, or NULL */
    /* NULL: typed figures. "pool.planned": derived from the project pool's
     * total planned investment (ledger/pool.h); nodes refuse typed
     * figures for it and bulletins show the pool's total. */
    char *source;
    /* Data-quality rules (issue 16, node/quality.h), for one unit's figure
     * of one month: at least month_min and at most month_max (stored
     * units; each only when has_min / has_max), and at most the same
     * unit's figure of indicator at_most for that month (NULL: no such
     * rule). A breach is refused at the node with the rule named. */
    int has_min, has_max;
    int64_t month_min, month_max;
    char *at_most;
    /* 考核: the indicator's part in the districts' assessment
     * (common/assess.h); kind LU_ASSESS_NONE when it has none. */
    struct lu_assess_rule assess;
};

struct lu_plan {
    char *name;
    uint32_t start; /* first month, YYYYMM */
    uint32_t end;   /* last month, YYYYMM */
    struct lu_plan_province *provinces;
    size_t n_provinces;
    struct lu_plan_unit *units;
    size_t n_units;
    struct lu_plan_area *areas;
    size_t n_areas;
    struct lu_plan_indicator *indicators;
    size_t n_indicators;
};

/* Loads and checks a plan file. On failure returns a negative errno, sets
 * *out to NULL and writes "file:line: reason" into err. The caller frees the
 * plan with lu_plan_free(). */
int lu_plan_load(const char *path, struct lu_plan **out, char *err,
                 size_t errlen);
/* The same from memory; name stands in for the path in messages. */
int lu_plan_load_buf(const char *name, const char *data, size_t len,
                     struct lu_plan **out, char *err, size_t errlen);
void lu_plan_free(struct lu_plan *plan);

/* Lookups by code; NULL when absent. */
const struct lu_plan_unit *lu_plan_unit(const struct lu_plan *plan,
                                        const char *code);
const struct lu_plan_indicator *lu_plan_indicator(const struct lu_plan *plan,
                                                  const char *code);
const struct lu_plan_area *lu_plan_area(const struct lu_plan *plan,
                                        const char *code);
const struct lu_plan_province *lu_plan_province(const struct lu_plan *plan,
                                                const char *code);

const char *lu_target_kind_name(enum lu_target_kind kind);

/* The default plan file: $LUYU_PLAN if set, else the installed copy. Only
 * a binary run from the build directory it was built in falls back to the
 * copy in the source tree when nothing is installed (tests, the demo); an
 * installed binary then gets the installed path, which fails to load with
 * that path in the error. */
const char *lu_plan_default_path(void);

#endif
