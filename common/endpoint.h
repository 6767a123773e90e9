/* Checks on ZeroMQ endpoints that the daemons bind or connect. */
#ifndef LU_ENDPOINT_H
#define LU_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>

/* True for ipc://, inproc://, and tcp:// on a loopback address (127.0.0.0/8,
 * localhost, [::1]) — the only places plain, unauthenticated transport may
 * be used. */
bool lu_endpoint_is_local(const char *endpoint);

/* True when the endpoint has a transport ZeroMQ understands. */
bool lu_endpoint_valid(const char *endpoint);

/* The next endpoint of a list separated by commas and blanks ("tcp://a:7701,
 * tcp://b:7701": every hub of a province, the active one answers). Copies
 * it into out and advances *list; false at the end of the list, or when an
 * endpoint does not fit in len (out is then empty). */
bool lu_endpoint_next(const char **list, char *out, size_t len);

#endif
