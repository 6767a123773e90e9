/* The district's side of the review of a unit's month (issue 16): a
 * member of the node's review group approves a month (luyuctl review
 * approve), which goes to the hub as an entry of the outbox (Entry.review),
 * exactly once like a figure; the province's answers (accepted, returned
 * with a reason, unlocked) come back as ReviewNotices the outbox keeps
 * (node/outbox.h). An accepted month is locked here too: the node refuses
 * its figures before the hub would. */
#ifndef NODE_REVIEW_H
#define NODE_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

struct node_intake;
struct node_outbox;

/* Approves unit's month ("YYYY-MM") with note ("" for none) as who: the
 * one path of luyuctl's approval (who a Unix user, after the group check
 * in node_review_submit) and the web page's (who "web:NAME", whose role
 * reviewer is the authorisation, node/pages_review.c). Checks the unit,
 * the month and the lock, and fills resp like any submission: 0, -EINVAL
 * when refused (the reason in resp), -EIO when the outbox failed. */
int node_review_approve(struct node_intake *in, const char *unit,
                        const char *month, const char *note, const char *who,
                        Luyu__CtlResponse *resp);

/* Handles CtlReview at the node: who must be in group; only APPROVE. */
void node_review_submit(struct node_intake *in, const char *group,
                        const Luyu__CtlReview *req, const char *who,
                        Luyu__CtlResponse *resp);

/* 1 with the reason for people in why when the province accepted the
 * unit's month and has not unlocked it (as far as the node has heard),
 * else 0. */
int node_review_locked(struct node_outbox *ob, const char *unit,
                       uint32_t period, char *why, size_t len);

/* The newest notice of each month for status: resp->status->reviews. Free
 * with node_outbox_notices_free(s->reviews, s->n_reviews). */
void node_review_status(struct node_outbox *ob, Luyu__CtlStatus *s);

#endif
