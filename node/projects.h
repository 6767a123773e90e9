/* The node's side of the project pool: luyuctl project add, edit, stage,
 * money and import become project events, checked against each project's
 * current state in the outbox and stored as entries of the outbox, so they
 * travel to the hub like figures. The node only changes projects of the
 * units it reports for. */
#ifndef NODE_PROJECTS_H
#define NODE_PROJECTS_H

#include "luyu.pb-c.h"

struct node_intake;

/* Checks every change of req against the project it changes (or the one
 * an earlier change of req made) and stores all as events, or none:
 * resp gets the entry ids, or BAD_INPUT with one problem per refused
 * change. who is recorded with each event. */
void node_projects_submit(struct node_intake *in, const Luyu__CtlProjects *req,
                          const char *who, Luyu__CtlResponse *resp);

/* Fills resp->projects with the node's projects (or one). Free them with
 * node_projects_response_clear() before node_intake_response_clear(). */
void node_projects_list(struct node_intake *in, const Luyu__CtlProjectList *req,
                        Luyu__CtlResponse *resp);
void node_projects_response_clear(Luyu__CtlResponse *resp);

#endif
