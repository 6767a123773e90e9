/* luyuctl entries, answered by the node: what this node recorded, with the
 * hub's answer for each entry and how corrections link them, read from the
 * outbox (node/outbox.c owns its schema). */
#ifndef NODE_ENTRIES_H
#define NODE_ENTRIES_H

#include "luyu.pb-c.h"

struct node_outbox;

/* Default and largest number of entries one answer carries. */
#define NODE_ENTRIES_LIMIT 10000
#define NODE_ENTRIES_LIMIT_MAX 100000

/* Fills resp (initialised by the caller) for req. Everything put into resp
 * is heap allocated: free it with node_entries_clear(), then the rest with
 * node_intake_response_clear(). */
void node_entries_answer(struct node_outbox *ob, const char *node_id,
                         const Luyu__CtlEntriesRequest *req,
                         Luyu__CtlResponse *resp);
void node_entries_clear(Luyu__CtlResponse *resp);

#endif
