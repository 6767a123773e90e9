/* The web server (common/web.c on libmicrohttpd), driven the way a browser,
 * a scraper or an attacker would: its libuv loop runs in a thread while
 * plain blocking sockets in the main thread send good requests, bodies in
 * pieces, oversized heads and bodies, garbage and too many connections,
 * and check what comes back, headers included. At the end the server is
 * freed with a client still connected and the loop must close with no
 * handle left. TLS is tested against the real node in
 * tests/integration/50-web.py, with a certificate made by openssl. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "test.h"
#include "util.h"
#include "web.h"

static uv_loop_t loop;
static uv_async_t stop_async;
static struct lu_web *server;
static int port;
static atomic_int served;

static void on_metrics(void *data, struct lu_web_req *req,
                       struct lu_web_resp *resp)
{
    atomic_fetch_add(&served, 1);
    resp->status = 200;
    lu_buf_adds(&resp->body, "# TYPE up gauge\nup 1\n");
}

/* Echoes method, path, a query argument, a cookie and the body's length
 * and first bytes; tries a header with CR LF in it. */
static void on_echo(void *data, struct lu_web_req *req,
                    struct lu_web_resp *resp)
{
    size_t len;
    const char *body = lu_web_body(req, &len);
    const char *q = lu_web_query(req, "q"), *c = lu_web_cookie(req, "sid");

    atomic_fetch_add(&served, 1);
    resp->status = strcmp(lu_web_path(req), "/app/boom") == 0 ? 42 : 200;
    resp->type = "text/html; charset=utf-8";
    lu_web_resp_header(resp, "X-Injected", "a\r\nSet-Cookie: evil=1");
    lu_web_resp_header(resp, "X-Echo", "yes");
    lu_buf_printf(&resp->body, "%s %s q=%s sid=%s peer=%s len=%zu [%.16s]",
                  lu_web_method(req), lu_web_path(req), q ? q : "-",
                  c ? c : "-", lu_web_peer(req), len, body);
}

/* Lists the form fields the post processor decoded. */
static void on_form(void *data, struct lu_web_req *req,
                    struct lu_web_resp *resp)
{
    const char *v, *fn = NULL;
    size_t len = 0;

    resp->status = 200;
    for (size_t i = 0; i < lu_web_fields(req); i++) {
        const char *name = lu_web_field_at(req, i, &v);

        lu_buf_printf(&resp->body, "[%s=%s]", name, v);
    }
    v = lu_web_field(req, "file", &len, &fn);
    if (v != NULL)
        lu_buf_printf(&resp->body, " file %s %zu", fn ? fn : "-", len);
}

static void on_asset(void *data, struct lu_web_req *req,
                     struct lu_web_resp *resp)
{
    resp->status = 200;
    resp->cacheable = true;
    resp->type = "text/css";
    lu_buf_adds(&resp->body, "body{}");
}

static void on_stop(uv_async_t *a)
{
    lu_web_free(server);
    uv_close((uv_handle_t *)a, NULL);
}

static void *loop_thread(void *arg)
{
    uv_run(&loop, UV_RUN_DEFAULT);
    return NULL;
}

static int connect_server(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    struct timeval tv = {.tv_sec = 30};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        perror("connect");
        exit(1);
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

static void send_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

        if (n <= 0)
            return; /* the server may close early; that is checked later */
        data += n;
        len -= (size_t)n;
    }
}

/* Reads until the server closes; returns the bytes as a string. */
static char *read_all(int fd)
{
    static char buf[65536];
    size_t len = 0;
    ssize_t n;

    while (len < sizeof(buf) - 1 &&
           (n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    return buf;
}

/* One request on a fresh connection; the whole response as a string. */
static char *exchange(const char *req, size_t len)
{
    int fd = connect_server();
    char *resp;

    send_all(fd, req, len);
    resp = read_all(fd);
    close(fd);
    return resp;
}

#define EXCHANGE(s) exchange((s), sizeof(s) - 1)

static void test_get(void)
{
    char *r = EXCHANGE("GET /metrics HTTP/1.1\r\nHost: localhost\r\n"
                       "Connection: close\r\n\r\n");

    ASSERT_CONTAINS(r, "HTTP/1.1 200 OK\r\n");
    ASSERT_CONTAINS(r, "\r\n\r\n# TYPE up gauge\nup 1\n");
    /* The headers every response carries. */
    ASSERT_CONTAINS(r, "Content-Security-Policy: default-src 'self'; "
                       "frame-ancestors 'none'");
    ASSERT_CONTAINS(r, "X-Content-Type-Options: nosniff\r\n");
    ASSERT_CONTAINS(r, "Cache-Control: no-store\r\n");
    ASSERT_CONTAINS(r, "Content-Type: text/plain; charset=utf-8\r\n");

    r = EXCHANGE("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 200 OK\r\n");
    ASSERT_TRUE(strstr(r, "up 1") == NULL);

    r = EXCHANGE("GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 404 Not Found\r\n");
    ASSERT_CONTAINS(r, "nosniff");
    /* /metrics is an exact route: nothing below it. */
    r = EXCHANGE("GET /metrics/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 404 ");
}

static void test_routes_and_request(void)
{
    char *r;

    r = EXCHANGE("GET /app/x?q=%E4%B8%AD&z=1 HTTP/1.1\r\nHost: x\r\n"
                 "Cookie: a=b; sid=t0k3n\r\nConnection: close\r\n\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 200 OK\r\n");
    ASSERT_CONTAINS(r, "GET /app/x q=\xe4\xb8\xad sid=t0k3n peer=127.0.0.1 "
                       "len=0 []");
    ASSERT_CONTAINS(r, "X-Echo: yes\r\n");
    /* A header value with CR LF is dropped, never split into two. */
    ASSERT_TRUE(strstr(r, "evil") == NULL);
    ASSERT_TRUE(strstr(r, "X-Injected") == NULL);
    /* The longest route wins; a prefix route ends in '/'. */
    r = EXCHANGE("GET /app/static/s.css HTTP/1.1\r\nHost: x\r\n"
                 "Connection: close\r\n\r\n");
    ASSERT_CONTAINS(r, "body{}");
    ASSERT_TRUE(strstr(r, "no-store") == NULL);
    ASSERT_CONTAINS(r, "nosniff");
    r = EXCHANGE("GET /ap HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 404 ");
    /* A handler's status outside 100..599 is a 500. */
    r = EXCHANGE("GET /app/boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 500 ");
}

/* Bodies reach the handler whole, however they arrive. */
static void test_bodies(void)
{
    static const char head[] = "POST /app/form HTTP/1.1\r\nHost: x\r\n"
                               "Content-Length: 11\r\nConnection: close\r\n"
                               "\r\n";
    int fd = connect_server();
    char *r;

    send_all(fd, head, sizeof(head) - 1);
    for (const char *p = "hello world"; *p; p++) {
        send_all(fd, p, 1);
        usleep(2000);
    }
    r = read_all(fd);
    close(fd);
    ASSERT_CONTAINS(r, "POST /app/form q=- sid=- peer=127.0.0.1 len=11 "
                       "[hello world]");
    /* Chunked. */
    r = EXCHANGE("POST /app/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                 "chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n "
                 "world\r\n0\r\n\r\n");
    ASSERT_CONTAINS(r, "len=11 [hello world]");
}

static void test_forms(void)
{
    static const char body[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nab"
        "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
        "filename=\"m.csv\"\r\n\r\nu,i\r\n1,2\r\n--XyZ--\r\n";
    char req[1024], *r;

    r = EXCHANGE("POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: "
                 "application/x-www-form-urlencoded\r\nContent-Length: 24\r\n"
                 "Connection: close\r\n\r\na=1&b=%E4%B8%AD+x&a=2&c=");
    /* The post processor drops a last field with an empty value. */
    ASSERT_CONTAINS(r, "[a=1][b=\xe4\xb8\xad x][a=2]");
    snprintf(req, sizeof(req),
             "POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: "
             "multipart/form-data; boundary=XyZ\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n\r\n%s",
             strlen(body), body);
    r = exchange(req, strlen(req));
    ASSERT_CONTAINS(r, "[csrf=ab]");
    ASSERT_CONTAINS(r, " file m.csv 8");
}

static void test_limits(void)
{
    struct lu_buf req;
    int before = atomic_load(&served);
    char *r;

    /* A declared body over the limit: 413 before it is sent. */
    r = EXCHANGE("POST /app/x HTTP/1.1\r\nHost: x\r\nContent-Length: "
                 "1000000\r\nConnection: close\r\n\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 413 ");
    /* A chunked body that grows over it: 413, not the handler. */
    lu_buf_init(&req);
    lu_buf_adds(&req, "POST /app/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                      "chunked\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < 40; i++) {
        lu_buf_adds(&req, "400\r\n");
        for (int j = 0; j < 1024; j++)
            lu_buf_adds(&req, "z");
        lu_buf_adds(&req, "\r\n");
    }
    lu_buf_adds(&req, "0\r\n\r\n");
    r = exchange(req.data, req.len);
    ASSERT_CONTAINS(r, "HTTP/1.1 413 ");
    lu_buf_free(&req);
    /* A head larger than the connection's memory. */
    lu_buf_adds(&req, "GET /metrics HTTP/1.1\r\nX-Big: ");
    for (int i = 0; i < 64 * 1024; i++)
        lu_buf_adds(&req, "a");
    lu_buf_adds(&req, "\r\nConnection: close\r\n\r\n");
    r = exchange(req.data, req.len);
    ASSERT_TRUE(strncmp(r, "HTTP/1.1 4", 10) == 0 || r[0] == '\0');
    lu_buf_free(&req);
    /* Garbage. */
    r = EXCHANGE("hello there\r\n\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 400 ");
    r = EXCHANGE("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n");
    ASSERT_TRUE(strncmp(r, "HTTP/1.1 4", 10) == 0 || r[0] == '\0');
    /* None of these reached a handler, and the server still serves. */
    ASSERT_EQ(atomic_load(&served), before);
    r = EXCHANGE("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 200 OK\r\n");
}

static bool closed_without_data(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char c;

    if (poll(&p, 1, 10000) != 1)
        return false;
    return recv(fd, &c, 1, 0) <= 0;
}

/* More than 16 connections from one address are closed at once; the held
 * ones keep working and the slots come back. */
static void test_connection_limit(void)
{
    int fds[16], extra;
    char *r;

    for (int i = 0; i < 16; i++)
        fds[i] = connect_server();
    usleep(300000);
    extra = connect_server();
    ASSERT_TRUE(closed_without_data(extra));
    close(extra);
    send_all(fds[0],
             "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: "
             "close\r\n\r\n",
             53);
    r = read_all(fds[0]);
    ASSERT_CONTAINS(r, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 16; i++)
        close(fds[i]);
    usleep(300000);
    for (int i = 0; i < 100; i++) {
        r = EXCHANGE("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: "
                     "close\r\n\r\n");
        if (strncmp(r, "HTTP/1.1 200 OK\r\n", 17) != 0) {
            TEST_FAIL_AT("request %d after the limit: \"%.40s\"", i, r);
            break;
        }
    }
}

static void check_refused(const struct lu_web_conf *c, const char *why)
{
    char err[256] = "";

    ASSERT_TRUE(lu_web_check(c, err, sizeof(err)) < 0);
    ASSERT_CONTAINS(err, why);
}

/* Settings are checked before anything is bound. Runs before the loop
 * thread starts: libuv loops are not thread-safe. */
static void test_settings(void)
{
    static const char *bad[] = {
        "",           "9101",        "localhost:9101",  "127.0.0.1",
        "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:70000", "[::1]9101",
        "[::1]:",     "::1:9101",    "300.1.1.1:80",    "[]:80",
    };
    struct lu_web_conf c = {0};
    char err[256], addr[64];
    struct lu_web *w;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c.addr = bad[i];
        check_refused(&c, "web address");
    }
    /* Plain HTTP off loopback is refused, as --insecure is. */
    c.addr = "0.0.0.0:8080";
    check_refused(&c, "plain HTTP is for loopback only");
    c.addr = "192.168.1.10:8080";
    check_refused(&c, "--web-cert and --web-key");
    c.addr = "[::]:8080";
    check_refused(&c, "not loopback");
    c.addr = "127.0.0.1:8080";
    c.cert = "x.pem";
    check_refused(&c, "go together");
    c.cert = NULL;
    ASSERT_EQ(lu_web_check(&c, err, sizeof(err)), 0);
    c.addr = "[::1]:8080";
    ASSERT_EQ(lu_web_check(&c, err, sizeof(err)), 0);
    c.addr = "127.0.0.2:8080";
    ASSERT_EQ(lu_web_check(&c, err, sizeof(err)), 0);
    /* A missing certificate file. */
    c.addr = "0.0.0.0:0";
    c.cert = "/nonexistent/cert.pem";
    c.key = "/nonexistent/key.pem";
    ASSERT_TRUE(lu_web_new(&loop, &c, err, sizeof(err)) == NULL);
    ASSERT_CONTAINS(err, "/nonexistent/cert.pem");
    /* The port in use. */
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
    c = (struct lu_web_conf){.addr = addr};
    ASSERT_TRUE(lu_web_new(&loop, &c, err, sizeof(err)) == NULL);
    ASSERT_CONTAINS(err, "cannot listen");
    /* IPv6 loopback, where the host has it. */
    c.addr = "[::1]:0";
    w = lu_web_new(&loop, &c, err, sizeof(err));
    if (w != NULL) {
        ASSERT_TRUE(lu_web_port(w) > 0);
        lu_web_free(w);
    } else {
        printf("no IPv6 loopback here: %s\n", err);
    }
    uv_run(&loop, UV_RUN_NOWAIT);
}

int main(void)
{
    struct lu_web_conf conf = {.addr = "127.0.0.1:0", .max_body = 16 * 1024};
    char err[256] = "";
    pthread_t th;
    int held;

    uv_loop_init(&loop);
    server = lu_web_new(&loop, &conf, err, sizeof(err));
    if (server == NULL) {
        fprintf(stderr, "cannot start: %s\n", err);
        return 1;
    }
    lu_web_route(server, "/metrics", on_metrics, NULL);
    lu_web_route(server, "/app/", on_echo, NULL);
    lu_web_route(server, "/form", on_form, NULL);
    lu_web_route(server, "/app/static/", on_asset, NULL);
    port = lu_web_port(server);
    ASSERT_TRUE(port > 0);
    ASSERT_TRUE(!lu_web_tls(server));
    test_settings();
    uv_async_init(&loop, &stop_async, on_stop);
    pthread_create(&th, NULL, loop_thread, NULL);

    test_get();
    test_routes_and_request();
    test_bodies();
    test_forms();
    test_limits();
    test_connection_limit();

    /* Freed with a client still connected: it is dropped, and the loop
     * ends with every handle closed. */
    held = connect_server();
    usleep(100000);
    uv_async_send(&stop_async);
    pthread_join(th, NULL);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    ASSERT_TRUE(closed_without_data(held));
    close(held);
    return test_failures ? 1 : 0;
}
