#include "web.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "endpoint.h"
#include "i18n.h"
#include "log.h"
#include "xmalloc.h"

#define MAX_CONNS 64
#define MAX_CONNS_PER_IP 16
#define TIMEOUT_S 10
/* A connection's whole memory pool: request head, cookies and read
 * buffer. A head that does not fit is answered 431 by the library. */
#define CONN_MEMORY (32 * 1024)
#define DEFAULT_MAX_BODY (64 * 1024)
#define MAX_ROUTES 16
/* PEM files are small; anything larger is not one. */
#define MAX_PEM (64 * 1024)

/* libmicrohttpd, and GnuTLS with it, is loaded when the first server
 * starts, not linked: a daemon without web = ... keeps its footprint
 * (the two map about 2.5 MB of pages at load, docs/DECISIONS.md). The
 * calls below go through these pointers under the library's own names. */
static struct {
    void *lib;
    struct MHD_Daemon *(*start_daemon_va)(unsigned int, uint16_t,
                                          MHD_AcceptPolicyCallback, void *,
                                          MHD_AccessHandlerCallback, void *,
                                          va_list);
    void (*stop_daemon)(struct MHD_Daemon *);
    enum MHD_Result (*run)(struct MHD_Daemon *);
    enum MHD_Result (*get_timeout)(struct MHD_Daemon *,
                                   MHD_UNSIGNED_LONG_LONG *);
    const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *,
                                                   enum MHD_DaemonInfoType,
                                                   ...);
    enum MHD_Result (*add_connection)(struct MHD_Daemon *, MHD_socket,
                                      const struct sockaddr *, socklen_t);
    struct MHD_Response *(*create_response_from_buffer)(
        size_t, void *, enum MHD_ResponseMemoryMode);
    enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *,
                                           const char *);
    enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned int,
                                      struct MHD_Response *);
    void (*destroy_response)(struct MHD_Response *);
    const char *(*lookup_connection_value)(struct MHD_Connection *,
                                           enum MHD_ValueKind, const char *);
    const union MHD_ConnectionInfo *(*get_connection_info)(
        struct MHD_Connection *, enum MHD_ConnectionInfoType, ...);
    struct MHD_PostProcessor *(*create_post_processor)(struct MHD_Connection *,
                                                       size_t,
                                                       MHD_PostDataIterator,
                                                       void *);
    enum MHD_Result (*post_process)(struct MHD_PostProcessor *, const char *,
                                    size_t);
    enum MHD_Result (*destroy_post_processor)(struct MHD_PostProcessor *);
    struct MHD_Response *(*create_response_from_callback)(
        uint64_t, size_t, MHD_ContentReaderCallback, void *,
        MHD_ContentReaderFreeCallback);
    void (*suspend_connection)(struct MHD_Connection *);
    void (*resume_connection)(struct MHD_Connection *);
} M;

#define MHD_stop_daemon M.stop_daemon
#define MHD_run M.run
#define MHD_get_timeout M.get_timeout
#define MHD_get_daemon_info M.get_daemon_info
#define MHD_add_connection M.add_connection
#define MHD_create_response_from_buffer M.create_response_from_buffer
#define MHD_add_response_header M.add_response_header
#define MHD_queue_response M.queue_response
#define MHD_destroy_response M.destroy_response
#define MHD_lookup_connection_value M.lookup_connection_value
#define MHD_get_connection_info M.get_connection_info
#define MHD_create_post_processor M.create_post_processor
#define MHD_post_process M.post_process
#define MHD_destroy_post_processor M.destroy_post_processor
#define MHD_create_response_from_callback M.create_response_from_callback
#define MHD_suspend_connection M.suspend_connection
#define MHD_resume_connection M.resume_connection

static struct MHD_Daemon *
start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
             void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    struct MHD_Daemon *d;
    va_list ap;

    va_start(ap, dh_cls);
    d = M.start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}

#define SYM(field, name)                                                       \
    do {                                                                       \
        *(void **)&M.field = dlsym(M.lib, name);                               \
        if (M.field == NULL)                                                   \
            goto fail;                                                         \
    } while (0)

/* Loads the library once per process. 0 or -ENOENT with the reason. */
static int load_mhd(char *err, size_t errlen)
{
    if (M.lib != NULL)
        return 0;
    M.lib = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);
    if (M.lib == NULL)
        goto fail;
    SYM(start_daemon_va, "MHD_start_daemon_va");
    SYM(stop_daemon, "MHD_stop_daemon");
    SYM(run, "MHD_run");
    SYM(get_timeout, "MHD_get_timeout");
    SYM(get_daemon_info, "MHD_get_daemon_info");
    SYM(add_connection, "MHD_add_connection");
    SYM(create_response_from_buffer, "MHD_create_response_from_buffer");
    SYM(add_response_header, "MHD_add_response_header");
    SYM(queue_response, "MHD_queue_response");
    SYM(destroy_response, "MHD_destroy_response");
    SYM(lookup_connection_value, "MHD_lookup_connection_value");
    SYM(get_connection_info, "MHD_get_connection_info");
    SYM(create_post_processor, "MHD_create_post_processor");
    SYM(post_process, "MHD_post_process");
    SYM(destroy_post_processor, "MHD_destroy_post_processor");
    SYM(create_response_from_callback, "MHD_create_response_from_callback");
    SYM(suspend_connection, "MHD_suspend_connection");
    SYM(resume_connection, "MHD_resume_connection");
    return 0;
fail:
    snprintf(err, errlen,
             "web: cannot load libmicrohttpd.so.12 (Debian: "
             "libmicrohttpd12): %s",
             dlerror());
    if (M.lib != NULL)
        dlclose(M.lib);
    memset(&M, 0, sizeof(M));
    return -ENOENT;
}

#define CSP "default-src 'self'; frame-ancestors 'none'; form-action 'self'"

struct route {
    const char *path;
    lu_web_cb cb;
    void *data;
};

/* A call posted to the server's thread (lu_web_post). */
struct post {
    lu_web_post_cb fn;
    void *data;
    struct post *next;
};

struct lu_web {
    struct MHD_Daemon *mhd; /* NULL while parked */
    uv_loop_t *loop;        /* the handlers': owner's, or own with a thread */
    uv_loop_t *owner;       /* the daemon's */
    uv_poll_t poll;
    uv_timer_t timer;
    int open_handles; /* on loop; the last to close frees w (no thread) */
    /* Across threads. wake (on loop) runs posted calls and answers
     * deferred requests; back (on owner, with a thread) runs their work.
     * lock guards the three lists and stop. */
    uv_async_t wake, back;
    uv_mutex_t lock;
    struct post *posts, **posts_tail;
    struct lu_web_req *to_owner, *answered;
    bool stop;
    bool threaded, running;
    uv_loop_t own;
    uv_thread_t thread;
    struct lu_web_stream *streams; /* the server's thread only */
    bool tls, no_listen;
    /* Parked: plain HTTP listens on its own socket until the first
     * connection, and only then loads libmicrohttpd (see park()). */
    uv_poll_t park;
    int park_fd;
    bool parked;
    struct sockaddr_storage ss;
    size_t max_body;
    char *cert, *key; /* PEM text; MHD keeps pointers, so they live here */
    struct route routes[MAX_ROUTES];
    int nroutes;
};

#define MAX_FIELDS 4096

/* One field of a form body, as the post processor hands it over. */
struct field {
    char *name, *filename;
    struct lu_buf value;
};

/* One request in flight, from its head to its completion. A form body
 * (urlencoded or multipart) goes through MHD's post processor into fields;
 * any other body is kept whole in body. */
struct lu_web_req {
    struct lu_web *web;
    struct MHD_Connection *conn;
    const char *method, *path;
    struct lu_buf body;
    size_t received;
    bool too_big, bad_form;
    struct MHD_PostProcessor *pp;
    struct field *fields;
    size_t n_fields, cap_fields;
    char peer[INET6_ADDRSTRLEN];
    /* lu_web_defer(): the work, the answer, their argument; next links
     * the request into the web's to_owner or answered list. */
    lu_web_work_cb work;
    lu_web_cb done;
    lu_web_work_cb drop; /* lu_web_defer_drop() */
    void *arg;
    bool answered;
    struct lu_web_req *next;
};

/* A response held open (lu_web_stream): out[off..] waits for the socket;
 * the connection is suspended while there is nothing to send. */
struct lu_web_stream {
    struct lu_web *web;
    struct MHD_Connection *conn;
    struct lu_buf out;
    size_t off, max;
    bool suspended, ended;
    lu_web_stream_closed_cb closed;
    void *data;
    char peer[INET6_ADDRSTRLEN];
    struct lu_web_stream *prev, *next;
};

/* "1.2.3.4:80" or "[::1]:80", numeric only. */
static int parse_addr(const char *addr, struct sockaddr_storage *ss)
{
    const char *colon = strrchr(addr, ':');
    char host[64];
    size_t hlen;
    uint64_t port;

    memset(ss, 0, sizeof(*ss));
    if (colon == NULL || lu_parse_u64(colon + 1, &port) < 0 || port > 65535)
        return -EINVAL;
    hlen = (size_t)(colon - addr);
    if (addr[0] == '[') {
        if (hlen < 3 || addr[hlen - 1] != ']' || hlen - 2 >= sizeof(host))
            return -EINVAL;
        memcpy(host, addr + 1, hlen - 2);
        host[hlen - 2] = '\0';
        return uv_ip6_addr(host, (int)port, (struct sockaddr_in6 *)ss);
    }
    if (hlen == 0 || hlen >= sizeof(host))
        return -EINVAL;
    memcpy(host, addr, hlen);
    host[hlen] = '\0';
    return uv_ip4_addr(host, (int)port, (struct sockaddr_in *)ss);
}

/* A PEM file the server will read: there, readable, and for a private key
 * not readable by others. */
static int check_pem_file(const char *path, bool secret, char *err,
                          size_t errlen)
{
    struct stat st;

    if (stat(path, &st) < 0 || access(path, R_OK) < 0) {
        snprintf(err, errlen, _("%s: cannot read: %s"), path, strerror(errno));
        return -errno;
    }
    if (secret && (st.st_mode & 077) != 0) {
        snprintf(err, errlen,
                 _("%s: a private key others can read is refused (chmod 600 "
                   "it)"),
                 path);
        return -EPERM;
    }
    return 0;
}

int lu_web_check(const struct lu_web_conf *conf, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    char ep[128];

    if (parse_addr(conf->addr, &ss) < 0) {
        snprintf(err, errlen,
                 _("web address \"%s\": use a numeric HOST:PORT such as "
                   "127.0.0.1:8080 or [::1]:8080"),
                 conf->addr);
        return -EINVAL;
    }
    if ((conf->cert == NULL) != (conf->key == NULL)) {
        snprintf(err, errlen, "%s", _("--web-cert and --web-key go together"));
        return -EINVAL;
    }
    /* The rule of --insecure, through the same function: without TLS,
     * passwords and session cookies would cross the office network in
     * clear text. */
    snprintf(ep, sizeof(ep), "tcp://%s", conf->addr);
    if (conf->cert == NULL && !lu_endpoint_is_local(ep)) {
        snprintf(err, errlen,
                 _("web %s is not loopback: plain HTTP is for loopback "
                   "only; give --web-cert and --web-key for TLS"),
                 conf->addr);
        return -EINVAL;
    }
    /* The files are the configuration too: a key others can read or a
     * file missing is the admin's to fix (EX_CONFIG), found before the
     * state directory is locked. lu_web_new() reads them. */
    if (conf->cert != NULL)
        return check_pem_file(conf->cert, false, err, errlen) < 0 ||
                       check_pem_file(conf->key, true, err, errlen) < 0
                   ? -EINVAL
                   : 0;
    return 0;
}

static int read_pem(const char *path, bool secret, char **out, char *err,
                    size_t errlen)
{
    size_t len;
    int r;

    r = check_pem_file(path, secret, err, errlen);
    if (r < 0)
        return r;
    r = lu_read_file(path, MAX_PEM, out, &len);
    if (r < 0)
        snprintf(err, errlen, "%s: %s", path, strerror(-r));
    return r;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];

    if (LU_LOG_DEBUG > lu_log_level)
        return;
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    lu_debug("web: %s", lu_utf8_fix(line));
}

/* ---- answering ---- */

static bool header_ok(const char *s)
{
    return strpbrk(s, "\r\n") == NULL;
}

void lu_web_resp_header(struct lu_web_resp *resp, const char *name,
                        const char *value)
{
    if (!header_ok(name) || !header_ok(value))
        return;
    lu_buf_add(&resp->headers, name, strlen(name) + 1);
    lu_buf_add(&resp->headers, value, strlen(value) + 1);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max);
static void stream_free(void *cls);

/* A stream's response reads from the stream; its first bytes are the
 * handler's body. */
static struct MHD_Response *stream_response(struct lu_web_resp *resp)
{
    struct lu_web_stream *s = resp->stream;
    struct MHD_Response *m;

    lu_buf_add(&s->out, resp->body.data, resp->body.len);
    m = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read,
                                          s, stream_free);
    if (m == NULL)
        stream_free(s);
    return m;
}

static enum MHD_Result send_resp(struct MHD_Connection *conn,
                                 struct lu_web_resp *resp)
{
    struct MHD_Response *m =
        resp->stream != NULL
            ? stream_response(resp)
            : MHD_create_response_from_buffer(
                  resp->body.len, resp->body.data ? resp->body.data : "",
                  MHD_RESPMEM_MUST_COPY);
    const char *p = resp->headers.data;
    const char *end = p ? p + resp->headers.len : NULL;
    enum MHD_Result ok;
    int status = resp->status;

    if (m == NULL)
        return MHD_NO;
    if (status < 100 || status > 599)
        status = 500;
    MHD_add_response_header(m, "Content-Type",
                            resp->type ? resp->type
                                       : "text/plain; charset=utf-8");
    MHD_add_response_header(m, "Content-Security-Policy", CSP);
    MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(m, "Referrer-Policy", "no-referrer");
    if (!resp->cacheable)
        MHD_add_response_header(m, "Cache-Control", "no-store");
    while (p != NULL && p < end) {
        const char *v = p + strlen(p) + 1;

        MHD_add_response_header(m, p, v);
        p = v + strlen(v) + 1;
    }
    ok = MHD_queue_response(conn, (unsigned)status, m);
    MHD_destroy_response(m);
    return ok;
}

static enum MHD_Result send_simple(struct MHD_Connection *conn, int status,
                                   const char *text)
{
    struct lu_web_resp resp = {.status = status};
    enum MHD_Result ok;

    lu_buf_init(&resp.body);
    lu_buf_init(&resp.headers);
    lu_buf_adds(&resp.body, text);
    ok = send_resp(conn, &resp);
    lu_buf_free(&resp.body);
    lu_buf_free(&resp.headers);
    return ok;
}

static const struct route *find_route(struct lu_web *w, const char *path)
{
    const struct route *best = NULL;
    size_t best_len = 0;

    for (int i = 0; i < w->nroutes; i++) {
        const struct route *rt = &w->routes[i];
        size_t n = strlen(rt->path);
        bool prefix = n > 0 && rt->path[n - 1] == '/';
        bool hit = prefix ? strncmp(path, rt->path, n) == 0
                          : strcmp(path, rt->path) == 0;

        if (hit && n > best_len) {
            best = rt;
            best_len = n;
        }
    }
    return best;
}

/* Runs the next turn of the server's loop soon: after a suspended
 * connection resumes, MHD_run must see it (libmicrohttpd's rule for an
 * external loop). */
static void kick(struct lu_web *w);

/* Calls cb (a route's handler or a deferred request's answer) and sends
 * what it filled. */
static enum MHD_Result answer(struct lu_web_req *r, lu_web_cb cb, void *data)
{
    struct lu_web_resp resp = {.status = 500};
    enum MHD_Result ok = MHD_YES;

    lu_buf_init(&resp.body);
    lu_buf_init(&resp.headers);
    cb(data, r, &resp);
    if (r->work == NULL || r->answered)
        ok = send_resp(r->conn, &resp);
    lu_buf_free(&resp.body);
    lu_buf_free(&resp.headers);
    return ok;
}

/* A handler called lu_web_defer(): without a thread, the work and the
 * answer at once; with one, the connection waits (suspended) while the
 * daemon's loop does the work (on_back), then on_wake answers. */
static enum MHD_Result defer(struct lu_web_req *r)
{
    struct lu_web *w = r->web;

    if (!w->threaded) {
        r->work(r->arg);
        r->answered = true;
        return answer(r, r->done, r->arg);
    }
    uv_mutex_lock(&w->lock);
    /* Stopping (lu_web_free() runs the server once more to end what it
     * resumed, and new requests come in on it): no one would answer, and
     * the library aborts on a connection left suspended. */
    if (w->stop) {
        uv_mutex_unlock(&w->lock);
        return send_simple(r->conn, 503, "the server is stopping\n");
    }
    MHD_suspend_connection(r->conn);
    r->next = w->to_owner;
    w->to_owner = r;
    uv_mutex_unlock(&w->lock);
    uv_async_send(&w->back);
    return MHD_YES;
}

static enum MHD_Result dispatch(struct lu_web_req *r)
{
    const struct route *rt = find_route(r->web, r->path);
    enum MHD_Result ok;

    if (r->too_big)
        return send_simple(r->conn, 413, "request body too large\n");
    if (r->bad_form)
        return send_simple(r->conn, 400, "malformed form\n");
    if (rt == NULL)
        return send_simple(r->conn, 404, "not found\n");
    ok = answer(r, rt->cb, rt->data);
    return r->work != NULL ? defer(r) : ok;
}

void lu_web_defer(struct lu_web_req *r, lu_web_work_cb work, lu_web_cb done,
                  const void *arg, size_t len)
{
    r->work = work;
    r->done = done;
    free(r->arg);
    r->arg = lu_xmalloc(len ? len : 1);
    memcpy(r->arg, arg, len);
}

void lu_web_defer_drop(struct lu_web_req *r, lu_web_work_cb drop)
{
    r->drop = drop;
}

static void peer_text(struct MHD_Connection *conn, char *out, size_t len)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    snprintf(out, len, "?");
    if (sa != NULL && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                  (socklen_t)len);
    else if (sa != NULL && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                  (socklen_t)len);
}

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *filename,
                                const char *type, const char *encoding,
                                const char *data, uint64_t off, size_t size)
{
    struct lu_web_req *r = cls;
    struct field *f = r->n_fields ? &r->fields[r->n_fields - 1] : NULL;

    /* A multipart part without a name (found by fuzz_web): malformed. */
    if (key == NULL) {
        r->bad_form = true;
        return MHD_NO;
    }
    /* A field's value may come in several pieces: off > 0 continues the
     * last one. */
    if (f == NULL || off == 0 || strcmp(f->name, key) != 0) {
        if (r->n_fields == MAX_FIELDS) {
            r->bad_form = true;
            return MHD_NO;
        }
        if (r->n_fields == r->cap_fields) {
            r->cap_fields = r->cap_fields ? r->cap_fields * 2 : 16;
            r->fields =
                lu_xrealloc(r->fields, r->cap_fields * sizeof(*r->fields));
        }
        f = &r->fields[r->n_fields++];
        f->name = lu_xstrdup(key);
        f->filename = filename ? lu_xstrdup(filename) : NULL;
        lu_buf_init(&f->value);
        lu_buf_add(&f->value, "", 0);
    }
    lu_buf_add(&f->value, data, size);
    return MHD_YES;
}

static void take_body(struct lu_web_req *r, const char *data, size_t len)
{
    r->received += len;
    if (r->received > r->web->max_body)
        r->too_big = true;
    if (r->too_big || r->bad_form)
        return;
    if (r->pp == NULL)
        lu_buf_add(&r->body, data, len);
    else if (MHD_post_process(r->pp, data, len) != MHD_YES)
        r->bad_form = true;
}

static struct lu_web_req *req_new(struct lu_web *w, struct MHD_Connection *conn,
                                  const char *url, const char *method)
{
    struct lu_web_req *r = lu_xcalloc(1, sizeof(*r));

    r->web = w;
    r->conn = conn;
    r->method = method;
    r->path = url;
    lu_buf_init(&r->body);
    peer_text(conn, r->peer, sizeof(r->peer));
    /* NULL unless the body is urlencoded or multipart form data. */
    if (strcmp(method, "POST") == 0)
        r->pp = MHD_create_post_processor(conn, 16 * 1024, on_field, r);
    return r;
}

/* Called by the library once for the head, once for each piece of body,
 * and once more at the end (*upload_size 0): the request is answered only
 * when all of it is here, so handlers see whole bodies. */
static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn,
                                 const char *url, const char *method,
                                 const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
    struct lu_web *w = cls;
    struct lu_web_req *r = *con_cls;
    const char *cl;
    uint64_t n;

    if (r == NULL) {
        r = req_new(w, conn, url, method);
        *con_cls = r;
        /* Refuse a declared oversized body before it is sent. */
        cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                         "Content-Length");
        if (cl != NULL && lu_parse_u64(cl, &n) == 0 && n > w->max_body) {
            r->too_big = true;
            return send_simple(conn, 413, "request body too large\n");
        }
        return MHD_YES;
    }
    if (*upload_size > 0) {
        take_body(r, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    /* A deferred request, called again after it resumed: answered. */
    if (r->work != NULL)
        return MHD_YES;
    return dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    struct lu_web_req *r = *con_cls;

    if (r == NULL)
        return;
    if (r->pp != NULL)
        MHD_destroy_post_processor(r->pp);
    for (size_t i = 0; i < r->n_fields; i++) {
        free(r->fields[i].name);
        free(r->fields[i].filename);
        lu_buf_free(&r->fields[i].value);
    }
    free(r->fields);
    /* Deferred and never answered (the server stopped between the work
     * and the answer): what the work left in arg is the drop's. */
    if (r->work != NULL && !r->answered && r->drop != NULL)
        r->drop(r->arg);
    free(r->arg);
    lu_buf_free(&r->body);
    free(r);
    *con_cls = NULL;
}

/* ---- the loop: MHD_run whenever its epoll descriptor is readable or its
 * timeout expires, then arm the timer for the next timeout. A timeout of 0
 * (data already buffered, e.g. by TLS) runs it again on the next turn. */

static void on_timer(uv_timer_t *t);

static void drive(struct lu_web *w)
{
    MHD_UNSIGNED_LONG_LONG ms;

    MHD_run(w->mhd);
    if (MHD_get_timeout(w->mhd, &ms) == MHD_YES)
        uv_timer_start(&w->timer, on_timer, ms, 0);
    else
        uv_timer_stop(&w->timer);
}

static void on_timer(uv_timer_t *t)
{
    drive(t->data);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
    drive(p->data);
}

static void kick(struct lu_web *w)
{
    if (w->mhd != NULL)
        uv_timer_start(&w->timer, on_timer, 0, 0);
}

static void web_free(struct lu_web *w)
{
    struct post *p;

    while ((p = w->posts) != NULL) {
        w->posts = p->next;
        free(p);
    }
    if (w->park_fd >= 0)
        close(w->park_fd);
    uv_mutex_destroy(&w->lock);
    free(w->cert);
    free(w->key);
    free(w);
}

/* The handles on w->loop. Without a thread the last frees w; with one,
 * lu_web_free() runs the server's loop until they are closed and frees w
 * when back closes. */
static void on_closed(uv_handle_t *h)
{
    struct lu_web *w = h->data;

    if (--w->open_handles > 0 || w->threaded)
        return;
    web_free(w);
}

static void on_back_closed(uv_handle_t *h)
{
    web_free(h->data);
}

static struct MHD_Daemon *start_mhd(struct lu_web *w,
                                    const struct sockaddr_storage *ss)
{
    /* Suspend and resume: deferred requests and streams wait without a
     * thread or a busy loop. */
    unsigned flags =
        MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;

    if (w->no_listen)
        return start_daemon(
            flags | MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, on_access, w,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, w,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)TIMEOUT_S,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
    if (ss->ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (!w->tls)
        return start_daemon(
            flags, 0, NULL, NULL, on_access, w, MHD_OPTION_LISTEN_SOCKET,
            (MHD_socket)w->park_fd, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
            w, MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNS,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)MAX_CONNS_PER_IP,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)TIMEOUT_S,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
    return start_daemon(
        flags | MHD_USE_TLS, 0, NULL, NULL, on_access, w, MHD_OPTION_SOCK_ADDR,
        ss, MHD_OPTION_NOTIFY_COMPLETED, on_completed, w,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)MAX_CONNS_PER_IP,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_HTTPS_MEM_CERT,
        w->cert, MHD_OPTION_HTTPS_MEM_KEY, w->key, MHD_OPTION_HTTPS_PRIORITIES,
        "NORMAL:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1", MHD_OPTION_END);
}

/* The server proper: MHD on the loop through its epoll descriptor. */
static int start(struct lu_web *w, char *err, size_t errlen)
{
    const union MHD_DaemonInfo *info;

    if (load_mhd(err, errlen) < 0)
        return -ENOENT;
    w->mhd = start_mhd(w, &w->ss);
    if (w->mhd == NULL) {
        snprintf(err, errlen, "%s",
                 _("web: cannot listen (address in use, not local, or a "
                   "certificate and key the TLS library refuses)"));
        return -EADDRINUSE;
    }
    /* MHD owns the listening socket now and closes it. */
    w->park_fd = -1;
    info = MHD_get_daemon_info(w->mhd, MHD_DAEMON_INFO_EPOLL_FD);
    uv_poll_init(w->loop, &w->poll, info->epoll_fd);
    uv_timer_init(w->loop, &w->timer);
    w->poll.data = w->timer.data = w;
    w->open_handles += 2;
    uv_poll_start(&w->poll, UV_READABLE, on_poll);
    return 0;
}

/* The first connection to a parked server: load the library and hand it
 * the listening socket, whose backlog holds that connection. */
static void on_park(uv_poll_t *p, int status, int events)
{
    struct lu_web *w = p->data;
    char err[512];

    uv_poll_stop(&w->park);
    if (start(w, err, sizeof(err)) < 0) {
        /* Still parked, stopped: lu_web_free() closes it. */
        lu_err("%s; the web pages stay off", err);
        return;
    }
    w->parked = false;
    uv_close((uv_handle_t *)&w->park, on_closed);
    drive(w);
}

/* Plain HTTP (loopback) waits on its own listening socket: the library
 * and GnuTLS, which it pulls in, are mapped only once someone connects
 * (docs/DECISIONS.md, issue 17). */
static int park(struct lu_web *w, const char *addr, char *err, size_t errlen)
{
    int one = 1;
    socklen_t len = w->ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                : sizeof(struct sockaddr_in);

    w->park_fd =
        socket(w->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (w->park_fd < 0 ||
        setsockopt(w->park_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) <
            0 ||
        bind(w->park_fd, (struct sockaddr *)&w->ss, len) < 0 ||
        listen(w->park_fd, 64) < 0) {
        snprintf(err, errlen, _("web %s: cannot listen: %s"), addr,
                 strerror(errno));
        return -errno;
    }
    uv_poll_init(w->loop, &w->park, w->park_fd);
    w->park.data = w;
    w->parked = true;
    w->open_handles++;
    uv_poll_start(&w->park, UV_READABLE, on_park);
    return 0;
}

/* ---- across threads ---- */

/* On the server's loop: posted calls, then deferred requests whose work
 * is done; or, when lu_web_free() asks, the end of the thread's loop. */
static void on_wake(uv_async_t *h)
{
    struct lu_web *w = h->data;
    struct post *p, *next;
    struct lu_web_req *r, *rnext;

    uv_mutex_lock(&w->lock);
    if (w->stop) {
        uv_mutex_unlock(&w->lock);
        uv_stop(w->loop);
        return;
    }
    p = w->posts;
    w->posts = NULL;
    w->posts_tail = &w->posts;
    r = w->answered;
    w->answered = NULL;
    uv_mutex_unlock(&w->lock);
    for (; p != NULL; p = next) {
        next = p->next;
        p->fn(p->data);
        free(p);
    }
    for (; r != NULL; r = rnext) {
        rnext = r->next;
        r->answered = true;
        answer(r, r->done, r->arg);
        MHD_resume_connection(r->conn);
        kick(w);
    }
}

/* On the daemon's loop: the work of deferred requests, then back to the
 * server's thread with them. */
static void on_back(uv_async_t *h)
{
    struct lu_web *w = h->data;
    struct lu_web_req *r, *next, *done = NULL;

    uv_mutex_lock(&w->lock);
    r = w->to_owner;
    w->to_owner = NULL;
    uv_mutex_unlock(&w->lock);
    for (; r != NULL; r = next) {
        next = r->next;
        r->work(r->arg);
        r->next = done;
        done = r;
    }
    uv_mutex_lock(&w->lock);
    while ((r = done) != NULL) {
        done = r->next;
        r->next = w->answered;
        w->answered = r;
    }
    uv_async_send(&w->wake);
    uv_mutex_unlock(&w->lock);
}

void lu_web_post(struct lu_web *w, lu_web_post_cb fn, void *data)
{
    struct post *p = lu_xmalloc(sizeof(*p));

    p->fn = fn;
    p->data = data;
    p->next = NULL;
    uv_mutex_lock(&w->lock);
    if (w->stop) {
        free(p);
    } else {
        *w->posts_tail = p;
        w->posts_tail = &p->next;
        uv_async_send(&w->wake);
    }
    uv_mutex_unlock(&w->lock);
}

uv_loop_t *lu_web_loop(struct lu_web *w)
{
    return w->loop;
}

bool lu_web_threaded(struct lu_web *w)
{
    return w->threaded;
}

void lu_web_lower_priority(void)
{
    /* Linux: a thread id here sets that thread's nice value only. */
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), LU_WEB_NICE) < 0)
        lu_debug("web: cannot lower the thread's priority: %s",
                 strerror(errno));
}

static void thread_main(void *arg)
{
    struct lu_web *w = arg;

    lu_web_lower_priority();
    uv_run(w->loop, UV_RUN_DEFAULT);
}

int lu_web_start(struct lu_web *w)
{
    int r;

    if (!w->threaded || w->running)
        return 0;
    r = uv_thread_create(&w->thread, thread_main, w);
    if (r == 0)
        w->running = true;
    return r;
}

/* The thread's loop is stopped (or there is none): every suspended
 * connection resumes, as libmicrohttpd requires before it stops, and
 * streams end. Deferred requests not answered are dropped with their
 * connections. */
static void resume_all(struct lu_web *w)
{
    struct lu_web_req *lists[2] = {w->to_owner, w->answered};

    w->to_owner = w->answered = NULL;
    for (int i = 0; i < 2; i++) {
        for (struct lu_web_req *r = lists[i]; r != NULL; r = r->next)
            MHD_resume_connection(r->conn);
    }
    for (struct lu_web_stream *s = w->streams; s != NULL; s = s->next) {
        s->ended = true;
        if (s->suspended) {
            s->suspended = false;
            MHD_resume_connection(s->conn);
        }
    }
    if (w->mhd != NULL)
        MHD_run(w->mhd);
}

struct lu_web *lu_web_new(uv_loop_t *loop, const struct lu_web_conf *conf,
                          char *err, size_t errlen)
{
    struct lu_web *w;
    int r;

    if (!conf->no_listen && lu_web_check(conf, err, errlen) < 0)
        return NULL;
    w = lu_xcalloc(1, sizeof(*w));
    w->owner = w->loop = loop;
    w->threaded = conf->thread && !conf->no_listen;
    if (w->threaded) {
        uv_loop_init(&w->own);
        w->loop = &w->own;
    }
    uv_mutex_init(&w->lock);
    w->posts_tail = &w->posts;
    w->park_fd = -1;
    w->no_listen = conf->no_listen;
    w->max_body = conf->max_body ? conf->max_body : DEFAULT_MAX_BODY;
    w->tls = conf->cert != NULL;
    if (!conf->no_listen)
        parse_addr(conf->addr, &w->ss);
    if (w->tls && (read_pem(conf->cert, false, &w->cert, err, errlen) < 0 ||
                   read_pem(conf->key, true, &w->key, err, errlen) < 0))
        goto fail;
    /* TLS starts at once, so that a certificate GnuTLS refuses is an error
     * at start, not at the first clerk's visit. */
    r = !conf->no_listen && !w->tls ? park(w, conf->addr, err, errlen)
                                    : start(w, err, errlen);
    if (r < 0)
        goto fail;
    uv_async_init(w->loop, &w->wake, on_wake);
    w->wake.data = w;
    w->open_handles++;
    if (w->threaded) {
        uv_async_init(w->owner, &w->back, on_back);
        w->back.data = w;
    }
    return w;
fail:
    /* Nothing is on the loops yet: start() and park() add their handles
     * last. */
    if (w->threaded)
        uv_loop_close(&w->own);
    web_free(w);
    return NULL;
}

void lu_web_route(struct lu_web *w, const char *path, lu_web_cb cb, void *data)
{
    if (w->nroutes == MAX_ROUTES) {
        lu_err("web: more than %d routes; %s not served", MAX_ROUTES, path);
        return;
    }
    w->routes[w->nroutes++] = (struct route){path, cb, data};
}

void lu_web_free(struct lu_web *w)
{
    if (w == NULL)
        return;
    uv_mutex_lock(&w->lock);
    w->stop = true;
    if (w->running)
        uv_async_send(&w->wake);
    uv_mutex_unlock(&w->lock);
    if (w->running)
        uv_thread_join(&w->thread);
    w->running = false;
    /* From here on only this thread touches w. */
    resume_all(w);
    if (w->parked)
        uv_close((uv_handle_t *)&w->park, on_closed);
    uv_close((uv_handle_t *)&w->wake, on_closed);
    /* The poll handle leaves libuv's epoll before MHD closes the
     * descriptor under it. */
    if (w->mhd != NULL) {
        uv_close((uv_handle_t *)&w->poll, on_closed);
        uv_close((uv_handle_t *)&w->timer, on_closed);
    }
    if (!w->threaded) {
        if (w->mhd != NULL)
            MHD_stop_daemon(w->mhd);
        return;
    }
    /* The server's loop holds nothing but these handles: run it until
     * they are closed, then free w once back closes on the daemon's. */
    uv_run(&w->own, UV_RUN_DEFAULT);
    if (w->mhd != NULL)
        MHD_stop_daemon(w->mhd);
    uv_loop_close(&w->own);
    uv_close((uv_handle_t *)&w->back, on_back_closed);
}

int lu_web_add_connection(struct lu_web *w, int fd)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};

    /* The library wants a peer address; a connected pair has none. */
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (MHD_add_connection(w->mhd, fd, (struct sockaddr *)&sa, sizeof(sa)) !=
        MHD_YES)
        return -EIO;
    drive(w);
    return 0;
}

int lu_web_port(struct lu_web *w)
{
    const union MHD_DaemonInfo *info;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (w->mhd == NULL) {
        if (getsockname(w->park_fd, (struct sockaddr *)&ss, &len) < 0)
            return -errno;
        return ntohs(ss.ss_family == AF_INET6
                         ? ((struct sockaddr_in6 *)&ss)->sin6_port
                         : ((struct sockaddr_in *)&ss)->sin_port);
    }
    info = MHD_get_daemon_info(w->mhd, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : -EINVAL;
}

bool lu_web_tls(struct lu_web *w)
{
    return w->tls;
}

/* ---- streams ---- */

struct lu_web_stream *lu_web_stream(struct lu_web_req *r,
                                    struct lu_web_resp *resp, size_t max_queued,
                                    lu_web_stream_closed_cb closed, void *data)
{
    struct lu_web_stream *s = lu_xcalloc(1, sizeof(*s));
    struct lu_web *w = r->web;

    s->web = w;
    s->conn = r->conn;
    s->max = max_queued;
    s->closed = closed;
    s->data = data;
    lu_buf_init(&s->out);
    snprintf(s->peer, sizeof(s->peer), "%s", r->peer);
    /* One opened while the server stops ends after what is queued, as
     * resume_all() ends the others: never left suspended. */
    uv_mutex_lock(&w->lock);
    s->ended = w->stop;
    uv_mutex_unlock(&w->lock);
    s->next = w->streams;
    if (w->streams != NULL)
        w->streams->prev = s;
    w->streams = s;
    resp->stream = s;
    return s;
}

/* libmicrohttpd asks for more to send: what is queued, else the end, else
 * nothing for now (the connection waits, suspended, for the next send). */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct lu_web_stream *s = cls;
    size_t n = s->out.len - s->off;

    if (n == 0 && s->ended)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (n == 0) {
        MHD_suspend_connection(s->conn);
        s->suspended = true;
        return 0;
    }
    if (n > max)
        n = max;
    memcpy(buf, s->out.data + s->off, n);
    s->off += n;
    if (s->off == s->out.len)
        s->off = s->out.len = 0;
    return (ssize_t)n;
}

/* The response is gone with its connection. */
static void stream_free(void *cls)
{
    struct lu_web_stream *s = cls;
    struct lu_web *w = s->web;

    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        w->streams = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    if (s->closed != NULL)
        s->closed(s->data, s);
    lu_buf_free(&s->out);
    free(s);
}

static void stream_wake(struct lu_web_stream *s)
{
    if (!s->suspended)
        return;
    s->suspended = false;
    MHD_resume_connection(s->conn);
    kick(s->web);
}

int lu_web_stream_send(struct lu_web_stream *s, const void *data, size_t len)
{
    if (s->ended || s->out.len - s->off + len > s->max)
        return -ENOBUFS;
    if (s->off > 0 && s->off == s->out.len)
        s->off = s->out.len = 0;
    lu_buf_add(&s->out, data, len);
    stream_wake(s);
    return 0;
}

size_t lu_web_stream_queued(const struct lu_web_stream *s)
{
    return s->out.len - s->off;
}

void lu_web_stream_end(struct lu_web_stream *s)
{
    s->ended = true;
    stream_wake(s);
}

const char *lu_web_stream_peer(const struct lu_web_stream *s)
{
    return s->peer;
}

/* ---- the request ---- */

const char *lu_web_method(struct lu_web_req *r)
{
    return r->method;
}

const char *lu_web_path(struct lu_web_req *r)
{
    return r->path;
}

const char *lu_web_header(struct lu_web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *lu_web_query(struct lu_web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *lu_web_cookie(struct lu_web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *lu_web_body(struct lu_web_req *r, size_t *len)
{
    *len = r->body.len;
    return r->body.data ? r->body.data : "";
}

bool lu_web_req_tls(struct lu_web_req *r)
{
    return r->web->tls;
}

const char *lu_web_peer(struct lu_web_req *r)
{
    return r->peer;
}

const char *lu_web_field(struct lu_web_req *r, const char *name, size_t *len,
                         const char **filename)
{
    for (size_t i = 0; i < r->n_fields; i++) {
        const struct field *f = &r->fields[i];

        if (strcmp(f->name, name) == 0) {
            if (len != NULL)
                *len = f->value.len;
            if (filename != NULL)
                *filename = f->filename;
            return f->value.data;
        }
    }
    return NULL;
}

size_t lu_web_fields(struct lu_web_req *r)
{
    return r->n_fields;
}

const char *lu_web_field_at(struct lu_web_req *r, size_t i, const char **value)
{
    *value = r->fields[i].value.data;
    return r->fields[i].name;
}
