/* luyu-loadgen http: viewers of a web page (the hub's dashboard, issue 18),
 * each on its own keep-alive HTTP/1.1 connection from its own loopback
 * address, all driven by one epoll loop in one thread so that the client
 * costs little processor time next to the daemon it measures (the Python
 * threads it replaces shared a GIL and two cores with the hub).
 *
 * Each viewer asks as soon as it is answered (--every 0, a closed loop) or
 * once every --every seconds from a random phase (paced). A request's time
 * runs from the moment it is written to the last byte of its response;
 * paced requests are also timed from the moment they were due, which shows
 * a client that fell behind its schedule (coordinated omission). */
#define _GNU_SOURCE /* memmem, random */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "benchgen.h"
#include "json.h"
#include "loadgen.h"
#include "util.h"
#include "xmalloc.h"

#define HEAD_MAX 16384         /* a response's status line and headers */
#define BODY_MAX (64u << 20)   /* a response's body */
#define LINE_MAX_ 128          /* a chunk-size or trailer line */
#define READ_CHUNK 65536       /* read() at a time, one buffer for all */
#define MAX_SAMPLES (1u << 23) /* 64 MiB of latencies, then only counted */
#define BACKOFF_NS 10000000u   /* after an error, before reconnecting */
#define FIRST_ERRORS 5         /* messages kept */
#define ERR_LEN 160

/* epoll's data for the two descriptors that are not viewers. */
static char STDIN_TAG, SIGNAL_TAG;

enum vstate { V_CLOSED, V_CONNECTING, V_IDLE, V_SENDING, V_READING };

/* Where the response parser is. */
enum pstate {
    P_HEAD,
    P_LENGTH,
    P_CHUNK_SIZE,
    P_CHUNK_DATA,
    P_CHUNK_END,
    P_TRAILER,
    P_DONE
};

struct viewer {
    int fd;
    unsigned idx;
    enum vstate st;
    bool reused;  /* the connection has answered before */
    bool pending; /* a request waits for the connection */
    bool close_after;
    uint64_t due_ns;     /* paced: when the next request is due */
    uint64_t req_due_ns; /* paced: when the request in flight was due */
    uint64_t sent_ns;    /* the request in flight was written */
    uint64_t since_ns;   /* the connect or request in flight began */
    uint64_t retry_ns;   /* closed after an error: not before this */
    size_t wrote;        /* bytes of the request written */
    uint64_t got;        /* bytes of the response received */
    enum pstate ps;
    uint64_t left; /* body or chunk bytes still to come */
    size_t head_len, line_len;
    char head[HEAD_MAX];
    char line[LINE_MAX_];
};

struct http {
    const struct args *a;
    int ep, sig_fd;
    bool watch_stdin, stop;
    struct viewer *v;
    char *req;
    size_t req_len;
    uint64_t every_ns, timeout_ns, start_ns, end_ns;
    uint64_t requests, errors, retries, body_bytes;
    struct bench_samples lat, from_due;
    char first_errors[FIRST_ERRORS][ERR_LEN];
    char rbuf[READ_CHUNK];
};

static uint64_t rand_below(uint64_t n)
{
    uint64_t r = ((uint64_t)random() << 31) ^ (uint64_t)random();

    return n ? r % n : 0;
}

static void watch(struct http *h, struct viewer *v, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = v};

    if (epoll_ctl(h->ep, EPOLL_CTL_MOD, v->fd, &ev) < 0)
        epoll_ctl(h->ep, EPOLL_CTL_ADD, v->fd, &ev);
}

static void close_conn(struct http *h, struct viewer *v)
{
    if (v->fd >= 0) {
        epoll_ctl(h->ep, EPOLL_CTL_DEL, v->fd, NULL);
        close(v->fd);
    }
    v->fd = -1;
    v->st = V_CLOSED;
    v->reused = false;
}

/* A request that went wrong: counted, its message kept if among the first,
 * the connection closed; the viewer connects again after BACKOFF_NS so that
 * a server refusing everything is not asked in a busy loop. */
static void fail(struct http *h, struct viewer *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct http *h, struct viewer *v, const char *fmt, ...)
{
    va_list ap;

    if (h->errors < FIRST_ERRORS) {
        char *m = h->first_errors[h->errors];
        int n = snprintf(m, ERR_LEN, "viewer %u: ", v->idx);

        va_start(ap, fmt);
        vsnprintf(m + n, ERR_LEN - (size_t)n, fmt, ap);
        va_end(ap);
    }
    h->errors++;
    close_conn(h, v);
    v->pending = false;
    v->retry_ns = bench_now_ns() + BACKOFF_NS;
}

/* Viewer i's source address, 127.0.X.Y: the web server admits 16
 * connections per address (common/web.c), as the Python viewers did. */
static struct sockaddr_in source_addr(unsigned i)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};

    sa.sin_addr.s_addr = htonl(0x7f000000u | ((i / 250) << 8) | (i % 250 + 2));
    return sa;
}

static void start_connect(struct http *h, struct viewer *v)
{
    struct sockaddr_in src = source_addr(v->idx);
    struct sockaddr_in dst = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)h->a->port),
                              .sin_addr.s_addr = htonl(0x7f000001u)};
    int one = 1;

    v->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (v->fd < 0) {
        fail(h, v, "socket: %s", strerror(errno));
        return;
    }
    setsockopt(v->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (bind(v->fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
        fail(h, v, "bind 127.0.%u.%u: %s", v->idx / 250, v->idx % 250 + 2,
             strerror(errno));
        return;
    }
    if (connect(v->fd, (struct sockaddr *)&dst, sizeof(dst)) < 0 &&
        errno != EINPROGRESS) {
        fail(h, v, "connect: %s", strerror(errno));
        return;
    }
    v->st = V_CONNECTING;
    v->since_ns = bench_now_ns();
    watch(h, v, EPOLLOUT);
}

static void ask(struct http *h, struct viewer *v, uint64_t now);

/* A kept-alive connection that the server closed as the request went out
 * (nothing of the answer came): asks again on a new one, as browsers do
 * for a GET, once. Returns false when this is not that case. */
static bool retry_stale(struct http *h, struct viewer *v)
{
    if (!v->reused || v->got > 0)
        return false;
    h->retries++;
    close_conn(h, v);
    ask(h, v, bench_now_ns());
    return true;
}

static void send_some(struct http *h, struct viewer *v)
{
    ssize_t n =
        send(v->fd, h->req + v->wrote, h->req_len - v->wrote, MSG_NOSIGNAL);

    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        watch(h, v, EPOLLOUT);
        return;
    }
    if (n < 0) {
        if (!retry_stale(h, v))
            fail(h, v, "send: %s", strerror(errno));
        return;
    }
    v->wrote += (size_t)n;
    if (v->wrote < h->req_len) {
        watch(h, v, EPOLLOUT);
        return;
    }
    v->st = V_READING;
    watch(h, v, EPOLLIN);
}

/* Writes the next request, connecting first if need be. */
static void ask(struct http *h, struct viewer *v, uint64_t now)
{
    if (!v->pending) {
        v->pending = true;
        v->req_due_ns = h->every_ns ? v->due_ns : now;
        v->due_ns += h->every_ns;
    }
    if (v->st == V_CLOSED) {
        start_connect(h, v);
        return;
    }
    if (v->st != V_IDLE)
        return;
    v->st = V_SENDING;
    v->wrote = 0;
    v->got = 0;
    v->ps = P_HEAD;
    v->head_len = 0;
    v->line_len = 0;
    v->close_after = false;
    v->sent_ns = bench_now_ns();
    v->since_ns = v->sent_ns;
    send_some(h, v);
}

/* ---- the response: status line and headers, then a body of
 * Content-Length bytes or chunked (libmicrohttpd sends the pages with a
 * length; a stream such as /events is chunked). ---- */

static const char *header_value(const char *head, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = strstr(head, "\r\n"); p && p[2] != '\r';
         p = strstr(p + 2, "\r\n")) {
        if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
            p += 3 + n;
            while (*p == ' ' || *p == '\t')
                p++;
            return p;
        }
    }
    return NULL;
}

/* The header section is complete in v->head (NUL-terminated). Returns 0,
 * or -1 after fail(). */
static int parse_head(struct http *h, struct viewer *v)
{
    const char *cl, *te, *conn;
    int status = 0;
    uint64_t len = 0;

    if (sscanf(v->head, "HTTP/1.%*1[01] %3d", &status) != 1) {
        fail(h, v, "not an HTTP/1.x status line: %.40s", v->head);
        return -1;
    }
    if (status != 200) {
        fail(h, v, "HTTP %d for %s", status, h->a->path);
        return -1;
    }
    conn = header_value(v->head, "Connection");
    v->close_after = conn && strncasecmp(conn, "close", 5) == 0;
    te = header_value(v->head, "Transfer-Encoding");
    cl = header_value(v->head, "Content-Length");
    if (te && strncasecmp(te, "chunked", 7) == 0) {
        v->ps = P_CHUNK_SIZE;
        return 0;
    }
    if (te || !cl) {
        fail(h, v, "a response with neither Content-Length nor chunked");
        return -1;
    }
    for (; *cl >= '0' && *cl <= '9' && len <= BODY_MAX; cl++)
        len = len * 10 + (uint64_t)(*cl - '0');
    if (len > BODY_MAX || (*cl != '\r' && *cl != ' ')) {
        fail(h, v, "a bad or too large Content-Length");
        return -1;
    }
    v->left = len;
    v->ps = len ? P_LENGTH : P_DONE;
    return 0;
}

/* Takes header bytes until the blank line; returns the bytes used, or -1
 * after fail(). */
static ssize_t feed_head(struct http *h, struct viewer *v, const char *p,
                         size_t n)
{
    size_t start = v->head_len > 3 ? v->head_len - 3 : 0, take;
    char *end;

    take = n < HEAD_MAX - 1 - v->head_len ? n : HEAD_MAX - 1 - v->head_len;
    memcpy(v->head + v->head_len, p, take);
    v->head_len += take;
    v->head[v->head_len] = '\0';
    end = memmem(v->head + start, v->head_len - start, "\r\n\r\n", 4);
    if (end == NULL) {
        if (v->head_len == HEAD_MAX - 1) {
            fail(h, v, "response headers over %d bytes", HEAD_MAX);
            return -1;
        }
        return (ssize_t)take;
    }
    end[2] = '\0';
    take -= v->head_len - (size_t)(end + 4 - v->head);
    return parse_head(h, v) < 0 ? -1 : (ssize_t)take;
}

/* One CRLF-ended line of the chunked framing; returns the bytes used, or
 * -1 after fail(). *done says the line is complete in v->line. */
static ssize_t feed_line(struct http *h, struct viewer *v, const char *p,
                         size_t n, bool *done)
{
    const char *nl = memchr(p, '\n', n);
    size_t take = nl ? (size_t)(nl - p) + 1 : n;

    if (v->line_len + take >= LINE_MAX_) {
        fail(h, v, "a chunked framing line over %d bytes", LINE_MAX_);
        return -1;
    }
    memcpy(v->line + v->line_len, p, take);
    v->line_len += take;
    v->line[v->line_len] = '\0';
    *done = nl != NULL;
    return (ssize_t)take;
}

static int chunk_line(struct http *h, struct viewer *v)
{
    char *end;
    unsigned long long size;

    if (v->ps == P_TRAILER) {
        if (strcmp(v->line, "\r\n") == 0)
            v->ps = P_DONE;
        return 0;
    }
    if (v->ps == P_CHUNK_END) {
        if (strcmp(v->line, "\r\n") != 0)
            goto bad;
        v->ps = P_CHUNK_SIZE;
        return 0;
    }
    size = strtoull(v->line, &end, 16);
    if (end == v->line || (*end != '\r' && *end != ';' && *end != ' ') ||
        size > BODY_MAX || v->got > BODY_MAX)
        goto bad;
    v->left = size;
    v->ps = size ? P_CHUNK_DATA : P_TRAILER;
    return 0;
bad:
    fail(h, v, "bad chunked framing: %.40s", v->line);
    return -1;
}

/* Feeds response bytes to the parser; returns 0 or -1 after fail(). */
static int feed(struct http *h, struct viewer *v, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t used;
        bool done = false;

        if (v->ps == P_DONE) {
            fail(h, v, "%zu bytes after the response", n);
            return -1;
        }
        if (v->ps == P_HEAD) {
            used = feed_head(h, v, p, n);
        } else if (v->ps == P_LENGTH || v->ps == P_CHUNK_DATA) {
            used = (ssize_t)(n < v->left ? n : v->left);
            v->left -= (uint64_t)used;
            h->body_bytes += (uint64_t)used;
            if (v->left == 0)
                v->ps = v->ps == P_LENGTH ? P_DONE : P_CHUNK_END;
        } else {
            used = feed_line(h, v, p, n, &done);
            if (used >= 0 && done) {
                v->line_len = 0;
                if (chunk_line(h, v) < 0)
                    return -1;
            }
        }
        if (used < 0)
            return -1;
        p += used;
        n -= (size_t)used;
    }
    return 0;
}

/* ---- the loop ---- */

static void answered(struct http *h, struct viewer *v, uint64_t now)
{
    h->requests++;
    if (h->lat.n < MAX_SAMPLES) {
        bench_samples_add(&h->lat, now - v->sent_ns);
        if (h->every_ns)
            bench_samples_add(&h->from_due, now - v->req_due_ns);
    }
    v->pending = false;
    v->reused = true;
    v->st = V_IDLE;
    if (v->close_after)
        close_conn(h, v);
    else
        watch(h, v, EPOLLIN);
    if (h->every_ns == 0 || v->due_ns <= now)
        ask(h, v, now);
}

static void on_readable(struct http *h, struct viewer *v)
{
    ssize_t n = recv(v->fd, h->rbuf, sizeof(h->rbuf), 0);

    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        const char *why = n < 0 ? strerror(errno) : "closed";

        if (v->st == V_IDLE)
            close_conn(h, v); /* the server let an idle connection go */
        else if (!retry_stale(h, v))
            fail(h, v, "connection %s after %llu bytes of the response", why,
                 (unsigned long long)v->got);
        return;
    }
    if (v->st != V_READING) {
        fail(h, v, "%zd bytes while no request was open", n);
        return;
    }
    v->got += (uint64_t)n;
    if (feed(h, v, h->rbuf, (size_t)n) == 0 && v->ps == P_DONE)
        answered(h, v, bench_now_ns());
}

static void on_writable(struct http *h, struct viewer *v)
{
    int err = 0;
    socklen_t len = sizeof(err);

    if (v->st == V_CONNECTING) {
        getsockopt(v->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            fail(h, v, "connect: %s", strerror(err));
            return;
        }
        v->st = V_IDLE;
        watch(h, v, EPOLLIN);
        if (v->pending)
            ask(h, v, bench_now_ns());
        return;
    }
    if (v->st == V_SENDING)
        send_some(h, v);
}

/* Starts what is due, fails what took too long; returns the epoll_wait
 * timeout in ms until the next thing due (-1: nothing). */
static int tick(struct http *h, uint64_t now)
{
    uint64_t next = h->end_ns ? h->end_ns : UINT64_MAX;

    for (unsigned i = 0; i < h->a->viewers; i++) {
        struct viewer *v = &h->v[i];
        uint64_t at = UINT64_MAX;

        if (v->st == V_CLOSED && v->retry_ns > now)
            at = v->retry_ns;
        else if ((v->st == V_CLOSED || v->st == V_IDLE) && !v->pending &&
                 v->due_ns > now)
            at = v->due_ns;
        else if (v->st == V_CLOSED || (v->st == V_IDLE && !v->pending))
            ask(h, v, now);
        if (v->st == V_CONNECTING || v->st == V_SENDING || v->st == V_READING) {
            if (now > v->since_ns + h->timeout_ns)
                fail(h, v, "%s: nothing in %g s",
                     v->st == V_CONNECTING ? "connect" : "request",
                     h->a->timeout);
            else
                at = v->since_ns + h->timeout_ns;
        }
        if (at < next)
            next = at;
    }
    if (next == UINT64_MAX)
        return -1;
    return next <= now ? 0 : (int)((next - now + 999999) / 1000000);
}

static void on_control(struct http *h, int fd)
{
    char buf[256];
    ssize_t n = read(fd, buf, sizeof(buf));

    /* A signal, or stdin's end (or an error reading it): stop. */
    if (fd == h->sig_fd || n == 0 ||
        (n < 0 && errno != EAGAIN && errno != EINTR))
        h->stop = true;
}

static int run_loop(struct http *h)
{
    struct epoll_event evs[64];

    h->start_ns = bench_now_ns();
    if (h->a->seconds > 0)
        h->end_ns = h->start_ns + (uint64_t)(h->a->seconds * 1e9);
    for (unsigned i = 0; i < h->a->viewers; i++)
        h->v[i].due_ns = h->start_ns + rand_below(h->every_ns);
    while (!h->stop) {
        uint64_t now = bench_now_ns();
        int n, ms;

        if (h->end_ns && now >= h->end_ns)
            break;
        ms = tick(h, now);
        n = epoll_wait(h->ep, evs, 64, ms);
        if (n < 0 && errno != EINTR) {
            perror("loadgen: epoll_wait");
            return -1;
        }
        for (int k = 0; k < n; k++) {
            struct viewer *v = evs[k].data.ptr;

            if (evs[k].data.ptr == &STDIN_TAG) {
                on_control(h, 0);
                continue;
            }
            if (evs[k].data.ptr == &SIGNAL_TAG) {
                on_control(h, h->sig_fd);
                continue;
            }
            if (v->fd < 0)
                continue; /* closed by an earlier event of this batch */
            if (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR) &&
                v->st != V_CONNECTING && v->st != V_SENDING)
                on_readable(h, v);
            else if (evs[k].events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
                on_writable(h, v);
        }
    }
    return 0;
}

static double cpu_seconds(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void report(struct http *h, double secs)
{
    struct lu_buf b;
    const uint64_t *v = h->lat.v;
    size_t n = h->lat.n;

    bench_samples_sort(&h->lat);
    bench_samples_sort(&h->from_due);
    lu_buf_init(&b);
    lu_buf_printf(&b,
                  "{\"mode\":\"http\",\"viewers\":%u,\"every_s\":%g,"
                  "\"requests\":%llu,\"errors\":%llu,\"retries\":%llu,"
                  "\"first_errors\":[",
                  h->a->viewers, h->a->every, (unsigned long long)h->requests,
                  (unsigned long long)h->errors,
                  (unsigned long long)h->retries);
    for (uint64_t k = 0; k < h->errors && k < FIRST_ERRORS; k++) {
        if (k > 0)
            lu_buf_adds(&b, ",");
        lu_buf_json_str(&b, h->first_errors[k]);
    }
    lu_buf_printf(&b,
                  "],\"seconds\":%.3f,\"rps\":%.1f,\"body_bytes\":%llu,"
                  "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
                  "\"max_ms\":%.3f,",
                  secs, secs > 0 ? (double)h->requests / secs : 0,
                  (unsigned long long)h->body_bytes, bench_pct_ms(v, n, 50),
                  bench_pct_ms(v, n, 90), bench_pct_ms(v, n, 99),
                  bench_pct_ms(v, n, 100));
    if (h->every_ns)
        lu_buf_printf(&b, "\"p99_from_due_ms\":%.3f,\"max_from_due_ms\":%.3f,",
                      bench_pct_ms(h->from_due.v, h->from_due.n, 99),
                      bench_pct_ms(h->from_due.v, h->from_due.n, 100));
    lu_buf_printf(&b, "\"cpu_s\":%.3f}\n", cpu_seconds());
    fputs(b.data, stdout);
    lu_buf_free(&b);
}

/* Stops on SIGTERM or SIGINT (read from a signalfd, so the loop ends
 * cleanly and still reports) and on stdin's end, when stdin can be
 * polled (a pipe: the bench's; not /dev/null or a file). */
static int http_open(struct http *h)
{
    struct epoll_event ev = {.events = EPOLLIN};
    sigset_t set;

    h->ep = epoll_create1(EPOLL_CLOEXEC);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    h->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (h->ep < 0 || h->sig_fd < 0) {
        perror("loadgen: epoll/signalfd");
        return -1;
    }
    ev.data.ptr = &SIGNAL_TAG;
    epoll_ctl(h->ep, EPOLL_CTL_ADD, h->sig_fd, &ev);
    ev.data.ptr = &STDIN_TAG;
    h->watch_stdin = epoll_ctl(h->ep, EPOLL_CTL_ADD, 0, &ev) == 0;
    return 0;
}

int loadgen_http(const struct args *a)
{
    struct http *h = lu_xcalloc(1, sizeof(*h));
    int r = -1;

    h->a = a;
    h->ep = h->sig_fd = -1;
    h->every_ns = (uint64_t)(a->every * 1e9);
    h->timeout_ns = (uint64_t)(a->timeout * 1e9);
    h->req = lu_xasprintf("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                          "Cookie: %s\r\nConnection: keep-alive\r\n\r\n",
                          a->path, a->port, a->cookie ? a->cookie : "");
    h->req_len = strlen(h->req);
    h->v = lu_xcalloc(a->viewers, sizeof(*h->v));
    for (unsigned i = 0; i < a->viewers; i++) {
        h->v[i].fd = -1;
        h->v[i].idx = i;
    }
    srandom((unsigned)bench_now_ns() ^ (unsigned)getpid());
    if (http_open(h) < 0)
        goto out;
    if (!h->watch_stdin && a->seconds <= 0)
        fprintf(stderr, "loadgen: stdin cannot be polled: runs until a "
                        "signal\n");
    if (run_loop(h) < 0)
        goto out;
    report(h, (double)(bench_now_ns() - h->start_ns) / 1e9);
    r = 0;
out:
    for (unsigned i = 0; i < a->viewers; i++)
        close_conn(h, &h->v[i]);
    if (h->sig_fd >= 0)
        close(h->sig_fd);
    if (h->ep >= 0)
        close(h->ep);
    free(h->lat.v);
    free(h->from_due.v);
    free(h->v);
    free(h->req);
    free(h);
    return r;
}
