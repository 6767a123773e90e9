/* What the node accepts: entries typed by people (luyuctl submit, import,
 * correct) are parsed and checked against the plan and against the units
 * this node may report for, then committed to the outbox in one
 * transaction. Nothing is written unless every entry is good. */
#ifndef NODE_INTAKE_H
#define NODE_INTAKE_H

#include <stddef.h>
#include <stdint.h>

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

/* For the node's other request handlers (node/projects.c), which check
 * their own records and store them the same way. */
struct node_outbox_import;
const struct lu_plan *node_intake_plan(const struct node_intake *in);
struct node_outbox *node_intake_outbox(const struct node_intake *in);
/* 1 when this node reports for unit. */
int node_intake_allowed(const struct node_intake *in, const char *unit);
/* Adds a problem with request item index / sets code and message. */
void node_intake_problem(Luyu__CtlResponse *resp, uint32_t index,
                         const char *msg);
void node_intake_message(Luyu__CtlResponse *resp, int code, const char *msg);
/* Commits n entries (all or none; im as node_outbox_append) and answers
 * with their ids, or that the import was stored before. */
void node_intake_commit(struct node_intake *in, Luyu__Entry **ptrs, size_t n,
                        struct node_outbox_import *im, Luyu__CtlResponse *resp);
void node_intake_repeat(struct node_intake *in,
                        const struct node_outbox_import *im,
                        Luyu__CtlResponse *resp);

#endif
