/* Fuzzes the hand-written /metrics HTTP server (common/http.c), the one
 * network parser of luyu that is not protobuf: anyone who can reach the
 * metrics port can send it bytes. The real server runs on a libuv loop in
 * this thread, listening on loopback; each input is sent to it over a real
 * TCP connection, in chunks (the first byte of the input sets the chunk
 * size, so the incremental parser sees lines cut anywhere), then the
 * client half-closes and reads until the server closes. Whatever the
 * bytes, the server must answer a non-empty request exactly once with a
 * well-formed HTTP/1.1 response whose Content-Length is its body's length,
 * serve the callback's body only for a GET of a path, and close the
 * connection; the sanitizers catch the rest. A server that neither answers
 * nor closes within 20 s is a hang and aborts. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BODY "# TYPE up gauge\nup 1\n"
#define DEADLINE_MS 20000

static uv_loop_t loop;
static struct lu_http *server;
static int port;

static int on_request(void *data, const char *path, struct lu_buf *body)
{
    (void)data;
    if (strcmp(path, "/metrics") == 0) {
        lu_buf_adds(body, BODY);
        return 200;
    }
    if (path[0] != '/')
        abort(); /* the parser promised a target starting with '/' */
    lu_buf_adds(body, "not found\n");
    return 404;
}

static void setup(void)
{
    char err[256] = "";

    lu_log_level = LU_LOG_ERR - 1;
    uv_loop_init(&loop);
    server =
        lu_http_new(&loop, "127.0.0.1:0", on_request, NULL, err, sizeof(err));
    if (server == NULL) {
        fprintf(stderr, "fuzz_http setup: %s\n", err);
        abort();
    }
    port = lu_http_port(server);
}

static int connect_server(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
                   errno != EINPROGRESS)) {
        perror("fuzz_http: connect");
        abort();
    }
    return fd;
}

/* Runs the server's loop a little and waits up to ms for fd to be ready
 * for events. */
static void step(int fd, short events, int ms)
{
    struct pollfd p = {.fd = fd, .events = events};

    uv_run(&loop, UV_RUN_NOWAIT);
    poll(&p, 1, ms);
    uv_run(&loop, UV_RUN_NOWAIT);
}

/* Sends everything, a chunk at a time; gives up when the server has
 * closed (it may answer and close before the input ends). */
static void send_chunks(int fd, const uint8_t *p, size_t len, size_t chunk)
{
    uint64_t deadline = lu_mono_ms() + DEADLINE_MS;

    while (len > 0) {
        size_t n = len < chunk ? len : chunk;
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w < 0 && errno != EAGAIN && errno != EINTR && errno != ENOTCONN)
            return;
        if (w > 0) {
            p += w;
            len -= (size_t)w;
        }
        step(fd, POLLOUT, 1);
        if (lu_mono_ms() > deadline)
            abort();
    }
}

/* Reads until the server closes the connection. */
static void read_all(int fd, struct lu_buf *out)
{
    uint64_t deadline = lu_mono_ms() + DEADLINE_MS;
    char buf[4096];

    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);

        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            return;
        if (n > 0)
            lu_buf_add(out, buf, (size_t)n);
        else
            step(fd, POLLIN, 5);
        if (lu_mono_ms() > deadline)
            abort(); /* neither answered nor closed: a hang */
    }
}

/* A well-formed response: status line, headers, blank line, and a body of
 * exactly Content-Length bytes (or none, for what may be a HEAD). */
static void check_response(const struct lu_buf *r, bool head)
{
    const char *end, *cl;
    unsigned long len;
    size_t blen;
    int status;

    if (r->len < 12 || memcmp(r->data, "HTTP/1.1 ", 9) != 0)
        abort();
    status = atoi(r->data + 9);
    if (status != 200 && status != 400 && status != 404 && status != 405 &&
        status != 431 && status != 505)
        abort();
    end = strstr(r->data, "\r\n\r\n");
    cl = strstr(r->data, "\r\nContent-Length: ");
    if (end == NULL || cl == NULL || cl > end)
        abort();
    len = strtoul(cl + 18, NULL, 10);
    blen = (size_t)(r->data + r->len - (end + 4));
    if (blen != len && !(head && blen == 0))
        abort();
    if (status == 200 &&
        (len != strlen(BODY) || (!head && strcmp(end + 4, BODY) != 0)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lu_buf resp;
    size_t chunk;
    bool head;
    int fd;

    if (server == NULL)
        setup();
    if (size == 0)
        return 0;
    chunk = (size_t)data[0] % 64 + 1;
    data++;
    size--;
    /* HEAD measures the body: only a request that is HEAD from its first
     * byte (after the blank lines a server must skip) gets no body. */
    head = false;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\r' || data[i] == '\n')
            continue;
        head = size - i >= 5 && memcmp(data + i, "HEAD ", 5) == 0;
        break;
    }
    lu_buf_init(&resp);
    fd = connect_server();
    send_chunks(fd, data, size, chunk);
    shutdown(fd, SHUT_WR);
    read_all(fd, &resp);
    close(fd);
    /* Nothing sent, nothing answered; anything else gets one answer. */
    if (size == 0 ? resp.len != 0 : (check_response(&resp, head), false))
        abort();
    lu_buf_free(&resp);
    /* Let the server finish closing its side before the next input. */
    for (int i = 0; i < 3; i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    return 0;
}
