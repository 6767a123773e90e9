/* The project pool's rules (滚动项目库), shared by the node, which checks a
 * change before it stores it, and the hub, which never trusts the node to
 * have done so: what a project id looks like, which fields a project must
 * have, and which moves from one state to the next are possible. */
#ifndef LU_PROJECT_H
#define LU_PROJECT_H

#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

struct lu_plan;

#define LU_PROJECT_NAME_MAX 256   /* bytes of UTF-8 in name, enterprise */
#define LU_PROJECT_REASON_MAX 512 /* bytes of UTF-8 in drop_reason */
#define LU_PROJECT_STAGES 6       /* reserve .. dropped */
#define LU_PROJECT_ID_MAX 80

/* Whether id has the form UNIT-YYYY-NNN for unit: the unit's code, a year
 * 2000..2099 and a number of 3 to 6 digits (cq-wanzhou-2019-003). */
int lu_project_id_valid(const char *id, const char *unit);

/* What the wire decoder checks: UTF-8 and lengths of every text, at most
 * six stage dates. 0 or -EINVAL with a reason in err. */
int lu_project_check_wire(const Luyu__Project *p, char *err, size_t errlen);

/* Checks one project state: id form, UTF-8 and lengths, money within
 * 0..LU_AMOUNT_MAX, aid within the plan, invested within the plan unless
 * over_plan, disbursed aid within the aid, the stage and its dates in
 * order. With a plan, also the unit, the task area and the partner. 0 or
 * -EINVAL with a reason in err. */
int lu_project_check(const Luyu__Project *p, const struct lu_plan *plan,
                     char *err, size_t errlen);

/* Checks that ev can follow old (NULL: the project is new): created only
 * once, the id and unit never change, stages only forward and never out of
 * 运营 or 终止, dates of stages reached never change, money never
 * decreases below zero. Runs lu_project_check() on the new state. 0 or
 * -EINVAL with a reason in err. */
int lu_project_check_move(const Luyu__Project *old,
                          const Luyu__ProjectEvent *ev,
                          const struct lu_plan *plan, char *err, size_t errlen);

/* Stage names: the code used in CSV and options ("signed") and the
 * Chinese name ("签约"). NULL / "?" for a stage out of range. */
const char *lu_project_stage_code(int stage);
const char *lu_project_stage_name(int stage);
/* Parses either form; 0 when unknown. */
int lu_project_stage_parse(const char *s);

const char *lu_project_kind_code(int kind);
/* The same for people, in their language ("registered", 登记). */
const char *lu_project_kind_name(int kind);

/* Parses "YYYY-MM-DD" into YYYYMMDD. -EINVAL when not a real date. */
int lu_project_date_parse(const char *s, uint32_t *out);
/* YYYYMMDD as "YYYY-MM-DD" (or "" for 0) into buf of 11 bytes. */
char *lu_project_date_format(uint32_t d, char *buf, size_t len);
/* Whether d is a real date YYYYMMDD. */
int lu_project_date_valid(uint32_t d);

/* The date a project reached stage s (1..6), 0 when not reached. */
uint32_t lu_project_stage_date(const Luyu__Project *p, int s);

#endif
