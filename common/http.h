/* A minimal HTTP/1.x server on libuv TCP, for Prometheus scrapes of
 * /metrics. It is bounded and assumes every client is hostile: GET and HEAD
 * only (405 otherwise), a request head of at most 8 KiB (431), a malformed
 * request line or header (400), at most 64 connections at once (more are
 * accepted and closed at once), 5 seconds to send the request head and 5
 * more to take the response, and "Connection: close" after the one
 * response each connection gets. Request bodies are never read. */
#ifndef LU_HTTP_H
#define LU_HTTP_H

#include <stddef.h>
#include <uv.h>

#include "util.h"

struct lu_http;

/* Serves one GET or HEAD request: path is the request target up to any
 * '?' (e.g. "/metrics"), not decoded. Appends the response body to body
 * (empty on entry) and returns the status, 200 or 404 (any 100-599; other
 * values become 500). The body is sent as "text/plain; version=0.0.4" (the
 * exposition format); for HEAD it is measured and not sent. Runs on the
 * loop thread and must not block. */
typedef int (*lu_http_cb)(void *data, const char *path, struct lu_buf *body);

/* Listens on addr, "127.0.0.1:9101" or "[::1]:9101" (numeric only; port 0
 * picks a free port, see lu_http_port()). Returns NULL with the reason in
 * err when addr is malformed or cannot be bound. */
struct lu_http *lu_http_new(uv_loop_t *loop, const char *addr, lu_http_cb cb,
                            void *data, char *err, size_t errlen);

/* Stops listening and drops every connection at once. The memory goes in
 * the handles' close callbacks, so the loop must run afterwards (as it
 * does at shutdown, before uv_loop_close). Call it before walking the loop
 * to close leftover handles. lu_http_free(NULL) does nothing. */
void lu_http_free(struct lu_http *h);

/* The port actually bound (useful after port 0), or a negative errno. */
int lu_http_port(struct lu_http *h);

#endif
