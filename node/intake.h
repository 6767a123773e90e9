/* What the node accepts: entries typed by people (luyuctl submit, import,
 * correct) are parsed and checked against the plan and against the units
 * this node may report for, then committed to the outbox in one
 * transaction. Nothing is written unless every entry is good. */
#ifndef NODE_INTAKE_H
#define NODE_INTAKE_H

#include <stddef.h>

#include "luyu.pb-c.h"

struct lu_plan;
struct node_outbox;
struct node_intake;

/* units is a comma-separated list of unit codes this node reports for. The
 * plan and outbox are borrowed and must outlive the intake. Returns NULL
 * with a reason in err when a unit is not in the plan. */
struct node_intake *node_intake_new(const char *node_id, const char *units,
                                    const struct lu_plan *plan,
                                    struct node_outbox *ob, char *err,
                                    size_t errlen);
void node_intake_free(struct node_intake *in);

/* Handles a request and fills resp (initialised by the caller). Strings and
 * arrays put into resp are heap allocated; node_intake_response_clear()
 * frees them. who is the user name recorded with each entry. */
void node_intake_submit(struct node_intake *in, const Luyu__CtlSubmit *req,
                        const char *who, Luyu__CtlResponse *resp);
void node_intake_correct(struct node_intake *in, const Luyu__CtlCorrect *req,
                         const char *who, Luyu__CtlResponse *resp);
void node_intake_response_clear(Luyu__CtlResponse *resp);

#endif
