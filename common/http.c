#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

#define HEAD_MAX 8192           /* request line plus headers */
#define MAX_CONNS 64            /* open at once; more are closed at once */
#define TIMEOUT_MS 5000         /* to send the head, then to take the reply */
#define DISCARD_MAX (64 * 1024) /* body bytes read and dropped after it */
#define METHOD_MAX 32           /* longer ones are garbage */
#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Refcounted by its open handles: the listening socket, every connection
 * and every refused socket still closing. The last close callback frees
 * it, so nothing runs on freed memory whatever order handles close in. */
struct lu_http {
    uv_tcp_t server;
    lu_http_cb cb;
    void *data;
    struct conn *conns;
    int nconns;
    int refs;
    bool warned; /* about the connection limit, until back under it */
};

/* One client. The request head is read straight into head[]; once
 * answered, head[] becomes scratch space for reading and dropping whatever
 * the client still sends, so that closing does not reset the connection
 * before the client has read the response. */
struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_write_t write;
    uv_shutdown_t shutdown;
    struct lu_http *h;
    struct conn *prev, *next;
    struct lu_buf out; /* the response, alive until the write is done */
    size_t len;        /* bytes in head[] */
    size_t line;       /* start of the first line not yet parsed */
    size_t scan;       /* head[line..scan) holds no newline */
    int nlines;        /* lines parsed, request line included */
    size_t path_off;   /* the request target, up to any '?' */
    size_t path_len;
    size_t discarded; /* bytes dropped after responding */
    int open_handles;
    bool head_only; /* HEAD: measure the body, do not send it */
    bool responded, shut_done, peer_eof, closing;
    char head[HEAD_MAX];
};

static void unref(struct lu_http *h)
{
    if (--h->refs == 0)
        free(h);
}

static void on_conn_closed(uv_handle_t *hd)
{
    struct conn *c = hd->data;
    struct lu_http *h = c->h;

    if (--c->open_handles > 0)
        return;
    if (c->prev)
        c->prev->next = c->next;
    else
        h->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    h->nconns--;
    lu_buf_free(&c->out);
    free(c);
    unref(h);
}

static void conn_close(struct conn *c)
{
    if (c->closing)
        return;
    c->closing = true;
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
    uv_close((uv_handle_t *)&c->timer, on_conn_closed);
}

static void on_timeout(uv_timer_t *t)
{
    conn_close(t->data);
}

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Status";
    }
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    struct conn *c = req->data;

    c->shut_done = true;
    /* Our side is done; wait for the client to close its side (or for the
     * timer), reading and dropping anything it still sends. */
    if (status < 0 || c->peer_eof)
        conn_close(c);
}

static void on_write(uv_write_t *req, int status)
{
    struct conn *c = req->data;

    if (c->closing)
        return;
    if (status < 0 ||
        uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) < 0)
        conn_close(c);
}

/* Sends the one response of this connection and gives the client
 * TIMEOUT_MS more to take it. */
static void respond(struct conn *c, int status, const char *ctype,
                    const char *extra, const char *body, size_t len)
{
    uv_buf_t b;

    c->responded = true;
    lu_buf_printf(&c->out,
                  "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
                  "Content-Length: %zu\r\n%sConnection: close\r\n\r\n",
                  status, reason(status), ctype, len, extra);
    if (!c->head_only)
        lu_buf_add(&c->out, body, len);
    b = uv_buf_init(c->out.data, (unsigned)c->out.len);
    uv_timer_start(&c->timer, on_timeout, TIMEOUT_MS, 0);
    if (uv_write(&c->write, (uv_stream_t *)&c->tcp, &b, 1, on_write) < 0)
        conn_close(c);
}

static void respond_error(struct conn *c, int status)
{
    char body[64];
    int n = snprintf(body, sizeof(body), "%d %s\n", status, reason(status));

    lu_debug("http: answering %d %s", status, reason(status));
    respond(c, status, "text/plain; charset=utf-8",
            status == 405 ? "Allow: GET, HEAD\r\n" : "", body, (size_t)n);
}

static void serve(struct conn *c)
{
    char *path = lu_xstrndup(c->head + c->path_off, c->path_len);
    struct lu_buf body;
    int status;

    lu_buf_init(&body);
    status = c->h->cb(c->h->data, path, &body);
    if (status < 100 || status > 599)
        status = 500;
    respond(c, status, CONTENT_TYPE, "", body.data ? body.data : "", body.len);
    lu_buf_free(&body);
    free(path);
}

/* RFC 9110 token characters, for methods and header names. */
static bool tchar(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* "METHOD SP target SP HTTP/1.x": returns 0, or the error status. */
static int request_line(struct conn *c, const char *s, size_t n)
{
    const char *sp1 = memchr(s, ' ', n), *sp2, *v;
    size_t mlen, tlen;

    if (sp1 == NULL || sp1 == s)
        return 400;
    mlen = (size_t)(sp1 - s);
    for (size_t i = 0; i < mlen; i++) {
        if (!tchar((unsigned char)s[i]))
            return 400;
    }
    sp2 = memchr(sp1 + 1, ' ', n - mlen - 1);
    if (sp2 == NULL || sp2 == sp1 + 1)
        return 400;
    tlen = (size_t)(sp2 - sp1 - 1);
    for (size_t i = 0; i < tlen; i++) {
        unsigned char ch = (unsigned char)sp1[1 + i];

        if (ch <= 0x20 || ch >= 0x7f)
            return 400;
    }
    v = sp2 + 1;
    if (s + n - v != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' ||
        v[5] > '9' || v[6] != '.' || v[7] < '0' || v[7] > '9')
        return 400;
    if (v[5] != '1')
        return 505;
    if (mlen == 4 && memcmp(s, "HEAD", 4) == 0)
        c->head_only = true;
    else if (mlen != 3 || memcmp(s, "GET", 3) != 0)
        return 405;
    if (sp1[1] != '/')
        return 400;
    c->path_off = (size_t)(sp1 + 1 - c->head);
    c->path_len = tlen;
    for (size_t i = 0; i < tlen; i++) {
        if (sp1[1 + i] == '?') {
            c->path_len = i;
            break;
        }
    }
    return 0;
}

/* "name: value" with a token name; no obsolete line folding. */
static int header_line(const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);

    if (colon == NULL || colon == s)
        return 400;
    for (const char *p = s; p < colon; p++) {
        if (!tchar((unsigned char)*p))
            return 400;
    }
    for (const char *p = colon + 1; p < s + n; p++) {
        unsigned char ch = (unsigned char)*p;

        if (ch != '\t' && (ch < 0x20 || ch == 0x7f))
            return 400;
    }
    return 0;
}

/* A request line still arriving is refused as soon as its method cannot
 * be a token of at most METHOD_MAX bytes, so binary garbage (a TLS hello,
 * say) is answered at once instead of waiting for the timeout. */
static bool partial_line_bad(const struct conn *c)
{
    for (size_t i = c->line; i < c->len; i++) {
        if (i - c->line > METHOD_MAX)
            return true;
        unsigned char ch = (unsigned char)c->head[i];

        if (ch == ' ')
            return false;
        if (!tchar(ch) && !(ch == '\r' && i == c->line))
            return true;
    }
    return false;
}

/* Parses the lines completed since the last call; answers once the head
 * is complete or as soon as it is known to be bad. Lines end in LF or
 * CRLF; empty lines before the request line are ignored (RFC 9112 2.2). */
static void parse(struct conn *c)
{
    char *nl;

    while (!c->responded &&
           (nl = memchr(c->head + c->scan, '\n', c->len - c->scan)) != NULL) {
        const char *s = c->head + c->line;
        size_t n = (size_t)(nl - s);
        int status = 0;

        if (n > 0 && s[n - 1] == '\r')
            n--;
        c->line += (size_t)(nl - s) + 1;
        c->scan = c->line;
        if (c->nlines == 0 && n == 0)
            continue;
        if (c->nlines++ == 0)
            status = request_line(c, s, n);
        else if (n == 0)
            serve(c);
        else
            status = header_line(s, n);
        if (status != 0)
            respond_error(c, status);
    }
    if (c->responded)
        return;
    c->scan = c->len;
    if (c->nlines == 0 && partial_line_bad(c))
        respond_error(c, 400);
    else if (c->len == HEAD_MAX)
        respond_error(c, 431);
}

static void on_alloc(uv_handle_t *hd, size_t suggested, uv_buf_t *buf)
{
    struct conn *c = hd->data;

    /* Never full while reading the head: parse() answers 431 first. */
    if (c->responded)
        *buf = uv_buf_init(c->head, sizeof(c->head));
    else
        *buf = uv_buf_init(c->head + c->len, (unsigned)(HEAD_MAX - c->len));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct conn *c = s->data;

    if (n == 0 || c->closing)
        return;
    if (n < 0) {
        c->peer_eof = true;
        uv_read_stop(s);
        /* A client may half-close after its request: answer what it sent
         * (an incomplete head is a bad request) before closing. */
        if (n == UV_EOF && !c->responded && c->len > 0)
            respond_error(c, 400);
        else if (n != UV_EOF || !c->responded || c->shut_done)
            conn_close(c);
        return;
    }
    if (c->responded) {
        c->discarded += (size_t)n;
        if (c->discarded > DISCARD_MAX)
            conn_close(c);
        return;
    }
    c->len += (size_t)n;
    parse(c);
}

static void on_refused_closed(uv_handle_t *hd)
{
    struct lu_http *h = hd->data;

    free(hd);
    unref(h);
}

/* Over the limit: accept (so libuv keeps accepting later) and close. */
static void refuse(struct lu_http *h)
{
    uv_tcp_t *t = lu_xmalloc(sizeof(*t));

    if (!h->warned)
        lu_warn("http: %d connections open, closing new ones until some "
                "finish",
                h->nconns);
    h->warned = true;
    uv_tcp_init(h->server.loop, t);
    t->data = h;
    h->refs++;
    uv_accept((uv_stream_t *)&h->server, (uv_stream_t *)t);
    uv_close((uv_handle_t *)t, on_refused_closed);
}

static void on_connection(uv_stream_t *server, int status)
{
    struct lu_http *h = server->data;
    struct conn *c;

    if (status < 0) {
        lu_warn("http: cannot accept: %s", uv_strerror(status));
        return;
    }
    if (h->nconns >= MAX_CONNS) {
        refuse(h);
        return;
    }
    if (h->nconns < MAX_CONNS / 2)
        h->warned = false;
    c = lu_xcalloc(1, sizeof(*c));
    c->h = h;
    lu_buf_init(&c->out);
    c->next = h->conns;
    if (h->conns)
        h->conns->prev = c;
    h->conns = c;
    h->nconns++;
    h->refs++;
    uv_tcp_init(server->loop, &c->tcp);
    uv_timer_init(server->loop, &c->timer);
    c->tcp.data = c->timer.data = c->write.data = c->shutdown.data = c;
    c->open_handles = 2;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0 ||
        uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0) {
        conn_close(c);
        return;
    }
    uv_timer_start(&c->timer, on_timeout, TIMEOUT_MS, 0);
}

/* "1.2.3.4:80" or "[::1]:80", numeric only. */
static int parse_addr(const char *addr, struct sockaddr_storage *ss)
{
    const char *colon = strrchr(addr, ':');
    char host[64];
    size_t hlen;
    uint64_t port;

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

static void on_server_closed(uv_handle_t *hd)
{
    unref(hd->data);
}

struct lu_http *lu_http_new(uv_loop_t *loop, const char *addr, lu_http_cb cb,
                            void *data, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    struct lu_http *h;
    int r;

    memset(&ss, 0, sizeof(ss));
    if (parse_addr(addr, &ss) < 0) {
        snprintf(err, errlen,
                 "http address \"%s\": use a numeric HOST:PORT such as "
                 "127.0.0.1:9101 or [::1]:9101",
                 addr);
        return NULL;
    }
    h = lu_xcalloc(1, sizeof(*h));
    h->cb = cb;
    h->data = data;
    h->refs = 1;
    uv_tcp_init(loop, &h->server);
    h->server.data = h;
    r = uv_tcp_bind(&h->server, (struct sockaddr *)&ss, 0);
    if (r == 0)
        r = uv_listen((uv_stream_t *)&h->server, MAX_CONNS, on_connection);
    if (r < 0) {
        snprintf(err, errlen, "http address %s: %s", addr, uv_strerror(r));
        uv_close((uv_handle_t *)&h->server, on_server_closed);
        return NULL;
    }
    return h;
}

void lu_http_free(struct lu_http *h)
{
    if (h == NULL)
        return;
    for (struct conn *c = h->conns; c != NULL; c = c->next)
        conn_close(c);
    uv_close((uv_handle_t *)&h->server, on_server_closed);
}

int lu_http_port(struct lu_http *h)
{
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    int r = uv_tcp_getsockname(&h->server, (struct sockaddr *)&ss, &len);

    if (r < 0)
        return r;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}
