/* The daemons' HTTP(S) server: libmicrohttpd driven from a libuv loop (its
 * epoll descriptor on a uv_poll, its next timeout on a uv_timer). By
 * default that is the daemon's own loop, so handlers run beside everything
 * else and need no locks (the node). With conf.thread the server runs on a
 * thread and loop of its own (the hub, whose dashboard must not take turns
 * from the intake): handlers run there, and what must happen on the
 * daemon's loop goes through lu_web_defer() and lu_web_post(). Serves
 * /metrics and the pages; lu_web_stream() holds a response open for
 * server-sent events.
 * Plain HTTP is refused off loopback, by the same rule as --insecure;
 * with a certificate and key it speaks TLS only. Every response carries a
 * strict Content-Security-Policy, nosniff, and no-store unless the handler
 * says the body is a cacheable asset. Request heads are bounded by the
 * connection's memory, bodies by max_body (413), connections in number and
 * time. */
#ifndef LU_WEB_H
#define LU_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "util.h"

struct lu_web;
struct lu_web_req;

struct lu_web_conf {
    const char *addr; /* numeric "127.0.0.1:8080" or "[::1]:8080" */
    const char *cert; /* PEM certificate file, or NULL */
    const char *key;  /* PEM private key file (mode 0600), or NULL */
    size_t max_body;  /* bytes of request body accepted; 0: 64 KiB */
    bool no_listen;   /* tests and fuzzing: no socket, see add_connection */
    bool thread;      /* handlers on a thread of their own, see above */
};

struct lu_web_stream;

/* What a handler answers. body starts empty; type defaults to
 * "text/plain; charset=utf-8". Extra headers go through
 * lu_web_resp_header(). */
struct lu_web_resp {
    int status;
    const char *type;
    struct lu_buf body;
    bool cacheable;        /* an embedded asset: no Cache-Control: no-store */
    struct lu_buf headers; /* "Name\0value\0" pairs */
    /* Set by lu_web_stream(): body is the stream's first bytes and the
     * response stays open for more. */
    struct lu_web_stream *stream;
};

/* Handles one complete request (head and whole body) on the loop thread;
 * must not block. Fills resp; a status outside 100..599 becomes 500. */
typedef void (*lu_web_cb)(void *data, struct lu_web_req *req,
                          struct lu_web_resp *resp);

/* Checks the settings without binding anything: a numeric address, a
 * certificate and key given together, plain HTTP only on loopback.
 * 0 or -EINVAL with the reason in err. */
int lu_web_check(const struct lu_web_conf *conf, char *err, size_t errlen);

/* Listens as conf says; loop is the daemon's. Returns NULL with the
 * reason in err. With conf->thread nothing is served until
 * lu_web_start(). */
struct lu_web *lu_web_new(uv_loop_t *loop, const struct lu_web_conf *conf,
                          char *err, size_t errlen);
/* Starts the server's own thread once every route is in place (routes are
 * not locked). Does nothing without conf->thread. 0 or a negative errno. */
int lu_web_start(struct lu_web *w);
/* Whether handlers run on a thread other than the daemon's loop. */
bool lu_web_threaded(struct lu_web *w);

/* Routes requests whose path equals path, or starts with it when path ends
 * in '/', to cb. The longest match wins; no match is 404. path is not
 * copied and must outlive the server. */
void lu_web_route(struct lu_web *w, const char *path, lu_web_cb cb, void *data);

/* Stops at once, dropping open connections (the thread, if any, is joined
 * first); the memory goes in the handles' close callbacks, so the daemon's
 * loop must run afterwards (as it does at shutdown). Must be called from
 * the daemon's loop thread. lu_web_free(NULL) does nothing. */
void lu_web_free(struct lu_web *w);

/* Serves a socket that is already connected (tests and fuzzing, with
 * no_listen); the server owns fd from here on. 0 or -EIO. */
int lu_web_add_connection(struct lu_web *w, int fd);

/* The port actually bound (useful after port 0), or a negative errno. */
int lu_web_port(struct lu_web *w);
bool lu_web_tls(struct lu_web *w);

/* The request, valid during the handler. Strings are NUL-terminated;
 * lookups return NULL when absent. The body is NUL-terminated too, but may
 * hold NULs. */
const char *lu_web_method(struct lu_web_req *r);
const char *lu_web_path(struct lu_web_req *r);
const char *lu_web_header(struct lu_web_req *r, const char *name);
const char *lu_web_query(struct lu_web_req *r, const char *name);
const char *lu_web_cookie(struct lu_web_req *r, const char *name);
const char *lu_web_body(struct lu_web_req *r, size_t *len);
bool lu_web_req_tls(struct lu_web_req *r);
/* The client's address as text ("127.0.0.1"), for rate limits and logs. */
const char *lu_web_peer(struct lu_web_req *r);

/* A form field of a POST body (application/x-www-form-urlencoded or
 * multipart/form-data, decoded by libmicrohttpd's post processor): the
 * first field called name, NUL-terminated (it may hold NULs; len says how
 * long), its filename for an uploaded file (else NULL). NULL when absent.
 * A form that does not decode is answered 400 before any handler. */
const char *lu_web_field(struct lu_web_req *r, const char *name, size_t *len,
                         const char **filename);
/* Every field in order, for forms with one field per indicator. */
size_t lu_web_fields(struct lu_web_req *r);
const char *lu_web_field_at(struct lu_web_req *r, size_t i, const char **value);

/* Adds a response header. Names and values must not hold CR or LF. */
void lu_web_resp_header(struct lu_web_resp *resp, const char *name,
                        const char *value);

/* ---- across threads ---- */

/* Work a handler cannot do on the server's thread (it touches what the
 * daemon's loop owns): work(arg) runs on the daemon's loop, then
 * done(arg, req, resp) on the server's thread answers the request. arg is
 * copied (len bytes) and freed with the request; the handler fills nothing
 * else. Without a thread both run at once, in that order. The connection
 * waits meanwhile without holding the server's thread. */
typedef void (*lu_web_work_cb)(void *arg);
void lu_web_defer(struct lu_web_req *r, lu_web_work_cb work, lu_web_cb done,
                  const void *arg, size_t len);
/* After lu_web_defer(): drop(arg) runs instead of done when the request
 * ends without its answer (the server stopped between the two), to free
 * what work put in arg. It may run whether or not work did. */
void lu_web_defer_drop(struct lu_web_req *r, lu_web_work_cb drop);

/* Runs fn(data) on the server's thread soon; callable from any thread
 * (uv_async_send). Without a thread, on the daemon's loop on its next
 * turn. Calls posted before lu_web_free() and not yet run are dropped. */
typedef void (*lu_web_post_cb)(void *data);
void lu_web_post(struct lu_web *w, lu_web_post_cb fn, void *data);

/* The server's thread runs at this nice value above the process's. It
 * was +10 while a draft cost 120-250 ms on the request path; with kept
 * drafts, and a hub loop that no longer sleeps in its fsyncs, +10 left
 * pages waiting whole scheduler periods behind the intake (overview p99
 * 168 ms at 200 requests/s under full ingest), 0 gives 12-18 ms with
 * ingest at 0.98-1.00 of its rate alone (docs/DECISIONS.md, issue 18,
 * session 8). */
#ifndef LU_WEB_NICE /* a build may measure another (-DLU_WEB_NICE=N) */
#define LU_WEB_NICE 0
#endif
/* Lowers the calling thread's priority so (the server's thread, and work
 * a handler hands to libuv's thread pool). */
void lu_web_lower_priority(void);

/* The loop the handlers run on (for timers of a module's own). */
uv_loop_t *lu_web_loop(struct lu_web *w);

/* ---- streams (server-sent events) ---- */

/* Called on the server's thread once the stream's connection is gone
 * (closed by the client, a write error, lu_web_stream_end() or the
 * server stopping); s is invalid afterwards. */
typedef void (*lu_web_stream_closed_cb)(void *data, struct lu_web_stream *s);

/* Turns the answer into a stream that stays open (status and type as the
 * handler sets them, body its first bytes): the connection holds no thread
 * while it waits. At most max_queued bytes wait unsent (the body counts).
 * Returns the stream, valid until closed() is called. */
struct lu_web_stream *lu_web_stream(struct lu_web_req *r,
                                    struct lu_web_resp *resp, size_t max_queued,
                                    lu_web_stream_closed_cb closed, void *data);
/* Queues len bytes on the server's thread. 0, or -ENOBUFS when that would
 * exceed max_queued (nothing is queued: the client is not reading). */
int lu_web_stream_send(struct lu_web_stream *s, const void *data, size_t len);
/* Bytes queued and not yet handed to the socket. */
size_t lu_web_stream_queued(const struct lu_web_stream *s);
/* Ends the stream after what is queued; closed() follows. */
void lu_web_stream_end(struct lu_web_stream *s);
/* The client's address as lu_web_peer() gave it. */
const char *lu_web_stream_peer(const struct lu_web_stream *s);

#endif
