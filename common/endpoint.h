/* Checks on ZeroMQ endpoints that the daemons bind or connect. */
#ifndef LU_ENDPOINT_H
#define LU_ENDPOINT_H

#include <stdbool.h>

/* True for ipc://, inproc://, and tcp:// on a loopback address (127.0.0.0/8,
 * localhost, [::1]) — the only places plain, unauthenticated transport may
 * be used. */
bool lu_endpoint_is_local(const char *endpoint);

/* True when the endpoint has a transport ZeroMQ understands. */
bool lu_endpoint_valid(const char *endpoint);

#endif
