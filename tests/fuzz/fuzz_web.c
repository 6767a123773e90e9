/* Fuzzes what parses request bytes at the web server: libmicrohttpd's
 * request reader and post processor (urlencoded and multipart forms) and
 * common/web.c's collection of fields and bodies, through a real
 * connection (a socket pair) on the real loop. Input: its first byte picks
 * the shape, the rest is the body of a POST of that content type, or with
 * 'R' the whole raw request. Whatever comes in, the server must answer or
 * close, the handler must see only fields within the limits, and nothing
 * may leak or crash. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"
#include "web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BODY (64 * 1024)

static void on_form(void *arg, struct lu_web_req *req, struct lu_web_resp *resp)
{
    size_t n = lu_web_fields(req), len, total = 0;
    const char *v, *name, *fn;

    for (size_t i = 0; i < n; i++) {
        name = lu_web_field_at(req, i, &v);
        if (name == NULL || v == NULL)
            abort();
        total += strlen(name);
    }
    if (n > 0 &&
        lu_web_field(req, lu_web_field_at(req, 0, &v), &len, &fn) == NULL)
        abort();
    v = lu_web_body(req, &len);
    if (len > MAX_BODY || total > MAX_BODY * 3)
        abort();
    resp->status = 200;
    lu_buf_printf(&resp->body, "%zu fields, %zu bytes\n", n, len);
}

static const char *content_type(uint8_t c)
{
    switch (c % 4) {
    case 0:
        return "application/x-www-form-urlencoded";
    case 1:
        return "multipart/form-data; boundary=XyZ";
    case 2:
        return "application/json";
    default:
        return "multipart/form-data; boundary=\"a b\"";
    }
}

static void build(const uint8_t *data, size_t size, struct lu_buf *req)
{
    if (size > 0 && data[0] == 'R') {
        lu_buf_add(req, data + 1, size - 1);
        return;
    }
    lu_buf_printf(req,
                  "POST /f HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n"
                  "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                  content_type(size ? data[0] : 0), size ? size - 1 : 0);
    if (size > 1)
        lu_buf_add(req, data + 1, size - 1);
}

/* Runs the loop until the server closed its end, or a bound on turns.
 * The first bytes of the answer go into head. */
static void exchange(uv_loop_t *loop, int fd, const struct lu_buf *req,
                     char *head, size_t headlen)
{
    size_t sent = 0, got = 0;
    char buf[4096];
    bool shut = false;

    for (int turn = 0; turn < 20000; turn++) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t n;

        if (sent < req->len) {
            n = send(fd, req->data + sent, req->len - sent,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0)
                sent += (size_t)n;
            else if (n < 0 && errno != EAGAIN)
                sent = req->len;
        } else if (!shut) {
            shutdown(fd, SHUT_WR);
            shut = true;
        }
        uv_run(loop, UV_RUN_NOWAIT);
        if (poll(&p, 1, 0) == 1) {
            n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN))
                return;
            if (n > 0 && got + 1 < headlen) {
                size_t k = (size_t)n < headlen - 1 - got ? (size_t)n
                                                         : headlen - 1 - got;

                memcpy(head + got, buf, k);
                got += k;
                head[got] = '\0';
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lu_web_conf conf = {.no_listen = true, .max_body = MAX_BODY};
    uv_loop_t loop;
    struct lu_web *w;
    struct lu_buf req;
    char err[256], head[16] = "";
    int sv[2];

    if (size > 4 * MAX_BODY)
        return 0;
    uv_loop_init(&loop);
    w = lu_web_new(&loop, &conf, err, sizeof(err));
    if (w == NULL)
        abort();
    lu_web_route(w, "/", on_form, NULL);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    lu_buf_init(&req);
    build(data, size, &req);
    if (lu_web_add_connection(w, sv[1]) == 0)
        exchange(&loop, sv[0], &req, head, sizeof(head));
    /* A well-formed head always gets an answer, whatever the body. */
    if ((size == 0 || data[0] != 'R') && strncmp(head, "HTTP/1.1 ", 9) != 0)
        abort();
    close(sv[0]);
    lu_web_free(w);
    uv_run(&loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&loop) != 0)
        abort();
    lu_buf_free(&req);
    return 0;
}
