/* Framing on the node's control socket (a unix stream socket): each message
 * is a 4-byte big-endian length and then that many bytes of a protobuf
 * CtlRequest (luyuctl -> node) or CtlResponse (node -> luyuctl). */
#ifndef LU_CTLMSG_H
#define LU_CTLMSG_H

#include <stddef.h>
#include <stdint.h>

#include "luyu.pb-c.h"

/* Large enough for an all-or-nothing import of about a million rows. */
#define LU_CTL_MAX_MSG (256u * 1024 * 1024)

/* Client side, blocking: connects to the socket at path, sends req, waits up
 * to timeout_ms for the response. Returns 0 with *resp set (free with
 * luyu__ctl_response__free_unpacked), or a negative errno with a reason. */
int lu_ctl_call(const char *path, const Luyu__CtlRequest *req, int timeout_ms,
                Luyu__CtlResponse **resp, char *err, size_t errlen);

/* The same, naming daemon ("luyu-hub") in the reasons rather than
 * luyu-node: the hub's control socket speaks the same framing. */
int lu_ctl_call_to(const char *daemon, const char *path,
                   const Luyu__CtlRequest *req, int timeout_ms,
                   Luyu__CtlResponse **resp, char *err, size_t errlen);

/* Reads the big-endian length prefix. */
uint32_t lu_ctl_len(const unsigned char *p);
void lu_ctl_put_len(unsigned char *p, uint32_t len);

#endif
