/* The /metrics HTTP server, driven the way a scraper or an attacker would:
 * its libuv loop runs in a thread while plain blocking sockets in the main
 * thread send good requests, wrong methods, garbage, oversized heads,
 * half-closes and too many connections, and check each response byte for
 * byte. At the end the server is freed with clients still connected and
 * the loop must close with no handle left. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "test.h"
#include "util.h"

static uv_loop_t loop;
static uv_async_t stop_async;
static struct lu_http *server;
static int port;
static atomic_int served;

static int on_request(void *data, const char *path, struct lu_buf *body)
{
    atomic_fetch_add(&served, 1);
    if (strcmp(path, "/metrics") == 0) {
        lu_buf_adds(body, "# TYPE up gauge\nup 1\n");
        return 200;
    }
    if (strcmp(path, "/boom") == 0)
        return 42; /* not a status: becomes 500 */
    lu_buf_adds(body, "not found\n");
    return 404;
}

static void on_stop(uv_async_t *a)
{
    lu_http_free(server);
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
    struct timeval tv = {.tv_sec = 10};
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

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_get(void)
{
    char *r = EXCHANGE("GET /metrics HTTP/1.1\r\nHost: localhost\r\n"
                       "Accept: text/plain\r\n\r\n");

    ASSERT_STREQ(r, "HTTP/1.1 200 OK\r\n"
                    "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                    "Content-Length: 21\r\n"
                    "Connection: close\r\n\r\n"
                    "# TYPE up gauge\nup 1\n");
    /* The query is not part of the path; bare LF line ends are accepted,
     * and so are blank lines before the request line and HTTP/1.0. */
    r = EXCHANGE("GET /metrics?name[]=up HTTP/1.0\n\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 200 OK\r\n");
    r = EXCHANGE("\r\nGET /metrics HTTP/1.1\r\n\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 200 OK\r\n");
    r = EXCHANGE("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_STREQ(r, "HTTP/1.1 200 OK\r\n"
                    "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                    "Content-Length: 21\r\n"
                    "Connection: close\r\n\r\n");
    r = EXCHANGE("GET /x HTTP/1.1\r\n\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 404 Not Found\r\n");
    ASSERT_CONTAINS(r, "\r\n\r\nnot found\n");
    r = EXCHANGE("GET /boom HTTP/1.1\r\n\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 500 Internal Server Error\r\n");
}

static void test_bad_requests(void)
{
    int before = atomic_load(&served);
    char *r;

    r = EXCHANGE("POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    ASSERT_STREQ(r, "HTTP/1.1 405 Method Not Allowed\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n"
                    "Content-Length: 23\r\n"
                    "Allow: GET, HEAD\r\n"
                    "Connection: close\r\n\r\n"
                    "405 Method Not Allowed\n");
    r = EXCHANGE("DELETE / HTTP/1.1\r\n\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 405 ");
    r = EXCHANGE("get /metrics HTTP/1.1\r\n\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 405 ");

    r = EXCHANGE("hello there\r\n\r\n");
    ASSERT_STREQ(r, "HTTP/1.1 400 Bad Request\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n"
                    "Content-Length: 16\r\n"
                    "Connection: close\r\n\r\n"
                    "400 Bad Request\n");
    static const char *bad[] = {
        "GET\r\n\r\n",
        "GET /metrics\r\n\r\n",
        "GET  /metrics HTTP/1.1\r\n\r\n",
        "GET /metrics HTTP/1.1 \r\n\r\n",
        "GET metrics HTTP/1.1\r\n\r\n",
        "GET /met rics HTTP/1.1\r\n\r\n",
        "GET /metrics HTTP/1.x\r\n\r\n",
        "GET /metrics http/1.1\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nNo colon here\r\n\r\n",
        "GET /metrics HTTP/1.1\r\n: empty name\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nBad Name: x\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nX: a\x01b\r\n\r\n",
        "G\xc3\xa9T /metrics HTTP/1.1\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = exchange(bad[i], strlen(bad[i]));
        if (strncmp(r, "HTTP/1.1 400 Bad Request\r\n", 26) != 0)
            TEST_FAIL_AT("request %zu \"%s\": got \"%.40s\"", i, bad[i], r);
    }
    /* A NUL in the middle of the line. */
    r = EXCHANGE("GET /me\0trics HTTP/1.1\r\n\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 400 ");
    r = EXCHANGE("GET /metrics HTTP/2.0\r\n\r\n");
    ASSERT_CONTAINS(r, "HTTP/1.1 505 HTTP Version Not Supported\r\n");
    /* None of these reached the callback. */
    ASSERT_EQ(atomic_load(&served), before);
}

/* Garbage without a line end is answered at once, not after the timeout:
 * here a TLS ClientHello's first bytes. */
static void test_binary_garbage(void)
{
    double t0 = now_s();
    char *r = EXCHANGE("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");

    ASSERT_CONTAINS(r, "HTTP/1.1 400 ");
    ASSERT_TRUE(now_s() - t0 < 2.0);
    t0 = now_s();
    r = EXCHANGE(
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    ASSERT_CONTAINS(r, "HTTP/1.1 400 ");
    ASSERT_TRUE(now_s() - t0 < 2.0);
}

static void test_big_head(void)
{
    struct lu_buf req;
    char *r;

    lu_buf_init(&req);
    lu_buf_adds(&req, "GET /metrics HTTP/1.1\r\nX-Big: ");
    for (int i = 0; i < 10 * 1024; i++)
        lu_buf_adds(&req, "a");
    lu_buf_adds(&req, "\r\n\r\n");
    r = exchange(req.data, req.len);
    ASSERT_CONTAINS(r, "HTTP/1.1 431 Request Header Fields Too Large\r\n");
    lu_buf_free(&req);

    /* Many small headers add up too; a head just under the cap is fine. */
    lu_buf_adds(&req, "GET /metrics HTTP/1.1\r\n");
    while (req.len < 8192 - 40)
        lu_buf_adds(&req, "X-A: b\r\n");
    lu_buf_adds(&req, "\r\n");
    r = exchange(req.data, req.len);
    ASSERT_CONTAINS(r, "HTTP/1.1 200 OK\r\n");
    req.len -= 2; /* take the blank line off again */
    while (req.len < 9000)
        lu_buf_adds(&req, "X-A: b\r\n");
    lu_buf_adds(&req, "\r\n");
    r = exchange(req.data, req.len);
    ASSERT_CONTAINS(r, "HTTP/1.1 431 ");
    lu_buf_free(&req);

    /* A large body after a bad method is read and dropped: the client
     * still gets the whole response rather than a reset. */
    lu_buf_adds(&req, "PUT /metrics HTTP/1.1\r\nContent-Length: 30000\r\n\r\n");
    for (int i = 0; i < 30000; i++)
        lu_buf_adds(&req, "z");
    r = exchange(req.data, req.len);
    ASSERT_CONTAINS(r, "HTTP/1.1 405 ");
    ASSERT_CONTAINS(r, "405 Method Not Allowed\n");
    lu_buf_free(&req);
}

/* A client that sends its request in pieces and half-closes after it. */
static void test_trickle_and_half_close(void)
{
    static const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    int fd = connect_server();
    char *r;

    for (size_t i = 0; i < sizeof(req) - 1; i++) {
        send_all(fd, req + i, 1);
        usleep(2000);
    }
    shutdown(fd, SHUT_WR);
    r = read_all(fd);
    ASSERT_CONTAINS(r, "HTTP/1.1 200 OK\r\n");
    ASSERT_CONTAINS(r, "up 1\n");
    close(fd);

    /* Half-closed in the middle of the head: 400, not silence. */
    fd = connect_server();
    send_all(fd, "GET /metrics HTTP/1.1\r\nHo", 25);
    shutdown(fd, SHUT_WR);
    r = read_all(fd);
    ASSERT_CONTAINS(r, "HTTP/1.1 400 ");
    close(fd);
}

/* A client that connects and sends nothing is dropped after 5 s. */
static void test_idle_timeout(void)
{
    int fd = connect_server();
    double t0 = now_s();
    char *r = read_all(fd);
    double dt = now_s() - t0;

    ASSERT_STREQ(r, "");
    if (dt < 4.0 || dt > 8.0)
        TEST_FAIL_AT("idle connection closed after %.1f s, want about 5", dt);
    close(fd);
}

static bool closed_without_data(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char c;

    if (poll(&p, 1, 3000) != 1)
        return false;
    return recv(fd, &c, 1, 0) <= 0;
}

static void test_connection_limit(void)
{
    int fds[64], extra;
    char *r;

    for (int i = 0; i < 64; i++)
        fds[i] = connect_server();
    usleep(300000); /* let the loop accept them all */
    extra = connect_server();
    ASSERT_TRUE(closed_without_data(extra));
    close(extra);
    /* The 64 held connections still work. */
    send_all(fds[0], "GET /metrics HTTP/1.1\r\n\r\n", 25);
    r = read_all(fds[0]);
    ASSERT_CONTAINS(r, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 64; i++)
        close(fds[i]);
    usleep(300000);
    /* Slots come back, and many requests in a row leak none of them. */
    for (int i = 0; i < 300; i++) {
        r = EXCHANGE("GET /metrics HTTP/1.1\r\n\r\n");
        if (strncmp(r, "HTTP/1.1 200 OK\r\n", 17) != 0) {
            TEST_FAIL_AT("request %d after the limit: \"%.40s\"", i, r);
            break;
        }
    }
}

/* Addresses are checked before anything is bound. Runs before the loop
 * thread starts: libuv loops are not thread-safe. */
static void test_addresses(void)
{
    static const char *bad[] = {
        "",           "9101",        "localhost:9101",  "127.0.0.1",
        "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:70000", "[::1]9101",
        "[::1]:",     "::1:9101",    "300.1.1.1:80",    "[]:80",
    };
    char err[256], addr[64];
    struct lu_http *h;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        h = lu_http_new(&loop, bad[i], on_request, NULL, err, sizeof(err));
        if (h != NULL) {
            TEST_FAIL_AT("address \"%s\" accepted", bad[i]);
            lu_http_free(h);
        }
        ASSERT_CONTAINS(err, "http address");
    }
    /* The port in use. */
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
    h = lu_http_new(&loop, addr, on_request, NULL, err, sizeof(err));
    ASSERT_TRUE(h == NULL);
    ASSERT_CONTAINS(err, "address already in use");
    /* IPv6 loopback, where the host has it. */
    h = lu_http_new(&loop, "[::1]:0", on_request, NULL, err, sizeof(err));
    if (h != NULL) {
        ASSERT_TRUE(lu_http_port(h) > 0);
        lu_http_free(h);
    } else {
        printf("no IPv6 loopback here: %s\n", err);
    }
    uv_run(&loop, UV_RUN_NOWAIT);
}

int main(void)
{
    char err[256] = "";
    pthread_t th;
    int held;

    uv_loop_init(&loop);
    server =
        lu_http_new(&loop, "127.0.0.1:0", on_request, NULL, err, sizeof(err));
    if (server == NULL) {
        fprintf(stderr, "cannot start: %s\n", err);
        return 1;
    }
    port = lu_http_port(server);
    ASSERT_TRUE(port > 0);
    test_addresses();
    uv_async_init(&loop, &stop_async, on_stop);
    pthread_create(&th, NULL, loop_thread, NULL);

    test_get();
    test_bad_requests();
    test_binary_garbage();
    test_big_head();
    test_trickle_and_half_close();
    test_connection_limit();
    test_idle_timeout();

    /* Freed with a client still connected: it is dropped, and the loop
     * ends with every handle closed. */
    held = connect_server();
    usleep(100000);
    uv_async_send(&stop_async);
    pthread_join(th, NULL);
    ASSERT_TRUE(closed_without_data(held));
    close(held);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    TEST_DONE();
}
