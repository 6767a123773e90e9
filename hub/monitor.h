/* Watches the hub's node socket with libzmq's socket monitor, to see what
 * libzmq does without telling the intake: CURVE handshakes it refuses
 * (unknown key, wrong server key, broken handshake) and connections it
 * drops after the handshake (a frame over ZMQ_MAXMSGSIZE, a ZMTP protocol
 * error), which end without any message reaching the intake. Each is
 * counted by reason and logged (rate-limited) with the peer's address.
 *
 * How a drop is told from a peer hanging up: libzmq's DISCONNECTED event
 * carries only the file descriptor, already closed. So at ACCEPTED the
 * monitor dup()s the descriptor (and reads the peer's address from it);
 * at DISCONNECTED its copy shows whether the peer had closed (EOF) or was
 * still connected or sending (libzmq closed it), and is then closed, which
 * ends the connection for the peer. A copy whose DISCONNECTED never came
 * (the monitor's queue overflowed under a flood) is closed by a sweep once
 * it holds data nobody reads or sees EOF. Under a flood of short
 * connections a descriptor number may be reused before its events are
 * read: the address logged is then best effort. */
#ifndef HUB_MONITOR_H
#define HUB_MONITOR_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct hub_monitor;
struct lu_buf;

/* Monitors zsock (borrowed; close the monitor first). max_frame is the
 * socket's ZMQ_MAXMSGSIZE, quoted in log lines. NULL with err on failure. */
struct hub_monitor *hub_monitor_new(uv_loop_t *loop, void *zctx, void *zsock,
                                    int64_t max_frame, char *err,
                                    size_t errlen);
void hub_monitor_free(struct hub_monitor *m);

/* Appends luyu_hub_handshakes_refused_total{reason=...} and
 * luyu_hub_connections_dropped_total. m may be NULL (all zero). */
void hub_monitor_metrics(const struct hub_monitor *m, struct lu_buf *b);

#endif
